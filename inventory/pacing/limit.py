"""The AIMD arithmetic behind a tenant's bulk concurrency, pure so tests drive it with plain calls.

Grow while Teams accepts operations: one more slot per success (the window doubles each round trip)
until the level where Teams last throttled, then only a slot every `probe_rounds` rounds, so a limit
Teams keeps is rediscovered a few times per thousand operations instead of on every round. A 429
cuts the window by `throttle_decrease` and marks the level (operations in flight) Teams refused; a
5xx cuts it harder (`error_decrease`), since a struggling service gains nothing from being probed.
Answers to operations admitted before the last cut say nothing about the new window, so they neither
cut it again nor grow it: a burst of 429s from one overshoot counts once.

"While operations are fast": an operation whose slowest Graph answer took more than `slow_factor`
times the fastest seen lately means Teams now queues operations rather than runs them, and more of
them in flight would only wait longer and delay operators' clicks; such an answer takes half a slot
off the window (where a fast one adds a slot; never below the start), so the window settles at the
knee, not the full queue. Only Teams' round trips are judged (the gate passes them, not the
operation's wall time): our own queueing (the database's one writer, a loaded event loop) grows with
the machine's load, not with the operations in flight at Teams, and judging it shrank the window on a
busy machine to a fraction of what Teams allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LimitTuning:
    start: int = 8
    minimum: int = 1
    maximum: int = 256
    throttle_decrease: float = 0.7
    error_decrease: float = 0.5
    probe_rounds: int = 32  # above the last throttled level: one slot more after this many rounds
    slow_factor: float = 2.0  # an operation this many times slower than the fastest lately: queueing
    # How fast the "fastest lately" follows slower operations up: slowly enough that operations queueing
    # for a whole run are not taken for the new normal (0.01 followed them within a round of 100).
    fastest_drift: float = 0.002


@dataclass
class AdaptiveLimit:
    """The window of operations in flight. `generation` changes with every cut."""

    tuning: LimitTuning = field(default_factory=LimitTuning)
    window: float = 0.0
    ceiling: float | None = None  # the window at the last 429: where Teams said too many
    generation: int = 0
    throttles: int = 0  # cuts for 429
    errors: int = 0  # cuts for 5xx
    fastest: float | None = None  # seconds: the fastest operation lately (falls at once, rises slowly)

    def __post_init__(self) -> None:
        if self.window <= 0:
            self.window = float(self._clamp(self.tuning.start))

    @property
    def limit(self) -> int:
        return self._clamp(int(self.window))

    def succeeded(self, generation: int, seconds: float | None = None) -> None:
        """An operation admitted in `generation` went through without Teams pushing back, its slowest
        Graph answer taking `seconds` (None: not timed, judged only as a success)."""
        if generation != self.generation:
            return
        if seconds is not None and self._queueing(seconds):
            # Never below the start: slowness is not Teams refusing, and a Teams that became slower
            # must not drag a run down to one operation while the baseline catches up.
            if self.window > self.tuning.start:
                self.window = max(float(self.tuning.start), self.window - 0.5)
            return
        below_ceiling = self.ceiling is None or self.window + 1 < self.ceiling
        if below_ceiling:
            self.window += 1
        else:
            self.window += 1 / (max(1.0, self.window) * self.tuning.probe_rounds)
        self.window = min(self.window, float(self.tuning.maximum))

    def throttled(self, generation: int, *, in_flight: int | None = None) -> bool:
        """Teams answered 429 to an operation admitted in `generation`, with `in_flight` operations out
        (bulk and interactive: what Teams refused to exceed); True when that cut the window."""
        if generation != self.generation:
            return False
        # Growth stops below the level Teams refused. Measured in operations out, not in the window, so
        # the share a gate keeps for clicks stays below Teams' limit too.
        self.ceiling = float(in_flight) if in_flight is not None else self.window
        self.throttles += 1
        return self._cut(self.tuning.throttle_decrease)

    def failed(self, generation: int) -> bool:
        """Teams answered 5xx to an operation admitted in `generation`; True when that cut the window."""
        if generation != self.generation:
            return False
        self.errors += 1
        return self._cut(self.tuning.error_decrease)

    def _queueing(self, seconds: float) -> bool:
        fastest = self.fastest
        if fastest is None or seconds < fastest:
            self.fastest = seconds
            return False
        # Follow slower operations up a little each time, so a Teams that became slower for good
        # (operations of 2 s instead of 0.2 s) is learnt as the new normal instead of as queueing.
        self.fastest = fastest + (seconds - fastest) * self.tuning.fastest_drift
        return seconds > self.tuning.slow_factor * fastest

    def _cut(self, factor: float) -> bool:
        self.window = float(max(self.tuning.minimum, int(self.window * factor)))
        self.generation += 1
        return True

    def _clamp(self, value: int) -> int:
        return max(self.tuning.minimum, min(self.tuning.maximum, value))
