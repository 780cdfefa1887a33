"""On-screen text: RapidOCR on keyframes, merged over time, burned-in subtitles dropped.

Cost decides the design (DESIGN.md §4). Measured on 2 shared cores with one ONNX thread:
detection on a whole picture scaled to a 320 px long side ~13 ms, on a small changed region
~2 ms, recognition ~13 ms per text line. So:
- a keyframe whose picture did not change keeps the previous reading; one that changed only in
  a region (a moving object, a new subtitle) is detected again only there;
- a detected line is recognised only if its pixels differ from the line read at the same place
  before (captions stay on screen for seconds);
- once two different texts in one screen band have repeated the speech, that band is known to
  hold subtitles and its lines are skipped while someone speaks.
The packaged models are passed by path, so RapidOCR never tries to download anything.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..script import ScriptLine, Word
from .frames import Keyframe

DET_SIDE = 320  # long side the text detector sees; captions stay > 10 px tall at this scale
_ALNUM = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True)
class TextRegion:
    """One recognised line: text, confidence and its box as fractions of the picture (x0, y0, x1, y1)."""

    text: str
    score: float
    box: tuple[float, float, float, float]


def _rapidocr_model_paths() -> dict[str, str]:
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    paths = {
        "Det.model_path": root / "PP-OCRv6_det_small.onnx",
        "Rec.model_path": root / "PP-OCRv6_rec_small.onnx",
        "Cls.model_path": root / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    }
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise RuntimeError(
            f"RapidOCR's bundled models are missing ({', '.join(missing)}); reinstall rapidocr==3.10.0"
        )
    return {k: str(v) for k, v in paths.items()}


Box = tuple[int, int, int, int]  # pixel box x0, y0, x1, y1


def _iou(a: Box, b: Box) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


@dataclass
class _Seen:
    """A line read before: its box, its pixels (grey, 2 px margin) and what it said."""

    box: Box
    region: Box
    grey: np.ndarray
    text: str
    score: float


def _same_pixels(ref: np.ndarray, cur: np.ndarray) -> bool:
    """Does `cur` show the same text as `ref`? Compares the strong (text-like) pixels of `ref`,
    so a caption over a moving background still matches; tolerates a 1 px shift."""
    if ref.shape != cur.shape or min(ref.shape) < 4:
        return False
    a = ref[1:-1, 1:-1].astype(np.int16)
    mask = (a >= 200) | (a <= 55)
    use_mask = mask.mean() >= 0.1
    h, w = ref.shape
    for dy in (0, -1, 1):
        for dx in (0, -1, 1):
            b = cur[1 + dy : h - 1 + dy, 1 + dx : w - 1 + dx]
            d = np.abs(a - b)
            if (use_mask and float((d[mask] > 60).mean()) <= 0.05) or (
                not use_mask and float(d.mean()) <= 6.0
            ):
                return True
    return False


class OcrReader:
    """Lazily built RapidOCR engine that re-reads a line only when its pixels changed.

    Keeps a small memory of recent lines, so use one reader per worker thread.
    """

    def __init__(self, *, det_side: int = DET_SIDE, threads: int = 1, cache_size: int = 64) -> None:
        self.det_side = det_side
        self.threads = threads
        self.cache_size = cache_size
        self._engine: Any = None
        self._lock = threading.Lock()
        self._seen: list[_Seen] = []
        self._seen_shape: tuple[int, ...] = ()
        self.stats = {"detect": 0, "recognise": 0, "cached": 0}

    @property
    def engine(self) -> Any:
        with self._lock:
            if self._engine is None:
                from rapidocr import RapidOCR

                params: dict[str, Any] = {
                    **_rapidocr_model_paths(),
                    "Global.log_level": "error",
                    "Global.use_cls": False,  # captions are upright; saves a model call per line
                    "Det.limit_type": "max",
                    "Det.limit_side_len": 4096,  # we scale pictures ourselves (see detect)
                }
                if self.threads > 0:
                    params["EngineConfig.onnxruntime.intra_op_num_threads"] = self.threads
                self._engine = RapidOCR(params=params)
            return self._engine

    def detect(self, image: np.ndarray, region: Box | None = None) -> list[Box]:
        """Pixel boxes of text lines inside `region` (default: everywhere), top to bottom.

        The detector sees the picture scaled so its long side is `det_side`; a region is scaled
        by the same factor, so it costs in proportion to its area.
        """
        h, w = image.shape[:2]
        rx0, ry0, rx1, ry1 = region or (0, 0, w, h)
        sub = image[ry0:ry1, rx0:rx1]
        if sub.size == 0:
            return []
        scale = min(1.0, self.det_side / max(h, w))
        if scale < 1.0:
            size = (max(1, round(sub.shape[1] * scale)), max(1, round(sub.shape[0] * scale)))
            sub = cv2.resize(sub, size, interpolation=cv2.INTER_AREA)
        self.stats["detect"] += 1
        # every flag passed explicitly: RapidOCR keeps per-call flags as its new defaults
        out = self.engine(np.ascontiguousarray(sub), use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(out, "boxes", None)
        if boxes is None or len(boxes) == 0:
            return []
        result = []
        for quad in np.asarray(boxes, dtype=np.float32):
            x0, y0 = quad.min(axis=0) / scale
            x1, y1 = quad.max(axis=0) / scale
            bx = (
                max(rx0, int(x0) + rx0),
                max(ry0, int(y0) + ry0),
                min(rx1, int(np.ceil(x1)) + rx0),
                min(ry1, int(np.ceil(y1)) + ry0),
            )
            if bx[2] - bx[0] >= 6 and bx[3] - bx[1] >= 6:
                result.append(bx)
        return sorted(result, key=lambda b: (b[1], b[0]))

    def _lookup(self, grey: np.ndarray, box: Box) -> _Seen | None:
        for seen in reversed(self._seen):
            if _iou(seen.box, box) >= 0.5:
                x0, y0, x1, y1 = seen.region
                if _same_pixels(seen.grey, grey[y0:y1, x0:x1]):
                    return seen
        return None

    def recognise(self, image: np.ndarray, box: Box, grey: np.ndarray | None = None) -> tuple[str, float]:
        """Text of the line in `box`; reuses the earlier reading when the same pixels are there."""
        if image.shape != self._seen_shape:
            self._seen, self._seen_shape = [], image.shape
        if grey is None:
            grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        hit = self._lookup(grey, box)
        if hit is not None:
            self.stats["cached"] += 1
            return hit.text, hit.score
        x0, y0, x1, y1 = box
        self.stats["recognise"] += 1
        out = self.engine(
            np.ascontiguousarray(image[y0:y1, x0:x1]), use_det=False, use_cls=False, use_rec=True
        )
        txts = getattr(out, "txts", None) or ("",)
        scores = getattr(out, "scores", None) or (0.0,)
        text, score = str(txts[0]).strip(), float(scores[0])
        h, w = grey.shape
        region = (max(0, x0 - 2), max(0, y0 - 2), min(w, x1 + 2), min(h, y1 + 2))
        self._seen.append(
            _Seen(box, region, grey[region[1] : region[3], region[0] : region[2]].copy(), text, score)
        )
        del self._seen[: -self.cache_size]
        return text, score

    def read_regions(
        self,
        image: np.ndarray,
        region: Box | None = None,
        *,
        skip: Callable[[tuple[float, float, float, float]], bool] | None = None,
    ) -> list[TextRegion]:
        """Text lines (with fractional boxes) inside `region` (default: everywhere), top to bottom.

        `skip(box)` may refuse a detected line before the costly recognition (known subtitles).
        """
        h, w = image.shape[:2]
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        regions = []
        for box in self.detect(image, region):
            bw, bh = box[2] - box[0], box[3] - box[1]
            if bw < 1.25 * bh:
                continue  # a square blob (dot, icon, emoji): not a caption line, skip the costly read
            frac = (box[0] / w, box[1] / h, box[2] / w, box[3] / h)
            if skip is not None and skip(frac):
                continue
            text, score = self.recognise(image, box, grey)
            if text and _ALNUM.search(text):
                regions.append(TextRegion(text, score, frac))
        return regions

    def read(self, image: np.ndarray) -> list[tuple[str, float]]:
        """(text, confidence) for each line in reading order."""
        return [(r.text, r.score) for r in self.read_regions(image)]


# --------------------------------------------------------------------------- merging over time


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def similar(a: str, b: str, threshold: float = 0.8) -> bool:
    if a == b:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= threshold


@dataclass
class _Block:
    """Lines that belong together on one picture (a wrapped caption)."""

    lines: list[TextRegion]

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (
            min(r.box[0] for r in self.lines),
            min(r.box[1] for r in self.lines),
            max(r.box[2] for r in self.lines),
            max(r.box[3] for r in self.lines),
        )

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.lines)

    @property
    def score(self) -> float:
        return min(r.score for r in self.lines)


def group_blocks(regions: Sequence[TextRegion]) -> list[_Block]:
    """Join lines stacked closely one under another (a caption wrapped over several lines)."""
    blocks: list[_Block] = []
    for r in sorted(regions, key=lambda r: (r.box[1], r.box[0])):
        line_h = r.box[3] - r.box[1]
        for b in blocks:
            last = b.lines[-1]
            gap = r.box[1] - last.box[3]
            overlap = min(r.box[2], last.box[2]) - max(r.box[0], last.box[0])
            if -0.5 * line_h <= gap <= 0.8 * line_h and overlap > 0:
                b.lines.append(r)
                break
        else:
            blocks.append(_Block([r]))
    return blocks


@dataclass
class _Item:
    start_ms: int
    last_index: int
    key: str  # normalised text used for matching
    readings: dict[str, float] = field(default_factory=dict)  # text -> best score
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    end_ms: int = 0

    @property
    def text(self) -> str:
        return max(self.readings.items(), key=lambda kv: kv[1])[0]


def _track(keyframes: Sequence[Keyframe], per_frame: list[list[_Block]], end_ms: int) -> list[_Item]:
    """Merge the same text seen on consecutive keyframes into one timed item."""
    open_items: list[_Item] = []
    done: list[_Item] = []
    for i, (kf, blocks) in enumerate(zip(keyframes, per_frame, strict=True)):
        for block in blocks:
            key = normalise(block.text)
            if not key:
                continue
            match = next((it for it in open_items if it.last_index == i - 1 and similar(it.key, key)), None)
            if match is None:
                match = _Item(kf.t_ms, i, key, box=block.box)
                open_items.append(match)
            match.last_index = i
            match.readings[block.text] = max(match.readings.get(block.text, 0.0), block.score)
        still = []
        for it in open_items:
            if it.last_index == i:
                still.append(it)
            else:
                it.end_ms = kf.t_ms  # gone by this keyframe
                done.append(it)
        open_items = still
    for it in open_items:
        it.end_ms = max(end_ms, keyframes[it.last_index].t_ms)
        done.append(it)
    return sorted(done, key=lambda it: (it.start_ms, it.box[1]))


def _speech_tokens(words: Sequence[Word], start_ms: int, end_ms: int, pad_ms: int = 700) -> list[str]:
    return [
        t
        for w in words
        if w.end_ms >= start_ms - pad_ms and w.start_ms <= end_ms + pad_ms
        for t in normalise(w.text).split()
    ]


def _token_in(token: str, pool: Sequence[str]) -> bool:
    return token in pool or any(similar(token, p, 0.75) for p in pool if abs(len(p) - len(token)) <= 3)


def _speech_overlap(item: _Item, words: Sequence[Word]) -> tuple[float, float]:
    """(share of the item's words that were spoken then, share of the speech then that the item shows)."""
    tokens = item.key.split()
    spoken = _speech_tokens(words, item.start_ms, item.end_ms)
    if not tokens or not spoken:
        return 0.0, 0.0
    precision = sum(_token_in(t, spoken) for t in tokens) / len(tokens)
    recall = sum(_token_in(s, tokens) for s in spoken) / len(spoken)
    return precision, recall


def _subtitle_items(items: Sequence[_Item], words: Sequence[Word]) -> set[int]:
    """Items that repeat the speech: a band of the screen where text keeps matching what is said,
    or one text block that shows most of what was said while it was on screen."""
    if not words:
        return set()
    overlap = {id(it): _speech_overlap(it, words) for it in items}
    speechy = [it for it in items if overlap[id(it)][0] >= 0.6]
    drop: set[int] = set()
    for it in speechy:
        band = [o for o in items if min(o.box[3], it.box[3]) - max(o.box[1], it.box[1]) > 0]
        band_speechy = [o for o in band if overlap[id(o)][0] >= 0.6]
        # A subtitle track shows a good part of what is said; a caption that only repeats a
        # key phrase ("Grandpa's garden" over a whole sentence about him) is content: keep it.
        in_track = (
            len(band_speechy) >= 2
            and len(band_speechy) >= 0.6 * len(band)
            and sum(overlap[id(o)][0] for o in band_speechy) / len(band_speechy) >= 0.8
            and sum(overlap[id(o)][1] for o in band_speechy) / len(band_speechy) >= 0.3
        )
        if in_track or overlap[id(it)][1] >= 0.5:
            drop.add(id(it))
    return drop


class _SubtitleWatch:
    """Learns while reading where burned-in subtitles sit (a screen band where two different
    texts repeated what was being said), so later lines in that band, shown while someone
    speaks, are skipped before the costly recognition: auto-captioned videos change their
    subtitle every second or two and would otherwise cost a recognition each."""

    def __init__(self, words: Sequence[Word]) -> None:
        self.words = words
        self.hits: list[tuple[float, float, str]] = []  # y0, y1, normalised text
        self.bands: list[tuple[float, float]] = []

    def _speaking(self, t_ms: int) -> bool:
        return any(w.start_ms - 700 <= t_ms <= w.end_ms + 700 for w in self.words)

    def skip(self, t_ms: int) -> Callable[[tuple[float, float, float, float]], bool] | None:
        if not self.bands or not self._speaking(t_ms):
            return None
        bands = list(self.bands)

        def in_band(box: tuple[float, float, float, float]) -> bool:
            height = max(1e-6, box[3] - box[1])
            return any(min(box[3], b1) - max(box[1], b0) >= 0.5 * height for b0, b1 in bands)

        return in_band

    def learn(self, t_ms: int, blocks: Sequence[_Block]) -> None:
        if not self.words:
            return
        spoken = _speech_tokens(self.words, t_ms - 2000, t_ms + 2000, pad_ms=0)
        for block in blocks:
            key = normalise(block.text)
            tokens = key.split()
            if len(tokens) < 2 or not spoken or any(k == key for _, _, k in self.hits):
                continue
            if sum(_token_in(t, spoken) for t in tokens) / len(tokens) >= 0.8:
                self.hits.append((block.box[1], block.box[3], key))
        self.bands = []
        for y0, y1, key in self.hits:
            mates = [h for h in self.hits if h[2] != key and min(y1, h[1]) - max(y0, h[0]) > 0]
            if mates:
                self.bands.append((min([y0] + [m[0] for m in mates]), max([y1] + [m[1] for m in mates])))


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _reread_changed(
    reader: OcrReader,
    kf: Keyframe,
    previous: list[TextRegion],
    skip: Callable[[tuple[float, float, float, float]], bool] | None = None,
) -> list[TextRegion]:
    """Read only the part of the picture that changed; lines elsewhere keep their reading.

    The region grows to cover every earlier line it touches (a half-changed caption is read
    whole) plus a margin; if it ends up covering most of the picture, read everything.
    """
    assert kf.changed_box is not None
    h, w = kf.image.shape[:2]
    mx, my = 12 / w, 12 / h
    x0, y0, x1, y1 = kf.changed_box
    area = (max(0.0, x0 - mx), max(0.0, y0 - my), min(1.0, x1 + mx), min(1.0, y1 + my))
    grown = True
    while grown:
        grown = False
        for r in previous:
            if _overlaps(r.box, area) and not (
                area[0] <= r.box[0] and area[1] <= r.box[1] and r.box[2] <= area[2] and r.box[3] <= area[3]
            ):
                area = (
                    min(area[0], r.box[0]),
                    min(area[1], r.box[1]),
                    max(area[2], r.box[2]),
                    max(area[3], r.box[3]),
                )
                grown = True
    if (area[2] - area[0]) * (area[3] - area[1]) >= 0.6:
        return reader.read_regions(kf.image, skip=skip)
    box = (int(area[0] * w), int(area[1] * h), int(np.ceil(area[2] * w)), int(np.ceil(area[3] * h)))
    kept = [r for r in previous if not _overlaps(r.box, area)]
    return sorted(kept + reader.read_regions(kf.image, box, skip=skip), key=lambda r: (r.box[1], r.box[0]))


def read_onscreen(
    keyframes: Sequence[Keyframe],
    reader: OcrReader,
    *,
    speech_words: Sequence[Word] = (),
    min_confidence: float = 0.6,
    duration_ms: int | None = None,
) -> list[_Item]:
    """Read and track on-screen text over the keyframes (subtitles not yet dropped).

    With `speech_words`, lines in a learned subtitle band are skipped before recognition; without
    them (the pipeline reads while Whisper is still running) everything is read and
    `drop_subtitles` sorts it out afterwards.
    """
    if not keyframes:
        return []
    per_frame: list[list[_Block]] = []
    regions: list[TextRegion] = []
    watch = _SubtitleWatch(speech_words)
    for i, kf in enumerate(keyframes):
        skip = watch.skip(kf.t_ms)
        if i == 0 or (kf.changed and kf.changed_box is None):
            regions = reader.read_regions(kf.image, skip=skip)
        elif kf.changed and kf.changed_box is not None:
            regions = _reread_changed(reader, kf, regions, skip)
        # else: the picture did not change, the previous reading stands
        good = [r for r in regions if r.score >= min_confidence]
        blocks = [b for b in group_blocks(good) if len(normalise(b.text)) >= 2]
        watch.learn(kf.t_ms, blocks)
        per_frame.append(blocks)
    end_ms = duration_ms if duration_ms is not None else keyframes[-1].t_ms
    return _track(keyframes, per_frame, end_ms)


def drop_subtitles(items: Sequence[_Item], speech_words: Sequence[Word]) -> list[ScriptLine]:
    """Timed on-screen lines without the burned-in subtitles that repeat `speech_words`."""
    drop = _subtitle_items(items, speech_words)
    return [
        ScriptLine(it.start_ms, max(it.start_ms, it.end_ms), "onscreen", "", it.text)
        for it in items
        if id(it) not in drop
    ]


def onscreen_lines(
    keyframes: Sequence[Keyframe],
    reader: OcrReader,
    *,
    speech_words: Sequence[Word] = (),
    min_confidence: float = 0.6,
    duration_ms: int | None = None,
) -> list[ScriptLine]:
    """Timed on-screen text lines (kind="onscreen"), one per caption while it stays on screen.

    Only keyframes whose picture changed are read. Burned-in subtitles (text that repeats the
    speech in `speech_words`) are dropped; distinct captions are kept. A text still on screen at
    the last keyframe ends at `duration_ms` (default: the last keyframe's time).
    """
    items = read_onscreen(
        keyframes, reader, speech_words=speech_words, min_confidence=min_confidence, duration_ms=duration_ms
    )
    return drop_subtitles(items, speech_words)
