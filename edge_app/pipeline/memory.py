"""Resident memory of this process, without psutil (not installed on every Pi image)."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def rss_mb() -> float:
    """Current resident set size in MB (Linux: /proc); elsewhere the peak, which is what getrusage knows."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)  # bytes on macOS, kB elsewhere
