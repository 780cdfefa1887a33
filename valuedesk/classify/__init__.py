"""Step 2 of the method: value classifiers (trained model, zero-shot baseline) and their loader.

Heavy modules (torch, transformers) are imported only when needed: a trained or baseline
classifier normally runs on ONNX Runtime from the per-user cache (onnx_backend.py), so loading
it imports neither; torch is imported for the one-off export, the fallback and training.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from valuedesk.classify.base import Evidence, Profile, ValueClassifier, ValueScore

if TYPE_CHECKING:
    from valuedesk.classify.model import VideoRules

__all__ = [
    "Evidence",
    "Profile",
    "ValueClassifier",
    "ValueScore",
    "auto_device",
    "default_model_dir",
    "load_classifier",
]

MODEL_ENV = "VALUEDESK_MODEL_DIR"


def default_model_dir() -> Path:
    """The shipped model folder (`models/value-minilm`), or $VALUEDESK_MODEL_DIR when set."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    from valuedesk.classify.model import DEFAULT_MODEL_DIR

    return DEFAULT_MODEL_DIR


def auto_device() -> str:
    """ "cuda" when torch sees a GPU, else "cpu" — without importing a CPU-only torch build (≈1 s)."""
    from importlib import metadata

    try:
        version = metadata.version("torch")
    except metadata.PackageNotFoundError:
        return "cpu"
    if "+cpu" in version:
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_classifier(
    name: str = "trained", *, device: str = "cpu", rules: VideoRules | None = None
) -> ValueClassifier:
    """ "trained" (the shipped model), "baseline" (zero-shot), or a folder with a user-trained model.

    Loads from the installed MiniLM package and local files only; never touches the network.
    `device="auto"` picks cuda when available (auto_device); on cpu inference runs on ONNX Runtime.
    Callers may call `warm_up()` on the result off the critical path (it runs one tiny batch).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if device == "auto":
        device = auto_device()
    if name == "baseline":
        from valuedesk.classify.baseline import ZeroShotClassifier

        return ZeroShotClassifier(device=device, rules=rules)
    from valuedesk.classify.model import TrainedClassifier

    folder = default_model_dir() if name == "trained" else Path(name)
    return TrainedClassifier(folder, device=device, rules=rules)
