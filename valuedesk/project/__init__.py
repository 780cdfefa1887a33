from valuedesk.project.records import AnalysisRecord, EvidenceRow, ReviewedExample, ScoreRow, SearchHit
from valuedesk.project.store import Project, ProjectError

__all__ = ["AnalysisRecord", "EvidenceRow", "Project", "ProjectError", "ReviewedExample", "ScoreRow", "SearchHit"]
