"""Scene notes: opening summary, cuts, faces, sound without speech."""

from __future__ import annotations

from collections.abc import Sequence

from tests.support.clipgen import ClipTruth
from valuedesk.media import extract_keyframes, load_audio, probe, scene_notes
from valuedesk.media.cues import count_faces
from valuedesk.script import ScriptLine
from valuedesk.transcribe import Transcriber, Transcript


def _notes(
    clip: ClipTruth, speech_lines: Sequence[ScriptLine] = (), with_audio: bool = True
) -> list[ScriptLine]:
    info = probe(clip.path)
    keyframes, cuts = extract_keyframes(clip.path, info)
    audio = load_audio(clip.path) if with_audio else None
    return scene_notes(info, keyframes, cuts, speech_lines, audio=audio)


def test_speech_clip_notes(speech_clip: ClipTruth, speech_transcript: Transcript) -> None:
    notes = _notes(speech_clip, speech_transcript.lines)
    scene = [n for n in notes if n.kind == "scene"]
    opening = scene[0]
    assert opening.start_ms == 0
    assert opening.text.startswith("Vertical video, 10 s, 3 shots,") or opening.text.startswith(
        "Vertical video, 11 s, 3 shots,"
    )
    assert "speech" in opening.text
    assert "One person faces the camera." in opening.text  # the portrait in the first shot
    cut_notes = [n for n in scene if "Cut to a new shot." in n.text]
    assert [n.start_ms for n in cut_notes] == [n.start_ms for n in scene[1:]]
    assert len(cut_notes) == 2
    assert "No one on screen." in cut_notes[0].text  # the second shot is empty
    assert "No one on screen." not in cut_notes[1].text  # unchanged: not repeated
    assert not [n for n in notes if n.kind == "sound"]


def test_music_without_speech(music_clip: ClipTruth, transcriber: Transcriber) -> None:
    audio = load_audio(music_clip.path)
    speech = transcriber.transcribe(audio).lines
    notes = _notes(music_clip, speech)
    sound = [n for n in notes if n.kind == "sound"]
    assert len(sound) == 1
    assert sound[0].text == "Music or sound without speech"
    assert sound[0].start_ms <= 300 and 3000 <= sound[0].end_ms <= 4300


def test_silent_and_audio_only(silent_video_clip: ClipTruth, audio_only_clip: ClipTruth) -> None:
    silent = _notes(silent_video_clip)
    assert silent[0].text.startswith("Vertical video, 4 s, 2 shots, no sound.")
    voice = _notes(audio_only_clip, with_audio=False)
    assert len(voice) == 1 and voice[0].text.startswith("Audio only,")


def test_count_faces_on_plain_picture() -> None:
    import numpy as np

    assert count_faces(np.full((640, 360, 3), 90, dtype=np.uint8)) == 0


def test_no_music_note_where_vad_heard_a_voice(speech_clip: ClipTruth) -> None:
    """Speech Whisper failed to transcribe is not 'music': with no transcript at all, the notes
    follow the voice activity the transcriber found (issue 11: 26–108 s of speech marked music)."""
    from valuedesk.media.cues import sound_lines
    from valuedesk.transcribe.speech import speech_regions

    audio = load_audio(speech_clip.path)
    assert sound_lines(audio, [])  # with neither transcript nor voice: the speech looks like sound
    voice = [(r.start_ms, r.end_ms) for r in speech_regions(audio)]
    assert voice and not sound_lines(audio, [], voice=voice)
