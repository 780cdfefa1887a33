"""The shipped model: offline loading, sensible profiles, evidence that explains the score, size."""

from __future__ import annotations

import itertools
import socket
from pathlib import Path

import pytest

from valuedesk.classify import load_classifier
from valuedesk.classify.base import Profile, ValueClassifier
from valuedesk.classify.model import DEFAULT_MODEL_DIR, TrainedClassifier
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label

MODELS = DEFAULT_MODEL_DIR.parent

CAR = [
    ScriptLine(0, 0, "caption", "", "3 years of saving for my dream car 🚗💰 #money #goals"),
    ScriptLine(0, 2500, "speech", "YOUNG MAN", "I saved every single dollar for three years."),
    ScriptLine(2500, 5200, "speech", "YOUNG MAN", "No vacations, no eating out, just stacking cash."),
    ScriptLine(5200, 8000, "onscreen", "", "Finally bought a brand new Lamborghini"),
    ScriptLine(8000, 11000, "speech", "YOUNG MAN", "Being rich and owning expensive things is the dream."),
]
GRANDMA = [
    ScriptLine(0, 0, "caption", "", "Sunday with grandma ❤️"),
    ScriptLine(0, 3000, "speech", "WOMAN", "Every Sunday I drive over to take care of my grandma."),
    ScriptLine(
        3000, 6000, "speech", "WOMAN", "I cook her lunch, help her with her medicine and clean the house."
    ),
    ScriptLine(
        6000,
        9000,
        "speech",
        "WOMAN",
        "She looked after me when I was little, now it is my turn to look after her.",
    ),
]


@pytest.fixture(scope="module")
def model() -> TrainedClassifier:
    clf = load_classifier("trained")
    assert isinstance(clf, TrainedClassifier)
    return clf


def _top(profile: Profile, n: int) -> list[str]:
    """Values with the highest calibrated probability."""
    return sorted(VALUE_IDS, key=lambda v: -profile.scores[v].score)[:n]


