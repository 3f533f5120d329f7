"""Tiny widget helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton


def button(text: str, slot: Callable[[], object], tooltip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.clicked.connect(lambda _checked=False: slot())
    if tooltip:
        b.setToolTip(tooltip)
    return b
