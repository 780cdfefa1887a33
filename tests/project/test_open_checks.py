"""Opening a large project skips the whole-file quick_check unless its log says it may be needed;
`valuedesk check` runs the full integrity check on demand."""

from __future__ import annotations

from pathlib import Path

import pytest

from valuedesk.cli import main
from valuedesk.project import Project, store


def _project(path: Path) -> Path:
    with Project.open(path) as p:
        p.add_video(path.with_name("a.mp4"), sha256="a" * 64, size_bytes=1, creator="x")
    return path


def test_large_clean_files_skip_the_quick_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _project(tmp_path / "p.vdproj")
    assert store.needs_quick_check(path)  # small: always checked
    monkeypatch.setattr(store, "QUICK_CHECK_MAX_BYTES", 1024)
    assert not path.with_name("p.vdproj-wal").exists() or path.with_name("p.vdproj-wal").stat().st_size == 0
    assert not store.needs_quick_check(path)  # large and closed cleanly
    held = Project.open(path)  # another program writing now: its log is not empty
    try:
        with held.transaction() as db:
            db.execute("UPDATE videos SET title = 'busy'")
        assert store.needs_quick_check(path)
    finally:
        held.close()
    monkeypatch.setenv("VALUEDESK_QUICK_CHECK", "always")
    assert store.needs_quick_check(path)


def test_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _project(tmp_path / "p.vdproj")
    assert main(["check", "--project", str(path)]) == 0
    assert "ok (SQLite integrity_check" in capsys.readouterr().out
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xa5" * (len(data) - 4096)  # every page but the header page overwritten
    path.write_bytes(bytes(data))
    assert main(["check", "--project", str(path)]) != 0
    out = capsys.readouterr()
    assert "damaged" in out.out + out.err
