"""A corpus batch: many videos analysed in parallel workers, written by one writer, here.

The calling process registers the files (unchanged ones skipped by hash, interrupted ones taken
again), hands the rest to a pool (`pools.LocalPool`, or Ray actors on this machine or a cluster),
and saves each result in its own transaction as it arrives, so the project file never needs to
be on a disk the workers share. A video whose worker died is retried once on another worker; a
video that fails fails alone; Ctrl-C stops cleanly (the videos not finished read 'cancelled').
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from valuedesk.pipeline.analyze import AnalysisOutput
from valuedesk.pipeline.batch import Analyzer, Job, JobResult, _failure_message, collect_media, display_name
from valuedesk.pipeline.pools import Pool, WorkerLost, make_pool
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.sidecar import read_post_info
from valuedesk.project.store import Project

RETRIES = 1  # a video whose worker died is tried once more


@dataclass
class BatchProgress:
    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        return self.done + self.failed

    def eta_s(self, analysing: int) -> float | None:
        if not self.finished:
            return None
        rate = self.finished / max(1e-6, time.monotonic() - self.started)
        return (analysing - self.finished) / rate

    def line(self, analysing: int, last: str = "") -> str:
        width = 24
        filled = int(width * self.finished / max(1, analysing))
        eta = self.eta_s(analysing)
        rate = self.finished / max(1e-6, time.monotonic() - self.started) * 60
        tail = f" · ETA {int(eta // 60)}m{int(eta % 60):02d}s" if eta is not None else ""
        return (
            f"[{'█' * filled}{'·' * (width - filled)}] {self.finished}/{analysing} analysed"
            f" · {self.failed} failed · {self.skipped} skipped · {rate:.1f}/min{tail}"
            + (f" · {last}" if last else "")
        )


ProgressFn = Callable[[BatchProgress, int, str], None]  # (progress, videos to analyse, last event)


def run_corpus_batch(
    project: Project,
    paths: Iterable[str | os.PathLike[str]],
    settings: AnalysisSettings,
    *,
    workers: int = 2,
    ray_address: str | None = None,
    force: bool = False,
    progress: ProgressFn | None = None,
    pool: Pool | None = None,
) -> list[JobResult]:
    """Analyse `paths` into `project` with `workers` parallel workers; one result per file."""
    analyzer = Analyzer(project, settings)
    files, errors = collect_media(paths)
    results = [analyzer.run(Job(Path(e.split(": ", 1)[0]), error=e)) for e in errors]
    jobs = analyzer.enqueue(files, force=force)
    todo = {int(j.video_id): j for j in jobs if not j.error and not j.skipped and j.video_id is not None}
    for job in jobs:
        if job.error or job.skipped:
            results.append(analyzer.run(job))
    state = BatchProgress(total=len(jobs) + len(errors), skipped=sum(1 for j in jobs if j.skipped))
    state.failed = sum(1 for j in jobs if j.error) + len(errors)
    analysing = len(todo) + state.failed
    tries: dict[int, int] = {}
    owned = pool is None
    try:
        if todo:
            pool = pool or make_pool(settings, min(workers, len(todo)), ray_address)
            for vid, job in todo.items():
                project.set_status(vid, "analyzing", claim=job.claim)
                pool.submit(vid, job.path, read_post_info(job.path))
            while pool.pending():
                for vid, outcome in pool.completed(timeout=1.0):
                    job = todo[vid]
                    if isinstance(outcome, WorkerLost) and tries.get(vid, 0) < RETRIES:
                        tries[vid] = tries.get(vid, 0) + 1
                        state.retried += 1
                        pool.submit(vid, job.path, read_post_info(job.path))
                        _report(
                            progress, state, analysing, f"{display_name(job.path)}: worker lost, retrying"
                        )
                        continue
                    results.append(_store(analyzer, job, outcome))
                    del todo[vid]
                    if results[-1].status == "done":
                        state.done += 1
                    else:
                        state.failed += 1
                    _report(progress, state, analysing, f"{display_name(job.path)}: {results[-1].status}")
    except KeyboardInterrupt:
        for vid, job in todo.items():  # not finished: says so, the previous run (if any) stays current
            with contextlib.suppress(Exception):
                project.set_status(vid, "cancelled", "batch stopped (Ctrl-C)")
            results.append(JobResult(job.path, vid, "cancelled", "batch stopped (Ctrl-C)"))
        todo.clear()
        raise
    finally:
        if owned and pool is not None:
            pool.close()
        for job in jobs:
            analyzer.release(job)
        analyzer.close()
    return results


def _store(analyzer: Analyzer, job: Job, outcome: AnalysisOutput | BaseException) -> JobResult:
    """The one writer: a finished analysis in its own transaction, or the failure on the row."""
    project = analyzer.project
    assert job.video_id is not None
    if isinstance(outcome, BaseException):
        message = (
            f"{display_name(job.path)}: {outcome}"
            if isinstance(outcome, WorkerLost)
            else _failure_message(
                job.path, outcome if isinstance(outcome, Exception) else RuntimeError(str(outcome))
            )
        )
        project.set_status(job.video_id, "failed", message)
        return JobResult(job.path, job.video_id, "failed", message)
    project.set_media_info(job.video_id, outcome.media)
    project.save_analysis(job.video_id, outcome.record)
    return JobResult(job.path, job.video_id, "done", "")


def _report(progress: ProgressFn | None, state: BatchProgress, analysing: int, last: str) -> None:
    if progress is not None:
        progress(state, analysing, last)
