"""The numpy Haar cascade finds a real frontal face and nothing on plain or drawn pictures."""

from __future__ import annotations

import cv2
import numpy as np

from tests.mediafixtures import PORTRAIT
from valuedesk.media.faces import detect_faces


def test_detects_portrait_face() -> None:
    grey = cv2.imread(str(PORTRAIT), cv2.IMREAD_GRAYSCALE)
    grey = cv2.resize(grey, (267, 320), interpolation=cv2.INTER_AREA)
    faces = detect_faces(grey)
    assert len(faces) == 1
    x, y, w, h = faces[0]
    # OpenCV 4's CascadeClassifier finds (78, 56, 120, 120) on this picture with these settings
    assert abs(x - 78) <= 6 and abs(y - 56) <= 6 and abs(w - 120) <= 10 and w == h


def test_no_faces_on_flat_or_noise() -> None:
    rng = np.random.default_rng(0)
    assert detect_faces(np.full((320, 180), 128, dtype=np.uint8)) == []
    assert detect_faces(rng.integers(0, 256, (320, 180), dtype=np.uint8)) == []
