"""The trained value classifier at video level: windows → calibrated scores → labels + evidence.

Rules (stated, also written into each Profile's model folder config):
- Windows: consecutive script lines packed up to `window_tokens` (120) word pieces, one line
  overlap (evidence.make_windows); each window is scored by the encoder.
- Video score of a value = max over windows of its calibrated (Platt) probability: a value is
  present if it is expressed anywhere in the post (the ValueEval presence semantics).
- Present (1) when the score ≥ the value's threshold (tuned on Touché23 validation, script form),
  at most `max_present` (5) values per video: those furthest above their thresholds (logit
  margin). F1-tuned thresholds favour recall (≈5 predicted values per argument against ≈3.3 in
  the gold labels); on Touché23 validation the cap costs 0.002 macro-F1 (argument input) and
  gains 0.02 macro-precision — and it keeps a video's profile readable.
- Dominant (2) when present AND either (a) score ≥ `dominant_prob` (0.75) and the windows where
  it is present cover ≥ `dominant_coverage` (50 %) of the script's lines, or (b) it is the clear
  top value: score ≥ 0.5 and ≥ `dominant_margin` (0.25) above every other present value's score.
  At most `max_dominant` (2) values per video, highest scores first.
- Contradicted (−1), v2 models: a polarity head gives, per value, the probability that the post
  goes against it given that the value is at stake (read in the window where the value's presence
  is highest); a present value is contradicted when that probability ≥ the model's
  `polarity_threshold` (tuned on the script dev split). v1 models (presence head only) never
  label −1. Dominant, v2: an endorsed value whose dominance probability ≥ `dominance_threshold`,
  at most `max_dominant` per post (both tuned on dev); v1 keeps the score/coverage rule above.
  The video rules a v2 model was tuned with are stored in its config ("video_rules").

Inference runs on ONNX Runtime from a per-user cache (onnx_backend.py) so that loading imports
neither torch nor transformers; torch is the fallback (no cache possible, export failure,
device other than cpu, or $VALUEDESK_CLASSIFY_BACKEND=torch) and the training path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from valuedesk.classify import onnx_backend
from valuedesk.classify.base import Evidence, Profile, ValueScore
from valuedesk.classify.data import lines_text
from valuedesk.classify.evidence import (
    Window,
    attribute,
    candidate_lines,
    line_coverage,
    loo_texts,
    make_windows,
)
from valuedesk.classify.lexical import LexicalHead
from valuedesk.classify.tokens import CONFIG_FILE, DELTA_FILE, ModelLoadError, token_counts
from valuedesk.resources import model_dir
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label

DEFAULT_MODEL_DIR = model_dir()


@dataclass(frozen=True)
class VideoRules:
    window_tokens: int = 120
    window_overlap: int = 1
    max_present: int | None = 5  # keep only the k values furthest above their thresholds
    dominant_prob: float = 0.75
    dominant_coverage: float = 0.5
    dominant_margin: float = 0.25
    max_dominant: int = 2
    evidence_top_k: int = 3
    evidence_candidates: int | None = 8  # lines per window re-read without them (None: every line)
    contradiction_threshold: float | None = None  # zero-shot baseline only: its keyword cue (opt-in)
    polarity_threshold: float = 0.5  # v2: P(goes against | at stake) at or above → −1
    dominance_threshold: float = 0.5  # v2: P(dominant | endorsed) at or above → 2


def rules_from_config(cfg: dict[str, Any], rules: VideoRules | None) -> VideoRules:
    """Explicit rules win; else the rules the model was tuned with (config "video_rules"); else defaults."""
    if rules is not None:
        return rules
    tuned = cfg.get("video_rules") or {}
    known = {f for f in VideoRules.__dataclass_fields__}
    return VideoRules(**{k: v for k, v in tuned.items() if k in known})


@dataclass(frozen=True)
class HeadLogits:
    """Per text: calibrated presence logits and, for v2 models, polarity and dominance logits (n, 19 each)."""

    presence: np.ndarray
    polarity: np.ndarray | None
    dominance: np.ndarray | None

    def rows(self, start: int, stop: int) -> HeadLogits:
        return HeadLogits(
            self.presence[start:stop],
            None if self.polarity is None else self.polarity[start:stop],
            None if self.dominance is None else self.dominance[start:stop],
        )


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -40, 40)))


def video_heads(window: HeadLogits) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
    """A post's presence score (max over windows) and the polarity/dominance logits of that best window."""
    best = np.argmax(window.presence, axis=0)
    cols = np.arange(window.presence.shape[1])
    scores = sigmoid(window.presence.max(axis=0))
    pol = None if window.polarity is None else window.polarity[best, cols]
    dom = None if window.dominance is None else window.dominance[best, cols]
    return scores, pol, dom, best


