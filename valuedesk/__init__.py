"""ValueDesk: an offline explorer of the human values that short videos express or contradict."""

import os as _os

# Offline by construction: Hugging Face libraries must never reach for a hub.
for _k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
    _os.environ.setdefault(_k, "1")

# onnxruntime (the classifier and RapidOCR) writes a device id and usage events under
# ~/.cache/Microsoft/DeveloperTools and tries to send them, from native code, unless this is
# set before it loads. Every entry point (CLI, GUI, analysis worker, tests) imports this package
# first, so it is set here, and always (no telemetry, ever: not an overridable default).
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
