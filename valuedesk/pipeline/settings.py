"""Analysis settings: what the user can change, persisted by the UI and recorded with every run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

DEVICES = ("auto", "cpu", "cuda")
# How a local LLM server takes part (issue 13): not at all; writing scene notes from keyframes and
# labelling the values (the paper's best configuration); frames + transcript straight to values
# (its one-step baseline); the trained encoder proposing and the LLM confirming each flagged
# value's side; or scene notes only, read by the encoder.
LLM_MODES = ("off", "two-step", "direct", "combine", "scenes")


@dataclass
class AnalysisSettings:
    asr_model: str | None = (
        None  # a name from `valuedesk models` (tiny.en, base) or a Whisper folder; None = tiny.en
    )
    device: str = "auto"  # auto | cpu | cuda (ASR and classifier)
    compute_type: str = "auto"  # CTranslate2 compute type; auto = int8 on CPU, float16 on CUDA
    threads: int = 0  # 0 = all cores
    language: str | None = None  # None = detect
    classifier: str = "trained"  # "trained" (shipped model), "baseline" (zero-shot) or a model folder
    ocr: bool = True
    keyframe_interval_s: float = 2.0
    llm_mode: str = "off"  # one of LLM_MODES
    llm_url: str | None = None  # an OpenAI-compatible server; None = $VALUEDESK_LLM_URL
    llm_model: str | None = None  # None = $VALUEDESK_LLM_MODEL, else the server's first model
    llm_allow_remote: bool = False  # the user's explicit opt-in to a server off this machine

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, not {self.device!r}")
        if not 0.25 <= float(self.keyframe_interval_s) <= 30:
            raise ValueError("keyframe interval must be between 0.25 and 30 seconds")
        if self.llm_mode not in LLM_MODES:
            raise ValueError(f"LLM mode must be one of {LLM_MODES}, not {self.llm_mode!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisSettings:
        known = {f.name for f in fields(cls)}
        data = dict(data)
        if "asr_model_dir" in data and "asr_model" not in data:  # runs saved before issue 11
            data["asr_model"] = data.pop("asr_model_dir")
        return cls(**{k: v for k, v in data.items() if k in known})
