"""What a build shows while it runs: a progress bar on a terminal, and how long each stage took.

`Progress` is the `progress(stage, done, total)` callback that `build.build`
calls. It draws one bar per stage on standard error when asked to (the CLI
asks only when standard error is a terminal), clears it when the build ends,
and always keeps each stage's time for `-v`.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

UNITS = {"parse": "file", "render": "part"}


class Progress:
    def __init__(self, bar: bool, stream: TextIO | None = None) -> None:
        self.bar = bar
        self.stream = stream or sys.stderr
        self.timings: dict[str, float] = {}
        self._started: dict[str, float] = {}
        self._shown: tqdm[Any] | None = None
        self._stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._started.setdefault(stage, now)
        if not self.bar:
            return
        shown = self._shown
        if stage != self._stage or shown is None:
            self.close()
            self._stage = stage
            # A stage of one step (enrich, search) has nothing to count: its name and the time it has taken.
            simple = "{desc} {elapsed}" if total <= 1 else None
            from tqdm import tqdm  # only when a bar is drawn: a build that draws none starts quicker

            # No monitor thread: with another thread running, the build cannot safely fork its workers.
            tqdm.monitor_interval = 0
            shown = self._shown = tqdm(
                total=total,
                desc=f"{stage:<6}",
                unit=UNITS.get(stage, "step"),
                bar_format=simple,
                leave=False,
                file=self.stream,
            )
        shown.total = total
        shown.n = done
        shown.refresh()

    def close(self) -> None:
        """Clear the bar, so that what is printed next starts on a clean line."""
        if self._shown is not None:
            self._shown.close()
            self._shown = None

    def timing_lines(self) -> list[str]:
        return [f"  {stage:<7}{seconds:7.2f}s" for stage, seconds in self.timings.items()]
