"""Training inputs from labelled short-video scripts: run-time-shaped texts and 4-way targets.

Why the augmentation: at run time the classifier reads ASR output (lower case, no punctuation,
misheard words), OCR'd on-screen text and the caption, and — once a vision backend writes them —
rich scene lines. Each training post is therefore drawn several times per epoch, with or without
its scene and sound lines, and part of the draws get ASR-like noise on the speech.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from valuedesk.classify.data import lines_text
from valuedesk.classify.posts import ALL_KINDS, CONTENT_KINDS, Post
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS

# Words Whisper tiny often swaps or drops on fast, slangy speech.
_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "their": ("there", "they're"),
    "there": ("their",),
    "your": ("you're",),
    "you're": ("your",),
    "to": ("too", "two"),
    "gonna": ("going to", "gotta"),
    "wanna": ("want to", "wanna"),
    "it's": ("its",),
    "lowkey": ("low key",),
    "literally": ("literally", "litterly"),
    "bro": ("bruh", "bro"),
    "the": ("a", "the"),
    "and": ("an", "and"),
    "so": ("so", "sew"),
    "cause": ("cuz", "because"),
}
_PUNCT = re.compile(r"[.,!?;:\"“”…]+")


def asr_noise(text: str, rng: random.Random, rate: float = 0.08) -> str:
    """Lower case, no punctuation, and a few confused, dropped or doubled words (like fast ASR)."""
    words = _PUNCT.sub("", text.lower()).split()
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < rate * 0.4:
            continue  # dropped
        if r < rate * 0.8 and w in _CONFUSIONS:
            out.append(rng.choice(_CONFUSIONS[w]))
            continue
        out.append(w)
        if r > 1 - rate * 0.2:
            out.append(w)  # doubled
    return " ".join(out) if out else text.lower()


def noisy_lines(lines: Sequence[ScriptLine], rng: random.Random) -> list[ScriptLine]:
    return [
        ScriptLine(ln.start_ms, ln.end_ms, ln.kind, ln.speaker, asr_noise(ln.text, rng))
        if ln.kind == "speech"
        else ln
        for ln in lines
    ]


@dataclass
class Targets:
    """Per value: presence (label ≠ 0), polarity (−1 given ≠ 0) and dominance (2 given 1/2), with masks."""

    presence: np.ndarray
    polarity: np.ndarray
    polarity_mask: np.ndarray
    dominance: np.ndarray
    dominance_mask: np.ndarray


def targets_from_labels(labels: np.ndarray) -> Targets:
    lab = np.asarray(labels, dtype=np.int64)
    nz = lab != 0
    endorsed = lab >= 1
    return Targets(
        nz.astype(np.float32),
        (lab == -1).astype(np.float32),
        nz.astype(np.float32),
        (lab == 2).astype(np.float32),
        endorsed.astype(np.float32),
    )


def post_text(post: Post, kinds: Sequence[str] = CONTENT_KINDS) -> str:
    """A post as the classifier reads it in one window (run-time order of its lines)."""
    lines, _ = post.model_input(kinds)
    return lines_text(lines)


def post_draws(post: Post, rng: random.Random, *, scene_share: float, noise_share: float) -> str:
    """One training text of a post: with or without scene/sound lines, with or without ASR noise."""
    kinds = ALL_KINDS if rng.random() < scene_share else CONTENT_KINDS
    lines, _ = post.model_input(kinds)
    if rng.random() < noise_share:
        lines = noisy_lines(lines, rng)
    if not lines:  # a silent post with no text at all: the scene lines are all there is
        lines, _ = post.model_input(ALL_KINDS)
    return lines_text(lines)


def label_matrix(posts: Sequence[Post]) -> np.ndarray:
    return (
        np.stack([p.label_vector() for p in posts])
        if posts
        else np.zeros((0, len(VALUE_IDS)), dtype=np.int64)
    )


TEST_BUCKETS, DEV_BUCKETS = 18, 24  # of 100 hash buckets: ≈ 18 % of creators test, ≈ 24 % dev


def creator_split(creator: str) -> str:
    """test / dev / train for the script corpus, from a hash of the creator's handle.

    Why a hash and not a shuffle: a creator's split never changes as batches are added, so work
    done on train and dev while the corpus grew (e.g. the encoder comparison) never saw a post
    that later became a test post. No creator is in two splits.
    """
    bucket = int(hashlib.sha256(creator.encode("utf-8")).hexdigest(), 16) % 100
    return "test" if bucket < TEST_BUCKETS else "dev" if bucket < TEST_BUCKETS + DEV_BUCKETS else "train"