def decide_labels(
    scores: np.ndarray,
    thresholds: np.ndarray,
    polarity: np.ndarray | None,
    dominance: np.ndarray | None,
    rules: VideoRules,
    coverage: np.ndarray | None = None,
) -> np.ndarray:
    """The 4-way labels of one post from its video-level head outputs (the one decision rule).

    Used at run time and when thresholds are tuned on dev, so both apply exactly the same rule.
    """
    present = scores >= thresholds
    if rules.max_present is not None and present.sum() > rules.max_present:
        margin = np.log(scores / (1 - scores + 1e-9) + 1e-9) - np.log(thresholds / (1 - thresholds))
        keep = np.argsort(-np.where(present, margin, -np.inf))[: rules.max_present]
        capped = np.zeros_like(present)
        capped[keep] = True
        present = capped
    labels = np.where(present, int(Label.PRESENT), int(Label.ABSENT)).astype(np.int64)
    if polarity is not None:
        against = present & (sigmoid(polarity) >= rules.polarity_threshold)
        labels[against] = int(Label.CONTRADICTED)
    endorsed = labels == int(Label.PRESENT)
    if dominance is not None:
        p_dom = sigmoid(dominance)
        dom = endorsed & (p_dom >= rules.dominance_threshold)
        if dom.sum() > rules.max_dominant:
            keep = np.argsort(-np.where(dom, p_dom, -1.0))[: rules.max_dominant]
            dom[:] = False
            dom[keep] = True
    else:
        dom = dominant_mask(
            scores, endorsed, coverage if coverage is not None else np.zeros_like(scores), rules
        )
    labels[dom & endorsed] = int(Label.DOMINANT)
    return labels


def dominant_mask(
    scores: np.ndarray, present: np.ndarray, coverage: np.ndarray, rules: VideoRules
) -> np.ndarray:
    """Which present values are dominant (see the module docstring for the rule)."""
    dom = present & (scores >= rules.dominant_prob) & (coverage >= rules.dominant_coverage)
    if present.any():
        order = np.argsort(-np.where(present, scores, -1.0))
        top = int(order[0])
        others = scores[present & (np.arange(len(scores)) != top)]
        second = float(others.max()) if others.size else 0.0
        if scores[top] >= 0.5 and scores[top] - second >= rules.dominant_margin:
            dom[top] = True
    if dom.sum() > rules.max_dominant:
        keep = np.argsort(-np.where(dom, scores, -1.0))[: rules.max_dominant]
        dom[:] = False
        dom[keep] = True
    return dom


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def read_config(model_dir: Path) -> dict[str, Any]:
    """config.json of a model folder (ModelLoadError when the folder is not a model)."""
    cfg_path = model_dir / CONFIG_FILE
    if not cfg_path.is_file() or not (model_dir / DELTA_FILE).is_file():
        raise ModelLoadError(
            f"{model_dir} is not a ValueDesk model folder (needs {CONFIG_FILE} and {DELTA_FILE})"
        )
    cfg: dict[str, Any] = json.loads(cfg_path.read_text(encoding="utf-8"))
    return cfg


