"""Report and export errors, Qt-free so CSV/JSON exports never load Qt."""

from __future__ import annotations


class ReportError(Exception):
    """A report or export cannot be made (bad paper, nothing analysed, unknown creator, ...)."""
