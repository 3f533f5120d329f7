"""Small layout helpers the tabs share: combos, rows, and a scroll area (800x480 screens)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget


def combo(items: Sequence[str], editable: bool = False) -> QComboBox:
    c = QComboBox()
    c.setEditable(editable)
    c.addItems(list(items))
    return c


def row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        layout.addWidget(w, 1 if stretch_first and i == 0 else 0)
    return layout


def scrolled(owner: QWidget, body: QWidget) -> None:
    """Put `body` in a scroll area filling `owner`, so the tab fits a small screen and grows with a big one."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(body)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