def value_net_files(model_dir: Path) -> list[tuple[str, Path]]:
    """The files a trained network is built from (its ONNX cache key): config, delta, the base package."""
    return [
        ("model/" + CONFIG_FILE, model_dir / CONFIG_FILE),
        ("model/" + DELTA_FILE, model_dir / DELTA_FILE),
        *onnx_backend.base_files(),
    ]


def load_value_onnx(model_dir: Path, max_length: int = 128) -> onnx_backend.OnnxTextNet:
    """The model folder's network from the ONNX cache (exported with torch on first use)."""
    files = value_net_files(model_dir)

    def export(path: Path) -> np.ndarray:
        from valuedesk.classify.onnx_export import export_value_net

        return export_value_net(model_dir, path, max_length)

    return onnx_backend.cached_net(f"valuenet-l{max_length}", files, export)


class TrainedClassifier:
    """Fine-tuned MiniLM (packaged base + shipped delta) implementing `ValueClassifier`.

    `backend`: "auto" (ONNX Runtime from the cache, torch when that is impossible), "onnx" (same,
    but fail instead of falling back) or "torch"; None reads $VALUEDESK_CLASSIFY_BACKEND.
    `self.backend` tells which one is in use.
    """

    def __init__(
        self,
        model_dir: str | Path = DEFAULT_MODEL_DIR,
        *,
        shape: str | None = None,
        rules: VideoRules | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        backend: str | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.config = read_config(self.model_dir)
        self.device = device
        self.model_id: str = str(self.config.get("model_id", "valuedesk-minilm"))
        self.max_length = int(self.config.get("max_length", 128))
        self.batch_size = batch_size
        self.rules = rules_from_config(self.config, rules)
        self.heads: tuple[str, ...] = tuple(self.config.get("heads", ("presence",)))
        self.n_values = len(VALUE_IDS)
        self.use_shape(shape or str(self.config.get("runtime_shape", "script")))
        self._net: Any = None
        self._onnx: onnx_backend.OnnxTextNet | None = None
        self.lexical = LexicalHead.load(self.model_dir)
        wanted = backend or onnx_backend.requested_backend()
        if wanted != "torch" and device == "cpu":
            try:
                self._onnx = load_value_onnx(self.model_dir, self.max_length)
            except onnx_backend.CacheError as exc:
                if wanted == "onnx":
                    raise
                onnx_backend.log.warning("valuedesk: ONNX inference unavailable (%s); using torch", exc)
        self.backend = "onnx"
        if self._onnx is None:
            _ = self.net  # sets backend = "torch"

    @property
    def net(self) -> Any:
        """The torch ValueNet, loaded on first use when inference ran on ONNX.

        Touching it switches this instance to torch inference for good: callers take the net to
        train or edit it (retrain.py fine-tunes it in place), and predictions must follow.
        """
        if self._net is None:
            import torch

            from valuedesk.classify.encoder import load_delta

            net, _ = load_delta(self.model_dir)
            self._net = net.to(torch.device(self.device))
        self._onnx = None
        self.backend = "torch"
        return self._net

    def use_shape(self, shape: str) -> None:
        """Pick the calibration/threshold set ("script" at run time, "argument" for ValueEval input)."""
        calib = self.config.get("calibration", {})
        if shape not in calib:
            raise ModelLoadError(
                f"{self.model_dir} has no calibration for input shape {shape!r} (has {sorted(calib)})"
            )
        self.shape = shape
        c = calib[shape]
        self.platt = np.array([c["platt"][v] for v in VALUE_IDS], dtype=np.float64)
        self.thresholds = np.array([c["thresholds"][v] for v in VALUE_IDS], dtype=np.float64)

    # ------------------------------------------------------------ scoring
    def raw_logits(self, texts: list[str]) -> np.ndarray:
        """Uncalibrated head outputs (n, 19 × heads): the encoder's from the active backend, plus the
        lexical head's on the script heads when the model has one (lexical.py)."""
        if not texts:
            return np.zeros((0, self.n_values * len(self.heads)), dtype=np.float32)
        if self._onnx is not None:
            raw = self._onnx.run(texts, max_length=self.max_length, batch_size=self.batch_size)
        else:
            from valuedesk.classify.encoder import predict_logits

            raw = predict_logits(
                self.net, texts, max_length=self.max_length, batch_size=self.batch_size
            ).numpy()
        return self.add_lexical(raw, texts)

    def add_lexical(self, raw: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """`raw` encoder logits with the lexical head's added to its first columns (no-op without one)."""
        if self.lexical is None:
            return raw
        lex = self.lexical.logits(texts)
        out = np.array(raw, dtype=np.float64)
        out[:, : lex.shape[1]] += lex
        return out

    def split_heads(self, raw: np.ndarray) -> HeadLogits:
        """Raw outputs → calibrated presence logits + polarity/dominance logits (None for v1 models)."""
        k = self.n_values
        raw = np.asarray(raw, dtype=np.float64).reshape(len(raw), k * len(self.heads))
        parts = {h: raw[:, i * k : (i + 1) * k] for i, h in enumerate(self.heads)}
        presence = (
            parts["presence_argument"]
            if self.shape == "argument" and "presence_argument" in parts
            else parts["presence"]
        )
        return HeadLogits(
            presence * self.platt[:, 0] + self.platt[:, 1], parts.get("polarity"), parts.get("dominance")
        )

    def head_logits(self, texts: list[str]) -> HeadLogits:
        return self.split_heads(self.raw_logits(texts))

    def calibrated_logits(self, texts: list[str]) -> np.ndarray:
        """Calibrated presence logits (n, 19)."""
        return self.head_logits(texts).presence

    def warm_up(self) -> None:
        """One tiny forward pass, so the first video does not pay for lazy allocations."""
        self.raw_logits(["warm up"])

    def predict_texts(self, texts: list[str]) -> np.ndarray:
        """Calibrated presence probabilities (n, 19) for ready-made texts (one window each)."""
        return sigmoid(self.calibrated_logits(texts))

    def windows(self, lines: Sequence[ScriptLine], counts: Sequence[int] | None = None) -> list[Window]:
        if counts is None:
            counts = token_counts([ln.model_text() for ln in lines]) if lines else []
        return make_windows(counts, self.rules.window_tokens, self.rules.window_overlap)

    def classify(self, lines: Sequence[ScriptLine]) -> Profile:
        return self.classify_many([lines])[0]

    def classify_many(
        self, scripts: Sequence[Sequence[ScriptLine]], *, evidence: bool = True
    ) -> list[Profile]:
        """Classify several scripts, their windows in shared batches, then the evidence passes.

        The windows decide the labels. Evidence then reads only the window that best supports
        each non-absent value (`evidence_windows`): a post with nothing at stake costs nothing
        more. In such a window each line is read alone (short texts, one cheap batch) to pick at
        most `rules.evidence_candidates` lines (`candidate_lines`), and the window is re-read
        without each of them: leave-one-out drops for the candidates, none for the other lines.
        """
        plan: list[tuple[list[ScriptLine], list[Window]]] = []
        texts: list[str] = []
        all_lines = [list(s) for s in scripts]
        flat = [ln.model_text() for lines in all_lines for ln in lines]
        counts = token_counts(flat) if flat else []  # one tokenizer call for every line
        at = 0
        for lines in all_lines:
            wins = self.windows(lines, counts[at : at + len(lines)])
            at += len(lines)
            plan.append((lines, wins))
            texts += [lines_text(lines[w.start : w.end]) for w in wins]
        z_all = self.head_logits(texts)
        decided: list[tuple[HeadLogits, np.ndarray, list[int]]] = []
        pos = 0
        for lines, wins in plan:
            zw = z_all.rows(pos, pos + len(wins))
            pos += len(wins)
            labels = self._labels(lines, wins, zw)
            needed = evidence_windows(label_support(zw, labels), labels) if evidence and wins else []
            decided.append((zw, labels, needed))
        if not evidence:
            return [
                self._profile(lines, wins, zw, labels, None)
                for (lines, wins), (zw, labels, _) in zip(plan, decided, strict=True)
            ]
        chosen = self._evidence_candidates(plan, decided)
        loo_all: list[str] = []
        for (lines, wins), (_, _, needed), picks in zip(plan, decided, chosen, strict=True):
            for w in needed:
                loo_all += loo_texts(lines, wins[w], lines_text, picks[w])
        z_loo = self.head_logits(loo_all) if loo_all else None
        out: list[Profile] = []
        pos = 0
        for (lines, wins), (zw, labels, needed), picks in zip(plan, decided, chosen, strict=True):
            loo: dict[int, HeadLogits] = {}
            for w in needed:
                assert z_loo is not None
                n = wins[w].end - wins[w].start
                rows = z_loo.rows(pos, pos + len(picks[w]))
                pos += len(picks[w])
                loo[w] = _fill_rows(zw.rows(w, w + 1), rows, picks[w], n)
            out.append(self._profile(lines, wins, zw, labels, loo))
        return out

    def _evidence_candidates(
        self,
        plan: list[tuple[list[ScriptLine], list[Window]]],
        decided: list[tuple[HeadLogits, np.ndarray, list[int]]],
    ) -> list[dict[int, list[int]]]:
        """Per script and needed window: the positions of the lines to leave out in turn."""
        limit = self.rules.evidence_candidates
        solo: list[str] = []
        out: list[dict[int, list[int]]] = []
        for (lines, wins), (_, _, needed) in zip(plan, decided, strict=True):
            picks: dict[int, list[int]] = {}
            for w in needed:
                if limit is None or wins[w].end - wins[w].start <= limit:
                    picks[w] = list(range(wins[w].end - wins[w].start))
                else:
                    solo += [lines_text([lines[i]]) for i in wins[w].indices()]
            out.append(picks)
        z_solo = self.head_logits(solo) if solo else None
        pos = 0
        for (_, wins), (_, labels, needed), picks in zip(plan, decided, out, strict=True):
            for w in needed:
                if w in picks:
                    continue
                assert z_solo is not None and limit is not None
                n = wins[w].end - wins[w].start
                support = label_support(z_solo.rows(pos, pos + n), labels)
                pos += n
                picks[w] = candidate_lines(support, labels != int(Label.ABSENT), limit)
        return out

    def video_logits(self, scripts: Sequence[Sequence[ScriptLine]]) -> HeadLogits:
        """Per script (one row each): the max-window presence logit and that window's polarity/dominance.

        The video-level quantities `decide_labels` works on; tune.py fits the run-time rules on them.
        """
        all_lines = [list(s) for s in scripts]
        flat = [ln.model_text() for lines in all_lines for ln in lines]
        counts = token_counts(flat) if flat else []
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        for lines in all_lines:
            wins = self.windows(lines, counts[at : at + len(lines)])
            at += len(lines)
            spans.append((len(texts), len(texts) + len(wins)))
            texts += [lines_text(lines[w.start : w.end]) for w in wins]
        z = self.head_logits(texts)
        k = self.n_values
        pres = np.full((len(all_lines), k), -20.0)
        pol = None if z.polarity is None else np.zeros((len(all_lines), k))
        dom = None if z.dominance is None else np.zeros((len(all_lines), k))
        cols = np.arange(k)
        for i, (a, b) in enumerate(spans):
            if a == b:
                continue
            best = a + np.argmax(z.presence[a:b], axis=0)
            pres[i] = z.presence[best, cols]
            if pol is not None and z.polarity is not None:
                pol[i] = z.polarity[best, cols]
            if dom is not None and z.dominance is not None:
                dom[i] = z.dominance[best, cols]
        return HeadLogits(pres, pol, dom)

    def _labels(self, lines: list[ScriptLine], wins: list[Window], zw: HeadLogits) -> np.ndarray:
        """The post's 19 labels from its windows' head outputs (all absent for an empty script)."""
        if not wins:
            return np.zeros(len(VALUE_IDS), dtype=np.int64)
        scores, pol, dom, _best = video_heads(zw)
        win_present = sigmoid(zw.presence) >= self.thresholds
        coverage = line_coverage(len(lines), wins, win_present)
        return decide_labels(scores, self.thresholds, pol, dom, self.rules, coverage)

    def _profile(
        self,
        lines: list[ScriptLine],
        wins: list[Window],
        zw: HeadLogits,
        labels: np.ndarray,
        loo: dict[int, HeadLogits] | None,
    ) -> Profile:
        k = len(VALUE_IDS)
        if not wins:  # an empty script expresses nothing
            return Profile(
                self.model_id,
                {
                    v: ValueScore(v, 0.0, Label.ABSENT, float(t), 0.0)
                    for v, t in zip(VALUE_IDS, self.thresholds, strict=True)
                },
                [],
            )
        scores, pol, _dom, _best = video_heads(zw)
        ev: list[Evidence] = []
        if loo is not None:
            empty = np.zeros((0, k))
            ev = attribute(
                lines,
                wins,
                label_support(zw, labels),
                [label_support(loo[w], labels) if w in loo else empty for w in range(len(wins))],
                VALUE_IDS,
                labels != int(Label.ABSENT),
                np.full(k, np.inf),  # no threshold: each value's best-supporting window alone
                top_k=self.rules.evidence_top_k,
            )
        p_against = sigmoid(pol) if pol is not None else np.zeros(k)
        result: dict[str, ValueScore] = {}
        for j, vid in enumerate(VALUE_IDS):
            result[vid] = ValueScore(
                vid,
                round(float(scores[j]), 4),
                Label(int(labels[j])),
                float(self.thresholds[j]),
                round(float(p_against[j]), 4),
            )
        return Profile(self.model_id, result, ev)


def evidence_windows(support: np.ndarray, labels: np.ndarray) -> list[int]:
    """The windows whose leave-one-out texts evidence needs: per non-absent value, the window with
    the highest support of its label (what `attribute` reads when given no threshold)."""
    active = np.flatnonzero(labels != int(Label.ABSENT))
    return sorted({int(np.argmax(support[:, j])) for j in active})


def _fill_rows(window: HeadLogits, rows: HeadLogits, positions: Sequence[int], n: int) -> HeadLogits:
    """Leave-one-out logits for all `n` lines of a window: the window's own where a line was not
    re-read (a drop of zero: no evidence), the re-read logits at `positions`."""

    def fill(own: np.ndarray | None, got: np.ndarray | None) -> np.ndarray | None:
        if own is None or got is None:
            return None
        full = np.repeat(own, n, axis=0)
        full[list(positions)] = got
        return full

    presence = fill(window.presence, rows.presence)
    assert presence is not None
    return HeadLogits(presence, fill(window.polarity, rows.polarity), fill(window.dominance, rows.dominance))


def _logsig(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def label_support(z: HeadLogits, labels: np.ndarray) -> np.ndarray:
    """Per text and value, the log-probability of the label the post got (what evidence must explain).

    Endorsed: log P(at stake) + log P(not against); contradicted: log P(at stake) + log P(against).
    Leave-one-line-out drops of this quantity point at the lines that make a value contradicted
    (a brag for Humility), not merely at lines where the value is mentioned.
    """
    sup = _logsig(z.presence)
    if z.polarity is not None:
        against = labels == int(Label.CONTRADICTED)
        sup = sup + np.where(against, _logsig(z.polarity), _logsig(-z.polarity))
    return sup
