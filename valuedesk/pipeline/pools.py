"""Where a corpus batch's videos are analysed: a local process pool, or Ray actors (local or a cluster).

Both hold loaded models in long-lived workers and hand back `AnalysisOutput`s; neither touches
the project file (the batch writer in the calling process does). A worker that dies takes only
its current video with it: the pool reports that video as `WorkerLost`, and the batch retries it.
Ray workers get the video's bytes, not its path, so a cluster node needs no shared disk.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from valuedesk.pipeline.analyze import AnalysisEngine, AnalysisOutput
from valuedesk.pipeline.settings import AnalysisSettings
from valuedesk.pipeline.sidecar import PostInfo


class WorkerLost(Exception):
    """The worker analysing a video died (killed, out of memory, node lost)."""


class ClusterUnavailable(RuntimeError):
    """Ray is not installed, or the cluster address cannot be reached (said in words)."""


class Pool(Protocol):
    workers: int

    def submit(self, key: int, path: Path, post: PostInfo) -> None: ...

    def completed(self, timeout: float) -> Iterator[tuple[int, AnalysisOutput | BaseException]]: ...

    def pending(self) -> int: ...

    def worker_pids(self) -> list[int]: ...

    def close(self) -> None: ...


# ----------------------------------------------------------------------------- local processes

_ENGINE: AnalysisEngine | None = None


def _init_worker(settings: dict[str, Any]) -> None:
    global _ENGINE
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _ENGINE = AnalysisEngine(AnalysisSettings.from_dict(settings))


def _analyze_local(path: str, post: dict[str, Any]) -> AnalysisOutput:
    assert _ENGINE is not None, "worker not initialised"
    return _ENGINE.analyze(Path(path), PostInfo(**post))


def _pid() -> int:
    return os.getpid()


class LocalPool:
    """`workers` spawned processes, each with its own models (the no-Ray path, same batch code)."""

    def __init__(self, settings: AnalysisSettings, workers: int) -> None:
        import multiprocessing as mp

        self.workers = max(1, workers)
        self._settings = settings.to_dict()
        self._ctx = mp.get_context("spawn")
        self._executor = self._start()
        self._futures: dict[Future[AnalysisOutput], tuple[int, Path, PostInfo]] = {}

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers, mp_context=self._ctx, initializer=_init_worker, initargs=(self._settings,)
        )

    def submit(self, key: int, path: Path, post: PostInfo) -> None:
        try:
            future = self._executor.submit(_analyze_local, str(path), asdict(post))
        except BrokenProcessPool:  # a worker died between two results: start over, then submit
            self._restart()
            future = self._executor.submit(_analyze_local, str(path), asdict(post))
        self._futures[future] = (key, path, post)

    def pending(self) -> int:
        return len(self._futures)

    def completed(self, timeout: float) -> Iterator[tuple[int, AnalysisOutput | BaseException]]:
        if not self._futures:
            return
        done, _ = wait(list(self._futures), timeout=timeout, return_when=FIRST_COMPLETED)
        outcomes: list[tuple[int, AnalysisOutput | BaseException]] = []
        broken = False
        for future in done:
            key, _path, _post = self._futures.pop(future)
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool):
                broken = True
                outcomes.append((key, WorkerLost("the worker process analysing it died")))
            elif exc is not None:
                outcomes.append((key, exc))
            else:
                outcomes.append((key, future.result()))
        if broken:
            self._restart()
        yield from outcomes  # after the restart: the batch may resubmit while it reads these

    def _restart(self) -> None:
        """A dead worker breaks the whole executor: a new one takes what is left (once each)."""
        left = list(self._futures.values())
        self._futures.clear()
        old = self._processes()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for p in old:
            if p.is_alive():
                p.terminate()
        self._executor = self._start()
        for key, path, post in left:
            self.submit(key, path, post)

    def _processes(self) -> list[Any]:
        return list((getattr(self._executor, "_processes", None) or {}).values())

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self._processes() if p.pid and p.is_alive()]

    def close(self) -> None:
        processes = self._processes()
        self._executor.shutdown(wait=False, cancel_futures=True)
        for p in processes:  # a worker mid-video does not finish it: the batch is over
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=10)


# ----------------------------------------------------------------------------- Ray


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ClusterUnavailable(
            "Ray is not installed: pip install 'valuedesk[cluster]' (or run batch without --ray: a local process pool)"
        ) from exc
    return ray


class _Actor:
    """A Ray actor with loaded models; analyses videos sent as bytes (no shared disk needed)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.engine = AnalysisEngine(AnalysisSettings.from_dict(settings))

    def pid(self) -> int:
        return os.getpid()

    def analyze(self, data: bytes, name: str, post: dict[str, Any]) -> AnalysisOutput:
        with tempfile.TemporaryDirectory(prefix="valuedesk-ray-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            return self.engine.analyze(path, PostInfo(**post))


@contextlib.contextmanager
def _offline_ray_start() -> Iterator[None]:
    """Start a local Ray that stays on this machine (checked with strace, tests/test_network_strace.py).

    Left alone, Ray 2.60 finds "its" IP address by connecting a UDP socket towards 8.8.8.8 and binds
    its services to the machine's network address, and its API-server process probes the cloud
    metadata address 169.254.169.254 (and resolves metadata.google.internal) at start even with
    usage stats off, unless ~/ray_bootstrap_config.yaml names a provider. So, while ray.init starts
    those processes: Ray's "no cluster" switch (loopback everywhere) and a HOME holding a bootstrap
    config that says "local". The workers start later, with the user's HOME.
    """
    from ray._private import ray_constants

    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # read at import by Ray's child processes
    ray_constants.ENABLE_RAY_CLUSTER = False  # and this process's copy, read when the IP is needed
    home_before = os.environ.get("HOME")
    with tempfile.TemporaryDirectory(prefix="valuedesk-ray-home-") as home:
        Path(home, "ray_bootstrap_config.yaml").write_text("provider:\n  type: local\n")
        os.environ["HOME"] = home
        try:
            yield
        finally:
            if home_before is None:
                os.environ.pop("HOME", None)
            else:
                os.environ["HOME"] = home_before


class RayPool:
    """Ray actors: `address` None/"local" starts a private local Ray (loopback only, no dashboard,
    no usage reporting); "auto" or "ray://…"/"host:port" joins an existing cluster."""

    def __init__(self, settings: AnalysisSettings, workers: int, address: str | None = None) -> None:
        ray = _ray()
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # Ray reports usage by default: never from here
        # Ray waits 30 s for its GCS server to write its port file; on 2 cores busy with other work
        # that start has taken longer (seen in CI: "Timed out waiting for file …gcs_server_port…")
        os.environ.setdefault("RAY_gcs_server_port_wait_time_s", "120")
        self.workers = max(1, workers)
        local = address in (None, "", "local")
        if local:
            # Ray 2.60 guards a new local cluster with a token it writes to ~/.ray/auth_token; that
            # HOME is the temporary one below, gone after the start, and the next local start in
            # this process then crashes its GCS server ("couldn't find an authentication token").
            # A token of this process, in the environment its Ray processes inherit, stays put.
            os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
        try:
            if local:
                with _offline_ray_start():
                    ray.init(
                        num_cpus=max(self.workers, os.cpu_count() or 1),
                        include_dashboard=False,
                        _node_ip_address="127.0.0.1",
                        log_to_driver=False,
                        configure_logging=False,
                    )
            else:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError … for a bad address
            raise ClusterUnavailable(f"cannot start or reach Ray at {address or 'local'}: {exc}") from exc
        self._ray = ray
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=0)(_Actor)
        self._actors = [actor.remote(settings.to_dict()) for _ in range(self.workers)]
        self._idle = list(range(self.workers))
        # Pids are asked while the actors are idle: an actor runs one method at a time, so asking a
        # busy one would wait for its video. An actor that died is asked again once it is idle.
        self._pids: dict[int, int] = {}
        for index in range(self.workers):
            self._ask_pid(index, timeout=300)
        self._queue: list[tuple[int, Path, PostInfo]] = []
        self._running: dict[Any, tuple[int, int]] = {}  # ObjectRef -> (key, actor index)

    def submit(self, key: int, path: Path, post: PostInfo) -> None:
        self._queue.append((key, path, post))
        self._dispatch()

    def _dispatch(self) -> None:
        while self._idle and self._queue:
            index = self._idle.pop(0)
            key, path, post = self._queue.pop(0)
            ref = self._actors[index].analyze.remote(path.read_bytes(), path.name, asdict(post))
            self._running[ref] = (key, index)

    def pending(self) -> int:
        return len(self._queue) + len(self._running)

    def completed(self, timeout: float) -> Iterator[tuple[int, AnalysisOutput | BaseException]]:
        if not self._running:
            return
        ready, _ = self._ray.wait(list(self._running), num_returns=1, timeout=timeout)
        exceptions = self._ray.exceptions
        for ref in ready:
            key, index = self._running.pop(ref)
            outcome: AnalysisOutput | BaseException
            try:
                outcome = self._ray.get(ref)
            except (exceptions.RayActorError, exceptions.WorkerCrashedError, exceptions.ObjectLostError):
                # Ray restarts the actor; work sent before it is back fails the same way, so the
                # retry waits for it (asking its new pid) before the actor counts as idle again.
                self._pids.pop(index, None)
                self._ask_pid(index, timeout=300)
                outcome = WorkerLost("the Ray worker analysing it died")
            except exceptions.RayTaskError as exc:
                outcome = exc.as_instanceof_cause()
            self._idle.append(index)
            yield key, outcome
        self._dispatch()

    def _ask_pid(self, index: int, timeout: float) -> None:
        try:
            self._pids[index] = int(self._ray.get(self._actors[index].pid.remote(), timeout=timeout))
        except Exception:  # a restarting actor: no pid right now
            self._pids.pop(index, None)

    def worker_pids(self) -> list[int]:
        for index in list(self._idle):
            if index not in self._pids:
                self._ask_pid(index, timeout=30)
        return [self._pids[i] for i in range(self.workers) if i in self._pids]

    def close(self) -> None:
        for actor in self._actors:
            with contextlib.suppress(Exception):  # already gone
                self._ray.kill(actor)
        self._ray.shutdown()


def make_pool(settings: AnalysisSettings, workers: int, ray_address: str | None) -> Pool:
    """`ray_address` None: local processes; "local": a private local Ray; else an existing cluster."""
    if ray_address is None:
        return LocalPool(settings, workers)
    return RayPool(settings, workers, ray_address)


def wait_until(pool: Pool, count: int, timeout: float = 120.0) -> list[int]:
    """The pids of `count` live workers (tests and benchmarks: workers start lazily)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = pool.worker_pids()
        if len(pids) >= count:
            return pids
        time.sleep(0.2)
    return pool.worker_pids()
