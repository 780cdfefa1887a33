"""`valuedesk score` and `valuedesk evaluate --scripts` with the shipped model on the documented examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuedesk.classify.data import REPO_ROOT
from valuedesk.cli import main
from valuedesk.values import VALUE_IDS

EXAMPLES = REPO_ROOT / "docs" / "examples"


@pytest.fixture(autouse=True)
def _model_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from valuedesk.classify.onnx_backend import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path_factory.getbasetemp() / "onnx-cache-cli"))


def test_score_writes_one_prediction_per_post(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pred.jsonl"
    assert main(["score", str(EXAMPLES / "posts.jsonl"), "-o", str(out)]) == 0
    preds = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["example-1", "example-2", "example-3"]
    posts = [json.loads(x) for x in (EXAMPLES / "posts.jsonl").read_text(encoding="utf-8").splitlines()]
    for pred, post in zip(preds, posts, strict=True):
        assert set(pred["labels"]) == set(VALUE_IDS) and set(pred["scores"]) == set(VALUE_IDS)
        assert all(v in (-1, 0, 1, 2) for v in pred["labels"].values())
        assert all(0.0 <= s <= 1.0 for s in pred["scores"].values())
        assert pred["model"].startswith("valuedesk-minilm-v2")
        for vid, idx in pred[
            "evidence"
        ].items():  # evidence only for labelled values, indexes into the post's lines
            assert pred["labels"][vid] != 0 and all(0 <= i < len(post["lines"]) for i in idx)
    assert "3 posts scored" in capsys.readouterr().out
    # the output is never overwritten silently
    assert main(["score", str(EXAMPLES / "posts.jsonl"), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


BRAG = {
    "id": "brag",
    "creator": "x",
    "caption": "third one this year 🤷‍♂️💸",
    "hashtags": ["rich", "luxury", "flex"],
    "has_sound": True,
    "duration_s": 16,
    "lines": [
        {
            "start_s": 0,
            "end_s": 3,
            "kind": "speech",
            "speaker": "DREW",
            "text": "ok so I just picked up my third Rolex this year",
        },
        {"start_s": 3, "end_s": 6, "kind": "onscreen", "speaker": "", "text": "$48,000 wrist check"},
        {
            "start_s": 6,
            "end_s": 10,
            "kind": "speech",
            "speaker": "DREW",
            "text": "if you're watching this on a cracked phone that's on you honestly",
        },
        {
            "start_s": 10,
            "end_s": 16,
            "kind": "speech",
            "speaker": "DREW",
            "text": "some of us just win, you guys are broke lol",
        },
    ],
}
PRANK_SAMPLE = [  # resources/samples/prankking-teacher as the pipeline gives it to the classifier
    ("caption", "pranking my teacher lol — she deserved it 😂"),
    ("caption", "#prank #noRules #viral"),
    ("speech", "Rules are for losers. Watch me skip class again."),
    ("onscreen", "RULES? NEVER"),
    ("speech", "I put glue on the teacher's chair and the whole class laughed at her."),
    ("onscreen", "SHE CRIED LOL"),
    ("speech", "Who cares if people get hurt. I'm better than all of them anyway."),
    ("onscreen", "I'M THE KING"),
]


def test_trained_model_reads_goes_against(tmp_path: Path) -> None:
    """Trained-model smoke test on scripts that are in no split: a brag goes against Humility (no negative word
    needed), with a brag as evidence; the prank sample goes against something and promotes no
    self-transcendence value. (v1 never said −1; the model card lists what v2 still gets wrong.)"""
    from valuedesk.classify import load_classifier
    from valuedesk.classify.corpus_eval import prediction_record, profiles_for
    from valuedesk.classify.posts import read_posts
    from valuedesk.script import ScriptLine
    from valuedesk.values import BY_ID

    src = tmp_path / "brag.jsonl"
    src.write_text(json.dumps(BRAG) + "\n", encoding="utf-8")
    clf = load_classifier("trained")
    ((post, prof, ix),) = list(profiles_for(clf, read_posts(src)))
    pred = prediction_record(post, prof, ix)
    assert pred["labels"]["humility"] == -1 and pred["against"]["humility"] >= 0.5
    assert pred["labels"]["power_resources"] >= 1 or pred["labels"]["face"] >= 1
    # the evidence is a brag: the Rolex, the price, "you guys are broke", or the caption ("third one
    # this year 🤷‍♂️💸" with #flex), which the shipped model leans on
    brag_lines = set(pred["evidence"].get("humility", [])) & {0, 1, 3}
    assert brag_lines or "humility" in pred.get("caption_evidence", []), pred
    prank = clf.classify(
        [ScriptLine(0, 13_000, kind, "KID" if kind == "speech" else "", text) for kind, text in PRANK_SAMPLE]
    )
    labels = {v: int(s.label) for v, s in prank.scores.items()}
    assert -1 in labels.values()
    assert not [v for v, lab in labels.items() if lab >= 1 and BY_ID[v].group == "self_transcendence"]


def test_evaluate_scripts_table_json_and_labels_file(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "evaluate",
        "--scripts",
        str(EXAMPLES / "posts.jsonl"),
        "--labels",
        str(EXAMPLES / "labels.jsonl"),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "endorsed (1 or 2)" in text and "contradicted (−1)" in text and "predict-all floor" in text
    assert "exact 4-way agreement" in text and "n=3 posts" in text
    assert main([*args, "--json", "--lines", "all"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["posts"] == 3 and out["lines"] == "all"
    assert {"endorsed", "contradicted", "floor", "exact_cells"} <= set(out)
    assert len(out["endorsed"]["per_value"]) == 19


def test_command_errors_name_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    good = (EXAMPLES / "posts.jsonl").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(
        good + "\n" + good.replace('"kind": "speech"', '"kind": "talk"', 1) + "\n", encoding="utf-8"
    )
    assert main(["score", str(bad), "-o", str(tmp_path / "p.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:2: lines[1]: field 'kind' must be one of" in err
    assert not (tmp_path / "p.jsonl").exists()
    # the example posts file lacks labels for example-3: evaluate says so and how to fix it
    assert main(["evaluate", "--scripts", str(EXAMPLES / "posts.jsonl")]) == 2
    assert "have no 'labels'" in capsys.readouterr().err
    assert main(["evaluate", "--scripts", str(tmp_path / "none.jsonl")]) == 2
    assert "no such posts file" in capsys.readouterr().err
