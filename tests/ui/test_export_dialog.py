"""File ▸ Export…: the formats come from the exports table; a folder format named like a file is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from valuedesk.report.exports import EXPORT_FORMATS
from valuedesk.ui.export_dialog import ExportDialog

pytestmark = pytest.mark.gui


def test_formats_and_names_follow_the_table(qtbot: Any, tmp_path: Path) -> None:
    dialog = ExportDialog(tmp_path, video=(3, "My clip"))
    qtbot.addWidget(dialog)
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == [
        f.name for f in EXPORT_FORMATS
    ]
    for i, f in enumerate(EXPORT_FORMATS):
        assert f.description in dialog.format.itemText(i)
    for f in EXPORT_FORMATS:
        dialog.format.setCurrentIndex(dialog.format.findData(f.name))
        folder = f.is_folder(one_video=True)
        stem = dialog._stem()
        assert dialog.target.text() == str(tmp_path / (f"{stem}-{f.name}" if folder else f"{stem}{f.suffix}"))
        assert dialog.onscreen.isEnabled() == (f.writes == "per-video")


def test_a_csv_export_named_like_a_file_is_refused(qtbot: Any, tmp_path: Path, dialogs: Any) -> None:
    dialog = ExportDialog(tmp_path)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.target.setText(str(tmp_path / "labels.csv"))
    dialog.accept()
    assert dialog.result() != ExportDialog.DialogCode.Accepted
    assert "csv writes a folder" in dialogs.texts() and str(tmp_path / "labels") in dialogs.texts()
    assert not (tmp_path / "labels.csv").exists()
    dialog.target.setText(str(tmp_path / "labels"))
    dialog.accept()
    assert dialog.result() == ExportDialog.DialogCode.Accepted
