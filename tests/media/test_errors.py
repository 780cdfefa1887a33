"""Every stage refuses broken input with a MediaError that names the file in plain words."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.mediafixtures import BadMedia
from tests.support.clipgen import ClipTruth
from valuedesk.media import MediaError, MediaInfo, extract_keyframes, load_audio, probe, sha256_file
from valuedesk.transcribe import Transcriber

CASES = ["empty", "truncated", "truncated_tail", "text", "missing"]


def _stages(good_info: MediaInfo) -> dict[str, Callable[[Path], object]]:
    return {
        "probe": probe,
        "load_audio": load_audio,
        "extract_keyframes": lambda p: extract_keyframes(p, good_info),
    }


@pytest.mark.parametrize("case", CASES)
def test_every_stage_raises_media_error(case: str, bad_media_dir: BadMedia, speech_clip: ClipTruth) -> None:
    path: Path = getattr(bad_media_dir, case)
    for stage, run in _stages(probe(speech_clip.path)).items():
        with pytest.raises(MediaError) as err:
            run(path)
        message = str(err.value)
        assert message.startswith(f"{path.name}: "), (stage, message)
        assert err.value.path == os.fspath(path)
        assert err.value.cause and err.value.cause in message


def test_messages_say_what_is_wrong(bad_media_dir: BadMedia) -> None:
    def cause(p: Path) -> str:
        with pytest.raises(MediaError) as err:
            probe(p)
        return err.value.cause

    assert "empty" in cause(bad_media_dir.empty)
    assert "not found" in cause(bad_media_dir.missing)
    assert "truncated" in cause(bad_media_dir.truncated)
    assert "not a video or audio file" in cause(bad_media_dir.text)
    assert "folder" in cause(bad_media_dir.folder)


def test_no_streams(tmp_path: Path, speech_clip: ClipTruth) -> None:
    # the first bytes of an mp4: a valid header and no streams at all
    stub = tmp_path / "stub.mp4"
    stub.write_bytes(speech_clip.path.read_bytes()[:64])
    with pytest.raises(MediaError) as err:
        probe(stub)
    assert str(err.value).startswith("stub.mp4: not a video or audio file")


def test_transcriber_refuses_bad_files(transcriber: Transcriber, bad_media_dir: BadMedia) -> None:
    with pytest.raises(MediaError, match="truncated.mp4"):
        transcriber.transcribe(bad_media_dir.truncated)


def test_error_is_printable_and_picklable(tmp_path: Path) -> None:
    odd = os.fsencode(tmp_path) + b"/odd-\xff.mp4"
    with pytest.raises(MediaError) as err:
        sha256_file(odd)
    text = str(err.value)
    text.encode("utf-8")  # no lone surrogates: safe to print and log
    assert text.startswith("odd-\ufffd.mp4: file not found")
    again = pickle.loads(pickle.dumps(err.value))
    assert isinstance(again, MediaError) and str(again) == text
