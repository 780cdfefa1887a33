"""Frontal faces with the classic Viola-Jones Haar cascade, evaluated in numpy.

OpenCV 5 (our pinned opencv-python-headless) dropped CascadeClassifier and its cascade files, and
the alternatives need model downloads (YuNet) or pin numpy<2 (mediapipe). The frontal-face
cascade ships with us in compact form (data/haar_frontalface.npz, licence beside it), and this module evaluates it the
way OpenCV did: image pyramid, integral images, variance-normalised stump stages with early
rejection, neighbour grouping. Where cv2.CascadeClassifier exists (OpenCV 4) it is used instead.
A 224 px picture takes ~10 ms (~40 ms when a big face passes many stages).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np

Rect = tuple[int, int, int, int]  # x, y, w, h


@dataclass(frozen=True)
class _Cascade:
    window: tuple[int, int]
    stage_threshold: np.ndarray  # (stages,)
    stage_bounds: list[tuple[int, int]]  # stump index range per stage
    threshold: np.ndarray  # (stumps,)
    left: np.ndarray
    right: np.ndarray
    rects: np.ndarray  # (stumps, 3, 4) x, y, w, h in the 24x24 window
    weights: np.ndarray  # (stumps, 3); 0 for unused third rectangles


@cache
def _cascade() -> _Cascade:
    data = resources.files("valuedesk.media").joinpath("data/haar_frontalface.npz").read_bytes()
    arrays = np.load(io.BytesIO(data))
    sizes = arrays["stage_size"].astype(int)
    ends = np.cumsum(sizes)
    feature = arrays["feature"]
    return _Cascade(
        window=(int(arrays["window"][0]), int(arrays["window"][1])),
        stage_threshold=arrays["stage_threshold"].astype(np.float64),
        stage_bounds=[(int(e - s), int(e)) for s, e in zip(sizes, ends, strict=True)],
        threshold=arrays["threshold"].astype(np.float64),
        left=arrays["left"].astype(np.float64),
        right=arrays["right"].astype(np.float64),
        rects=arrays["rects"][feature].astype(np.int64),
        weights=arrays["weights"][feature].astype(np.float64),
    )


@cache
def _opencv_cascade() -> object | None:
    """cv2.CascadeClassifier with OpenCV's own file, where this OpenCV still has both."""
    if not hasattr(cv2, "CascadeClassifier"):
        return None
    data = getattr(cv2, "data", None)
    path = f"{getattr(data, 'haarcascades', '')}haarcascade_frontalface_default.xml"
    clf = cv2.CascadeClassifier(path)
    return None if clf.empty() else clf


def _corner_offsets(c: _Cascade, stride: int) -> np.ndarray:
    """Offsets into a flattened integral image of the 4 corners of each stump rectangle: (stumps, 12)."""
    x, y, w, h = (c.rects[..., i] for i in range(4))
    corners = np.stack(
        [y * stride + x, y * stride + x + w, (y + h) * stride + x, (y + h) * stride + x + w], axis=-1
    )
    return corners.reshape(len(c.rects), 12)


@cache
def _corner_weights() -> np.ndarray:
    """Signed weight of each of the 12 corners: rect weight times (+1, -1, -1, +1)."""
    c = _cascade()
    signs = np.array([1.0, -1.0, -1.0, 1.0], dtype=np.float32)
    return (c.weights.astype(np.float32)[:, :, None] * signs[None, None, :]).reshape(len(c.rects), 12)


