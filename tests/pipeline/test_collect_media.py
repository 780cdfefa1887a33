"""collect_media names what is wrong with a path: a link loop, a broken link, a missing file."""

from __future__ import annotations

import os
from pathlib import Path

from valuedesk.pipeline.batch import collect_media


def test_link_loop_given_directly(tmp_path: Path) -> None:
    loop = tmp_path / "loop.mp4"
    loop.symlink_to(loop)
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    files, errors = collect_media([loop, a])
    assert files == []
    assert errors == [f"{loop}: symbolic link loop", f"{a}: symbolic link loop"]


def test_broken_link_given_directly(tmp_path: Path) -> None:
    gone = tmp_path / "clip.mp4"
    gone.symlink_to("deleted/clip.mp4")
    files, errors = collect_media([gone, tmp_path / "missing.mp4"])
    assert files == []
    assert errors == [
        f"{gone}: broken link to deleted/clip.mp4",
        f"{tmp_path / 'missing.mp4'}: no such file or folder",
    ]


def test_bad_links_inside_a_folder_are_reported_and_good_files_kept(tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    (folder / "sub").mkdir(parents=True)
    good = folder / "good.mp4"
    good.write_bytes(b"\0" * 16)
    deep = folder / "sub" / "deep.mov"
    deep.write_bytes(b"\0" * 16)
    linked = folder / "linked.mp4"
    linked.symlink_to(good)  # a working link to a file: the same file, analysed once
    (folder / "sub" / "dangling.mp4").symlink_to(tmp_path / "nowhere" / "x.mp4")
    (folder / "renamed").symlink_to("old-name.webm")  # the link's target says it was media
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "loop2.mkv").symlink_to("loop3.mkv")
    (folder / "loop3.mkv").symlink_to("loop2.mkv")
    (folder / "notes.txt").symlink_to("old-notes.txt")  # never media: not worth an error
    (folder / "up").symlink_to(folder, target_is_directory=True)  # a link to a folder is fine
    files, errors = collect_media([folder])
    assert files == [good, deep]
    assert errors == [
        f"{folder / 'loop'}: symbolic link loop",
        f"{folder / 'loop2.mkv'}: symbolic link loop",
        f"{folder / 'loop3.mkv'}: symbolic link loop",
        f"{folder / 'renamed'}: broken link to old-name.webm",
        f"{folder / 'sub' / 'dangling.mp4'}: broken link to {tmp_path / 'nowhere' / 'x.mp4'}",
    ]


def test_a_folder_of_broken_links_only_names_them(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "a.mp4").symlink_to("gone.mp4")
    files, errors = collect_media([folder])
    assert files == [] and errors == [f"{folder / 'a.mp4'}: broken link to gone.mp4"]
    (folder / "a.mp4").unlink()
    assert collect_media([folder]) == ([], [f"{folder}: folder holds no video or audio files"])


def test_undecodable_link_target_is_shown_readably(tmp_path: Path) -> None:
    link = tmp_path / "x.mp4"
    os.symlink(b"bad\xff.mp4", os.fsencode(link))
    _, errors = collect_media([link])
    assert errors == [f"{link}: broken link to bad\ufffd.mp4"]
