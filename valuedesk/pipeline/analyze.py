"""One video through every stage: media → transcript → on-screen text → cues → script → values.

`AnalysisEngine` keeps the loaded models so a batch (or the analysis child process) pays for
loading once. It never touches the project file: it returns an `AnalysisRecord` to be saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuedesk.pipeline.events import overall_fraction
from valuedesk.pipeline.llm_steps import SCENE_MODES
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.sidecar import PostInfo, caption_text
from valuedesk.pipeline.stages import stage_versions
from valuedesk.project.records import AnalysisRecord, EvidenceRow, ScoreRow
from valuedesk.script import Script, ScriptLine

if TYPE_CHECKING:
    from valuedesk.classify.base import Profile

THUMB_WIDTH = 240

ProgressFn = Callable[[str, float, str], None]  # (stage, overall fraction, message)
StopFn = Callable[[], bool]


class AnalysisCancelled(Exception):
    pass


@dataclass
class AnalysisOutput:
    media: dict[str, Any]  # MediaInfo as a dict
    record: AnalysisRecord


class AnalysisEngine:
    """Loads models lazily, once, and analyzes videos one after another."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self._transcriber: Any = None
        self._ocr: Any = None
        self._classifier: Any = None
        self._encoder: Any = None
        self._llm: Any = None

    @property
    def transcriber(self) -> Any:
        if self._transcriber is None:
            from valuedesk.transcribe import Transcriber, TranscribeSettings

            s = self.settings
            self._transcriber = Transcriber(
                TranscribeSettings(
                    model_dir=s.asr_model,
                    device=s.device,
                    compute_type=s.compute_type,
                    cpu_threads=s.threads,
                    language=s.language,
                )
            )
        return self._transcriber

    @property
    def ocr(self) -> Any:
        if self._ocr is None:
            from valuedesk.media.ocr import OcrReader

            self._ocr = OcrReader()
        return self._ocr

    @property
    def llm(self) -> Any:
        """The LLM steps (None when `llm_mode` is "off"); made once, so the model check and the
        image probe happen once per batch."""
        if self._llm is None and self.settings.llm_mode != "off":
            from valuedesk.pipeline.llm_steps import LlmSteps

            self._llm = LlmSteps(self.settings)
        return self._llm

    @property
    def encoder(self) -> Any:
        """The trained (or baseline, or user's) encoder named by `settings.classifier`."""
        if self._encoder is None:
            from valuedesk.classify import load_classifier

            # "auto" is resolved by the loader without importing torch on CPU builds.
            self._encoder = load_classifier(self.settings.classifier, device=self.settings.device)
        return self._encoder

    @property
    def classifier(self) -> Any:
        """What reads the script in step 2: the encoder, or the LLM ("two-step", "combine")."""
        if self._classifier is None:
            reader = self.llm.classifier(lambda: self.encoder) if self.llm is not None else None
            self._classifier = reader if reader is not None else self.encoder
        return self._classifier

    def _warm_classifier(self) -> Any:
        if self.llm is not None and self.settings.llm_mode in ("two-step", "direct"):
            return (
                self.llm.reader.check()
            )  # the LLM reads: no encoder to load; fail early if the server is down
        classifier = self.encoder
        warm_up = getattr(classifier, "warm_up", None)
        if callable(warm_up):
            warm_up()
        return classifier

    def analyze(
        self,
        path: Path,
        post: PostInfo,
        *,
        progress: ProgressFn | None = None,
        should_stop: StopFn | None = None,
    ) -> AnalysisOutput:
        from valuedesk.media.audio import load_audio
        from valuedesk.media.cues import face_counts, scene_notes
        from valuedesk.media.frames import extract_keyframes
        from valuedesk.media.ocr import drop_subtitles, read_onscreen
        from valuedesk.media.probe import probe

        started = datetime.now(UTC).isoformat(timespec="seconds")
        timings: dict[str, float] = {}
        llm = self.llm
        if llm is not None:
            llm.start(should_stop)

        def step(stage: str, message: str = "", within: float = 0.0) -> None:
            if should_stop is not None and should_stop():
                raise AnalysisCancelled(f"{path.name}: analysis cancelled")
            if progress is not None:
                progress(stage, overall_fraction(stage, within), message)

        def timed(stage: str, fn: Callable[[], Any]) -> Any:
            t0 = time.perf_counter()
            out = fn()
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0
            return out

        step("probe", "reading the file")
        info = timed("probe", lambda: probe(path))
        step("transcribe", "transcribing speech")
        audio = timed("audio", lambda: load_audio(path)) if info.has_audio else None

        def asr_progress(done: float) -> None:
            step("transcribe", f"transcribing speech {done:.0%}", within=done)

        # Whisper keeps about one core busy: load the value model, decode keyframes, read on-screen
        # text and look for faces beside it; only the subtitle filter and scene notes need the words.
        with ThreadPoolExecutor(2, thread_name_prefix="analysis") as pool:
            asr = (
                pool.submit(
                    timed, "transcribe", lambda: self.transcriber.transcribe(audio, progress=asr_progress)
                )
                if audio is not None
                else None
            )
            model = pool.submit(timed, "classifier_load", self._warm_classifier)
            keyframes, cuts = timed(
                "frames", lambda: extract_keyframes(path, info, interval_s=self.settings.keyframe_interval_s)
            )
            texts = (
                timed("ocr", lambda: read_onscreen(keyframes, self.ocr, duration_ms=info.duration_ms))
                if self.settings.ocr and keyframes
                else []
            )
            faces = timed("cues", lambda: face_counts(keyframes))
            transcript = asr.result() if asr is not None else None
            model.result()
        speech = list(transcript.lines) if transcript else []
        words = list(transcript.words) if transcript else []
        step("ocr", "reading on-screen text")
        onscreen: list[ScriptLine] = mark_text_languages(drop_subtitles(texts, words))
        step("cues", "describing scenes")
        voice = [(r.start_ms, r.end_ms) for r in transcript.speech_regions] if transcript else []
        scenes = timed(
            "cues", lambda: scene_notes(info, keyframes, cuts, speech, audio=audio, faces=faces, voice=voice)
        )
        if llm is not None and llm.mode in SCENE_MODES:
            step("scenes", "describing scenes (LLM)")
            told = speech + onscreen
            scenes += timed("scenes", lambda: llm.scenes(keyframes, sorted(told, key=lambda ln: ln.start_ms)))
        lines = speech + onscreen + scenes + mark_text_languages(post_lines(post, info.duration_ms))
        script = Script(
            lines,
            duration_ms=info.duration_ms,
            has_sound=info.has_audio,
            language=transcript.language if transcript else "",
        )
        step("classify", "scoring values")
        if llm is not None and llm.mode == "direct":
            profile = timed("classify", lambda: direct_content(llm, keyframes, script.lines))
        else:
            profile = timed("classify", lambda: classify_content(self.classifier, script.lines))
        warnings = (list(transcript.warnings) if transcript else []) + unread_warnings(script.lines)
        if llm is not None:
            warnings += llm.notes
        thumbs = timed("thumbnails", lambda: thumbnails(keyframes))
        record = AnalysisRecord(
            lines=script.lines,
            words=words,
            scores=[
                ScoreRow(s.value_id, float(s.score), int(s.label), float(s.threshold), float(s.contradiction))
                for s in profile.scores.values()
            ],
            evidence=[
                EvidenceRow(e.value_id, e.line_index, float(e.weight), e.start_ms, e.end_ms)
                for e in profile.evidence
            ],
            thumbnails=thumbs,
            language=script.language,
            languages=dict(transcript.languages) if transcript else {},
            warnings=warnings,
            stage_versions=stage_versions(),  # from stages.STAGES
            models={
                "asr": transcript.model_id if transcript else "",
                "classifier": profile.model_id,
                "ocr": "rapidocr-3.10.0" if self.settings.ocr else "",
                **(
                    {"llm": llm.reader.model_id, "llm_prompt": llm.reader.prompt_version}
                    if llm is not None
                    else {}
                ),
            },
            llm=llm.record() if llm is not None else {},
            settings=self.settings.to_dict(),
            timings={k: round(v, 4) for k, v in timings.items()},
            started_at=started,
        )
        return AnalysisOutput(media=asdict(info), record=record)


