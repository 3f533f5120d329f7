"""`StagePanel`: the slide session (slide id, patient/sample code, start/finish), the stage X/Y
reading for the next field, and the capture / next-field buttons, with a one-line message."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from edge_app.ui.widgets import button


class StagePanel(QWidget):
    start_requested = Signal(str, str)  # slide id, sample code
    finish_requested = Signal()
    capture_requested = Signal()
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slide = QLineEdit()
        self.slide.setPlaceholderText("as on the slide label")
        self.sample = QLineEdit()
        self.sample.setPlaceholderText("patient / sample code")
        self.start_button = button("Start slide", lambda: self.start_requested.emit(
            self.slide.text().strip(), self.sample.text().strip()))
        self.finish_button = button("Finish", self.finish_requested.emit)
        self.session_label = QLabel("no slide session")
        self.session_label.setWordWrap(True)
        self.stage = QLineEdit()
        self.stage.setPlaceholderText("X, Y in mm, e.g. 12.3, 45.6")
        self.stage.returnPressed.connect(self.capture_requested.emit)
        self.capture_button = button("Capture (C)", self.capture_requested.emit)
        self.next_button = button("Next field (N)", self.next_requested.emit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._build_layout()
        self.set_session(None)

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Slide", self.slide)
        form.addRow("Sample", self.sample)
        form.addRow("Stage X, Y", self.stage)
        session = QHBoxLayout()
        session.addWidget(self.start_button)
        session.addWidget(self.finish_button)
        capture = QHBoxLayout()
        capture.addWidget(self.capture_button)
        capture.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(form)
        layout.addLayout(session)
        layout.addWidget(self.session_label)
        layout.addLayout(capture)
        layout.addWidget(self.message, 1)  # the rest of the panel: a long error stays readable

    def set_session(self, slide_code: str | None, fields: int = 0) -> None:
        """Show the open session (or none): slide/sample are fixed while a session runs."""
        active = slide_code is not None
        self.slide.setEnabled(not active)
        self.sample.setEnabled(not active)
        self.start_button.setEnabled(not active)
        self.finish_button.setEnabled(active)
        self.capture_button.setEnabled(active)
        self.session_label.setText(f"slide {slide_code}: {fields} field{'s' * (fields != 1)} captured" if active
                                   else "no slide session: type the slide id and start")

    def next_field(self) -> None:
        """Clear the reading and put the cursor there for the next field's vernier values."""
        self.stage.clear()
        self.stage.setFocus()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

