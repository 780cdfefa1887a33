"""TSV loaders (20 and 19 value columns), Webis deduplication and run-time input shapes."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from valuedesk.classify.data import (
    WEBIS_DIR,
    Argument,
    DataError,
    Dataset,
    epoch_inputs,
    eval_texts,
    load_split,
    load_webis_extra,
    read_value_labels,
    shape_example,
)
from valuedesk.values import VALUE_IDS


def test_loads_20_and_19_columns_identically(tiny_data: Path, tiny_data19: Path) -> None:
    a = load_split(tiny_data, "validation")
    b = load_split(tiny_data19, "validation")
    assert len(a) == len(b) == 40
    assert a.label_matrix().shape == (40, 19)
    np.testing.assert_array_equal(a.label_matrix(), b.label_matrix())
    assert a.arguments[0].level1 is not None and a.arguments[0].level1.shape == (54,)


def test_label_columns_follow_circle_order(tmp_path: Path) -> None:
    names = ["Humility", "Hedonism"]  # deliberately out of order and incomplete
    (tmp_path / "labels.tsv").write_text(
        "Argument ID\t" + "\t".join(names) + "\nX1\t1\t0\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="missing value columns"):
        read_value_labels(tmp_path / "labels.tsv")


def test_unknown_column_is_an_error(tmp_path: Path, tiny_data: Path) -> None:
    text = (tiny_data / "labels-validation.tsv").read_text(encoding="utf-8").replace("Hedonism", "Fun", 1)
    (tmp_path / "labels.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="unknown value column 'Fun'"):
        read_value_labels(tmp_path / "labels.tsv")


def test_webis_extras_never_contain_validation_arguments() -> None:
    from valuedesk.classify.data import TOUCHE_DIR

    train, val = load_split(TOUCHE_DIR, "training"), load_split(TOUCHE_DIR, "validation")
    extra = load_webis_extra(WEBIS_DIR, [train, val], train.level1_names)
    ids = {a.id for a in extra.arguments}
    assert ids.isdisjoint({a.id for a in val.arguments})
    assert ids.isdisjoint({a.id for a in train.arguments})
    assert not any(i.startswith("C") for i in ids)  # Touché23 validation-zhihu
    assert 600 < len(extra) < 800


def _arg(i: int, vid: str) -> Argument:
    labels = np.zeros(19, dtype=np.float32)
    labels[VALUE_IDS.index(vid)] = 1
    return Argument(f"A{i}", "We should ban cars", "against", f"premise number {i}.", labels)


def test_shapes_look_like_run_time_inputs() -> None:
    rng = random.Random(0)
    a, b = _arg(1, "hedonism"), _arg(2, "achievement")
    assert shape_example([a], "argument", rng).text == "We should ban cars. Against: premise number 1."
    assert shape_example([a], "premise", rng).text == "premise number 1."
    assert shape_example([a], "speech", rng).text.endswith(': "premise number 1."')
    s = shape_example([a, b], "script", rng)
    assert "premise number 1." in s.text and "premise number 2." in s.text
    assert s.labels[VALUE_IDS.index("hedonism")] == 1 and s.labels[VALUE_IDS.index("achievement")] == 1
    ep = epoch_inputs([_arg(i, "tradition") for i in range(30)], random.Random(1))
    assert len(ep) == 30
    assert eval_texts(Dataset([a]), "script") == ['SPEAKER: "premise number 1."']
