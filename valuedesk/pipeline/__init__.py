"""Runs the stages for videos: settings, progress events, the analysis child process, batches."""

from valuedesk.pipeline.analyze import AnalysisCancelled, AnalysisEngine, AnalysisOutput
from valuedesk.pipeline.batch import Analyzer, Job, JobResult, collect_media
from valuedesk.pipeline.events import STAGE_NAMES, ProgressEvent
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.worker import AnalysisCrashed, AnalysisFailed, AnalysisProcess

__all__ = [
    "STAGE_NAMES",
    "AnalysisCancelled",
    "AnalysisCrashed",
    "AnalysisEngine",
    "AnalysisFailed",
    "AnalysisOutput",
    "AnalysisProcess",
    "AnalysisSettings",
    "Analyzer",
    "Job",
    "JobResult",
    "ProgressEvent",
    "collect_media",
]
