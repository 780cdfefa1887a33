"""Reports and exports: PDF per video / per creator, CSV, JSON, quote table, ValueEval TSV, SRT/VTT.

pdf_video.write_video_report, pdf_creator.write_creator_report (QtGui only, never widgets) and
exports.export (Qt-free). All read valuedesk.review.video_reading, so reviewed labels show the
same everywhere, and all write only the chosen path (safeio).
"""

from valuedesk.report.errors import ReportError

__all__ = ["ReportError"]
