"""Outputs written for people and other programs: files, calendars, handouts."""
