"""Zero-shot baseline: MiniLM similarity to value prototypes + the Personal Values Dictionary.

No training data is used. Stated decision rules (constants below):
- Each script line and each window of lines (same windows as the trained model) is embedded
  with the packaged MiniLM (mean pooling, L2-normalised). Its similarity to a value is the
  highest cosine to the value's prototypes (its definition + 3 descriptive sentences).
- Lexicon signal: a line containing a PVD word of the value's basic value (Value.basic, e.g.
  Power → Power: dominance, Power: resources, Face) gets +LEXICON_BONUS similarity.
- Unit score = sigmoid((similarity − CENTER) / SCALE); video score = max over units.
- Present (1) when the video score ≥ 0.5; dominant (2) by the same rule as the trained model
  (model.dominant_mask) with coverage = share of lines whose own score ≥ 0.5.
- Evidence: lines whose score ≥ half the video score, weights ∝ line score (top 3, sum ≤ 1).
- Contradiction: an explained keyword cue (contradiction.py: negation, rejection and mockery
  words in the evidence lines), never −1 unless the user opts in. It is kept only as this
  baseline's −1 reader, to compare against; the trained v2 model has a polarity head instead.

Embeddings come from ONNX Runtime (the base encoder exported once into the user cache, see
onnx_backend.py) so loading needs no torch; torch is the fallback, as for the trained model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from valuedesk.classify import onnx_backend
from valuedesk.classify.base import Evidence, Profile, ValueScore
from valuedesk.classify.contradiction import contradiction_strength
from valuedesk.classify.data import PVD_FILE, lines_text
from valuedesk.classify.evidence import make_windows
from valuedesk.classify.model import VideoRules, dominant_mask
from valuedesk.classify.prototypes import PROTOTYPES
from valuedesk.classify.tokens import token_counts
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, VALUES, Label

MODEL_ID = "valuedesk-zeroshot-minilm-pvd-v1"
CENTER = 0.22  # cosine similarity at which a unit scores 0.5 (one constant, chosen on validation)
SCALE = 0.04
LEXICON_BONUS = 0.10
THRESHOLD = 0.5


@lru_cache(maxsize=1)
def load_lexicon(path: Path = PVD_FILE) -> dict[str, frozenset[str]]:
    """Basic value name → set of lower-case PVD words (exact token match, as pyvalues does)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: frozenset(w.lower() for w in v) for k, v in raw.items()}


_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def lexicon_hits(text: str, lexicon: dict[str, frozenset[str]]) -> np.ndarray:
    """(19,) 0/1: does the text contain a PVD word of each value's basic value?"""
    tokens = set(_TOKEN.findall(text.lower()))
    basic_hit = {b: bool(tokens & words) for b, words in lexicon.items()}
    return np.array([1.0 if basic_hit.get(v.basic, False) else 0.0 for v in VALUES])


def load_embedder_onnx() -> onnx_backend.OnnxTextNet:
    """The base MiniLM embedder from the ONNX cache (exported with torch on first use)."""

    def export(path: Path) -> np.ndarray:
        from valuedesk.classify.onnx_export import export_base_embedder

        return export_base_embedder(path)

    return onnx_backend.cached_net("minilm-embed", onnx_backend.base_files(), export)


