"""The ONNX Runtime path: same logits as torch, a self-healing cache, torch as the fallback."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from valuedesk.classify import load_classifier, onnx_backend
from valuedesk.classify.data import lines_text
from valuedesk.classify.model import DEFAULT_MODEL_DIR, TrainedClassifier, value_net_files
from valuedesk.classify.tokens import encode, token_counts
from valuedesk.script import ScriptLine

from .test_model import CAR, GRANDMA

REPO = Path(__file__).resolve().parents[2]
TEXTS = [
    lines_text(CAR),
    lines_text(GRANDMA),
    "Recycle your bottles and protect the planet.",
    "ok",
    " ".join(["We must protect the environment for our children and their children."] * 20),  # > 128 tokens
]


@pytest.fixture(scope="module")
def onnx_clf() -> TrainedClassifier:
    clf = load_classifier("trained")
    assert isinstance(clf, TrainedClassifier) and clf.backend == "onnx"
    return clf


@pytest.fixture(scope="module")
def torch_clf() -> TrainedClassifier:
    return TrainedClassifier(DEFAULT_MODEL_DIR, backend="torch")


def test_tokenizer_matches_transformers() -> None:
    from valuedesk.classify.encoder import load_tokenizer

    hf = load_tokenizer()(
        TEXTS + ["Ünïcödé café 🚗💰 #goals"],
        padding=True,
        truncation=True,
        max_length=128,
        return_tensors="np",
    )
    ids, mask = encode(TEXTS + ["Ünïcödé café 🚗💰 #goals"], 128)
    assert np.array_equal(ids, hf["input_ids"]) and np.array_equal(mask, hf["attention_mask"])
    assert token_counts(TEXTS) == [
        len(x) for x in load_tokenizer()(TEXTS, add_special_tokens=False)["input_ids"]
    ]


def test_onnx_and_torch_logits_agree(onnx_clf: TrainedClassifier, torch_clf: TrainedClassifier) -> None:
    assert torch_clf.backend == "torch"
    a, b = onnx_clf.raw_logits(TEXTS), torch_clf.raw_logits(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 19 * len(onnx_clf.heads))
    assert float(np.abs(a - b).max()) < 1e-3
    one = np.concatenate([onnx_clf.raw_logits([t]) for t in TEXTS])  # batch of one: no padding at all
    assert float(np.abs(one - b).max()) < 1e-3
    pa, pb = onnx_clf.classify(CAR), torch_clf.classify(CAR)
    assert {v: s.label for v, s in pa.scores.items()} == {v: s.label for v, s in pb.scores.items()}
    assert [(e.value_id, e.line_index) for e in pa.evidence] == [
        (e.value_id, e.line_index) for e in pb.evidence
    ]


def test_warm_load_imports_no_torch(onnx_clf: TrainedClassifier) -> None:
    code = (
        "import sys; from valuedesk.classify import load_classifier; c = load_classifier('trained'); "
        "c.warm_up(); print(c.backend, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out == ["onnx", "False", "False"]


def test_corrupt_cache_file_is_rebuilt(
    onnx_clf: TrainedClassifier,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    src = Path(os.environ[onnx_backend.CACHE_ENV]) / "onnx"
    shutil.copytree(src, tmp_path / "onnx")
    monkeypatch.setenv(onnx_backend.CACHE_ENV, str(tmp_path))
    [model] = [p for p in (tmp_path / "onnx").glob("valuenet-*.onnx")]
    data = model.read_bytes()
    model.write_bytes(data[: len(data) // 3])  # a half-written file
    with caplog.at_level(logging.WARNING, logger="valuedesk.classify"):
        clf = load_classifier("trained")
    assert clf.backend == "onnx" and "unusable" in caplog.text
    assert model.stat().st_size == json.loads(model.with_suffix(".json").read_text())["size"]
    assert float(np.abs(clf.raw_logits(TEXTS[:2]) - onnx_clf.raw_logits(TEXTS[:2])).max()) < 1e-5
    # same size, different bytes (flipped weights): caught by the probe check
    raw = bytearray(model.read_bytes())
    raw[-4096:] = bytes(4096)
    model.write_bytes(bytes(raw))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="valuedesk.classify"):
        assert load_classifier("trained").backend == "onnx"
    assert "unusable" in caplog.text
    assert not list((tmp_path / "onnx").glob("*.tmp"))


def test_cache_key_follows_the_model_folder(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    key = onnx_backend.cache_key("valuenet", value_net_files(folder))
    assert key == onnx_backend.cache_key(
        "valuenet", value_net_files(DEFAULT_MODEL_DIR)
    )  # contents, not paths
    (folder / "MODEL_CARD.md").write_text("edited\n", encoding="utf-8")
    assert onnx_backend.cache_key("valuenet", value_net_files(folder)) == key
    memo = tmp_path / "memo"
    assert onnx_backend.memo_cache_key("valuenet", value_net_files(folder), memo) == key
    cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    cfg["calibration"]["script"]["thresholds"]["achievement"] = 0.5
    (folder / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    changed = onnx_backend.cache_key("valuenet", value_net_files(folder))
    assert changed != key
    assert onnx_backend.memo_cache_key("valuenet", value_net_files(folder), memo) == changed
    delta = bytearray((folder / "delta.safetensors").read_bytes())
    delta[-1] ^= 1
    (folder / "delta.safetensors").write_bytes(bytes(delta))
    assert onnx_backend.cache_key("valuenet", value_net_files(folder)) not in (key, changed)


def test_unwritable_cache_falls_back_to_torch(
    torch_clf: TrainedClassifier,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(onnx_backend.CACHE_ENV, str(blocker / "cache"))  # mkdir fails, even as root
    with caplog.at_level(logging.WARNING, logger="valuedesk.classify"):
        clf = load_classifier("trained")
    assert isinstance(clf, TrainedClassifier) and clf.backend == "torch"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "using torch" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()
    assert clf.classify(GRANDMA).scores == torch_clf.classify(GRANDMA).scores
    with pytest.raises(onnx_backend.CacheError):
        TrainedClassifier(DEFAULT_MODEL_DIR, backend="onnx")


def test_empty_inputs(onnx_clf: TrainedClassifier) -> None:
    assert onnx_clf.raw_logits([]).shape == (0, 19 * len(onnx_clf.heads))
    assert onnx_clf.classify([ScriptLine(0, 1000, "speech", "A", "")]).model_id == "valuedesk-minilm-v2.1"


def test_touching_the_torch_net_switches_to_torch() -> None:
    """retrain.py fine-tunes `clf.net` in place: predictions must then come from the edited net."""
    import torch

    clf = TrainedClassifier(DEFAULT_MODEL_DIR)
    assert clf.backend == "onnx"
    with torch.no_grad():
        clf.net.head.bias.add_(1.0)
    assert clf.backend == "torch"
    ref = TrainedClassifier(DEFAULT_MODEL_DIR)
    assert float(np.abs(clf.raw_logits(TEXTS[:1]) - ref.raw_logits(TEXTS[:1]) - 1.0).max()) < 1e-3


def test_auto_device_on_a_cpu_build_needs_no_torch_import() -> None:
    from importlib import metadata

    if "+cpu" not in metadata.version("torch"):
        pytest.skip("a CUDA build of torch is installed")
    code = (
        "import sys; from valuedesk.classify import load_classifier; c = load_classifier('trained', device='auto'); "
        "print(c.backend, 'torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert out == ["onnx", "False"]
