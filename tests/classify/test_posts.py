"""The labelled-script JSONL format: parsing, caption lines, and errors that name the line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuedesk.classify.data import REPO_ROOT
from valuedesk.classify.posts import (
    ALL_KINDS,
    PostFormatError,
    attach_labels,
    labelled,
    post_to_json,
    read_labels,
    read_posts,
)
from valuedesk.values import VALUE_IDS

EXAMPLES = REPO_ROOT / "docs" / "examples"


def _labels(**over: int) -> dict[str, int]:
    lab = dict.fromkeys(VALUE_IDS, 0)
    lab.update(over)
    return lab


def _post(**over: object) -> dict[str, object]:
    p: dict[str, object] = {
        "id": "p1",
        "creator": "c",
        "caption": "cap",
        "hashtags": ["fyp"],
        "has_sound": True,
        "duration_s": 10.0,
        "lines": [
            {"start_s": 0, "end_s": 2.5, "kind": "speech", "speaker": "MIA", "text": "hi"},
            {"start_s": 1, "end_s": 3, "kind": "scene", "speaker": "", "text": "a park"},
        ],
        "labels": _labels(humility=-1),
    }
    p.update(over)
    return p


def _write(tmp_path: Path, *objs: object, name: str = "posts.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objs) + "\n", encoding="utf-8"
    )
    return path


def test_documented_example_parses() -> None:
    posts = read_posts(EXAMPLES / "posts.jsonl")
    assert [p.id for p in posts] == ["example-1", "example-2", "example-3"]
    assert posts[0].labels is not None and posts[0].labels["conformity_interpersonal"] == -1
    assert posts[2].labels is None
    with_labels = attach_labels(posts, read_labels(EXAMPLES / "labels.jsonl"), "labels.jsonl")
    assert with_labels[2].labels is not None and with_labels[2].labels["humility"] == -1


def test_fields_times_and_model_input(tmp_path: Path) -> None:
    (post,) = read_posts(_write(tmp_path, _post(genre="prank", traits=["slang"])))
    assert post.lines[0].start_ms == 0 and post.lines[0].end_ms == 2500 and post.lines[0].speaker == "MIA"
    assert post.extra == {"genre": "prank", "traits": ["slang"]}  # other fields are kept aside, not read
    lines, index = post.model_input()
    # scene lines left out by default; caption and hashtags first, as the pipeline orders a script
    assert [ln.kind for ln in lines] == ["caption", "caption", "speech"]
    assert index == [None, None, 0] and lines[1].text == "#fyp" and lines[0].end_ms == 10_000
    lines, index = post.model_input(ALL_KINDS)
    assert index == [None, None, 0, 1]
    assert post.label_vector()[VALUE_IDS.index("humility")] == -1
    assert post_to_json(post)["labels"] == _labels(humility=-1)


def test_missing_duration_comes_from_lines_and_labels_are_optional(tmp_path: Path) -> None:
    obj = _post()
    del obj["duration_s"], obj["labels"]
    (post,) = read_posts(_write(tmp_path, obj))
    assert post.duration_s == 3.0 and post.labels is None
    with pytest.raises(PostFormatError, match=r"posts.jsonl: 1 post\(s\) have no 'labels'.*--labels"):
        labelled([post], "posts.jsonl")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"labels": _labels(humility=3)},
            r"posts.jsonl:2: field 'labels.humility' must be -1, 0, 1 or 2, got 3",
        ),
        (
            {"labels": {k: 0 for k in VALUE_IDS[:-1]}},
            r"posts.jsonl:2: field 'labels' lacks 1 value id\(s\): universalism_tolerance",
        ),
        (
            {"labels": _labels(greed=1)},
            r"posts.jsonl:2: field 'labels' has unknown value id\(s\) \['greed'\]",
        ),
        (
            {"lines": [{"start_s": 0, "end_s": 1, "kind": "dialogue", "text": "x"}]},
            r"posts.jsonl:2: lines\[0\]: field 'kind' must be one of speech, onscreen, scene, sound, got 'dialogue'",
        ),
        (
            {"lines": [{"start_s": 3, "end_s": 1, "kind": "speech", "speaker": "A", "text": "x"}]},
            r"posts.jsonl:2: lines\[0\]: field 'end_s' \(1.0\) is before 'start_s' \(3.0\)",
        ),
        (
            {"lines": [{"end_s": 1, "kind": "onscreen", "text": "x"}]},
            r"posts.jsonl:2: lines\[0\]: field 'start_s' is missing",
        ),
        (
            {"lines": [{"start_s": 0, "end_s": 1, "kind": "onscreen", "text": "  "}]},
            r"lines\[0\]: field 'text' is missing or empty",
        ),
        ({"id": ""}, r"posts.jsonl:2: field 'id' is missing or empty"),
        ({"hashtags": "fyp"}, r"posts.jsonl:2: field 'hashtags' must be a list of strings"),
        ({"has_sound": "yes"}, r"posts.jsonl:2: field 'has_sound' must be true or false"),
        ({"duration_s": -4}, r"posts.jsonl:2: field 'duration_s' must be a number ≥ 0"),
        ({"lines": None}, r"posts.jsonl:2: field 'lines' is missing or not a list"),
    ],
)
def test_bad_line_names_line_number_and_field(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = _write(tmp_path, _post(id="ok"), _post(**change))
    with pytest.raises(PostFormatError, match=message):
        read_posts(path)


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(PostFormatError, match=r"posts.jsonl:2: not valid JSON"):
        read_posts(_write(tmp_path, _post(), "{not json"))
    with pytest.raises(PostFormatError, match=r"posts.jsonl:3: id 'p1' repeats the post at posts.jsonl:1"):
        read_posts(_write(tmp_path, _post(), "", _post()))  # blank lines are skipped, numbering is the file's
    with pytest.raises(PostFormatError, match=r"posts.jsonl:1: each line must be a JSON object"):
        read_posts(_write(tmp_path, "[1, 2]"))
    with pytest.raises(PostFormatError, match="no posts"):
        read_posts(_write(tmp_path, ""))
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"id": "caf\xe9"}\n')
    with pytest.raises(PostFormatError, match="not UTF-8"):
        read_posts(bad)


def test_labels_file(tmp_path: Path) -> None:
    posts = read_posts(_write(tmp_path, _post(id="a"), _post(id="b")))
    lab = _write(tmp_path, {"id": "a", "labels": _labels(face=2)}, name="labels.jsonl")
    with pytest.raises(PostFormatError, match=r"labels.jsonl: no labels for 1 post\(s\): 'b'"):
        attach_labels(posts, read_labels(lab), "labels.jsonl")
    lab = _write(
        tmp_path,
        {"id": "a", "labels": _labels(face=2)},
        {"id": "b", "labels": _labels()},
        name="labels.jsonl",
    )
    out = attach_labels(posts, read_labels(lab), "labels.jsonl")
    assert out[0].labels is not None and out[0].labels["face"] == 2 and out[0].labels["humility"] == 0
    with pytest.raises(PostFormatError, match=r"l.jsonl:2: id 'a' appears twice"):
        read_labels(
            _write(
                tmp_path, {"id": "a", "labels": _labels()}, {"id": "a", "labels": _labels()}, name="l.jsonl"
            )
        )
    with pytest.raises(PostFormatError, match=r"l2.jsonl:1: field 'labels' is missing"):
        read_labels(_write(tmp_path, {"id": "a"}, name="l2.jsonl"))