def test_models_folder_is_small_and_pickle_free() -> None:
    files = [p for p in MODELS.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 30 * 1024 * 1024  # issue #8: shipped weights ≤ 30 MB
    assert not [p for p in files if p.suffix in (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")]
    for p in files:
        if p.suffix == ".safetensors":
            assert not p.read_bytes()[:2].startswith(b"\x80")  # pickle protocol marker
    assert (DEFAULT_MODEL_DIR / "MODEL_CARD.md").is_file()


def test_loads_offline_and_implements_protocol(
    model: TrainedClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_net(*a: object, **k: object) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket, "create_connection", no_net)
    clf = load_classifier("trained")
    assert isinstance(clf, ValueClassifier)
    assert clf.model_id == "valuedesk-minilm-v2.1"
    assert clf.heads == ("presence", "polarity", "dominance", "presence_argument")


def test_luxury_car_script(model: TrainedClassifier) -> None:
    p = model.classify(CAR)
    top = _top(p, 3)
    assert "power_resources" in top or "achievement" in top, top
    assert p.scores["power_resources"].label >= Label.PRESENT
    assert all(0.0 <= s.score <= 1.0 for s in p.scores.values())
    assert p.scores["humility"].label != Label.PRESENT  # showing off a car never reads as modesty


def test_grandma_script(model: TrainedClassifier) -> None:
    p = model.classify(GRANDMA)
    assert "benevolence_caring" in _top(p, 3)
    assert p.scores["benevolence_caring"].label >= Label.PRESENT


def test_evidence_explains_and_removal_lowers_score(model: TrainedClassifier) -> None:
    p = model.classify(CAR)
    ev = p.evidence_for("power_resources")
    assert ev and sum(e.weight for e in ev) <= 1.0 + 1e-6
    assert all(CAR[e.line_index].text == e.text and CAR[e.line_index].start_ms == e.start_ms for e in ev)
    removed = {e.line_index for e in ev}
    rest = [ln for i, ln in enumerate(CAR) if i not in removed]
    after = model.classify(rest).scores["power_resources"].score
    assert after < p.scores["power_resources"].score


def test_long_script_uses_windows(model: TrainedClassifier) -> None:
    lines = [
        ScriptLine(
            i * 3000, i * 3000 + 2500, "speech", "MAN", f"This is sentence {i} about my day at the gym."
        )
        for i in range(40)
    ]
    assert len(model.windows(lines)) > 1
    p = model.classify(lines)
    assert all(0 <= e.line_index < 40 for e in p.evidence)
    assert model.classify([]).scores["achievement"].label == Label.ABSENT


def test_shipped_folder_has_no_stray_files() -> None:
    names = {p.name for p in DEFAULT_MODEL_DIR.iterdir()}
    assert {"config.json", "delta.safetensors", "MODEL_CARD.md"} <= names
    assert Path(DEFAULT_MODEL_DIR / "delta.safetensors").stat().st_size < 15 * 1024 * 1024


def test_at_most_k_values_at_stake_furthest_above_threshold(model: TrainedClassifier) -> None:
    """The cap keeps the k values furthest above their thresholds (endorsed or goes against alike)."""
    from dataclasses import replace

    import numpy as np

    script = CAR + [ScriptLine(11000, 14000, ln.kind, ln.speaker, ln.text) for ln in GRANDMA]
    rules, thresholds = model.rules, model.thresholds
    try:
        model.thresholds = thresholds * 0.5  # so that this short script carries several values
        model.rules = replace(rules, max_present=None)
        uncapped = model.classify(script)
        model.rules = replace(rules, max_present=2)
        capped = model.classify(script)
    finally:
        model.rules, model.thresholds = rules, thresholds
    present = [v for v in VALUE_IDS if uncapped.scores[v].label != Label.ABSENT]
    assert len(present) > 2, "the mixed script should carry several values"

    def margin(v: str) -> float:
        s, t = uncapped.scores[v].score, uncapped.scores[v].threshold
        return float(np.log(s / (1 - s)) - np.log(t / (1 - t)))

    expected = set(sorted(present, key=margin, reverse=True)[:2])
    assert {v for v in VALUE_IDS if capped.scores[v].label != Label.ABSENT} == expected
    assert {e.value_id for e in capped.evidence} <= expected
    cap = model.rules.max_present or len(VALUE_IDS)
    assert sum(s.label != Label.ABSENT for s in model.classify(script).scores.values()) <= cap


def _long_scripts() -> list[list[ScriptLine]]:
    """Three dev posts back to back, three times: long scripts of several windows."""
    from valuedesk.classify.posts import read_posts
    from valuedesk.resources import resource_path

    posts = read_posts(resource_path("datasets", "valuedesk-scripts", "dev.jsonl"))
    out = []
    for start in (0, 3, 6):
        lines: list[ScriptLine] = []
        for post in posts[start : start + 3]:
            at = lines[-1].end_ms if lines else 0
            lines += [
                ScriptLine(ln.start_ms + at, ln.end_ms + at, ln.kind, ln.speaker, ln.text)
                for ln in post.model_input()[0]
            ]
        out.append(lines)
    return out


def _full_loo(
    model: TrainedClassifier, lines: list[ScriptLine], profile: Profile
) -> tuple[list, list, dict[str, dict[int, float]]]:
    """Evidence by leaving out every line of every window (the reference), the windows, and per
    labelled value the drop of each line of its best window."""
    import numpy as np

    from valuedesk.classify.data import lines_text
    from valuedesk.classify.evidence import attribute, loo_texts
    from valuedesk.classify.model import label_support

    wins = model.windows(lines)
    zw = model.head_logits([lines_text(lines[w.start : w.end]) for w in wins])
    labels = np.array([int(profile.scores[v].label) for v in VALUE_IDS])
    full = [label_support(model.head_logits(loo_texts(lines, w, lines_text)), labels) for w in wins]
    expected = attribute(
        lines, wins, label_support(zw, labels), full, VALUE_IDS, labels != 0, np.full(19, np.inf),
        top_k=model.rules.evidence_top_k,
    )  # fmt: skip
    support = label_support(zw, labels)
    drops: dict[str, dict[int, float]] = {}
    for j in np.flatnonzero(labels != 0):
        w = int(np.argmax(support[:, j]))
        drops[VALUE_IDS[j]] = {
            i: float(support[w, j] - full[w][p, j]) for p, i in enumerate(wins[w].indices())
        }
    return expected, wins, drops


def test_evidence_reads_only_the_windows_it_needs(model: TrainedClassifier) -> None:
    """With no short list, the second pass (leave-one-out texts of each active value's best window
    only) gives the evidence that attributing over every window's leave-one-out texts gives."""
    from dataclasses import replace

    shipped = model.rules
    model.rules = replace(shipped, evidence_candidates=None)
    try:
        for lines in _long_scripts():
            profile = model.classify(lines)
            expected, wins, _ = _full_loo(model, lines, profile)
            assert len(wins) >= 2
            assert profile.evidence == expected
            assert profile.evidence or all(s.label == Label.ABSENT for s in profile.scores.values())
    finally:
        model.rules = shipped


def test_evidence_short_list_keeps_the_leave_one_out_drops(model: TrainedClassifier) -> None:
    """With the shipped short list the labels do not change and each evidence line's weight is
    its exact leave-one-out drop (shares in the same ratios as the full pass's drops)."""
    from dataclasses import replace

    assert model.rules.evidence_candidates is not None
    shipped = model.rules
    for lines in _long_scripts():
        short = model.classify(lines)
        model.rules = replace(shipped, evidence_candidates=None)
        try:
            full = model.classify(lines)
        finally:
            model.rules = shipped
        assert {v: s.label for v, s in short.scores.items()} == {v: s.label for v, s in full.scores.items()}
        assert short.evidence
        _, _, drops = _full_loo(model, lines, full)
        for vid in {e.value_id for e in short.evidence}:
            got = [e for e in short.evidence if e.value_id == vid]
            assert 1 <= len(got) <= shipped.evidence_top_k
            assert [e.weight for e in got] == sorted((e.weight for e in got), reverse=True)
            assert all(drops[vid][e.line_index] > 0 for e in got)
            for a, b in itertools.pairwise(got):
                ratio = drops[vid][a.line_index] / drops[vid][b.line_index]
                assert a.weight / b.weight == pytest.approx(ratio, rel=0.02)
