"""ONNX Runtime inference for the MiniLM networks, exported once into a per-user cache.

Why: importing torch + transformers and rebuilding base + delta costs ≈3 s per process, more
than the whole classification of a video. The first load exports the exact torch network to
ONNX (valuedesk/classify/onnx_export.py, which is the only part that needs torch); every later
load opens the cached file with onnxruntime and tokenizes with `tokenizers` (≈0.3 s).

Cache rules:
- Folder: $VALUEDESK_CACHE_DIR, else $XDG_CACHE_HOME/valuedesk, else ~/.cache/valuedesk; files
  live in its `onnx/` subfolder, never in the repository's models/.
- Key: SHA-256 over the exporter version, opset, installed torch and onnxruntime versions and
  the contents of the files the network is built from (the model folder's config.json + delta,
  and every file of the packaged base model). Editing MODEL_CARD.md does not invalidate it;
  retraining does. The key is remembered per file-stat signature (path, size, mtime, inode) in
  `onnx/keys.json`, so a warm load does not re-read 100 MB; a changed file is re-hashed.
- Stored graph: ORT's optimised form of the export (extended, hardware-independent fusions).
- Writes are atomic (temporary file in the same folder, then os.replace); a sidecar JSON holds
  the file size and the torch logits of a few probe texts. A load that finds a size mismatch,
  an unreadable file or probe outputs off by > TOLERANCE deletes and rebuilds the entry.
- The export is checked against torch on the probe texts before it is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from valuedesk.classify.tokens import ModelLoadError, base_path, encode

log = logging.getLogger("valuedesk.classify")

EXPORT_VERSION = "2"  # bump when the exported graph or the cache layout changes
OPSET = 17
CACHE_ENV = "VALUEDESK_CACHE_DIR"
BACKEND_ENV = "VALUEDESK_CLASSIFY_BACKEND"  # "auto" (default), "onnx" or "torch"
TOLERANCE = 1e-3  # max |ONNX − torch| accepted on the probe texts
KEEP_ENTRIES = 6  # cached networks kept (most recently used); each is ≈90 MB
PROBE_TEXTS: tuple[str, ...] = (
    "I saved every single dollar for three years.",
    "Sunday with grandma ❤️",
    'WOMAN: "Every Sunday I drive over to take care of my grandma, cook her lunch and help her '
    'with her medicine."\n[on-screen text] family first',
)

Exporter = Callable[[Path], np.ndarray]  # writes the ONNX file, returns torch outputs for PROBE_TEXTS


class CacheError(RuntimeError):
    """The cached network cannot be used or built (the caller falls back to torch)."""


def requested_backend() -> str:
    """The backend asked for in $VALUEDESK_CLASSIFY_BACKEND ("auto" when unset)."""
    value = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if value not in ("auto", "onnx", "torch"):
        raise ValueError(f"{BACKEND_ENV} must be auto, onnx or torch, not {value!r}")
    return value


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "valuedesk"


def n_threads() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def base_files() -> list[tuple[str, Path]]:
    root = base_path()
    return [(f"base/{p.relative_to(root).as_posix()}", p) for p in sorted(root.rglob("*")) if p.is_file()]


def cache_key(kind: str, files: Iterable[tuple[str, Path]]) -> str:
    """SHA-256 of what the exported graph depends on (names and contents of `files`, versions)."""
    h = hashlib.sha256()
    h.update(
        f"{kind}|export={EXPORT_VERSION}|opset={OPSET}|torch={_version('torch')}"
        f"|onnxruntime={_version('onnxruntime')}\n".encode()
    )
    for name, path in files:
        h.update(f"{name}\0".encode())
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 24):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


def _stat_signature(kind: str, files: list[tuple[str, Path]]) -> str:
    parts = [kind, EXPORT_VERSION, _version("torch"), _version("onnxruntime")]
    for name, path in files:
        st = path.stat()
        parts.append(f"{name}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def memo_cache_key(kind: str, files: list[tuple[str, Path]], folder: Path) -> str:
    """cache_key, remembered per file-stat signature (as git does) so a warm load skips reading 100 MB."""
    index = folder / "keys.json"
    sig = _stat_signature(kind, files)
    try:
        known: dict[str, str] = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if isinstance(known, dict) and isinstance(known.get(sig), str):
        return known[sig]
    key = cache_key(kind, files)
    known = {k: v for k, v in known.items() if isinstance(v, str)} if isinstance(known, dict) else {}
    known[sig] = key
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(
            index, lambda tmp: tmp.write_text(json.dumps(dict(list(known.items())[-64:])), encoding="utf-8")
        )
    return key


class OnnxTextNet:
    """An ONNX text network: (input_ids, attention_mask) → one vector per text."""

    def __init__(self, path: Path) -> None:
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.intra_op_num_threads = n_threads()
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3
        # no busy-waiting between runs: on 2 shared cores spinning threads steal time from the
        # other stages and other processes (measured: ≈25 % more texts/s under load without it)
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.path = path
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.width = int(self.session.get_outputs()[0].shape[-1])

    def run(self, texts: list[str], *, max_length: int = 128, batch_size: int = 64) -> np.ndarray:
        """(n, width) float32, batched by length like encoder.predict_logits (same padding, same results)."""
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            ids, mask = encode([texts[i] for i in idx], max_length)
            out[idx] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def _probe_diff(net: OnnxTextNet, expected: np.ndarray) -> float:
    got = net.run(list(PROBE_TEXTS))
    if got.shape != expected.shape:
        return float("inf")
    return float(np.abs(got - expected).max())


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()


def _open_checked(path: Path, meta_path: Path) -> OnnxTextNet:
    """Open a cache entry, or raise CacheError when it is incomplete or corrupt."""
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if int(meta["size"]) != path.stat().st_size:
            raise CacheError("size differs from its sidecar")
        net = OnnxTextNet(path)
        diff = _probe_diff(net, np.asarray(meta["probe"], dtype=np.float32))
    except CacheError:
        raise
    except Exception as exc:  # any unreadable file or sidecar, or an onnxruntime parse error
        raise CacheError(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
    if not diff <= TOLERANCE:
        raise CacheError(f"probe outputs differ from torch by {diff:.2g}")
    return net


def _write_atomic(dest: Path, write: Callable[[Path], Any]) -> Any:
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        result = write(tmp)
        os.replace(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise
    return result


def _prune(folder: Path, keep: Path) -> None:
    """Keep the KEEP_ENTRIES most recently used networks (each is ≈90 MB)."""
    entries = sorted(folder.glob("*.onnx"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in [e for e in entries if e != keep][KEEP_ENTRIES - 1 :]:
        _remove(p, p.with_suffix(".json"))


def cached_net(kind: str, files: list[tuple[str, Path]], exporter: Exporter) -> OnnxTextNet:
    """The cached network for `kind` + `files`, exporting it (atomically, once) when missing or corrupt.

    Raises CacheError when the cache cannot be written or the export fails or disagrees with torch.
    """
    folder = cache_dir() / "onnx"
    key = memo_cache_key(kind, files, folder)
    path = folder / f"{kind}-{key[:32]}.onnx"
    meta_path = path.with_suffix(".json")
    if path.exists() or meta_path.exists():
        try:
            net = _open_checked(path, meta_path)
            with contextlib.suppress(OSError):
                os.utime(path)  # most recently used, for _prune
            return net
        except CacheError as exc:
            log.warning("valuedesk: cached ONNX model %s is unusable (%s); rebuilding it", path, exc)
            _remove(path, meta_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = _write_atomic(path, lambda tmp: _export_checked(tmp, exporter))
        meta = {
            "kind": kind,
            "key": key,
            "size": path.stat().st_size,
            "opset": OPSET,
            "torch": _version("torch"),
            "onnxruntime": _version("onnxruntime"),
            "probe": np.asarray(probe, dtype=np.float32).tolist(),
        }
        _write_atomic(meta_path, lambda tmp: tmp.write_text(json.dumps(meta), encoding="utf-8"))
    except (CacheError, ModelLoadError):
        raise
    except OSError as exc:
        raise CacheError(f"cannot write the ONNX cache in {folder}: {exc}") from exc
    except Exception as exc:  # the exporter or onnxruntime failed: the caller falls back to torch
        raise CacheError(f"ONNX export failed: {type(exc).__name__}: {exc}") from exc
    with contextlib.suppress(OSError):  # another process may prune at the same time
        _prune(folder, path)
    return _open_checked(path, meta_path)


def _export_checked(tmp: Path, exporter: Exporter) -> np.ndarray:
    """Export, store ORT's optimised graph instead (later sessions open ≈40 % faster), check vs torch."""
    import onnxruntime as ort

    expected = np.asarray(exporter(tmp), dtype=np.float32)
    raw = tmp.with_name(tmp.name + ".raw")
    os.replace(tmp, raw)
    try:
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED  # portable fusions only
        so.optimized_model_filepath = str(tmp)
        so.log_severity_level = 3
        ort.InferenceSession(str(raw), so, providers=["CPUExecutionProvider"])
    finally:
        _remove(raw)
    diff = _probe_diff(OnnxTextNet(tmp), expected)
    if not diff <= TOLERANCE:
        raise CacheError(f"the exported ONNX model differs from torch by {diff:.2g}")
    return expected
