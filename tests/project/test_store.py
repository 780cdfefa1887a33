"""The project file: schema, transactions, search, reviews, and the ways a file can be unusable."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from valuedesk.project import AnalysisRecord, EvidenceRow, Project, ProjectError, ScoreRow, video_fs_path
from valuedesk.project.schema import SCHEMA_VERSION
from valuedesk.review import label_table, reviewed_examples, reviewed_script, video_reading, videos_with_label
from valuedesk.script import ScriptLine, Word
from valuedesk.values import VALUE_IDS


def _record(text: str = "I help my grandma every Sunday") -> AnalysisRecord:
    lines = [ScriptLine(0, 2000, "speech", "SPEAKER", text), ScriptLine(0, 4000, "caption", "", "#family")]
    scores = [
        ScoreRow(v, 0.9 if v == "benevolence_caring" else 0.05, 2 if v == "benevolence_caring" else 0)
        for v in VALUE_IDS
    ]
    return AnalysisRecord(
        lines=lines,
        scores=scores,
        evidence=[EvidenceRow("benevolence_caring", 0, 0.8, 0, 2000)],
        words=[Word(0, 300, "I"), Word(300, 600, "help")],
        thumbnails=[(0, b"\xff\xd8jpeg")],
        timings={"transcribe": 1.0},
    )


@pytest.fixture
def project(tmp_path: Path):
    with Project.open(tmp_path / "p.vdproj") as p:
        yield p


def test_new_project_is_wal_with_current_schema(project: Project) -> None:
    conn = project.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert project.integrity_check() == "ok"


def test_save_analysis_round_trip_and_current_run(project: Project) -> None:
    vid = project.add_video("/clips/a.mp4", sha256="s1", size_bytes=10, creator="Mia")
    first = project.save_analysis(vid, _record("first take"))
    second = project.save_analysis(vid, _record())
    v = project.video(vid)
    assert (v["status"], v["current_run_id"], v["creator"]) == ("done", second, "Mia")
    assert first != second
    assert [ln.text for ln in project.script_lines(vid)] == [
        "#family",
        "I help my grandma every Sunday",
    ] or project.script_lines(vid)[0].text == "I help my grandma every Sunday"
    assert project.value_scores(vid)["benevolence_caring"]["label"] == 2
    assert project.evidence(vid, "benevolence_caring")[0]["line_idx"] == 0
    assert project.thumbnails(vid) == [(0, b"\xff\xd8jpeg")]
    assert [w.text for w in project.words(vid)] == ["I", "help"]
    assert project.script_lines(vid, run_id=first)[0].text == "first take"


def test_failed_save_leaves_nothing_behind(project: Project) -> None:
    vid = project.add_video("/clips/a.mp4", sha256="s1", size_bytes=10, creator="Mia")
    bad = _record()
    bad.scores.append(bad.scores[0])  # duplicate primary key → the transaction must roll back whole
    with pytest.raises(ProjectError):
        project.save_analysis(vid, bad)
    assert project.db["runs"].count == 0
    assert project.db["script_lines"].count == 0
    assert project.video(vid)["current_run_id"] is None
    assert project.integrity_check() == "ok"


def test_search_finds_stemmed_words_in_current_runs_only(project: Project) -> None:
    vid = project.add_video("/clips/a.mp4", sha256="s1", size_bytes=10, creator="Mia")
    project.save_analysis(vid, _record("we were gardening all day"))
    project.save_analysis(vid, _record("helping my grandmother"))
    assert [h.text for h in project.search("grandmoth")] == ["helping my grandmother"]
    assert project.search("gardening") == []  # old run
    assert project.search("help")[0].snippet.startswith("[helping]")
    assert project.search('"') == []


def test_reviews_never_touch_model_rows_and_undo_redo(project: Project) -> None:
    vid = project.add_video("/clips/a.mp4", sha256="s1", size_bytes=10, creator="Mia")
    project.save_analysis(vid, _record())
    before = (list(project.db["value_scores"].rows), list(project.db["evidence"].rows))
    project.add_review(vid, "label", value_id="humility", before=0, after=-1)
    project.add_review(vid, "line_text", line_idx=0, before="x", after="I help my grandpa every Sunday")
    assert (list(project.db["value_scores"].rows), list(project.db["evidence"].rows)) == before
    humility = video_reading(project, vid).values["humility"]
    assert (humility.model_label, humility.reviewed_label) == (0, -1)
    assert reviewed_script(project, vid)[0].text == "I help my grandpa every Sunday"
    assert project.script_lines(vid)[0].text == "I help my grandma every Sunday"  # the model's row
    assert videos_with_label(project, "humility", (-1,)) == {vid}
    project.undo_review(vid)
    project.undo_review(vid)
    assert video_reading(project, vid).values["humility"].reviewed_label is None
    assert videos_with_label(project, "humility", (-1,)) == set()
    project.redo_review(vid)
    assert label_table(project)[vid]["humility"].effective == -1
    examples = reviewed_examples(project)
    assert examples[0].video_id == vid and examples[0].labels == {"humility": -1}


def test_non_utf8_file_name_is_kept_exactly(project: Project, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/clip-\xff.mp4"
    vid = project.add_video(raw, sha256="s2", size_bytes=1, creator="X")
    row = project.video(vid)
    assert "\ufffd" in row["path"]
    assert os.fsencode(video_fs_path(row)) == raw


def test_resolve_video_by_id_path_and_name(project: Project) -> None:
    vid = project.add_video("/clips/a.mp4", sha256="s1", size_bytes=1, creator="Mia")
    assert project.resolve_video(str(vid))["id"] == vid
    assert project.resolve_video("/clips/a.mp4")["id"] == vid
    assert project.resolve_video("a.mp4")["id"] == vid
    with pytest.raises(ProjectError, match="no video 'zzz.mp4'"):
        project.resolve_video("zzz.mp4")


# ---- the file cannot be used: clear message naming the file, nothing changed -------------------


def test_read_only_file_is_refused_for_writing_but_readable(tmp_path: Path) -> None:
    path = tmp_path / "ro.vdproj"
    with Project.open(path) as p:
        p.add_video("/clips/a.mp4", sha256="s1", size_bytes=1, creator="Mia")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with pytest.raises(ProjectError, match=r"ro\.vdproj: the project file is read-only"):
            Project.open(path)
        with Project.open(path, readonly=True) as p:
            assert len(p.videos()) == 1
            with pytest.raises(ProjectError, match="opened read-only"):
                p.set_status(1, "failed")
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"


def test_a_lock_held_in_this_program_is_not_blamed_on_another(tmp_path: Path) -> None:
    path = tmp_path / "locked.vdproj"
    with Project.open(path):
        pass
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with (
            Project.open(path, lock_wait_s=0.3) as p,
            pytest.raises(
                ProjectError,
                match=r"locked\.vdproj: the project is locked .*another connection of this program",
            ),
        ):
            p.add_video("/clips/a.mp4", sha256="s1", size_bytes=1, creator="Mia")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        assert p.videos() == []


def test_a_lock_held_by_another_program_names_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "locked.vdproj"
    with Project.open(path):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with (
            Project.open(path, lock_wait_s=0.5) as p,
            pytest.raises(
                ProjectError,
                match=rf"the project is locked .*by another program \(pid {holder.pid}: .*python",
            ),
        ):
            p.add_video("/clips/a.mp4", sha256="s1", size_bytes=1, creator="Mia")
    finally:
        holder.kill()
        holder.wait()
    with Project.open(path) as p:
        assert p.videos() == []


def test_a_writer_waits_for_a_short_lock_instead_of_failing(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "busy.vdproj"
    with Project.open(path):
        pass
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(1.0, lambda: other.execute("COMMIT"))
    releaser.start()
    try:
        with Project.open(path) as p:
            vid = p.add_video("/clips/a.mp4", sha256="s1", size_bytes=1, creator="Mia")
            assert p.video(vid)["creator"] == "Mia"
    finally:
        releaser.join()
        other.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not sqlite at all" * 100, "not a ValueDesk project or the file is damaged"),
        (None, "an SQLite file, but not a ValueDesk project"),
    ],
)
def test_foreign_files_are_refused_untouched(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "other.vdproj"
    if content is None:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(ProjectError, match=message):
        Project.open(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.vdproj"
    with Project.open(path) as p:
        p.db.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(ProjectError, match="newer ValueDesk"):
        Project.open(path)


def test_missing_and_folder_paths(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(tmp_path / "nope.vdproj", readonly=True)
    with pytest.raises(ProjectError, match="is a folder"):
        Project.open(tmp_path)
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(tmp_path / "no-dir" / "p.vdproj")


def test_one_row_per_file_however_its_path_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clips = tmp_path / "media"
    clips.mkdir()
    (clips / "good1.mp4").write_bytes(b"x")
    (tmp_path / "link").symlink_to(clips)
    monkeypatch.chdir(tmp_path)
    with Project.open(tmp_path / "p.vdproj") as p:
        a = p.add_video("media/good1.mp4", sha256="s", size_bytes=1, creator="Mia")
        b = p.add_video(str(clips / "good1.mp4"), sha256="s", size_bytes=1, creator="Mia")
        c = p.add_video("link/../media/./good1.mp4", sha256="s", size_bytes=1, creator="Mia")
        d = p.add_video(tmp_path / "link" / "good1.mp4", sha256="s", size_bytes=1, creator="Mia")
        assert a == b == c == d and len(p.videos()) == 1
        assert p.video(a)["path"] == str((clips / "good1.mp4").resolve())
        assert p.resolve_video("media/good1.mp4")["id"] == a


def test_a_queued_or_analysing_video_whose_worker_died_reads_interrupted(tmp_path: Path) -> None:
    import subprocess
    import sys

    from valuedesk.project import claims

    path = tmp_path / "p.vdproj"
    with Project.open(path) as p:
        mine = p.add_video("/clips/a.mp4", sha256="a", size_bytes=1, creator="Mia", claim=claims.new_claim())
        nobody = p.add_video("/clips/b.mp4", sha256="b", size_bytes=1, creator="Mia")
    # Another process claims a video and dies without a word (kill -9 is the same to the reader).
    code = (
        "import sys; from valuedesk.project import Project, claims; p = Project.open(sys.argv[1]); "
        "p.set_status(1, 'analyzing', claim=claims.new_claim()); print(p.video(1)['status'])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "analyzing"  # live while its process ran
    with Project.open(path) as p:
        assert p.video(mine)["status"] == "interrupted"
        assert p.video(nobody)["status"] == "interrupted"
        claim = claims.new_claim()
        p.set_status(nobody, "analyzing", claim=claim)
        assert p.video(nobody)["status"] == "analyzing"
        claims.release(claim)  # the job ended without writing its status (e.g. the disk was full)
        assert p.video(nobody)["status"] == "interrupted"
