"""The REFOCUS domain in pure Python: no database, no terminal, no templates."""
