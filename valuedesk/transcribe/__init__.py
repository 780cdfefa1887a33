"""Speech to timed lines: Whisper models (installed, never downloaded), language, translation."""

from .models import ModelFolderError, SpeechModel, installed_models, packaged_model_dir
from .speech import Span
from .whisper import (
    SAMPLE_RATE,
    Transcriber,
    TranscribeSettings,
    Transcript,
    resolve_compute_type,
    resolve_device,
    resolve_model_dir,
)

__all__ = [
    "SAMPLE_RATE",
    "ModelFolderError",
    "Span",
    "SpeechModel",
    "Transcriber",
    "TranscribeSettings",
    "Transcript",
    "installed_models",
    "packaged_model_dir",
    "resolve_compute_type",
    "resolve_device",
    "resolve_model_dir",
]
