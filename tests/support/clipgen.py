"""Small REAL media for tests, samples and benchmarks: espeak-ng speech over drawn TikTok-style shots.

Every test of the media and transcription stages runs on files made here, so the generator must
be deterministic, quick (a 10 s clip in well under a second of encoding) and produce ordinary
h264/AAC mp4 files that PyAV, Whisper, OpenCV and VLC all read like a downloaded video.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
SAMPLE_RATE = 22050  # espeak-ng's native rate; AAC encodes it directly
_LEAD_S = 0.2  # silence before the speech inside a shot (at most)
_TAIL_S = 0.4  # a shot lasts its speech plus this
_MIN_SHOT_S = 1.5


@dataclass
class ClipSegment:
    """One shot: optional speech, optional on-screen caption, its own background colour.

    `music` lays a simple tone melody under the shot (sound without speech, for the cues stage);
    `picture` is an image file (e.g. a portrait) shown in the middle of the shot.
    """

    speech: str | None = None
    onscreen: str | None = None
    duration_s: float | None = None
    background: tuple[int, int, int] = (40, 40, 60)
    voice: str = "en-us"
    speed_wpm: int = 165
    music: bool = False
    picture: str | Path | None = None


@dataclass(frozen=True)
class SegmentTruth:
    start_ms: int
    end_ms: int
    speech: str | None
    onscreen: str | None
    speech_start_ms: int | None = None
    speech_end_ms: int | None = None


@dataclass
class ClipTruth:
    """What was put into a generated clip, for tests to compare stage output with."""

    path: Path
    duration_ms: int
    segments: list[SegmentTruth] = field(default_factory=list)
    has_video: bool = True
    has_audio: bool = True

    @property
    def cuts_ms(self) -> list[int]:
        return [s.start_ms for s in self.segments[1:]]

    @property
    def speech_text(self) -> str:
        return " ".join(s.speech for s in self.segments if s.speech)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(text: str, voice: str = "en-us", *, speed_wpm: int = 165) -> np.ndarray:
    """Speak `text` with espeak-ng; float32 mono at SAMPLE_RATE (22050 Hz)."""
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed (apt install espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="vd-tts-") as tmp:
        wav_path = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed_wpm), "-w", str(wav_path), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        with wave.open(str(wav_path), "rb") as wf:
            rate, width, channels = wf.getframerate(), wf.getsampwidth(), wf.getnchannels()
            raw = wf.readframes(wf.getnframes())
    if width != 2:
        raise RuntimeError(f"espeak-ng wrote {width * 8}-bit audio; expected 16-bit")
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE:  # linear resample; espeak-ng writes 22050 Hz in practice
        n = round(len(pcm) * SAMPLE_RATE / rate)
        pcm = np.interp(np.linspace(0, len(pcm) - 1, n), np.arange(len(pcm)), pcm).astype(np.float32)
    return pcm


def _melody(n_samples: int, seed: int) -> np.ndarray:
    """A soft arpeggio of sine notes with a fade on each note: clearly 'music', clearly not speech."""
    notes = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63]
    rng = np.random.default_rng(seed)
    note_len = int(0.25 * SAMPLE_RATE)
    out = np.zeros(n_samples, dtype=np.float32)
    env = np.minimum(1.0, np.linspace(4, 0, note_len)).astype(np.float32)
    t = np.arange(note_len) / SAMPLE_RATE
    for i, start in enumerate(range(0, n_samples, note_len)):
        f = notes[(i + int(rng.integers(0, 2))) % len(notes)]
        tone = (0.6 * np.sin(2 * math.pi * f * t) + 0.25 * np.sin(4 * math.pi * f * t)) * env
        seg = out[start : start + note_len]
        seg += 0.25 * tone[: len(seg)].astype(np.float32)
    return out


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _draw_block(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int, top: int
) -> None:
    """White, black-outlined, centred, wrapped text starting at `top` (the TikTok caption look)."""
    stroke = max(2, font.size // 10)
    line_h = int(font.size * 1.25)
    for i, line in enumerate(_wrap(text, font, width * 0.86)):
        w = font.getlength(line)
        draw.text(
            ((width - w) / 2, top + i * line_h),
            line,
            font=font,
            fill=(255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0),
        )


def _paste_picture(img: Image.Image, picture: Path) -> None:
    """Fit the picture into the middle of the frame (between caption and subtitles)."""
    width, height = img.size
    with Image.open(picture) as pic:
        pic = pic.convert("RGB")
        scale = min(width * 0.8 / pic.width, height * 0.5 / pic.height)
        pic = pic.resize((max(1, round(pic.width * scale)), max(1, round(pic.height * scale))), Image.LANCZOS)
        img.paste(pic, ((width - pic.width) // 2, int(height * 0.27)))


def _subtitle_chunks(words: list[str], n_per_chunk: int = 5) -> list[str]:
    return [" ".join(words[i : i + n_per_chunk]) for i in range(0, len(words), n_per_chunk)]


@dataclass
class _Shot:
    seg: ClipSegment
    start_s: float
    dur_s: float
    speech: np.ndarray | None
    speech_start_s: float


def _plan(segments: Sequence[ClipSegment]) -> list[_Shot]:
    """Shot times; speech is synthesised even for a silent video so shots last as long as spoken."""
    shots: list[_Shot] = []
    t = 0.0
    for seg in segments:
        pcm = synthesize(seg.speech, seg.voice, speed_wpm=seg.speed_wpm) if seg.speech else None
        speech_len = (len(pcm) / SAMPLE_RATE) if pcm is not None else 0.0
        dur = float(seg.duration_s) if seg.duration_s is not None else max(_MIN_SHOT_S, speech_len + _TAIL_S)
        lead = min(_LEAD_S, max(0.0, (dur - speech_len) / 2))
        if pcm is not None and lead + speech_len > dur:  # an explicit duration cuts speech short
            pcm = pcm[: max(0, int((dur - lead) * SAMPLE_RATE))]
        shots.append(_Shot(seg, t, dur, pcm, t + lead))
        t += dur
    return shots


def _soundtrack(shots: list[_Shot], total_s: float) -> np.ndarray:
    track = np.zeros(int(round(total_s * SAMPLE_RATE)), dtype=np.float32)
    for i, shot in enumerate(shots):
        a = int(round(shot.start_s * SAMPLE_RATE))
        b = min(len(track), int(round((shot.start_s + shot.dur_s) * SAMPLE_RATE)))
        if shot.seg.music:
            track[a:b] += _melody(b - a, seed=i)
        if shot.speech is not None:
            s = int(round(shot.speech_start_s * SAMPLE_RATE))
            n = min(len(shot.speech), len(track) - s)
            track[s : s + n] += 0.9 * shot.speech[:n]
    return np.clip(track, -1.0, 1.0)


def _base_images(shot: _Shot, size: tuple[int, int], subtitles: bool) -> list[tuple[float, np.ndarray]]:
    """Pre-rendered stills for one shot: (from_s relative to the shot, RGB image) pairs.

    With subtitles the speech is burned at the bottom in chunks of a few words, timed evenly over
    the speech, like auto-captions.
    """
    width, height = size
    seg = shot.seg

    def render(sub: str | None) -> np.ndarray:
        img = Image.new("RGB", (width, height), seg.background)
        draw = ImageDraw.Draw(img)
        # a static ground band so the picture has some structure
        draw.rectangle(
            [0, int(height * 0.78), width, height], fill=tuple(int(c * 0.6) for c in seg.background)
        )
        if seg.picture is not None:
            _paste_picture(img, Path(seg.picture))
        if seg.onscreen:
            _draw_block(draw, seg.onscreen, _font(max(14, width // 13)), width, int(height * 0.12))
        if sub:
            _draw_block(draw, sub, _font(max(12, width // 18)), width, int(height * 0.80))
        return np.asarray(img, dtype=np.uint8).copy()

    if not (subtitles and seg.speech):
        return [(0.0, render(None))]
    chunks = _subtitle_chunks(seg.speech.split())
    lead = shot.speech_start_s - shot.start_s
    speech_len = len(shot.speech) / SAMPLE_RATE if shot.speech is not None else shot.dur_s - lead
    out = [(0.0, render(None))]
    for i, chunk in enumerate(chunks):
        out.append((lead + i * speech_len / len(chunks), render(chunk)))
    out.append((lead + speech_len, render(None)))
    return out


def _frame(stills: list[tuple[float, np.ndarray]], rel_s: float, k: int, size: tuple[int, int]) -> np.ndarray:
    """The still for this moment plus a small moving disc, so consecutive frames are not identical."""
    base = stills[0][1]
    for from_s, img in stills:
        if rel_s + 1e-6 >= from_s:
            base = img
    frame = base.copy()
    width, height = size
    r = max(6, width // 24)
    cx = int(width * 0.5 + width * 0.35 * math.sin(k * 0.12))
    cy = int(height * 0.62 + height * 0.05 * math.cos(k * 0.09))
    y0, y1 = max(0, cy - r), min(height, cy + r)
    x0, x1 = max(0, cx - r), min(width, cx + r)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    frame[y0:y1, x0:x1][mask] = (235, 200, 60)
    return frame


def make_clip(
    path: Path,
    segments: Sequence[ClipSegment],
    *,
    size: tuple[int, int] = (360, 640),
    fps: int = 15,
    video: bool = True,
    audio: bool = True,
    subtitles: bool = False,
    faststart: bool = True,
    crf: int = 30,
    rotation: int = 0,
) -> ClipTruth:
    """Write a real h264/AAC clip (or audio-only .m4a with video=False) and return what is in it.

    `size` is (width, height): the default is a vertical 360x640 phone video. No B-frames, a
    keyframe every second, and the index up front (faststart) like downloaded videos.
    `rotation` stores a display rotation (degrees counter-clockwise) as phones do.
    """
    if not segments:
        raise ValueError("make_clip needs at least one segment")
    if not (video or audio):
        raise ValueError("a clip needs video or audio")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"h264 yuv420p needs even sizes, got {width}x{height}")
    shots = _plan(segments)
    total_s = sum(s.dur_s for s in shots)
    options = {"movflags": "faststart"} if faststart else {}
    fmt = "ipod" if path.suffix.lower() == ".m4a" else "mp4"
    with av.open(os.fsdecode(path), "w", format=fmt, options=options) as out:
        vstream = astream = None
        if video:
            vstream = out.add_stream("libx264", rate=fps)
            vstream.width, vstream.height, vstream.pix_fmt = width, height, "yuv420p"
            vstream.codec_context.max_b_frames = 0
            if rotation:
                vstream.set_display_rotation(rotation)
            vstream.options = {"bf": "0", "crf": str(crf), "preset": "veryfast", "g": str(fps)}
        if audio:
            astream = out.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
            astream.bit_rate = 40_000
        if astream is not None:
            _encode_audio(out, astream, _soundtrack(shots, total_s))
        if vstream is not None:
            _encode_video(out, vstream, shots, total_s, fps, size, subtitles)
    truths = [
        SegmentTruth(
            start_ms=round(s.start_s * 1000),
            end_ms=round((s.start_s + s.dur_s) * 1000),
            speech=s.seg.speech,
            onscreen=s.seg.onscreen if video else None,
            speech_start_ms=round(s.speech_start_s * 1000) if s.speech is not None else None,
            speech_end_ms=round((s.speech_start_s + len(s.speech) / SAMPLE_RATE) * 1000)
            if s.speech is not None
            else None,
        )
        for s in shots
    ]
    return ClipTruth(path, round(total_s * 1000), truths, has_video=video, has_audio=audio)


def _encode_audio(out: av.container.OutputContainer, stream: av.AudioStream, track: np.ndarray) -> None:
    chunk = 1024
    for pos in range(0, len(track), chunk):
        piece = track[pos : pos + chunk]
        frame = av.AudioFrame.from_ndarray(piece[None, :].astype(np.float32), format="fltp", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = pos
        frame.time_base = Fraction(1, SAMPLE_RATE)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def _encode_video(
    out: av.container.OutputContainer,
    stream: av.VideoStream,
    shots: list[_Shot],
    total_s: float,
    fps: int,
    size: tuple[int, int],
    subtitles: bool,
) -> None:
    n_frames = max(1, int(round(total_s * fps)))
    stills = [_base_images(s, size, subtitles) for s in shots]
    shot_i = 0
    for k in range(n_frames):
        t = k / fps
        while shot_i + 1 < len(shots) and t + 1e-6 >= shots[shot_i + 1].start_s:
            shot_i += 1
        img = _frame(stills[shot_i], t - shots[shot_i].start_s, k, size)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = k
        frame.time_base = Fraction(1, fps)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


_HASHTAG = re.compile(r"#(\w+)")


def write_info_json(
    clip_path: Path,
    uploader: str,
    description: str,
    upload_date: str = "20260101",
    title: str | None = None,
) -> Path:
    """Write a yt-dlp shaped `<stem>.info.json` sidecar next to the clip (creator, caption, hashtags)."""
    clip_path = Path(clip_path)
    with av.open(os.fsdecode(clip_path)) as c:
        duration = round((c.duration or 0) / 1_000_000, 3)
    if title is None:
        title = (
            _HASHTAG.sub("", description).strip().splitlines()[0][:80].strip() if description.strip() else ""
        )
    handle = re.sub(r"[^a-z0-9_.]", "", uploader.lower().replace(" ", "_")) or "user"
    info = {
        "id": clip_path.stem,
        "title": title,
        "uploader": uploader,
        "uploader_id": handle,
        "channel": uploader,
        "description": description,
        "upload_date": upload_date,
        "duration": duration,
        "tags": _HASHTAG.findall(description),
        "webpage_url": "",
    }
    sidecar = clip_path.with_name(f"{clip_path.stem}.info.json")
    sidecar.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    return sidecar