class ZeroShotClassifier:
    """Definition/prototype similarity + PVD lexicon; implements `ValueClassifier`."""

    model_id = MODEL_ID

    def __init__(
        self,
        *,
        rules: VideoRules | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        backend: str | None = None,
    ) -> None:
        self.rules = rules or VideoRules()
        self.batch_size = batch_size
        self.device = device
        self.lexicon = load_lexicon()
        self.thresholds = np.full(len(VALUE_IDS), THRESHOLD)
        self._encoder: Any = None
        self._onnx: onnx_backend.OnnxTextNet | None = None
        wanted = backend or onnx_backend.requested_backend()
        if wanted != "torch" and device == "cpu":
            try:
                self._onnx = load_embedder_onnx()
            except onnx_backend.CacheError as exc:
                if wanted == "onnx":
                    raise
                onnx_backend.log.warning("valuedesk: ONNX inference unavailable (%s); using torch", exc)
        self.backend = "onnx" if self._onnx is not None else "torch"
        protos: list[str] = []
        owner: list[int] = []
        for j, v in enumerate(VALUES):
            for text in (v.definition, *PROTOTYPES[v.id]):
                protos.append(text)
                owner.append(j)
        self._proto = self.embed(protos)
        self._owner = np.array(owner)

    @property
    def encoder(self) -> Any:
        """The torch base encoder (loaded on first use when inference runs on ONNX)."""
        if self._encoder is None:
            import torch

            from valuedesk.classify.encoder import load_base_encoder

            self._encoder = load_base_encoder().to(torch.device(self.device))
        return self._encoder

    def warm_up(self) -> None:
        """Nothing to do: loading already embedded the prototypes."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised mean-pooled MiniLM embeddings (the sentence-transformers recipe)."""
        if self._onnx is not None:
            return self._onnx.run(texts, max_length=128, batch_size=self.batch_size)
        return self._embed_torch(texts)

    def _embed_torch(self, texts: list[str]) -> np.ndarray:
        import torch

        from valuedesk.classify.encoder import mean_pool, tokenize

        out = np.zeros((len(texts), int(self.encoder.config.hidden_size)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for s in range(0, len(order), self.batch_size):
                idx = order[s : s + self.batch_size]
                batch = tokenize([texts[i] for i in idx], 128)
                h = self.encoder(**batch).last_hidden_state
                e = torch.nn.functional.normalize(mean_pool(h, batch["attention_mask"]), dim=-1)
                out[idx] = e.numpy()
        return out

    def similarity(self, texts: list[str]) -> np.ndarray:
        """(n, 19): best cosine between each text and each value's prototypes."""
        if not texts:
            return np.zeros((0, len(VALUE_IDS)))
        cos = self.embed(texts) @ self._proto.T
        sim = np.full((len(texts), len(VALUE_IDS)), -1.0)
        for j in range(len(VALUE_IDS)):
            sim[:, j] = cos[:, self._owner == j].max(axis=1)
        return sim

    def unit_scores(self, texts: list[str]) -> np.ndarray:
        lex = (
            np.stack([lexicon_hits(t, self.lexicon) for t in texts])
            if texts
            else np.zeros((0, len(VALUE_IDS)))
        )
        sim = self.similarity(texts) + LEXICON_BONUS * lex
        return 1 / (1 + np.exp(-(sim - CENTER) / SCALE))

    def predict_texts(self, texts: list[str]) -> np.ndarray:
        return self.unit_scores(texts)

    def classify(self, lines: Sequence[ScriptLine]) -> Profile:
        return self.classify_many([lines])[0]

    def classify_many(
        self, scripts: Sequence[Sequence[ScriptLine]], *, evidence: bool = True
    ) -> list[Profile]:
        texts: list[str] = []
        plan: list[tuple[list[ScriptLine], int]] = []
        for s in scripts:
            lines = list(s)
            wins = (
                make_windows(token_counts([ln.model_text() for ln in lines]), self.rules.window_tokens)
                if lines
                else []
            )
            # single-line windows are the lines themselves: do not score them twice
            units = [ln.model_text() for ln in lines] + [
                lines_text(lines[w.start : w.end]) for w in wins if w.end - w.start > 1
            ]
            texts += units
            plan.append((lines, len(units)))
        scores_all = self.unit_scores(texts)
        out: list[Profile] = []
        pos = 0
        for lines, n_units in plan:
            u = scores_all[pos : pos + n_units]
            pos += n_units
            out.append(self._profile(lines, u, evidence))
        return out

    def _profile(self, lines: list[ScriptLine], units: np.ndarray, evidence: bool) -> Profile:
        k = len(VALUE_IDS)
        n = len(lines)
        video = units.max(axis=0) if len(units) else np.zeros(k)
        line_s = units[:n] if n else np.zeros((0, k))
        present = video >= self.thresholds
        coverage = (line_s >= THRESHOLD).mean(axis=0) if n else np.zeros(k)
        dominant = dominant_mask(video, present, coverage, self.rules)
        ev: list[Evidence] = []
        if evidence and n:
            for j, vid in enumerate(VALUE_IDS):
                if not present[j]:
                    continue
                cand = [i for i in range(n) if line_s[i, j] >= video[j] / 2]
                cand = sorted(cand, key=lambda i: -line_s[i, j])
                total = float(sum(line_s[i, j] for i in cand))
                for i in cand[: self.rules.evidence_top_k]:
                    ln = lines[i]
                    ev.append(
                        Evidence(
                            vid, i, round(float(line_s[i, j]) / total, 4), ln.start_ms, ln.end_ms, ln.text
                        )
                    )
        scores: dict[str, ValueScore] = {}
        for j, vid in enumerate(VALUE_IDS):
            contra = contradiction_strength([e for e in ev if e.value_id == vid]) if present[j] else 0.0
            label = Label.DOMINANT if dominant[j] else Label.PRESENT if present[j] else Label.ABSENT
            ct = self.rules.contradiction_threshold
            if present[j] and ct is not None and contra >= ct:
                label = Label.CONTRADICTED
            scores[vid] = ValueScore(vid, round(float(video[j]), 4), label, THRESHOLD, contra)
        return Profile(self.model_id, scores, ev)
