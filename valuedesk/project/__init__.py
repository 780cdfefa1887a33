from valuedesk.project.records import AnalysisRecord, EvidenceRow, ReviewedExample, ScoreRow, SearchHit
from valuedesk.project.store import Project, ProjectError, video_fs_path

__all__ = [
    "AnalysisRecord",
    "EvidenceRow",
    "Project",
    "ProjectError",
    "ReviewedExample",
    "ScoreRow",
    "SearchHit",
    "video_fs_path",
]
