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

from valuedesk.report.exports import EXPORT_FORMATS, check_target, export_format
from valuedesk.report.safeio import OutputError
from valuedesk.ui.selection import safe_file_stem as safe_name


@dataclass
class ExportChoice:
    fmt: str
    out: str
    video: int | None = None
    creator: str | None = None
    onscreen: bool = False


class ExportDialog(QDialog):
    """Chooses an export; `choice()` after Accepted."""

    def __init__(
        self,
        folder: Path,
        *,
        video: tuple[int, str] | None = None,
        creator: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._folder = folder
        self._video = video
        self._creator = creator
        self.format = QComboBox(self)
        for f in EXPORT_FORMATS:
            self.format.addItem(f"{f.description} — {f.where}", f.name)
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
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

    def _is_folder(self) -> bool:
        return export_format(str(self.format.currentData())).is_folder(one_video=self.scope_video.isChecked())

    def _sync(self) -> None:
        spec = export_format(str(self.format.currentData()))
        self.onscreen.setEnabled(spec.writes == "per-video")
        folder = self._is_folder()
        name = f"{self._stem()}-{spec.name}" if folder else f"{self._stem()}{spec.suffix}"
        self.target.setText(str(self._folder / name))
        self.note.setText("A new folder is created for the files." if folder else "One file is written.")

    def _browse(self) -> None:
        if self._is_folder():
            parent = QFileDialog.getExistingDirectory(
                self, "Where to create the export folder", str(self._folder)
            )
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
        try:  # a folder export named like a file (labels.csv): the same rule as the command line
            check_target(str(self.format.currentData()), out, one_video=self.scope_video.isChecked())
        except OutputError as exc:
            QMessageBox.warning(self, "Export", str(exc))
            return
        super().accept()

    def choice(self) -> ExportChoice:
        video = self._video[0] if self._video and self.scope_video.isChecked() else None
        creator = self._creator if self.scope_creator.isChecked() else None
        return ExportChoice(
            str(self.format.currentData()),
            self.target.text().strip(),
            video,
            creator,
            self.onscreen.isChecked(),
        )