# Scene notes and sound notes are technical (cuts, faces, music): they describe no value, so the
# classifier reads only what people say, show and write; evidence indices map back to the script.
CONTENT_KINDS = ("speech", "onscreen", "caption")


def readable(line: ScriptLine) -> bool:
    """The classifier reads English: a line in another language only through its translation."""
    return line.language in ("", "en") or bool(line.translation)


def read_for_values(line: ScriptLine) -> bool:
    """Content lines, and scene lines an LLM wrote from the pictures (they describe people and acts)."""
    return (line.kind in CONTENT_KINDS or is_llm_scene(line)) and readable(line)


def is_llm_scene(line: ScriptLine) -> bool:
    return line.kind == "scene" and line.speaker.startswith("llm:")


def classify_content(classifier: Any, lines: list[ScriptLine]) -> Profile:
    index = [i for i, ln in enumerate(lines) if read_for_values(ln)]
    profile = classifier.classify([lines[i] for i in index])
    profile.evidence = [replace(e, line_index=index[e.line_index]) for e in profile.evidence]
    return profile


def direct_content(llm: Any, keyframes: list[Any], lines: list[ScriptLine]) -> Profile:
    """The direct mode: keyframes + the content lines to values; evidence mapped back as above."""
    index = [i for i, ln in enumerate(lines) if read_for_values(ln)]
    profile = llm.direct(keyframes, [lines[i] for i in index])
    profile.evidence = [replace(e, line_index=index[e.line_index]) for e in profile.evidence]
    return profile


