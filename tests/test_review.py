"""The review service: reviews sit beside model output, never over it, and undo/redo per video."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.report.projectdata import build_project
from valuedesk.cli import main
from valuedesk.project import Project, ProjectError
from valuedesk.review import MODEL, REVIEWER, ReviewService, describe, video_reading
from valuedesk.values import VALUE_IDS


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("review") / "base.vdproj"
    return path, build_project(path)


@pytest.fixture
def env(base: tuple[Path, dict[str, int]], tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "p.vdproj"
    shutil.copy(base[0], path)
    with Project.open(path) as p:
        yield p, ReviewService(p, author="tester"), base[1]["one"], path


def _model_rows(p: Project) -> dict[str, list[tuple]]:
    return {
        t: p.db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
        for t in ("value_scores", "evidence", "script_lines", "runs", "thumbnails", "words")
    }


def test_reviews_never_touch_model_rows(env) -> None:  # type: ignore[no-untyped-def]
    p, rs, vid, _ = env
    before = _model_rows(p)
    scores, evidence = p.value_scores(vid), p.evidence(vid)
    rs.set_label(vid, "face", -1, note="they mock it")
    rs.accept(vid, "achievement")
    rs.reject(vid, "hedonism")
    rs.add_evidence(vid, "face", 8)
    rs.remove_evidence(vid, "face", 3)
    rs.set_note(vid, "video note")
    rs.set_note(vid, "value note", "humility")
    rs.correct_line(vid, 5, "My little brother is so funny.")
    rs.undo(vid)
    rs.redo(vid)
    assert _model_rows(p) == before
    assert p.value_scores(vid) == scores and p.evidence(vid) == evidence
    assert p.script_lines(vid)[5].text.endswith("ew.")
    rows = p.reviews(vid)
    assert len(rows) == 8 and {r["author"] for r in rows} == {"tester"}
    assert all(r["created_at"] for r in rows)


def test_reading_shows_model_reviewed_and_effective(env) -> None:  # type: ignore[no-untyped-def]
    p, rs, vid, _ = env
    rs.set_label(vid, "face", -1, note="they mock it")
    rs.accept(vid, "achievement")
    rs.reject(vid, "benevolence_caring")
    rs.add_evidence(vid, "face", 8)
    rs.remove_evidence(vid, "face", 3)
    rs.correct_line(vid, 2, "One million likes!")
    rs.set_note(vid, "video note")
    r = video_reading(p, vid)
    assert list(r.values) == list(VALUE_IDS)
    face = r.values["face"]
    assert (face.model_label, face.reviewed_label, face.effective) == (2, -1, -1)
    assert face.disagrees and face.note == "they mock it"
    assert [e.line_idx for e in face.evidence] == [8, 2, 5]  # reviewer's line first, then model by weight
    assert face.evidence[0].source == REVIEWER and face.evidence[1].source == MODEL
    assert [e.line_idx for e in face.removed] == [3]
    assert face.evidence[1].text == "One million likes!"  # corrections reach the quotes
    ach = r.values["achievement"]
    assert (ach.model_label, ach.reviewed_label, ach.effective) == (2, 2, 2) and not ach.disagrees
    assert r.values["benevolence_caring"].effective == 0
    assert r.values["stimulation"].reviewed_label is None and r.values["stimulation"].effective == 0
    assert r.values["humility"].confidence == pytest.approx(0.77)  # contradiction score for −1
    assert r.note == "video note" and r.authors == ("tester",)


def test_reject_needs_a_different_label(env) -> None:  # type: ignore[no-untyped-def]
    _, rs, vid, _ = env
    with pytest.raises(ValueError, match="different label"):
        rs.reject(vid, "face", 2)
    rs.reject(vid, "face", "present")
    assert rs.history(vid)[-1]["after_json"] == "1"


def test_undo_redo(env) -> None:  # type: ignore[no-untyped-def]
    p, rs, vid, _ = env
    assert not rs.can_undo(vid) and rs.undo(vid) is None
    rs.set_label(vid, "face", 0)
    rs.set_label(vid, "face", 1)
    assert video_reading(p, vid).values["face"].effective == 1
    undone = rs.undo(vid)
    assert undone is not None and describe(undone) == "Face: absent → present"
    assert video_reading(p, vid).values["face"].effective == 0 and rs.can_redo(vid)
    rs.undo(vid)
    assert video_reading(p, vid).values["face"].reviewed_label is None
    rs.redo(vid)
    assert video_reading(p, vid).values["face"].effective == 0
    rs.add_evidence(vid, "face", 8)  # a new action drops the redo stack
    assert not rs.can_redo(vid) and rs.redo(vid) is None


def test_no_ops_and_bad_input(env) -> None:  # type: ignore[no-untyped-def]
    p, rs, vid, _ = env
    assert rs.add_evidence(vid, "face", 3) is None  # already evidence
    assert rs.remove_evidence(vid, "face", 8) is None  # not evidence
    assert rs.correct_line(vid, 8, "Thank you mum for the pancakes, love you!") is None
    assert p.reviews(vid) == []
    with pytest.raises(ValueError, match="unknown value"):
        rs.set_label(vid, "kindness", 1)
    with pytest.raises(ValueError, match="unknown label"):
        rs.set_label(vid, "face", 3)
    with pytest.raises(ValueError, match="no script line 99"):
        rs.add_evidence(vid, "face", 99)
    with pytest.raises(ValueError, match="needs some text"):
        rs.correct_line(vid, 1, "   ")
    queued = next(v["id"] for v in p.videos() if v["current_run_id"] is None)
    with pytest.raises(ProjectError, match="not been analysed"):
        rs.set_label(queued, "face", 1)


def test_cli_review(env, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    p, _, vid, path = env
    p.close()
    run = lambda *a: main([*a, "--project", str(path)])  # noqa: E731
    assert run("review", "morning.mp4", "--value", "Face", "--label", "-1", "--note", "mocked") == 0
    assert "Face: dominant → goes against" in capsys.readouterr().out
    assert run("review", str(vid), "--value", "humility", "--accept") == 0
    assert run("review", "/videos/sunny/morning.mp4", "--value", "hedonism", "--label", "dominant") == 0
    assert run("review", str(vid), "--undo") == 0
    assert "undid: Hedonism: present → dominant" in capsys.readouterr().out
    assert run("review", str(vid)) == 0
    table = capsys.readouterr().out
    assert "Face" in table and "-1" in table
    assert run("review", str(vid), "--value", "face", "--label", "7") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("valuedesk: error: unknown label")
    assert run("review", "nope.mp4", "--undo") == 2
    assert "no video 'nope.mp4'" in capsys.readouterr().err
    assert run("review", str(vid), "--label", "1") == 2
    assert "needs --value" in capsys.readouterr().err
    with Project.open(path) as q:
        reviewed = {k: r.reviewed_label for k, r in video_reading(q, vid).values.items() if r.is_reviewed}
        assert reviewed == {"face": -1, "humility": -1}


def test_note_on_a_video_not_analysed_yet(env) -> None:  # type: ignore[no-untyped-def]
    p, rs, _, _ = env
    queued = next(v["id"] for v in p.videos() if v["current_run_id"] is None)
    rs.set_note(queued, "analyse this one next")
    r = video_reading(p, queued)
    assert r.run is None and r.note == "analyse this one next" and len(r.values) == 19
