"""Progress of long work on the terminal: `review: writing pages 5,000 of 13,191`, updated in place.

Quiet unless the work has run for a few seconds, and quiet whenever the output is not a terminal (CI logs,
files), so that a fast build prints nothing and a log never fills with counters.
"""

from __future__ import annotations

import os
import sys
import time

AFTER = 3.0  # seconds before anything is shown
EVERY = 0.25  # seconds between updates


class Progress:
    def __init__(self, what: str, total: int, stream=None):
        self.what, self.total, self.done = what, total, 0
        self.stream = stream or sys.stderr
        self.start = self.last = time.monotonic()
        self.shown = False
        self.live = self.stream.isatty() and os.environ.get("CI") != "true"

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.live:
            return
        now = time.monotonic()
        if now - self.start >= AFTER and (now - self.last >= EVERY or self.done == self.total):
            self.last, self.shown = now, True
            self.stream.write(f"\rreview: {self.what} {self.done:,} of {self.total:,}")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write(f"\rreview: {self.what} {self.done:,} of {self.total:,}, {time.monotonic() - self.start:.1f} s\n")
            self.stream.flush()
