"""SQLite through sqlite-utils: the only place SQL is written."""
