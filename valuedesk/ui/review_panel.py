"""Human review of one value of one video: accept the model's label, set another, leave a note.

Storage-free on purpose: it only emits `review_requested` dicts; the main window applies them
through the review service (which keeps reviews apart from model output) and then calls
`set_value` again with the new state.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from valuedesk.ui.help import label_meaning
from valuedesk.ui.radar import CONTRADICTED_COLOR, LABEL_SYMBOL, label_text, label_word
from valuedesk.values import BY_ID, Label

_CHECKED_RED = f"QPushButton:checked {{ color: white; background: {CONTRADICTED_COLOR}; }}"


class ReviewPanel(QWidget):
    """Accept / relabel / note for the selected value; emits review_requested(dict)."""

    review_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value_id: str | None = None
        self._model: int | None = None
        self._reviewed: int | None = None
        self._score: float | None = None
        self.video_id: int | None = None  # echoed in requests when the owner sets it

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setTextFormat(Qt.TextFormat.RichText)

        self.accept_button = QPushButton("✓ Accept model label", self)
        self.accept_button.setToolTip("Confirm the model's label as reviewed (A)")
        self.accept_button.clicked.connect(self._accept)

        self.label_buttons: dict[int, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        keys = {-1: "-", 0: "0", 1: "1", 2: "2"}
        for lab in (Label.CONTRADICTED, Label.ABSENT, Label.PRESENT, Label.DOMINANT):
            b = QPushButton(f"{LABEL_SYMBOL[int(lab)]} {lab.phrase}", self)
            b.setCheckable(True)
            b.setToolTip(f"{label_meaning(int(lab))}\nClick (or key {keys[int(lab)]}) to set this label.")
            if lab == Label.CONTRADICTED:
                b.setStyleSheet(_CHECKED_RED)
            b.clicked.connect(lambda _=False, v=int(lab): self._set_label(v))
            self._group.addButton(b)
            self.label_buttons[int(lab)] = b
            row.addWidget(b)
            # PySide6 takes signals and properties as keywords; its stubs list neither.
            QShortcut(
                QKeySequence(keys[int(lab)]),
                self,  # type: ignore[call-overload]
                activated=lambda v=int(lab): self._set_label(v),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
                whatsThis=f"Review: set the label {'−1' if lab < 0 else int(lab)} ({lab.phrase})",
            )
        QShortcut(
            QKeySequence("A"),
            self,
            activated=self._accept,  # type: ignore[call-overload]
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            whatsThis="Review: accept the model's label",
        )

        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Note on this value (why, what to check)…")
        self.note.returnPressed.connect(self._save_note)
        self.note_button = QPushButton("Save note", self)
        self.note_button.clicked.connect(self._save_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.note_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.title)
        lay.addWidget(self.state)
        top = QHBoxLayout()
        top.addWidget(self.accept_button)
        top.addStretch(1)
        lay.addLayout(top)
        lay.addLayout(row)
        lay.addLayout(note_row)
        lay.addStretch(1)
        self.clear()

    # ------------------------------------------------------------------ API
    def set_value(
        self,
        value_id: str | None,
        model_label: int | None = None,
        score: float | None = None,
        reviewed_label: int | None = None,
        note: str = "",
    ) -> None:
        """Show the state of one value; None disables the panel."""
        self._value_id = value_id if value_id in BY_ID else None
        self._model = None if model_label is None else int(model_label)
        self._reviewed = None if reviewed_label is None else int(reviewed_label)
        self._score = score
        enabled = self._value_id is not None
        for w in (self.accept_button, self.note, self.note_button, *self.label_buttons.values()):
            w.setEnabled(enabled)
        self.note.setText(note or "")
        if not enabled:
            self.title.setText("<b>Review</b>")
            self.state.setText("Select a value to review it.")
            self._check(None)
            self.accept_button.setText("✓ Accept model label")
            return
        assert self._value_id is not None  # enabled
        v = BY_ID[self._value_id]
        self.title.setText(f"<b>Review: {v.name}</b>")
        parts = []
        if self._model is not None:
            s = f"model: {label_text(self._model)}"
            if score is not None:
                s += f" ({float(score):.0%})"
            parts.append(s)
        if self._reviewed is None:
            parts.append("not reviewed yet")
        elif self._reviewed == self._model:
            parts.append("<b>✓ reviewed, agrees</b>")
        else:
            parts.append(f"<b>✎ reviewed: {label_text(self._reviewed)}</b>")
        self.state.setText(" · ".join(parts))
        self.accept_button.setEnabled(self._model is not None)
        if self._model is not None:
            self.accept_button.setText(f"✓ Accept model label ({label_word(self._model)})")
        self._check(self._reviewed if self._reviewed is not None else self._model)

    def clear(self) -> None:
        self.set_value(None)

    def value_id(self) -> str | None:
        return self._value_id

    # ------------------------------------------------------------------ internals
    def changeEvent(self, ev: QEvent) -> None:  # noqa: N802 (Qt name)
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "label_buttons"):
            # a style-sheeted button keeps the palette it was polished with: re-polish on light/dark
            button = self.label_buttons[int(Label.CONTRADICTED)]
            button.setStyleSheet("")
            button.setStyleSheet(_CHECKED_RED)
        super().changeEvent(ev)

    def _check(self, label: int | None) -> None:
        self._group.setExclusive(False)
        for lab, b in self.label_buttons.items():
            b.setChecked(label is not None and lab == label)
        self._group.setExclusive(True)

    def _emit(self, request: dict[str, Any]) -> None:
        if self.video_id is not None:
            request["video_id"] = self.video_id
        self.review_requested.emit(request)

    def _accept(self) -> None:
        if self._value_id is None or self._model is None:
            return
        self._emit({"action": "accept", "value_id": self._value_id, "label": self._model})

    def _set_label(self, label: int) -> None:
        if self._value_id is None:
            return
        self._check(label)
        self._emit(
            {
                "action": "label",
                "value_id": self._value_id,
                "label": int(label),
                "label_word": label_word(label),
            }
        )

    def _save_note(self) -> None:
        if self._value_id is None:
            return
        self._emit({"action": "note", "value_id": self._value_id, "note": self.note.text().strip()})
