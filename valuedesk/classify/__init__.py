"""Step 2 of the method: value classifiers (trained model, zero-shot baseline) and their loader.

Heavy modules (torch, transformers) are imported only when a classifier is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from valuedesk.classify.base import Evidence, Profile, ValueClassifier, ValueScore

if TYPE_CHECKING:
    from valuedesk.classify.model import VideoRules

__all__ = ["Evidence", "Profile", "ValueClassifier", "ValueScore", "load_classifier", "default_model_dir"]

MODEL_ENV = "VALUEDESK_MODEL_DIR"


def default_model_dir() -> Path:
    """The shipped model folder (`models/value-minilm`), or $VALUEDESK_MODEL_DIR when set."""
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env)
    from valuedesk.classify.model import DEFAULT_MODEL_DIR

    return DEFAULT_MODEL_DIR


def load_classifier(name: str = "trained", *, device: str = "cpu", rules: VideoRules | None = None) -> ValueClassifier:
    """"trained" (the shipped model), "baseline" (zero-shot), or a folder with a user-trained model.

    Loads from the installed MiniLM package and local files only; never touches the network.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if name == "baseline":
        from valuedesk.classify.baseline import ZeroShotClassifier

        return ZeroShotClassifier(device=device, rules=rules)
    from valuedesk.classify.model import TrainedClassifier

    folder = default_model_dir() if name == "trained" else Path(name)
    return TrainedClassifier(folder, device=device, rules=rules)
