"""ValueDesk: an offline explorer of the human values that short videos express or contradict."""

import os as _os

# Offline by construction: Hugging Face libraries must never reach for a hub.
for _k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY"):
    _os.environ.setdefault(_k, "1")

__version__ = "0.1.0"
