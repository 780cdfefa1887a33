"""Real speech in other languages: espeak-ng German (the project made it) and recordings it did not make."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.mediafixtures import ENGLISH, GERMAN  # noqa: F401  (the code-switching clip's speech)
from tests.support.clipgen import espeak_available, synthesize

DATA = Path(__file__).resolve().parents[1] / "media" / "data"

SPANISH_REF = "El veloz murciélago hindú comía feliz cardillo y kiwi."
SLOGAN = "Subscribe for more videos like this one."

needs_espeak = pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng (test set-up installs it)")


def to_16k(pcm: np.ndarray, rate: int = 22050) -> np.ndarray:
    n = round(len(pcm) * 16000 / rate)
    return np.interp(np.linspace(0, len(pcm) - 1, n), np.arange(len(pcm)), pcm).astype(np.float32)


@pytest.fixture(scope="session")
def repetitive_audio() -> tuple[np.ndarray, list[tuple[int, int]]]:
    """About 100 s of one slogan said 40 times (real espeak-ng speech) and where it is spoken (ms)."""
    if not espeak_available():
        pytest.skip("needs espeak-ng")
    one = to_16k(synthesize(SLOGAN))
    gap = np.zeros(6400, dtype=np.float32)  # 0.4 s
    parts, truth, t = [], [], 0
    for _ in range(40):
        parts += [one, gap]
        truth.append((t, t + len(one) // 16))
        t += (len(one) + len(gap)) // 16
    return np.concatenate(parts), truth
