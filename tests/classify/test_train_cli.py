"""Training (one tiny step), loading the result, and the train/evaluate commands."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from valuedesk.classify import load_classifier
from valuedesk.classify.evaluate import evaluate_reviewed
from valuedesk.classify.model import TrainedClassifier
from valuedesk.classify.train import TrainConfig, train
from valuedesk.cli import main
from valuedesk.script import ScriptLine


@pytest.fixture(scope="module")
def tiny_model(tiny_data: Path, tiny_scripts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("model")
    cfg = TrainConfig(epochs=1, max_steps=1, batch_size=8, seed=1)
    res = train(tiny_data, out, scripts_dir=tiny_scripts, config=cfg, log=lambda s: None)
    assert res.history and res.history[0]["epoch"] == 1
    return out


def test_tiny_training_result_loads(tiny_model: Path) -> None:
    assert (tiny_model / "delta.safetensors").stat().st_size < 15 * 1024 * 1024
    clf = load_classifier(str(tiny_model))
    assert isinstance(clf, TrainedClassifier)
    p = clf.classify([ScriptLine(0, 1000, "speech", "A", "We must protect the environment.")])
    assert len(p.scores) == 19


def test_evaluate_command_json(
    tiny_model: Path, tiny_data19: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["evaluate", "--data", str(tiny_data19), "--model", str(tiny_model), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["n"] == 40 and len(out["per_value"]) == 19
    assert 0.0 <= out["macro_f1"] <= 1.0 and 0.0 <= out["valueeval_f1"] <= 1.0


def test_evaluate_command_table(
    tiny_model: Path, tiny_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--data", str(tiny_data), "--model", str(tiny_model), "--input", "script"]) == 0
    text = capsys.readouterr().out
    assert "Benevolence: caring" in text and "macro_f1" in text and "valueeval_f1" in text


def test_cli_errors(tmp_path: Path, tiny_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--project", "x.vdproj"]) == 2
    assert "no project file" in capsys.readouterr().err
    assert main(["train", "--data", str(tiny_data), "--out", str(tmp_path / "m")]) == 2
    assert "has no train.jsonl and dev.jsonl" in capsys.readouterr().err
    assert main(["evaluate", "--data", str(tmp_path)]) == 2
    assert main(["evaluate", "--project", str(tmp_path / "none.vdproj")]) == 2


def test_project_protocol_endorsed_and_contradicted(tiny_model: Path) -> None:
    clf = load_classifier(str(tiny_model))
    lines = [ScriptLine(0, 1000, "speech", "A", "Family traditions matter.")]
    examples = [
        SimpleNamespace(video_id=i, lines=lines, labels={"tradition": lab, "face": -1})
        for i, lab in enumerate((2, 1, 0, -1))
    ]
    rep = evaluate_reviewed(clf, examples)
    assert rep.videos == 4 and rep.reviewed_cells == 8
    trad_e = next(m for m in rep.endorsed.per_value if m.value_id == "tradition")
    face_c = next(m for m in rep.contradicted.per_value if m.value_id == "face")
    assert trad_e.support == 2 and face_c.support == 4
    assert next(m for m in rep.endorsed.per_value if m.value_id == "hedonism").support == 0


def test_train_command_and_reproducibility(
    tiny_data: Path, tiny_scripts: Path, tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetensors.torch import load_file

    out = tmp_path / "m"
    rc = main(
        [
            "train",
            "--data",
            str(tiny_data),
            "--scripts",
            str(tiny_scripts),
            "--out",
            str(out),
            "--epochs",
            "1",
            "--seed",
            "1",
        ]
    )
    printed = capsys.readouterr().out
    assert rc == 0 and "macro_f1" in printed and "input=argument" in printed and "script dev split" in printed
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["heads"] == ["presence", "polarity", "dominance", "presence_argument"] and "video_rules" in cfg
    assert cfg["script_heads"]["C"] in (0.01, 0.03, 0.1)
    assert set(cfg["calibration"]) == {"argument", "script"}
    # same data, seed and settings as the tiny_model fixture → the same weights
    again = tmp_path / "again"
    train(
        tiny_data,
        again,
        scripts_dir=tiny_scripts,
        config=TrainConfig(epochs=1, max_steps=1, batch_size=8, seed=1),
        log=lambda s: None,
    )
    a, b = load_file(str(tiny_model / "delta.safetensors")), load_file(str(again / "delta.safetensors"))
    assert a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)


def test_heads_only_redoes_stages_two_and_three(
    tiny_model: Path, tiny_data: Path, tiny_scripts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`train --heads-only DIR`: the encoder of DIR unchanged, script and lexical heads refitted on
    train and chosen on dev, into a new folder; DIR itself is never written to."""
    import numpy as np

    from valuedesk.classify.argument_head import ARGUMENT_C
    from valuedesk.classify.encoder import load_delta
    from valuedesk.classify.script_heads import ENCODER_SHARE_GRID, LEXICAL_C_GRID, LEXICAL_FEATURES
    from valuedesk.values import VALUE_IDS

    before = {f.name: f.read_bytes() for f in tiny_model.iterdir()}
    out = tmp_path / "heads"
    argv = [
        "train",
        "--data",
        str(tiny_data),
        "--scripts",
        str(tiny_scripts),
        "--heads-only",
        str(tiny_model),
    ]
    assert main([*argv, "--out", str(out)]) == 0
    assert "input=argument" in capsys.readouterr().out
    assert {f.name: f.read_bytes() for f in tiny_model.iterdir()} == before
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["argument_head"]["C"] == ARGUMENT_C and cfg["argument_head"]["train_arguments"] > 0
    assert 0.0 <= cfg["crossfit_macro_f1"]["argument"] <= 1.0
    assert set(cfg["calibration"]["argument"]["thresholds"]) == set(VALUE_IDS)
    heads = cfg["script_heads"]
    assert heads["encoder_share"] in ENCODER_SHARE_GRID and heads["lexical_C"] in LEXICAL_C_GRID
    assert set(heads["lexical_tried"]) == set(LEXICAL_FEATURES)
    assert all(
        set(t["dev_score_by_encoder_share"]) == {str(a) for a in ENCODER_SHARE_GRID}
        for t in heads["lexical_tried"].values()
    )
    assert (out / "lexical.safetensors").is_file() == (heads["encoder_share"] < 1.0)
    start, refit = load_delta(tiny_model)[0], load_delta(out)[0]
    for (name, p), (_, q) in zip(
        start.encoder.named_parameters(), refit.encoder.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), atol=1e-6, err_msg=name)
    load_classifier(str(out)).classify([ScriptLine(0, 1000, "speech", "A", "Family first, always.")])
    assert main([*argv, "--out", str(out)]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main([*argv, "--out", str(tiny_model)]) == 2
    assert main([*argv[:-1], str(tmp_path / "nothing"), "--out", str(tmp_path / "x")]) == 2


def test_evaluate_project_command(
    tiny_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end through the project store: reviewed labels in, endorsed/contradicted figures out."""
    store = pytest.importorskip("valuedesk.project.store")
    from valuedesk.project.records import AnalysisRecord

    path = tmp_path / "p.vdproj"
    with store.Project.open(path) as p:
        for i, (text, reviews) in enumerate(
            (
                ("I love my family traditions.", {"tradition": 2, "face": -1}),
                ("Buy the expensive car.", {"power_resources": 1, "tradition": 0}),
            )
        ):
            vid = p.add_video(tmp_path / f"v{i}.mp4", sha256=f"{i:064d}", size_bytes=1, creator="c")
            p.save_analysis(
                vid, AnalysisRecord(lines=[ScriptLine(0, 1000, "speech", "A", text)], scores=[], evidence=[])
            )
            for value_id, label in reviews.items():
                p.add_review(vid, "label", value_id=value_id, before=0, after=label)
    assert main(["evaluate", "--project", str(path), "--model", str(tiny_model), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["videos"] == 2 and out["reviewed_cells"] == 4
    assert {"endorsed", "contradicted"} <= set(out)
    assert main(["evaluate", "--project", str(path), "--model", str(tiny_model)]) == 0
    text = capsys.readouterr().out
    assert "contradicted (−1)" in text and "endorsed (1 or 2)" in text
