"""`Banner`: a tab's one-line message strip — an error the user can act on, or a neutral note."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "background:#fde2e1; color:#8a1c13; border:1px solid #e5a29c; padding:4px;"
INFO_STYLE = "background:#e7f0fb; color:#163d6b; border:1px solid #a9c4e8; padding:4px;"


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.is_error = False
        self.hide()

    def show_error(self, message: str) -> None:
        self._show(message, ERROR_STYLE, error=True)

    def show_info(self, message: str) -> None:
        self._show(message, INFO_STYLE, error=False)

    def clear_message(self) -> None:
        self.is_error = False
        self.setText("")
        self.hide()

    def _show(self, message: str, style: str, *, error: bool) -> None:
        self.is_error = error
        self.setStyleSheet(style)
        self.setText(message)
        self.show()
