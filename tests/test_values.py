from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuedesk.values import BY_ID, GROUPS, VALUES, Label, lookup


def test_nineteen_values_in_circle_order_with_groups() -> None:
    assert len(VALUES) == 19 and len(BY_ID) == 19
    assert VALUES[0].id == "self_direction_thought" and VALUES[-1].id == "universalism_tolerance"
    groups = [v.group for v in VALUES]
    # Groups are contiguous arcs of the circle.
    assert [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g] == list(GROUPS)


def test_names_match_the_touche23_columns() -> None:
    header = (
        Path(__file__).resolve().parents[1]
        / "resources"
        / "datasets"
        / "touche23-valueeval"
        / "labels-validation.tsv"
    )
    if not header.exists():
        pytest.skip("vendored dataset not present")
    columns = header.read_text(encoding="utf-8").splitlines()[0].split("\t")[1:]
    assert {v.name for v in VALUES} == set(columns) - {"Universalism: objectivity"}


def test_basic_values_exist_in_the_dictionary() -> None:
    basic = {v.basic for v in VALUES}
    assert len(basic) == 10


def test_lookup_and_labels() -> None:
    assert lookup("Hedonism").id == "hedonism" and lookup("power: resources").id == "power_resources"
    assert lookup("univ. nature").id == "universalism_nature"
    with pytest.raises(KeyError):
        lookup("greed")
    assert Label.parse("dominant") is Label.DOMINANT and Label.parse("-1") is Label.CONTRADICTED
    assert Label(-1).word == "contradicted" and Label(-1).phrase == "goes against"
    assert (
        Label.parse("goes against") is Label.CONTRADICTED
        and Label.parse("Goes-Against") is Label.CONTRADICTED
    )
    assert Label.parse("-1") is Label.CONTRADICTED and Label.parse("1") is Label.PRESENT
    with pytest.raises(ValueError):
        Label.parse("maybe")
    json.dumps([int(label) for label in Label])
