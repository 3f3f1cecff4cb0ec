"""Migrations after m007, one module each (`m008_….py`), registered in file-name order.

Each module defines one function decorated with `refocus_cli.store.migrations.migration`;
`migrations.py` imports them all, sorted by name, after its own. Never edit one that has
shipped; add the next.
"""
