"""Orchestration: expand paths, skip unchanged files, run each video, write its results once.

This is the one place analysis results reach the project file. The CLI calls it directly; the
GUI runs it in a QThread with `isolate=True` (models in a child process).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from valuedesk.media.errors import MediaError
from valuedesk.pipeline.analyze import AnalysisCancelled, AnalysisEngine, AnalysisOutput
from valuedesk.pipeline.events import ProgressEvent
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.sidecar import read_post_info
from valuedesk.pipeline.worker import AnalysisFailed, AnalysisProcess
from valuedesk.project import claims
from valuedesk.project.library_ops import MEDIA_SUFFIXES
from valuedesk.project.store import Project, ProjectError

EventFn = Callable[[ProgressEvent], None]


@dataclass
class Job:
    path: Path
    video_id: int | None = None
    skipped: str = ""  # why no analysis is needed
    error: str = ""  # why it cannot be analyzed (set before running)
    claim: str | None = None  # this process's claim on the video row while it is queued or analysed


@dataclass
class JobResult:
    path: Path
    video_id: int | None
    status: str  # done | skipped | failed | cancelled
    message: str = ""


def display_name(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", "replace")


def collect_media(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """Files as given, folders searched recursively for media; what cannot be used becomes an error.

    A path given that is missing, a broken symbolic link or a link loop is named as such; inside
    a folder, broken links and loops that may have been media (a media suffix on the link or its
    target, or no suffix: perhaps a folder) are reported too, and the good files still analysed.
    """
    import errno
    import stat

    def link_trouble(p: Path, exc: OSError) -> str | None:
        """What is wrong with `p` when stat() failed because of a link; None if not a link problem."""
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if p.is_symlink():
            try:
                return f"broken link to {display_name(Path(os.readlink(p)))}"
            except OSError:
                return "broken link"
        return None

    def may_be_media(link: Path) -> bool:
        try:
            target = Path(os.readlink(link))
        except OSError:
            target = link
        return not link.suffix or any(x.suffix.lower() in MEDIA_SUFFIXES for x in (link, target))

    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        p = Path(raw)
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            why = link_trouble(p, exc)
            if why is None:
                why = (
                    "no such file or folder"
                    if exc.errno in (errno.ENOENT, errno.ENOTDIR)
                    else f"cannot read it ({exc.strerror or exc})"
                )
            errors.append(f"{display_name(p)}: {why}")
            continue
        if stat.S_ISDIR(mode):
            found, bad = [], []
            for f in sorted(p.rglob("*")):
                if f.is_file():
                    if f.suffix.lower() in MEDIA_SUFFIXES:
                        found.append(f)
                elif f.is_symlink() and may_be_media(f):
                    try:
                        f.stat()  # a link to a folder is fine (not searched, as before)
                    except OSError as exc:
                        bad.append(f"{display_name(f)}: {link_trouble(f, exc) or exc.strerror or exc}")
            if not found and not bad:
                errors.append(f"{display_name(p)}: folder holds no video or audio files")
            errors.extend(bad)
            files.extend(found)
        elif stat.S_ISREG(mode):
            files.append(p)
        else:
            errors.append(f"{display_name(p)}: not a regular file")
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, errors


def sha256_of(path: Path) -> str:
    from valuedesk.media.probe import sha256_file

    return sha256_file(path)


class Analyzer:
    """Runs analyses and stores them. Not thread-safe: use it from one thread."""

    def __init__(
        self,
        project: Project,
        settings: AnalysisSettings | None = None,
        *,
        isolate: bool = False,
        on_event: EventFn | None = None,
    ) -> None:
        self.project = project
        self.settings = settings or AnalysisSettings()
        self.isolate = isolate
        self.on_event = on_event
        self._engine: AnalysisEngine | AnalysisProcess | None = None
        self._claims: set[str] = set()

    def _emit(self, job: Job, stage: str, fraction: float, message: str = "") -> None:
        if self.on_event is not None:
            self.on_event(ProgressEvent(display_name(job.path), stage, fraction, message, job.video_id))

    @property
    def engine(self) -> AnalysisEngine | AnalysisProcess:
        if self._engine is None:
            self._engine = AnalysisProcess(self.settings) if self.isolate else AnalysisEngine(self.settings)
        return self._engine

    def enqueue(self, paths: Iterable[Path], *, force: bool = False) -> list[Job]:
        """Register files in the project (status 'queued'); unchanged, analyzed files are skipped."""
        jobs = []
        for path in paths:
            job = Job(Path(path))
            try:
                size = path.stat().st_size
                sha = sha256_of(path)
            except OSError as exc:
                job.error = f"{display_name(path)}: cannot read the file ({exc.strerror or exc})"
                jobs.append(job)
                continue
            except MediaError as exc:
                job.error = _failure_message(path, exc)
                jobs.append(job)
                continue
            known = self.project.find_video_by_sha(sha, path)
            if known and known["status"] == "done" and not force:
                job.video_id = int(known["id"])
                job.skipped = f"unchanged since its analysis (video {known['id']}); use --force to redo it"
                jobs.append(job)
                continue
            post = read_post_info(path)
            job.claim = claims.new_claim()
            self._claims.add(job.claim)
            job.video_id = self.project.add_video(
                path,
                sha256=sha,
                size_bytes=size,
                creator=post.creator or "Unknown creator",
                title=post.title,
                description=post.description,
                upload_date=post.upload_date,
                meta={"hashtags": post.hashtags, "sidecar": post.sidecar, **post.raw},
                claim=job.claim,
            )
            self._emit(job, "queued", 0.0, post.warning)  # e.g. an unreadable sidecar: analysed without it
            jobs.append(job)
        return jobs

    def run(self, job: Job, should_stop: Callable[[], bool] | None = None) -> JobResult:
        if job.error:
            self._emit(job, "failed", 1.0, job.error)
            return JobResult(job.path, job.video_id, "failed", job.error)
        if job.skipped:
            self._emit(job, "skipped", 1.0, job.skipped)
            return JobResult(job.path, job.video_id, "skipped", job.skipped)
        assert job.video_id is not None
        try:
            return self._run_claimed(job, should_stop)
        finally:
            self.release(job)

    def release(self, job: Job) -> None:
        """This process no longer works on the job: if its row still says queued/analyzing, readers see
        'interrupted' (the previous run stays current)."""
        claims.release(job.claim)
        self._claims.discard(job.claim or "")

    def _run_claimed(self, job: Job, should_stop: Callable[[], bool] | None) -> JobResult:
        assert job.video_id is not None
        self.project.set_status(job.video_id, "analyzing", claim=job.claim)
        post = read_post_info(job.path)
        try:
            out: AnalysisOutput = self.engine.analyze(
                job.path, post, progress=lambda s, f, m: self._emit(job, s, f, m), should_stop=should_stop
            )
            self._emit(job, "save", 0.97, "saving results")
            self.project.set_media_info(job.video_id, out.media)
            self.project.save_analysis(job.video_id, out.record)
        except AnalysisCancelled as exc:
            self.project.set_status(job.video_id, "cancelled")
            self._emit(job, "cancelled", 1.0, str(exc))
            return JobResult(job.path, job.video_id, "cancelled", str(exc))
        except ProjectError as exc:
            # The project itself cannot be written (disk full, locked): say so on the row if it still
            # takes a write, then stop the batch; the caller reports it.
            with contextlib.suppress(ProjectError):
                self.project.set_status(job.video_id, "interrupted", f"not saved: {exc}")
            raise
        except Exception as exc:
            message = _failure_message(job.path, exc)
            self.project.set_status(job.video_id, "failed", message)
            self._emit(job, "failed", 1.0, message)
            return JobResult(job.path, job.video_id, "failed", message)
        self._emit(job, "done", 1.0, "")
        return JobResult(job.path, job.video_id, "done", "")

    def analyze_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        force: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[JobResult]:
        files, errors = collect_media(paths)
        results = []
        for error in errors:
            job = Job(Path(error.split(": ", 1)[0]), error=error)
            results.append(self.run(job))
        for job in self.enqueue(files, force=force):
            results.append(self.run(job, should_stop))
        return results

    def close(self) -> None:
        """Stop the child; videos still queued by this analyzer read as 'interrupted' from now on."""
        for claim in list(self._claims):
            claims.release(claim)
        self._claims.clear()
        if isinstance(self._engine, AnalysisProcess):
            self._engine.close()
        self._engine = None


def _failure_message(path: Path, exc: Exception) -> str:
    if isinstance(exc, (MediaError, AnalysisFailed)):
        text = str(exc)
        return text if display_name(path) in text or path.name in text else f"{display_name(path)}: {text}"
    return f"{display_name(path)}: {type(exc).__name__}: {exc}"
