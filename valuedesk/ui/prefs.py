"""What the app remembers between sessions (QSettings, organisation "ValueDesk").

One module owns the keys so the window, the welcome screen and the settings dialog never
disagree on names or types (QSettings hands back strings for everything on Linux).
"""

from __future__ import annotations

import os
from typing import Any, cast

from PySide6.QtCore import QSettings

from valuedesk.pipeline import AnalysisSettings

ORG = "ValueDesk"
APP = "ValueDesk"
MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings(ORG, APP)


def _bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


def recent_projects() -> list[str]:
    value: Any = settings().value("projects/recent", [])  # a list, a str (one item) or None
    if isinstance(value, str):
        value = [value] if value else []
    return [str(p) for p in (value or []) if p]


def remember_project(path: str) -> None:
    """Most recent first, no duplicates; also the project to reopen next time."""
    path = os.path.abspath(path)
    items = [path] + [p for p in recent_projects() if os.path.abspath(p) != path]
    s = settings()
    s.setValue("projects/recent", items[:MAX_RECENT])
    s.setValue("projects/last", path)


def forget_project(path: str) -> None:
    path = os.path.abspath(path)
    s = settings()
    s.setValue("projects/recent", [p for p in recent_projects() if os.path.abspath(p) != path])
    if s.value("projects/last") == path:
        s.remove("projects/last")


def last_project() -> str | None:
    value = settings().value("projects/last")
    return str(value) if value else None


def clear_last_project() -> None:
    settings().remove("projects/last")


def theme_mode() -> str:
    return str(settings().value("view/theme", "system"))


def set_theme_mode(mode: str) -> None:
    settings().setValue("view/theme", mode)


def load_analysis_settings() -> AnalysisSettings:
    """The user's analysis settings; anything unreadable falls back to the default."""
    s = settings()
    default = AnalysisSettings()
    data: dict[str, Any] = {
        "asr_model": str(s.value("analysis/asr_model", "") or s.value("analysis/asr_model_dir", "") or "")
        or None,
        "classifier": str(s.value("analysis/classifier", default.classifier) or default.classifier),
        "device": str(s.value("analysis/device", default.device) or default.device),
        "ocr": _bool(s.value("analysis/ocr"), default.ocr),
        "llm_mode": str(s.value("analysis/llm_mode", default.llm_mode) or default.llm_mode),
        "llm_url": str(s.value("analysis/llm_url", "") or "") or None,
        "llm_model": str(s.value("analysis/llm_model", "") or "") or None,
        "llm_allow_remote": _bool(s.value("analysis/llm_allow_remote"), default.llm_allow_remote),
    }
    try:
        # QSettings hands back whatever was stored (usually a str); int()/float() reject the unreadable.
        data["threads"] = int(cast(Any, s.value("analysis/threads", default.threads)))
        data["keyframe_interval_s"] = float(
            cast(Any, s.value("analysis/keyframe_interval_s", default.keyframe_interval_s))
        )
    except (TypeError, ValueError):
        pass
    try:
        return AnalysisSettings.from_dict(data)
    except ValueError:
        return default


def save_analysis_settings(value: AnalysisSettings) -> None:
    s = settings()
    s.setValue("analysis/asr_model", value.asr_model or "")
    s.remove("analysis/asr_model_dir")
    s.setValue("analysis/classifier", value.classifier)
    s.setValue("analysis/device", value.device)
    s.setValue("analysis/threads", int(value.threads))
    s.setValue("analysis/ocr", bool(value.ocr))
    s.setValue("analysis/keyframe_interval_s", float(value.keyframe_interval_s))
    s.setValue("analysis/llm_mode", value.llm_mode)
    s.setValue("analysis/llm_url", value.llm_url or "")
    s.setValue("analysis/llm_model", value.llm_model or "")
    s.setValue("analysis/llm_allow_remote", bool(value.llm_allow_remote))
