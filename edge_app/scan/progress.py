"""What a scan reports while it runs: one `ScanProgress` per field, for a CLI bar or a GUI."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Status = Literal["stored", "already", "failed"]


@dataclass(frozen=True)
class FieldOutcome:
    name: str
    status: Status
    message: str = ""
    cells: int = 0
    infer_ms: float = 0.0


@dataclass
class ScanProgress:
    """Counts so far; `fields_per_s` counts every field handled, `inferred_per_s` only new ones."""

    total: int | None
    done: int = 0
    stored: int = 0
    already: int = 0
    failed: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    last: FieldOutcome | None = None
    finished: bool = False
    cancelled: bool = False

    def record(self, outcome: FieldOutcome, elapsed_s: float) -> None:
        self.done += 1
        self.elapsed_s = elapsed_s
        self.last = outcome
        if outcome.status == "stored":
            self.stored += 1
        elif outcome.status == "already":
            self.already += 1
        else:
            self.failed.append(f"{outcome.name}: {outcome.message}")

    @property
    def fields_per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def inferred_per_s(self) -> float:
        return self.stored / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        if self.total is None or not self.done:
            return None
        return max(0, self.total - self.done) * self.elapsed_s / self.done

    def rate_text(self) -> str:
        return f"{self.fields_per_s:.2f} fields/s, ETA {_minutes(self.eta_s)}"

    def snapshot(self) -> ScanProgress:
        """A copy that later fields do not change (for a reader on another thread)."""
        return replace(self, failed=list(self.failed), unsupported=list(self.unsupported))

    def summary(self) -> str:
        state = "cancelled" if self.cancelled else "done"
        return (f"scan {state}: {self.done} fields in {self.elapsed_s:.1f} s — {self.stored} stored, "
                f"{self.already} already in the store, {len(self.failed)} failed, "
                f"{len(self.unsupported)} unsupported; {self.inferred_per_s:.2f} new fields/s "
                f"({self.fields_per_s:.2f} fields/s overall)")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"
