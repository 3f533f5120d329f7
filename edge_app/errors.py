"""One exception family for every error a user can act on.

The CLI prints `str(error)` and exits non-zero; the GUI shows it in a banner. A `LeukoError`
never needs a traceback: its message says what went wrong, where, and what to do next.
"""

from __future__ import annotations


class LeukoError(Exception):
    """Base of every user-facing Leuko error.

    `where` names the file (and line) or device at fault, `hint` the next step.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  -> {self.hint}"
        return text


class ValidationError(LeukoError):
    """A value, record or file does not follow its schema."""


class DataFormatError(ValidationError):
    """A dataset, label file or image cannot be read as the expected format."""


class ConfigError(ValidationError):
    """A firmware config, profile or settings file is wrong."""


class ModelError(LeukoError):
    """A model bundle is missing, corrupt, foreign or does not match its card."""


class DeviceError(LeukoError):
    """A camera, stage or other device failed or cannot be reached."""


class StoreError(LeukoError):
    """The workspace store (SQLite + field images) cannot be read or written."""
