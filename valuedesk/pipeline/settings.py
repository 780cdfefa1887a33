"""Analysis settings: what the user can change, persisted by the UI and recorded with every run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

DEVICES = ("auto", "cpu", "cuda")


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

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, not {self.device!r}")
        if not 0.25 <= float(self.keyframe_interval_s) <= 30:
            raise ValueError("keyframe interval must be between 0.25 and 30 seconds")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisSettings:
        known = {f.name for f in fields(cls)}
        data = dict(data)
        if "asr_model_dir" in data and "asr_model" not in data:  # runs saved before issue 11
            data["asr_model"] = data.pop("asr_model_dir")
        return cls(**{k: v for k, v in data.items() if k in known})
