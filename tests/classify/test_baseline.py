"""The zero-shot baseline: prototype similarity + PVD lexicon."""

from __future__ import annotations

from valuedesk.classify import load_classifier
from valuedesk.classify.baseline import ZeroShotClassifier, lexicon_hits, load_lexicon
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS, Label


def test_lexicon_maps_basic_to_refined_values() -> None:
    hits = lexicon_hits("so much cash", load_lexicon())
    for vid in ("power_dominance", "power_resources", "face"):  # all three have basic value Power
        assert hits[VALUE_IDS.index(vid)] == 1.0
    assert hits[VALUE_IDS.index("tradition")] == 0.0


def test_baseline_profiles_a_script() -> None:
    clf = load_classifier("baseline")
    assert isinstance(clf, ZeroShotClassifier)
    lines = [
        ScriptLine(0, 2000, "speech", "MAN", "Look at my new luxury car, I spent all my money on it."),
        ScriptLine(2000, 4000, "speech", "MAN", "Recycle your bottles and protect the planet."),
    ]
    p = clf.classify(lines)
    assert set(p.scores) == set(VALUE_IDS)
    assert p.scores["power_resources"].label >= Label.PRESENT
    assert p.scores["universalism_nature"].label >= Label.PRESENT
    car = p.evidence_for("power_resources")
    assert car and car[0].line_index == 0 and sum(e.weight for e in car) <= 1.0 + 1e-6
    assert p.scores["tradition"].score < p.scores["power_resources"].score
