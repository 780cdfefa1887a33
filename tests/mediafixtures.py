"""Session-scoped generated media (espeak-ng speech, PyAV video with drawn text). Owned by the media stage.

Everything is made once per test session under a temporary folder, so media tests stay fast
and never depend on files outside the repository. The portrait in tests/media/data is a public
domain photograph (Grace Hopper, U.S. Navy) used to give the face cue something real to find.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.clipgen import ClipSegment, ClipTruth, espeak_available, make_clip

if TYPE_CHECKING:
    from valuedesk.transcribe import Transcriber, Transcript

PORTRAIT = Path(__file__).parent / "media" / "data" / "portrait.jpg"

ENGLISH = "Hey guys, welcome back to my channel. Today I have a really special video for you."
GERMAN = (
    "Heute zeige ich euch meinen neuen Hund. Er heißt Bruno und er ist sehr lieb. "
    "Wir gehen jeden Morgen zusammen in den Park."
)

# Natural, different sentences (one sentence repeated makes Whisper slow and loopy).
SPEECH_SEGMENTS = (
    ClipSegment(
        "Every morning I wake up early and go running by the lake.",
        "MY MORNING ROUTINE",
        background=(30, 60, 90),
        picture=PORTRAIT,
    ),
    ClipSegment("Then I cook breakfast for my little sister.", "FAMILY FIRST", background=(110, 40, 40)),
    ClipSegment(
        "Hard work pays off, so never give up on your dreams.", "NEVER GIVE UP", background=(40, 100, 50)
    ),
)


def _need_espeak() -> None:
    if not espeak_available():
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def speech_clip(media_dir: Path) -> ClipTruth:
    """≈10 s vertical mp4: three shots (the first with a person), a caption each, known speech."""
    _need_espeak()
    return make_clip(media_dir / "speech.mp4", SPEECH_SEGMENTS)


@pytest.fixture(scope="session")
def subtitled_clip(media_dir: Path) -> ClipTruth:
    """The same shots with the speech burned in at the bottom, a few words at a time."""
    _need_espeak()
    return make_clip(media_dir / "subtitled.mp4", SPEECH_SEGMENTS, subtitles=True)


@pytest.fixture(scope="session")
def audio_only_clip(media_dir: Path) -> ClipTruth:
    """Speech only, in an .m4a (AAC) file."""
    _need_espeak()
    return make_clip(
        media_dir / "voice.m4a",
        [
            ClipSegment("Please be kind to people who are different from you."),
            ClipSegment("Saving a little money every month really adds up."),
        ],
        video=False,
    )


@pytest.fixture(scope="session")
def silent_video_clip(media_dir: Path) -> ClipTruth:
    """Two captioned shots and no audio stream at all."""
    return make_clip(
        media_dir / "silent.mp4",
        [
            ClipSegment(onscreen="SILENT TUTORIAL", duration_s=2.0, background=(20, 70, 110)),
            ClipSegment(onscreen="STEP TWO", duration_s=2.0, background=(120, 80, 20)),
        ],
        audio=False,
    )


@pytest.fixture(scope="session")
def music_clip(media_dir: Path) -> ClipTruth:
    """Four seconds of a tone melody without speech, then one spoken sentence."""
    _need_espeak()
    return make_clip(
        media_dir / "music.mp4",
        [
            ClipSegment(onscreen="VIBES", duration_s=4.0, music=True, background=(60, 20, 90)),
            ClipSegment("I spent the whole weekend painting.", background=(90, 90, 30)),
        ],
    )


@dataclass(frozen=True)
class BadMedia:
    """Files every stage must refuse with a MediaError (and one odd name that must work)."""

    folder: Path
    empty: Path  # zero bytes
    truncated: Path  # first 40 % of speech_clip (index up front, samples missing)
    truncated_tail: Path  # first 60 % of a clip whose index sits at the end
    text: Path  # a text file named .mp4
    missing: Path  # does not exist
    odd_name: bytes  # a valid copy of speech_clip named b'clip-\xff.mp4' (not UTF-8)


@pytest.fixture(scope="session")
def bad_media_dir(media_dir: Path, speech_clip: ClipTruth) -> BadMedia:
    folder = media_dir / "bad"
    folder.mkdir()
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    data = speech_clip.path.read_bytes()
    truncated = folder / "truncated.mp4"
    truncated.write_bytes(data[: int(len(data) * 0.4)])
    tail_clip = make_clip(
        media_dir / "tail-index.mp4",
        [ClipSegment(onscreen="INDEX AT THE END", duration_s=2.0)],
        audio=False,
        faststart=False,
    )
    tail_data = tail_clip.path.read_bytes()
    truncated_tail = folder / "truncated-tail.mp4"
    truncated_tail.write_bytes(tail_data[: int(len(tail_data) * 0.6)])
    text = folder / "notes.mp4"
    text.write_text("Shopping list:\n- milk\n- eggs\n", encoding="utf-8")
    odd = bytes(folder) + b"/clip-\xff.mp4"
    shutil.copyfile(speech_clip.path, odd)
    return BadMedia(folder, empty, truncated, truncated_tail, text, folder / "missing.mp4", odd)


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """One packaged tiny.en model for the whole session (loading costs about a second)."""
    from valuedesk.transcribe import Transcriber

    return Transcriber()


@pytest.fixture(scope="session")
def speech_transcript(transcriber: Transcriber, speech_clip: ClipTruth) -> Transcript:
    """The speech clip transcribed once (the subtitled clip has the same speech and timing)."""
    return transcriber.transcribe(speech_clip.path)


@pytest.fixture(scope="session")
def code_switch_clip(tmp_path_factory: pytest.TempPathFactory) -> ClipTruth:
    """English, then German (a slower male German voice: espeak's default one is hard to follow)."""
    if not espeak_available():
        pytest.skip("needs espeak-ng")
    return make_clip(
        tmp_path_factory.mktemp("lang") / "switch.mp4",
        [
            ClipSegment(ENGLISH, "MY NEW DOG", background=(30, 60, 90)),
            ClipSegment(GERMAN, "MEIN NEUER HUND", background=(90, 60, 30), voice="de+m3", speed_wpm=140),
        ],
    )
