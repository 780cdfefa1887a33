"""Reusable Qt widgets and the main window of ValueDesk (the only package that imports widgets)."""
