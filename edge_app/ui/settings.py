"""`LiveSettings`: what the live tab remembers between runs, in QSettings (last source, profile,
model, backend/precision, threshold, shown attributes, window geometry).

The app uses the user's QSettings("leuko", "leuko"); tests pass an INI file of their own.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from edge_app.ui.live_setup import LiveChoice

DEFAULT_THRESHOLD = 0.25
_CHOICE_KEYS = ("source", "profile", "model", "backend", "precision")


class LiveSettings:
    def __init__(self, qsettings: QSettings) -> None:
        self.q = qsettings

    @classmethod
    def user(cls) -> LiveSettings:
        return cls(QSettings("leuko", "leuko"))

    @classmethod
    def ini_file(cls, path: Path) -> LiveSettings:
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    def choice(self, default: LiveChoice | None = None) -> LiveChoice:
        default = default or LiveChoice()
        values = {k: str(self.q.value(f"live/{k}", getattr(default, k))) for k in _CHOICE_KEYS}
        return LiveChoice(**values)

    def save_choice(self, choice: LiveChoice) -> None:
        for key in _CHOICE_KEYS:
            self.q.setValue(f"live/{key}", getattr(choice, key))

    def threshold(self) -> float | None:
        """The threshold the technician last set, or None (then the model card's operating point counts)."""
        if not self.q.contains("live/threshold"):
            return None
        try:
            value = float(self.q.value("live/threshold"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return min(max(value, 0.0), 1.0)

    def save_threshold(self, value: float) -> None:
        self.q.setValue("live/threshold", float(value))

    def shown_attributes(self) -> list[str] | None:
        """None: never chosen (show all). INI files turn one-item lists into strings, hence the join."""
        if not self.q.contains("live/shown_attributes"):
            return None
        raw = str(self.q.value("live/shown_attributes", ""))
        return [name for name in raw.split(",") if name]

    def save_shown_attributes(self, names: list[str]) -> None:
        self.q.setValue("live/shown_attributes", ",".join(names))

    def geometry(self) -> QByteArray | None:
        value = self.q.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, geometry: QByteArray) -> None:
        self.q.setValue("window/geometry", geometry)

    def sync(self) -> None:
        self.q.sync()
