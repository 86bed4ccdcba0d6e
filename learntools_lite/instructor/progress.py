"""Progress of a grading run on stderr: a bar redrawn in place on a terminal, and plain
lines elsewhere (a log file, a pipe, CI), where ``\\r`` frames would only be noise."""

import sys
import time
from typing import TextIO


class Progress:
    """Counts finished items out of ``total``.

    On a terminal, one bar line is redrawn after each item. Otherwise a plain line is
    written when the count starts, at most every ``every_seconds`` while it runs, and when
    it is complete, so a log of a class of 300 has a few lines, not 300 frames.
    """

    WIDTH = 30

    def __init__(self, total: int, what: str, stream: TextIO | None = None,
                 every_seconds: float = 30.0, clock=time.monotonic):
        self.total, self.what, self.done = total, what, 0
        self.stream = stream if stream is not None else sys.stderr
        self.every_seconds, self.clock = every_seconds, clock
        self.terminal = self.stream.isatty()
        self.last_line_at = clock()
        self._show("")

    def advance(self, label: str) -> None:
        """One more item is finished; ``label`` names it (a student)."""
        self.done += 1
        self._show(label)

    def _show(self, label: str) -> None:
        if self.terminal:
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                              f"{self.done}/{self.total} {label:<20}")
            if self.done == self.total:
                self.stream.write("\n")
        elif (self.done in (0, self.total)
              or self.clock() - self.last_line_at >= self.every_seconds):
            self.stream.write(f"{self.what}: {self.done}/{self.total} done\n")
            self.last_line_at = self.clock()
        self.stream.flush()
