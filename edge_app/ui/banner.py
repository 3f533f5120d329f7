"""`Banner`: a dismissable strip above the live view for errors (what failed + what to do) and
source notices ("reconnecting…"), which clear themselves when the camera is back."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

Kind = Literal["error", "notice"]
_COLORS = {"error": "#f8d7da", "notice": "#fff3cd"}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: Kind | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("dismiss")
        close.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    def show_error(self, message: str) -> None:
        """A `LeukoError` text: 'where: what' then '  -> next step' shown as two lines."""
        what, _, hint = message.partition("\n")
        hint = hint.strip().removeprefix("->").strip()
        self._show("error", what + (f"\nWhat to do: {hint}" if hint else ""))

    def show_notice(self, text: str) -> None:
        self._show("notice", text)

    def clear_notice(self) -> None:
        """Hide a notice (camera back); an error stays until dismissed."""
        if self.kind == "notice":
            self.dismiss()

    def dismiss(self) -> None:
        self.kind = None
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def _show(self, kind: Kind, text: str) -> None:
        self.kind = kind
        self.label.setText(text)
        self.setStyleSheet(f"Banner {{ background: {_COLORS[kind]}; color: black; }}")
        self.show()
