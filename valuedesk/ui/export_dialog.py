"""File ▸ Export…: which format, which videos, where — the report package writes the files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from valuedesk.ui.reports import safe_name

# format -> (what users read, writes a folder?, file suffix)
FORMATS: dict[str, tuple[str, bool, str]] = {
    "csv": ("Spreadsheet tables — labels and evidence (CSV, a folder)", True, ""),
    "quotes": ("Quote table for QualCoder / MAXQDA (one CSV file)", False, ".csv"),
    "json": ("Everything, for other programs (one JSON file)", False, ".json"),
    "tsv": ("ValueEval / Touché23 TSV for model evaluation (a folder)", True, ""),
    "srt": ("Subtitles with the script (SRT)", False, ".srt"),
    "vtt": ("Subtitles with the script (WebVTT)", False, ".vtt"),
}


@dataclass
class ExportChoice:
    fmt: str
    out: str
    video: int | None = None
    creator: str | None = None
    onscreen: bool = False


class ExportDialog(QDialog):
    """Chooses an export; `choice()` after Accepted."""

    def __init__(self, folder: Path, *, video: tuple[int, str] | None = None, creator: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._folder = folder
        self._video = video
        self._creator = creator
        self.format = QComboBox(self)
        for key, (text, _folder, _suffix) in FORMATS.items():
            self.format.addItem(text, key)
        self.scope_all = QRadioButton("All videos in the project", self)
        self.scope_video = QRadioButton(f"This video: {video[1]}" if video else "This video", self)
        self.scope_creator = QRadioButton(f"This creator: {creator}" if creator else "This creator", self)
        self.scope_video.setEnabled(video is not None)
        self.scope_creator.setEnabled(creator is not None)
        group = QButtonGroup(self)
        for b in (self.scope_all, self.scope_video, self.scope_creator):
            group.addButton(b)
        (self.scope_creator if creator else self.scope_video if video else self.scope_all).setChecked(True)
        self.onscreen = QCheckBox("Include on-screen text in subtitles", self)
        self.target = QLineEdit(self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(browse)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Format:", self.format)
        scope = QVBoxLayout()
        for b in (self.scope_all, self.scope_video, self.scope_creator):
            scope.addWidget(b)
        form.addRow("Videos:", scope)
        form.addRow("", self.onscreen)
        form.addRow("Save to:", target_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._sync)
        for b in (self.scope_all, self.scope_video, self.scope_creator):
            b.toggled.connect(self._sync)
        self._sync()

    def _stem(self) -> str:
        if self.scope_video.isChecked() and self._video:
            return safe_name(self._video[1])
        if self.scope_creator.isChecked() and self._creator:
            return safe_name(self._creator)
        return "valuedesk-export"

    def _sync(self) -> None:
        fmt = str(self.format.currentData())
        _text, is_folder, suffix = FORMATS[fmt]
        subtitles = fmt in ("srt", "vtt")
        self.onscreen.setEnabled(subtitles)
        folder = is_folder or (subtitles and not self.scope_video.isChecked())
        name = f"{self._stem()}-{fmt}" if folder else f"{self._stem()}{suffix}"
        self.target.setText(str(self._folder / name))
        self.note.setText("A new folder is created for the files." if folder else "One file is written.")

    def _browse(self) -> None:
        fmt = str(self.format.currentData())
        folder = FORMATS[fmt][1] or (fmt in ("srt", "vtt") and not self.scope_video.isChecked())
        if folder:
            parent = QFileDialog.getExistingDirectory(self, "Where to create the export folder", str(self._folder))
            if parent:
                self.target.setText(str(Path(parent) / Path(self.target.text()).name))
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.target.text())
            if path:
                self.target.setText(path)

    def accept(self) -> None:
        out = Path(self.target.text().strip())
        if not self.target.text().strip() or not out.parent.is_dir():
            QMessageBox.warning(self, "Export", f"Choose a place that exists:\n{out.parent}")
            return
        super().accept()

    def choice(self) -> ExportChoice:
        video = self._video[0] if self._video and self.scope_video.isChecked() else None
        creator = self._creator if self.scope_creator.isChecked() else None
        return ExportChoice(str(self.format.currentData()), self.target.text().strip(), video, creator,
                            self.onscreen.isChecked())
