"""Retrain from reviews: refusal, k-fold before/after, a loadable new folder, the shipped model untouched."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from valuedesk.classify import default_model_dir, load_classifier
from valuedesk.classify.evaluate import evaluate_reviewed
from valuedesk.classify.model import TrainedClassifier
from valuedesk.classify.retrain import (
    RetrainConfig,
    RetrainRefused,
    check_examples,
    default_out_dir,
    fold_indices,
    report_from_labels,
    retrain_project,
)
from valuedesk.cli import main
from valuedesk.project.records import AnalysisRecord, ScoreRow
from valuedesk.project.store import Project
from valuedesk.review import ReviewService, reviewed_examples
from valuedesk.script import ScriptLine
from valuedesk.values import VALUE_IDS

VIDEOS: tuple[tuple[list[str], dict[str, int]], ...] = (
    (
        ["Every Sunday we cook grandma's recipe together.", "Family traditions keep us close."],
        {"tradition": 2, "benevolence_caring": 1, "power_resources": 0},
    ),
    (
        ["Look at my new watch, it cost more than your car.", "Money is everything."],
        {"power_resources": 2, "face": 1, "tradition": 0},
    ),
    (
        ["I quit my job to travel the world alone.", "Nobody tells me what to do."],
        {"self_direction_action": 2, "stimulation": 1, "conformity_rules": -1},
    ),
    (
        ["Be kind to your neighbours and help them carry groceries."],
        {"benevolence_caring": 1, "power_dominance": 0},
    ),
    (
        ["We won the championship after years of training!", "Hard work pays off."],
        {"achievement": 2, "hedonism": 0},
    ),
    (
        ["Pick up your litter, the ocean is dying.", "Protect nature for our kids."],
        {"universalism_nature": 2, "tradition": 0},
    ),
)


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def make_project(path: Path, n_reviewed: int = len(VIDEOS), *, only_absent: bool = False) -> Path:
    with Project.open(path) as p:
        svc = ReviewService(p, "tester")
        for i, (texts, labels) in enumerate(VIDEOS):
            vid = p.add_video(path.parent / f"v{i}.mp4", sha256=f"{i:064d}", size_bytes=1, creator="c")
            lines = [ScriptLine(k * 2000, k * 2000 + 1900, "speech", "A", t) for k, t in enumerate(texts)]
            p.save_analysis(
                vid, AnalysisRecord(lines=lines, scores=[ScoreRow(v, 0.1, 0) for v in VALUE_IDS], evidence=[])
            )
            if i < n_reviewed:
                for value_id, label in labels.items():
                    svc.set_label(vid, value_id, 0 if only_absent else label)
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("retrain") / "clips.vdproj")


def test_folds_cover_every_video_once() -> None:
    for n, k in ((6, 5), (4, 4), (3, 3), (12, 5)):
        folds = fold_indices(n, k, seed=1)
        assert len(folds) == k and sorted(i for f in folds for i in f) == list(range(n))
    with pytest.raises(RetrainRefused):
        fold_indices(3, 4, seed=1)


def test_refuses_with_too_few_reviews(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    few = make_project(tmp_path / "few.vdproj", n_reviewed=2)
    assert main(["train", "--project", str(few)]) == 2
    assert "at least 3 videos" in capsys.readouterr().err
    absent = make_project(tmp_path / "absent.vdproj", only_absent=True)
    with Project.open(absent, readonly=True) as p, pytest.raises(RetrainRefused, match="absent"):
        check_examples(reviewed_examples(p))
    assert not (tmp_path / "few.models").exists() and not (tmp_path / "absent.models").exists()


def test_pooled_report_matches_evaluate_reviewed(project: Path) -> None:
    with Project.open(project, readonly=True) as p:
        examples = reviewed_examples(p)
    clf = TrainedClassifier(default_model_dir())
    ref = evaluate_reviewed(clf, examples)
    from valuedesk.classify.evaluate import classify_all, labels_matrix

    mine = report_from_labels(examples, labels_matrix(classify_all(clf, [ex.lines for ex in examples])))
    assert mine.as_dict() == ref.as_dict()


def test_train_project_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = default_model_dir()
    before_hash = _tree_hash(shipped)
    assert main(["train", "--project", str(project), "--epochs", "1", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "5-fold" in out and "before→after" in out and "macro_f1" in out
    assert "goes against (−1):" in out and "Switch back" in out
    folders = list((project.parent / "clips.models").glob("retrained-*"))
    assert len(folders) == 1 and str(folders[0]) in out
    folder = folders[0]
    clf = load_classifier(str(folder))
    assert isinstance(clf, TrainedClassifier) and clf.model_id.endswith(folder.name)
    assert (
        len(clf.classify([ScriptLine(0, 1000, "speech", "A", "Our family traditions matter.")]).scores) == 19
    )
    record = json.loads((folder / "retrain.json").read_text(encoding="utf-8"))
    assert {"before", "after"} <= set(record["figures"])
    assert [v["video_id"] for v in record["videos"]] == list(range(1, 7))
    assert len(record["project"]["sha256"]) == 64 and record["config"]["folds"] == 5
    assert _tree_hash(shipped) == before_hash  # never replaced, never written to
    # the shipped model's held-out figures are the plain evaluation of the shipped model
    with Project.open(project, readonly=True) as p:
        ref = evaluate_reviewed(TrainedClassifier(shipped), reviewed_examples(p))
    assert np.isclose(record["figures"]["before"]["endorsed"]["macro_f1"], ref.endorsed.macro_f1)


def test_leave_one_out_and_refuses_the_shipped_folder(project: Path, tmp_path: Path) -> None:
    with Project.open(project, readonly=True) as p:
        with pytest.raises(RetrainRefused, match="starts from"):
            retrain_project(p, default_model_dir() / "x", config=RetrainConfig(epochs=1), log=lambda s: None)
        res = retrain_project(
            p, tmp_path / "loo", config=RetrainConfig(epochs=1, folds=6), log=lambda s: None
        )
    assert res.folds == 6 and "leave-one-video-out" in res.summary
    assert (tmp_path / "loo" / "delta.safetensors").is_file()
    assert default_out_dir(Path("/x/my clips.vdproj")).parent == Path("/x/my clips.models")


def test_reviewed_goes_against_labels_are_training_targets() -> None:
    """The same 4-way output as the model: a reviewed −1 is a polarity positive, not just 'absent'."""
    from types import SimpleNamespace

    from valuedesk.classify.retrain import _targets

    ex = SimpleNamespace(video_id=1, lines=[], labels={"humility": -1, "face": 2, "hedonism": 0})
    labels, mask = _targets(ex)  # type: ignore[arg-type]
    j = {v: VALUE_IDS.index(v) for v in ("humility", "face", "hedonism", "tradition")}
    assert labels[j["humility"]] == -1 and labels[j["face"]] == 2 and labels[j["hedonism"]] == 0
    assert mask[j["humility"]] and mask[j["hedonism"]] and not mask[j["tradition"]]
