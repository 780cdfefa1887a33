"""The analysis child process: models and decoding run here, so a crash or a cancel never takes
the caller (the GUI, or a CLI batch) down with it.

One long-lived `spawn` process keeps its models loaded between videos; cancel kills it at once
and the next job starts a fresh one. `spawn`, not fork: forking a process that runs Qt threads
deadlocks (Buzz learned this).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import traceback
from pathlib import Path
from typing import Any

from valuedesk.pipeline.analyze import AnalysisCancelled, AnalysisOutput, ProgressFn, StopFn
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.sidecar import PostInfo


class AnalysisFailed(Exception):
    """The analysis of one file failed; the message says what and where."""


class AnalysisCrashed(AnalysisFailed):
    """The child process died (segfault, out of memory, killed)."""


PARENT_POLL_S = 0.5


def _exit_with_parent(parent_pid: int) -> None:
    """End this child when its parent dies (kill -9 included): no orphan keeps the models in memory.

    A thread that polls the parent pid, not PR_SET_DEATHSIG: that signal fires when the parent's
    *thread* ends, and the GUI starts the child from a QThread. os._exit also ends the resource
    tracker's last user, so it exits too.
    """
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(3)
            time.sleep(PARENT_POLL_S)

    threading.Thread(target=watch, name="valuedesk-parent-watch", daemon=True).start()


def _serve(inbox: Any, replies: Any, settings: dict[str, Any], parent_pid: int | None = None) -> None:
    import os

    from valuedesk.media.errors import MediaError
    from valuedesk.pipeline.analyze import AnalysisEngine

    _exit_with_parent(parent_pid if parent_pid is not None else os.getppid())

    engine = AnalysisEngine(AnalysisSettings.from_dict(settings))
    while True:
        job = inbox.get()
        if job is None:
            return
        path, post = job

        def progress(stage: str, fraction: float, message: str) -> None:
            replies.put(("progress", stage, fraction, message))

        try:
            out = engine.analyze(Path(path), post, progress=progress)
            replies.put(("result", out))
        except MediaError as exc:
            replies.put(("error", str(exc)))
        except (
            Exception
        ) as exc:  # any stage failure fails this one video, with its trace for the details view
            replies.put(
                ("error", f"{Path(path).name}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            )


class AnalysisProcess:
    """A child process that analyzes one file at a time; `kill()` cancels immediately."""

    def __init__(self, settings: AnalysisSettings) -> None:
        self.settings = settings
        self._ctx = mp.get_context("spawn")
        self._proc: Any = None
        self._inbox: Any = None
        self._replies: Any = None

    def _ensure(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self._inbox = self._ctx.Queue()
        self._replies = self._ctx.Queue()
        self._proc = self._ctx.Process(
            target=_serve,
            args=(self._inbox, self._replies, self.settings.to_dict(), os.getpid()),
            name="valuedesk-analysis",
            daemon=True,
        )
        self._proc.start()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def analyze(
        self,
        path: Path,
        post: PostInfo,
        *,
        progress: ProgressFn | None = None,
        should_stop: StopFn | None = None,
    ) -> AnalysisOutput:
        self._ensure()
        self._inbox.put((str(path), post))
        while True:
            if should_stop is not None and should_stop():
                self.kill()
                raise AnalysisCancelled(f"{path.name}: analysis cancelled")
            try:
                msg = self._replies.get(timeout=0.05)
            except queue.Empty:
                if not self._proc.is_alive():
                    code = self._proc.exitcode
                    self._proc = None
                    raise AnalysisCrashed(
                        f"{path.name}: the analysis process stopped unexpectedly (exit code {code}); "
                        "the project was not changed"
                    ) from None
                continue
            if msg[0] == "progress" and progress is not None:
                progress(msg[1], msg[2], msg[3])
            elif msg[0] == "result":
                return msg[1]
            elif msg[0] == "error":
                raise AnalysisFailed(msg[1])

    def kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(timeout=5)
            self._proc = None

    def close(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._inbox.put(None)
            self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.kill()
        self._proc = None
