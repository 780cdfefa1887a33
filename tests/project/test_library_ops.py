"""Library management on a real project file: remove, titles, creators (set, merge, rename), relink, notes."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.ui._widget_fixtures import CREATOR, LINES, _record, build_project
from valuedesk.project import claims, library_ops
from valuedesk.project.store import Project, ProjectError, video_fs_path
from valuedesk.review import ReviewService, project_notes, video_reading

TABLES_BY_VIDEO = ("runs", "script_lines", "value_scores", "evidence", "reviews")
TABLES_BY_RUN = ("words", "thumbnails")


@pytest.fixture
def built(tmp_path: Path):  # type: ignore[no-untyped-def]
    project, ids = build_project(tmp_path / "lib.vdproj")
    yield project, ids
    project.close()


def _count(project: Project, table: str, video_id: int) -> int:
    if table in TABLES_BY_RUN:
        sql = f"SELECT COUNT(*) FROM {table} WHERE run_id IN (SELECT id FROM runs WHERE video_id = ?)"
    else:
        sql = f"SELECT COUNT(*) FROM {table} WHERE video_id = ?"
    return int(project.db.execute(sql, [video_id]).fetchone()[0])


def _media(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _add_file(project: Project, path: Path, creator: str = "mover", title: str = "") -> int:
    data = path.read_bytes()
    return project.add_video(
        path, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), creator=creator, title=title
    )


# --------------------------------------------------------------------------- removing


def test_remove_video_deletes_all_its_rows_keeps_the_file_and_the_others(tmp_path: Path, built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    clip = _media(tmp_path / "media" / "real.mp4", b"real media bytes")
    vid = _add_file(project, clip, creator=CREATOR, title="Real one")
    rec = _record({"achievement": (0.9, 2)}, [("achievement", 3, 0.9)], LINES)
    rec.words = []
    rec.thumbnails = [(0, b"\xff\xd8a"), (500, b"\xff\xd8b")]
    project.save_analysis(vid, rec)
    project.save_analysis(vid, rec)  # two runs: the older run's rows go too
    from valuedesk.script import Word

    rec.words = [Word(0, 300, "win")]
    project.save_analysis(vid, rec)
    ReviewService(project, "ana").set_note(vid, "check the ending")
    ReviewService(project, "ana").set_label(vid, "achievement", 1, note="not that strong")
    before_other = {t: _count(project, t, ids[0]) for t in TABLES_BY_VIDEO + TABLES_BY_RUN}
    assert all(_count(project, t, vid) for t in TABLES_BY_VIDEO + TABLES_BY_RUN)
    assert any(h.video_id == vid for h in project.search("everyone else"))

    result = library_ops.remove_videos(project, [vid])

    assert result.removed == [vid] and result.busy == [] and result.creators_removed == []
    assert all(_count(project, t, vid) == 0 for t in TABLES_BY_VIDEO + TABLES_BY_RUN)
    assert project.db.execute("SELECT COUNT(*) FROM videos WHERE id = ?", [vid]).fetchone()[0] == 0
    assert clip.read_bytes() == b"real media bytes"  # the media file is never touched
    assert {t: _count(project, t, ids[0]) for t in TABLES_BY_VIDEO + TABLES_BY_RUN} == before_other
    assert not any(h.video_id == vid for h in project.search("everyone else"))
    assert {h.video_id for h in project.search("everyone else")} == set(ids)
    # the FTS index holds no line of the removed video (not just hidden by the join)
    fts = project.db.execute("SELECT COUNT(*) FROM script_lines_fts").fetchone()[0]
    assert fts == project.db.execute("SELECT COUNT(*) FROM script_lines").fetchone()[0]
    project.db.execute("INSERT INTO script_lines_fts(script_lines_fts) VALUES ('integrity-check')")
    assert project.integrity_check() == "ok"
    assert project.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_failed_remove_leaves_every_row(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    before = {t: _count(project, t, ids[0]) for t in TABLES_BY_VIDEO + TABLES_BY_RUN}
    project.db.execute("CREATE TRIGGER keep BEFORE DELETE ON videos BEGIN SELECT RAISE(ABORT, 'kept'); END")
    with pytest.raises(ProjectError, match="kept"):
        library_ops.remove_videos(project, [ids[0]])
    assert {
        t: _count(project, t, ids[0]) for t in TABLES_BY_VIDEO + TABLES_BY_RUN
    } == before  # one transaction
    assert any(h.video_id == ids[0] for h in project.search("shoes"))


def test_removing_a_creators_last_video_removes_the_creator(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    other = [int(v["id"]) for v in project.videos(creator="someone_else")]
    result = library_ops.remove_videos(project, other + [ids[0], 999_999])
    assert sorted(result.removed) == sorted(other + [ids[0]])
    assert result.creators_removed == ["someone_else"]
    assert library_ops.creator_names(project) == [CREATOR]  # kept: it still has two videos
    assert [int(v["id"]) for v in project.videos()] == ids[1:]
    assert library_ops.remove_videos(project, []).removed == []


def test_a_video_being_analysed_is_not_removed(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    claim = claims.new_claim()
    try:
        project.set_status(ids[1], "analyzing", claim=claim)
        result = library_ops.remove_videos(project, ids[:2])
        assert result.removed == [ids[0]] and result.busy == [ids[1]]
        assert project.video(ids[1])["status"] == "analyzing"
    finally:
        claims.release(claim)
    # the claim is dead now: the row reads 'interrupted' and can go
    assert library_ops.remove_videos(project, [ids[1]]).removed == [ids[1]]


def test_read_only_project_refuses_changes(tmp_path: Path) -> None:
    project, ids = build_project(tmp_path / "ro.vdproj")
    project.close()
    with Project.open(tmp_path / "ro.vdproj", readonly=True) as ro:
        for change in (
            lambda: library_ops.remove_videos(ro, ids[:1]),
            lambda: library_ops.set_title(ro, ids[0], "x"),
            lambda: library_ops.set_creator(ro, ids[:1], "x"),
            lambda: library_ops.rename_creator(ro, CREATOR, "x"),
            lambda: library_ops.relink_moved(ro, tmp_path),
        ):
            with pytest.raises(ProjectError, match="read-only"):
                change()
        assert len(ro.videos()) == 4


# --------------------------------------------------------------------------- titles and creators


def test_set_title(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    assert library_ops.set_title(project, ids[0], "  Day 30:\n  the final ") == "Day 30: the final"
    assert project.video(ids[0])["title"] == "Day 30: the final"
    with pytest.raises(ValueError):
        library_ops.set_title(project, ids[0], "   ")
    with pytest.raises(ProjectError):
        library_ops.set_title(project, 999_999, "nope")
    assert project.video(ids[0])["title"] == "Day 30: the final"


def test_set_creator_creates_a_new_one_and_moves_the_video(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    name, dropped = library_ops.set_creator(project, [ids[0]], " coach_ana ")
    assert (name, dropped) == ("coach_ana", [])
    assert project.video(ids[0])["creator"] == "coach_ana"
    assert [int(v["id"]) for v in project.videos(creator=CREATOR)] == ids[1:]
    # an existing name, typed in another case, is that creator; the emptied one goes
    name, dropped = library_ops.set_creator(project, [ids[0]], "KIDSCOACH")
    assert (name, dropped) == (CREATOR, ["coach_ana"])
    assert "coach_ana" not in library_ops.creator_names(project)
    with pytest.raises(ValueError):
        library_ops.set_creator(project, ids[:1], "")
    assert project.integrity_check() == "ok"


def test_merge_creators_moves_all_videos_and_drops_the_old_row(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    other = [int(v["id"]) for v in project.videos(creator="someone_else")]
    assert library_ops.merge_creators(project, "someone_else", CREATOR) == 1
    assert library_ops.creator_names(project) == [CREATOR]
    assert sorted(int(v["id"]) for v in project.videos(creator=CREATOR)) == sorted(ids + other)
    assert library_ops.merge_creators(project, CREATOR, CREATOR) == 0
    with pytest.raises(ProjectError):
        library_ops.merge_creators(project, "nobody", CREATOR)


def test_rename_creator_and_rename_onto_an_existing_name_merges(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    assert library_ops.rename_creator(project, CREATOR, "Kids Coach") == ("Kids Coach", False)
    assert library_ops.rename_creator(project, "Kids Coach", "kids coach") == (
        "kids coach",
        False,
    )  # case only
    assert [int(v["id"]) for v in project.videos(creator="kids coach")] == ids
    name, merged = library_ops.rename_creator(project, "someone_else", "KIDS COACH")
    assert (name, merged) == ("kids coach", True)
    assert library_ops.creator_names(project) == ["kids coach"]
    assert len(project.videos(creator="kids coach")) == 4
    with pytest.raises(ProjectError):
        library_ops.rename_creator(project, "gone", "x")
    assert project.integrity_check() == "ok"


# --------------------------------------------------------------------------- relinking


def test_relink_finds_moved_files_by_content(tmp_path: Path) -> None:
    old = tmp_path / "old"
    a = _media(old / "a.mp4", b"A" * 3000)
    b = _media(old / "b.mov", b"B" * 2000)
    stay = _media(old / "stay.mp4", b"S" * 10)
    with Project.open(tmp_path / "r.vdproj") as project:
        va, vb, vs = (_add_file(project, p) for p in (a, b, stay))
        new = tmp_path / "new" / "deeper"
        new.mkdir(parents=True)
        shutil.move(a, new / "renamed a.MP4")  # renamed too: found by content
        shutil.move(b, tmp_path / "new" / "b.mov")
        _media(tmp_path / "new" / "decoy.mp4", b"X" * 3000)  # same size, other content
        _media(tmp_path / "new" / "notes.txt", b"A" * 3000)  # not media
        assert {v["id"] for v in library_ops.missing_videos(project)} == {va, vb}
        seen: list[Path] = []

        def hasher(p: Path) -> str:
            seen.append(p)
            return hashlib.sha256(p.read_bytes()).hexdigest()

        result = library_ops.relink_moved(project, tmp_path / "new", hash_file=hasher)

        assert result.relinked == {
            va: str((new / "renamed a.MP4").resolve()),
            vb: str(tmp_path / "new" / "b.mov"),
        }
        assert result.missing == [] and result.errors == [] and result.scanned == 3
        assert sorted(p.name for p in seen) == [
            "b.mov",
            "decoy.mp4",
            "renamed a.MP4",
        ]  # sizes that match only
        row = project.video(va)
        assert row["file_name"] == "renamed a.MP4"
        assert row["path_raw"] == os.fsencode(os.path.realpath(new / "renamed a.MP4"))
        assert Path(video_fs_path(row)).read_bytes() == b"A" * 3000
        assert project.video(vs)["path"] == str(stay)
        assert library_ops.missing_videos(project) == []
        assert library_ops.relink_moved(project, tmp_path / "new").relinked == {}  # nothing missing any more
        assert project.integrity_check() == "ok"


def test_relink_keeps_non_utf8_names_exact_and_skips_registered_files(tmp_path: Path) -> None:
    with Project.open(tmp_path / "r.vdproj") as project:
        gone = _media(tmp_path / "old" / "x.mp4", b"same content")
        vid = _add_file(project, gone)
        gone.unlink()
        folder = tmp_path / "found"
        folder.mkdir()
        raw_name = os.fsencode(folder) + b"/caf\xe9 \xff.mp4"
        with open(raw_name, "wb") as fh:
            fh.write(b"same content")
        registered = _media(folder / "copy.mp4", b"same content")
        other = _add_file(project, registered)  # this copy is another video already: not taken

        result = library_ops.relink_moved(project, folder)

        assert list(result.relinked) == [vid]
        row = project.video(vid)
        assert row["path_raw"] == os.fsencode(os.path.realpath(raw_name))
        assert row["file_name"] == "caf\ufffd \ufffd.mp4" and "\ufffd" in row["path"]
        assert Path(video_fs_path(row)).read_bytes() == b"same content"
        assert project.video(other)["path"] == str(registered)


def test_relink_reports_what_stays_missing_and_unreadable_files(tmp_path: Path) -> None:
    with Project.open(tmp_path / "r.vdproj") as project:
        gone = _media(tmp_path / "old" / "x.mp4", b"content")
        vid = _add_file(project, gone)
        gone.unlink()
        _media(tmp_path / "found" / "bad.mp4", b"1234567")

        def broken(_p: Path) -> str:
            raise OSError("permission denied")

        result = library_ops.relink_moved(project, tmp_path / "found", hash_file=broken)
        assert result.relinked == {} and result.missing == [vid]
        assert "bad.mp4" in result.errors[0] and "permission denied" in result.errors[0]
        with pytest.raises(ProjectError, match="not a folder"):
            library_ops.relink_moved(project, tmp_path / "nowhere")


def test_default_hash_is_the_media_layer_hash(tmp_path: Path) -> None:
    from valuedesk.media.probe import sha256_file

    f = _media(tmp_path / "big.mp4", os.urandom((1 << 20) + 17))
    assert library_ops._sha256(f) == sha256_file(f)


# --------------------------------------------------------------------------- notes


def test_notes_lists_current_video_and_value_notes(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    ana, ben = ReviewService(project, "ana"), ReviewService(project, "ben")
    ana.set_note(ids[0], "First draft")
    ana.set_note(ids[0], "Coach praises effort, not talent")  # replaces the draft
    ben.set_note(ids[0], "Mocks slower kids", value="humility")
    ben.set_label(ids[1], "hedonism", 1, note="More shopping than pleasure")
    ana.set_note(ids[2], "to be cleared")
    ana.set_note(ids[2], "")  # cleared: not listed
    ana.set_note(ids[1], "undone later")
    project.undo_review(ids[1])

    found = project_notes(project)

    assert [(n.video_id, n.value_id, n.text, n.author) for n in found] == [
        (ids[1], "hedonism", "More shopping than pleasure", "ben"),
        (ids[0], "humility", "Mocks slower kids", "ben"),
        (ids[0], None, "Coach praises effort, not talent", "ana"),
    ]
    assert found[0].video_title == "Shopping haul" and found[0].creator == CREATOR and found[0].created_at
    for n in found:  # the same notes the video view shows
        reading = video_reading(project, n.video_id)
        assert (reading.values[n.value_id].note if n.value_id else reading.note) == n.text
    library_ops.remove_videos(project, [ids[0]])
    assert [n.video_id for n in project_notes(project)] == [ids[1]]


# --------------------------------------------------------------------------- search


def test_search_video_ids_matches_project_search(built) -> None:  # type: ignore[no-untyped-def]
    project, ids = built
    for query in ("shoes", "win", "everyone else", "first place", '"quoted', "helicopter", "   "):
        assert library_ops.search_video_ids(project, query) == {
            h.video_id for h in project.search(query, 10_000)
        }
    assert library_ops.search_video_ids(project, "shoes") == set(ids)
    # the hits and the videos asked for at once (the second on its own connection): the same answers,
    # with a hit list cut short (limit 1) as with one that holds every match
    for query in ("shoes", "win", "everyone else", "helicopter", "   "):
        for limit in (1, 200):
            hits, videos = library_ops.search_with_videos(project, query, limit)
            assert hits == project.search(query, limit)
            assert videos == library_ops.search_video_ids(project, query)
    library_ops.remove_videos(project, ids[:1])
    assert library_ops.search_video_ids(project, "shoes") == set(ids[1:])
    assert library_ops.search_with_videos(project, "shoes", 1)[1] == set(ids[1:])