def unread_warnings(lines: list[ScriptLine]) -> list[str]:
    """Said with the profile when content was left out because the classifier cannot read it."""
    from valuedesk.languages import name

    left = [ln for ln in lines if ln.kind in CONTENT_KINDS and not readable(ln)]
    if not left:
        return []
    langs = ", ".join(sorted({name(ln.language) for ln in left}))
    read = sum(1 for ln in lines if ln.kind in CONTENT_KINDS and readable(ln))
    if not read:
        return [f"the values were not read: everything said or written is in {langs}, which the value "
                "classifier cannot read (it reads English; install the multilingual Whisper model to translate "
                "speech)"]  # fmt: skip
    return [f"{len(left)} line(s) in {langs} are shown but not read for values (no English translation)"]


def mark_text_languages(lines: list[ScriptLine]) -> list[ScriptLine]:
    """On-screen text and captions get their language when it can be told (py3langid)."""
    from valuedesk.transcribe.languages import text_language

    return [replace(ln, language=text_language(ln.text)) for ln in lines]


def post_lines(post: PostInfo, duration_ms: int) -> list[ScriptLine]:
    """The post's caption and hashtags: they frame the whole video, so they span all of it."""
    out = []
    text = caption_text(post)
    if text:
        out.append(ScriptLine(0, duration_ms, "caption", "", text))
    if post.hashtags:
        out.append(ScriptLine(0, duration_ms, "caption", "", " ".join("#" + t for t in post.hashtags)))
    return out


def thumbnails(keyframes: list[Any], limit: int = 60) -> list[tuple[int, bytes]]:
    """Small JPEGs of the keyframes, for the library and the report (at most `limit`, evenly spread)."""
    import cv2

    if not keyframes:
        return []
    step = max(1, len(keyframes) // limit + (1 if len(keyframes) % limit else 0))
    out = []
    for kf in keyframes[::step]:
        img = kf.image
        h, w = img.shape[:2]
        scale = THUMB_WIDTH / max(1, w)
        small = cv2.resize(img, (THUMB_WIDTH, max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 75])
        if ok:
            out.append((int(kf.t_ms), buf.tobytes()))
    return out
