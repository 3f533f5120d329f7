"""Test-wide set-up: Qt without a display (as `make test` runs it), unless a platform is chosen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