def _scan(grey: np.ndarray, c: _Cascade, step: int) -> np.ndarray:
    """Top-left corners (x, y) of the windows of a pyramid level that pass every stage."""
    ww, wh = c.window
    h, w = grey.shape
    if h < wh or w < ww:
        return np.zeros((0, 2), dtype=np.int64)
    ii, sq = cv2.integral2(grey, sdepth=cv2.CV_32S, sqdepth=cv2.CV_64F)
    stride = w + 1
    flat, flat_sq = ii.ravel(), sq.ravel()
    ys, xs = np.mgrid[0 : h - wh + 1 : step, 0 : w - ww + 1 : step]
    ys, xs = ys.ravel(), xs.ravel()
    base = (ys * stride + xs).astype(np.int32)

    # variance normalisation over the window shrunk by one pixel (as OpenCV's HaarEvaluator)
    p0, p1, p2, p3 = stride + 1, stride + ww - 1, (wh - 1) * stride + 1, (wh - 1) * stride + ww - 1
    s = (flat[base + p3] - flat[base + p1] - flat[base + p2] + flat[base + p0]).astype(np.float64)
    s2 = flat_sq[base + p3] - flat_sq[base + p1] - flat_sq[base + p2] + flat_sq[base + p0]
    area = (ww - 2) * (wh - 2)
    nf = area * s2 - s * s
    inv = np.where(nf > 0, 1.0 / np.sqrt(np.maximum(nf, 1e-12)), 1.0).astype(np.float32)

    offsets = _corner_offsets(c, stride).astype(np.int32)
    cw = _corner_weights()
    alive = np.arange(base.size)
    for (a, b), stage_thr in zip(c.stage_bounds, c.stage_threshold, strict=True):
        if alive.size == 0:
            break
        corners = flat[base[alive, None, None] + offsets[None, a:b]].astype(np.float32)  # (N, n, 12)
        value = np.einsum("Nnk,nk->Nn", corners, cw[a:b]) * inv[alive, None]
        votes = np.where(value < c.threshold[None, a:b], c.left[None, a:b], c.right[None, a:b]).sum(axis=1)
        alive = alive[votes >= stage_thr]
    return np.stack([xs[alive], ys[alive]], axis=1)


def _group(rects: list[Rect], min_neighbors: int, eps: float = 0.2) -> list[Rect]:
    """OpenCV's groupRectangles: cluster similar boxes, keep clusters with more than `min_neighbors`."""
    n = len(rects)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            a, b = rects[i], rects[j]
            delta = eps * (min(a[2], b[2]) + min(a[3], b[3])) * 0.5
            if (
                abs(a[0] - b[0]) <= delta
                and abs(a[1] - b[1]) <= delta
                and abs(a[0] + a[2] - b[0] - b[2]) <= delta
                and abs(a[1] + a[3] - b[1] - b[3]) <= delta
            ):
                parent[find(i)] = find(j)
    clusters: dict[int, list[Rect]] = {}
    for i, r in enumerate(rects):
        clusters.setdefault(find(i), []).append(r)
    groups = [
        (np.mean(np.array(m, dtype=np.float64), axis=0), len(m))
        for m in clusters.values()
        if len(m) > min_neighbors
    ]
    out: list[Rect] = []
    for i, (r, k) in enumerate(groups):
        inside = any(
            j != i
            and k2 > max(3, k)
            and r2[0] <= r[0]
            and r2[1] <= r[1]
            and r[0] + r[2] <= r2[0] + r2[2]
            and r[1] + r[3] <= r2[1] + r2[3]
            for j, (r2, k2) in enumerate(groups)
        )
        if not inside:
            out.append(tuple(int(round(v)) for v in r))  # type: ignore[arg-type]
    return out


def detect_faces(
    grey: np.ndarray,
    *,
    scale_factor: float = 1.15,
    min_neighbors: int = 4,
    min_size: int = 24,
    max_size: int = 0,
) -> list[Rect]:
    """Frontal faces (x, y, w, h) on a uint8 grey picture."""
    if grey.ndim != 2 or grey.dtype != np.uint8:
        raise ValueError("detect_faces needs a 2-D uint8 grey picture")
    clf = _opencv_cascade()
    if clf is not None:  # pragma: no cover - only with OpenCV 4
        hits = clf.detectMultiScale(  # type: ignore[attr-defined]
            grey, scaleFactor=scale_factor, minNeighbors=min_neighbors, minSize=(min_size, min_size)
        )
        return [tuple(int(v) for v in r) for r in hits]  # type: ignore[misc]
    c = _cascade()
    h, w = grey.shape
    max_size = max_size or min(h, w)
    found: list[Rect] = []
    factor = 1.0
    while True:
        win = int(round(c.window[0] * factor))
        if win > min(h, w) or win > max_size:
            break
        if win >= min_size:
            size = (int(round(w / factor)), int(round(h / factor)))
            level = grey if factor == 1.0 else cv2.resize(grey, size, interpolation=cv2.INTER_LINEAR)
            for x, y in _scan(level, c, 2):
                found.append((int(round(x * factor)), int(round(y * factor)), win, win))
        factor *= scale_factor
    return _group(found, min_neighbors)
