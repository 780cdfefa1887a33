"""The LLM backend inside ValueDesk: a whole analysis through a real llama.cpp server, the run's
record of what was asked and what it cost, the cache, the combined reader, clear failures, and no
network beyond loopback (strace). SmolLM2-135M labels badly; these tests check the protocol."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.llm.conftest import LlamaServer
from tests.support.clipgen import ClipSegment, espeak_available, make_clip
from valuedesk.cli import main
from valuedesk.project import Project

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng (test set-up installs it)"),
]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("llm-media") / "prank.mp4"
    make_clip(
        path, [ClipSegment("Who cares if people get hurt, I am better than all of them.", "EPIC PRANK")]
    )
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VALUEDESK_CACHE_DIR", str(folder))
    for name in (
        "VALUEDESK_LLM_URL",
        "VALUEDESK_LLM_MODEL",
        "VALUEDESK_LLM_ALLOW_REMOTE",
        "VALUEDESK_LLM_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    return folder


def _run(project: Path) -> dict:  # type: ignore[type-arg]
    with Project.open(project, readonly=True) as p:
        v = p.videos()[0]
        run = p.run(int(v["id"]))
        assert run is not None, v
        return {
            "status": v["status"],
            "error": v["error"],
            "llm": json.loads(run["llm_json"]),
            "models": json.loads(run["models_json"]),
            "warnings": json.loads(run["warnings_json"]),
            "lines": p.script_lines(int(v["id"])),
            "labels": {k: int(s["label"]) for k, s in p.value_scores(int(v["id"])).items()},
        }


def test_two_step_analysis_through_a_real_server(
    llama_server: LlamaServer, clip: Path, tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "llm.vdproj"
    args = ["analyze", str(clip), "--project", str(project), "--no-ocr", "--llm", llama_server.url,
            "--llm-model", llama_server.model]  # fmt: skip
    assert main(args) == 0
    run = _run(project)
    llm = run["llm"]
    assert llm["mode"] == "two-step" and llm["server"] == llama_server.url
    assert llm["model"].startswith(f"llm:{llama_server.model}@") and llm["prompt_version"]
    tasks = {c["task"]: c for c in llm["calls"]}
    # step 1: SmolLM2 reads no images, so the scene step is skipped and says why
    assert "scenes" in tasks and "no images" in tasks["scenes"]["note"]
    assert any("no images" in w for w in run["warnings"])
    assert not any(ln.speaker.startswith("llm:") for ln in run["lines"])
    # step 2: one validated answer, what it cost, the reasons of what it labelled
    label = tasks["label"]
    assert label["prompt_tokens"] > 0 and label["completion_tokens"] > 0 and label["seconds"] > 0
    assert label["attempts"] in (1, 2) and label["cached"] is False
    assert run["models"]["classifier"] == llm["model"] and run["models"]["llm"] == llm["model"]
    assert set(llm["reasons"]) == {k for k, v in run["labels"].items() if v != 0}
    assert any(cache.rglob("*.json")), "the validated answer was not cached"

    # the same video again: the cache answers, the labels are the same, nothing is sent
    assert main([*args, "--force"]) == 0
    again = _run(project)
    assert again["labels"] == run["labels"]
    assert {c["task"]: c["cached"] for c in again["llm"]["calls"]}["label"] is True
    # the run details as `show` prints them: mode, model, what each call cost, the reasons
    capsys.readouterr()
    assert main(["show", "1", "--project", str(project)]) == 0
    shown = capsys.readouterr().out
    assert f"llm: two-step with {llama_server.model}@" in shown and "label: from the cache (" in shown
    assert all(f"why (LLM): {r[:40]}" in shown for r in again["llm"]["reasons"].values() if r)


def test_server_down_fails_the_video_with_a_clear_message(clip: Path, tmp_path: Path, cache: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    project = tmp_path / "down.vdproj"
    rc = main(
        ["analyze", str(clip), "--project", str(project), "--no-ocr", "--llm", f"http://127.0.0.1:{port}/v1"]
    )
    assert rc != 0
    with Project.open(project, readonly=True) as p:
        v = p.videos()[0]
        assert v["status"] == "failed" and v["current_run_id"] is None
        assert f"127.0.0.1:{port}" in v["error"] and "running" in v["error"], v["error"]
        assert p.integrity_check() == "ok"


def test_a_remote_server_is_refused_without_the_opt_in(
    clip: Path, tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        ["analyze", str(clip), "--project", str(tmp_path / "r.vdproj"), "--llm", "http://192.0.2.7:8080/v1"]
    )
    err = capsys.readouterr().err
    assert rc != 0 and "192.0.2.7" in err and "--llm-allow-remote" in err
    assert not (tmp_path / "r.vdproj").exists() or not Project.open(tmp_path / "r.vdproj").videos()


def test_evaluate_and_score_with_the_llm_and_the_combination(
    llama_server: LlamaServer, tmp_path: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.classify.conftest import make_scripts_fixture

    posts = make_scripts_fixture(tmp_path) / "dev.jsonl"
    some = tmp_path / "three.jsonl"
    some.write_text("".join(posts.read_text().splitlines(keepends=True)[:3]))
    llm = ["--llm", llama_server.url, "--llm-model", llama_server.model]
    assert main(["evaluate", "--scripts", str(some), "--model", "llm", "--json", *llm]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model_id"].startswith("llm:") and out["posts"] == 3 and out["seconds_per_post"] > 0
    assert main(["evaluate", "--scripts", str(some), "--model", "trained+llm", "--json", *llm]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["posts"] == 3 and "+llm:" in out["model_id"]
    pred = tmp_path / "pred.jsonl"
    assert main(["score", str(some), "-o", str(pred), "--model", "llm", *llm]) == 0
    rows = [json.loads(x) for x in pred.read_text().splitlines()]
    assert len(rows) == 3 and all(r["model"].startswith("llm:") and len(r["labels"]) == 19 for r in rows)


def test_llm_analysis_makes_no_network_calls_beyond_loopback(
    llama_server: LlamaServer, clip: Path, tmp_path: Path
) -> None:
    """ValueDesk's own process under strace: its only peer is the local server."""
    from tests.test_network_strace import (
        STRACE,
        _assert_offline,
        _clean_env,
        _strace,
        _valuedesk,
        parse_network_log,
    )

    if STRACE is None:
        pytest.skip("strace is not installed (apt install strace)")
    log_path = tmp_path / "strace.log"
    env = _clean_env(tmp_path / "home") | {"VALUEDESK_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [*_valuedesk(), "analyze", "--project", str(tmp_path / "p.vdproj"), "--no-ocr", "--llm", llama_server.url, str(clip)]  # fmt: skip
    proc = _strace(cmd, log_path, env, cwd=tmp_path, timeout=400)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = log_path.read_text(errors="replace")
    port = llama_server.url.split(":")[2].split("/")[0]
    assert f"htons({port})" in text, "the analysis never talked to the server"
    _assert_offline(parse_network_log(text), "valuedesk analyze --llm", log_path)
