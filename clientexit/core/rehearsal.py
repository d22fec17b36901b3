"""One rehearsal of the call script: where the user is, how long it takes, what went wrong.

This is the logic behind the rehearsal screen, in plain Python so it can be
tested without a terminal: the position in the script, the run's and each
line's time (pauses excluded), the speaking pace against the calm range, the
estimated time left, the jumps to each part of the call, and the objection
drill, whose interruptions are planned from a seed so a run can be repeated.

Time comes from an injectable ``clock`` (``time.monotonic`` by default), so
tests move time forward by hand. Every step through the script does a fixed
amount of work, however long the script: the words still to say are kept as
running totals, recomputed only when a line's text changes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from clientexit.core import rules
from clientexit.core.model import Objection, Rehearsal, Script, ScriptLine, ScriptPart, utc_now

CALM_PACE = (110, 160)
"""Words per minute that sound unhurried on a hard call: slower is fine, faster is rushed."""

COUNTDOWN_SECONDS = 3.0
"""A breath before the first line; any key skips it."""

MIN_LINES_KEPT = 2
MIN_SECONDS_KEPT = 10.0
"""A run is kept when it covered two lines or lasted ten seconds: anything less was
opened by mistake, and would only clutter the history."""

PACE_MIN_WORDS = 15
PACE_MIN_SECONDS = 5.0
"""The pace is not shown until there is enough said to measure it honestly."""

PARTS: tuple[ScriptPart, ...] = tuple(ScriptPart)
"""The parts of a call in order; keys 1-8 jump to them."""


class Phase(StrEnum):
    """Where a run is."""

    COUNTDOWN = "countdown"
    RUNNING = "running"
    FINISHED = "finished"


class Pace(StrEnum):
    """How the pace so far compares with the calm range."""

    UNKNOWN = "unknown"
    SLOW = "slow"
    CALM = "calm"
    FAST = "fast"


def pace_of(words_per_minute: float | None) -> Pace:
    if words_per_minute is None:
        return Pace.UNKNOWN
    low, high = CALM_PACE
    if words_per_minute < low:
        return Pace.SLOW
    if words_per_minute > high:
        return Pace.FAST
    return Pace.CALM


PACE_WORDS: dict[Pace, str] = {
    Pace.UNKNOWN: "pace after a few lines",
    Pace.SLOW: "unhurried",
    Pace.CALM: "calm pace",
    Pace.FAST: "fast: slow down",
}
"""Said once, quietly: slow is not a fault on a call like this, fast is worth a word."""


def describe_pace(words_per_minute: float | None) -> str:
    """``132 wpm · calm pace``, or a note that there is not enough to measure yet."""
    pace = pace_of(words_per_minute)
    if words_per_minute is None:
        return PACE_WORDS[pace]
    return f"{round(words_per_minute)} wpm · {PACE_WORDS[pace]}"


def clock_time(seconds: float) -> str:
    """``4:07``, or ``1:02:09`` past an hour; never negative."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def words_in(text: str) -> int:
    return len(text.split())


def part_starts(lines: Sequence[ScriptLine]) -> dict[ScriptPart, int]:
    """The index of the first line of each part the script has."""
    starts: dict[ScriptPart, int] = {}
    for index, line in enumerate(lines):
        starts.setdefault(line.part, index)
    return starts


def plan_drills(
    parts: Sequence[ScriptPart],
    objections: int,
    seed: int,
    *,
    prefer: Iterable[int] = (),
) -> dict[int, int]:
    """After which lines the client interrupts, and with which objection (0-based both).

    The same script shape, objection count, seed and preferences always give the
    same plan. Interruptions come after the opening (nobody objects to a
    greeting), never after the last line, at most after every other line, and
    each objection at most once. Objections in ``prefer`` (the ones marked shaky
    last time) are drilled before the others.
    """
    rng = random.Random(seed)
    count_lines = len(parts)
    first = next((i for i, part in enumerate(parts) if part is not ScriptPart.OPENING), 0)
    spots = list(range(first, count_lines - 1)) or list(range(count_lines - 1))
    count = min(objections, len(spots), max(1, (len(spots) + 1) // 2))
    if count <= 0:
        return {}
    preferred = [j for j in dict.fromkeys(prefer) if 0 <= j < objections]
    rng.shuffle(preferred)
    others = [j for j in range(objections) if j not in preferred]
    rng.shuffle(others)
    chosen = (preferred + others)[:count]
    rng.shuffle(chosen)
    return dict(zip(sorted(rng.sample(spots, count)), chosen, strict=True))


@dataclass
class Interruption:
    """The client cuts in with an objection after line ``after``."""

    after: int
    objection: int
    revealed: bool = False
    started: float = 0.0
    """Run time when it began, so its time is kept apart from the script's."""


class RehearsalRun:
    """One run through the script, from the countdown to the record it leaves.

    Indices are 0-based inside; the record uses 1-based numbers, like the file.
    Every time is "run time": seconds since the countdown ended, pauses left out.
    """

    def __init__(
        self,
        script: Script,
        *,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        countdown: float = COUNTDOWN_SECONDS,
        prefer: Iterable[int] = (),
    ) -> None:
        self.script = script
        self.seed = seed
        self.clock = clock
        self.now = now
        self.countdown = countdown
        self.phase = Phase.COUNTDOWN
        self.index = 0
        self.drill_on = False
        self.interruption: Interruption | None = None
        self.flags: set[int] = set()
        self.drilled: list[int] = []
        self.shaky: set[int] = set()
        self.lines_said: set[int] = set()
        self.line_seconds: dict[int, float] = {}
        self.words_said = 0
        self.seconds_said = 0.0
        """Time spent on lines that were said through, for the pace."""
        self.drill_seconds = 0.0
        self._created = clock()
        self._started: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._line_started = 0.0
        self._final: float | None = None
        self._fired: set[int] = set()
        self.plan = plan_drills(
            [line.part for line in script.lines], len(script.objections), seed, prefer=prefer
        )
        self._remaining_words: list[int] = []
        self._starts: dict[ScriptPart, int] = {}
        self.script_changed()

    # -- the script ------------------------------------------------------------

    @property
    def lines(self) -> list[ScriptLine]:
        return self.script.lines

    @property
    def objections(self) -> list[Objection]:
        return self.script.objections

    @property
    def total(self) -> int:
        return len(self.script.lines)

    def script_changed(self) -> None:
        """Recount the words still to say from each line; call after any change to a line."""
        remaining = [0] * (self.total + 1)
        for index in range(self.total - 1, -1, -1):
            remaining[index] = remaining[index + 1] + words_in(self.lines[index].text)
        self._remaining_words = remaining
        self._starts = part_starts(self.lines)

    def line(self, offset: int = 0) -> ScriptLine | None:
        """The current line, or the one ``offset`` away; None past either end."""
        at = self.index + offset
        return self.lines[at] if 0 <= at < self.total else None

    def edit_line(self, text: str) -> bool:
        """Replace the current line's words, keeping the position and the timers.

        Returns False when the text did not change.
        """
        line = self.line()
        if line is None or line.text == text:
            return False
        line.text = text
        self.script_changed()
        return True

    # -- time ------------------------------------------------------------------

    def countdown_left(self) -> float:
        if self.phase is not Phase.COUNTDOWN:
            return 0.0
        return max(self.countdown - (self.clock() - self._created), 0.0)

    def tick(self) -> bool:
        """Start the run when the countdown is over; True if that happened now."""
        if self.phase is Phase.COUNTDOWN and self.countdown_left() <= 0:
            self.start()
            return True
        return False

    def start(self) -> None:
        """End the countdown (or skip it) and start the clock on the first line."""
        if self.phase is Phase.COUNTDOWN:
            self.phase = Phase.RUNNING
            self._started = self.clock()
            self._line_started = 0.0

    @property
    def started(self) -> bool:
        return self._started is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> None:
        if self.phase is Phase.RUNNING and not self.paused:
            self._paused_at = self.clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self.clock() - self._paused_at
            self._paused_at = None

    def elapsed(self) -> float:
        """Run time so far: from the end of the countdown, pauses left out."""
        if self._final is not None:
            return self._final
        if self._started is None:
            return 0.0
        now = self._paused_at if self._paused_at is not None else self.clock()
        return max(now - self._started - self._paused_total, 0.0)

    def line_elapsed(self) -> float:
        """Time on the current line (or on the current interruption)."""
        return max(self.elapsed() - self._line_started, 0.0)

    def words_per_minute(self) -> float | None:
        """The pace of the lines said so far; None until there is enough to measure."""
        if self.words_said < PACE_MIN_WORDS or self.seconds_said < PACE_MIN_SECONDS:
            return None
        return self.words_said * 60 / self.seconds_said

    def remaining_seconds(self) -> float:
        """About how long the rest of the script takes, at the pace so far (or a calm one)."""
        if self.total == 0:
            return 0.0
        pace = self.words_per_minute() or rules.WORDS_PER_MINUTE
        here = self._remaining_words[min(self.index, self.total)]
        after = self._remaining_words[min(self.index + 1, self.total)]
        if self.interruption is not None:
            return after * 60 / pace
        # The current line is partly said: count it down, but never below the lines after it.
        return max(here * 60 / pace - self.line_elapsed(), after * 60 / pace)

    # -- moving ----------------------------------------------------------------

    def _leave_line(self, *, said: bool) -> None:
        spent = self.line_elapsed()
        self.line_seconds[self.index] = self.line_seconds.get(self.index, 0.0) + spent
        if said:
            self.lines_said.add(self.index)
            self.words_said += words_in(self.lines[self.index].text)
            self.seconds_said += spent
        self._line_started = self.elapsed()

    def _cancel_interruption(self) -> None:
        if self.interruption is not None:
            self.drill_seconds += self.elapsed() - self.interruption.started
            self.interruption = None
            self._line_started = self.elapsed()

    def advance(self) -> bool:
        """Say the current line and go on. False when it was the last line (the run ends)."""
        self.start()
        self.resume()
        if self.interruption is not None:
            return self.continue_after_drill()
        if self.total == 0:
            return False
        self._leave_line(said=True)
        objection = self.plan.get(self.index)
        if (
            self.drill_on
            and objection is not None
            and self.index not in self._fired
            and objection < len(self.objections)
        ):
            self.interruption = Interruption(self.index, objection, started=self.elapsed())
            return True
        if self.index + 1 >= self.total:
            return False
        self.index += 1
        return True

    def back(self) -> None:
        """Go back one line (or out of an interruption, to the line before it)."""
        self.start()
        self.resume()
        if self.interruption is not None:
            self._cancel_interruption()
            return
        if self.index > 0:
            self._leave_line(said=False)
            self.index -= 1

    def has_part(self, part: ScriptPart) -> bool:
        return part in self._starts

    def jump_to_part(self, part: ScriptPart) -> bool:
        """Go to the first line of ``part``; False when the script has no such part."""
        start = self._starts.get(part)
        if start is None:
            return False
        self.start()
        self.resume()
        self._cancel_interruption()
        if start != self.index:
            self._leave_line(said=False)
            self.index = start
        return True

    def part_number(self) -> int:
        """1-8: the current line's part in the order of a call."""
        line = self.line()
        return PARTS.index(line.part) + 1 if line else 0

    # -- flags and the drill -----------------------------------------------------

    def toggle_flag(self) -> bool:
        """Flag the current line as a stumble, or unflag it; returns whether it is flagged now."""
        if self.total == 0:
            return False
        if self.index in self.flags:
            self.flags.discard(self.index)
            return False
        self.flags.add(self.index)
        return True

    def toggle_drill(self) -> bool:
        self.drill_on = not self.drill_on
        if not self.drill_on:
            self._cancel_interruption()
        return self.drill_on

    def drills_left(self) -> int:
        """Interruptions still to come in this run (if the drill is on)."""
        coming = sum(1 for after in self.plan if after >= self.index and after not in self._fired)
        return coming - (1 if self.interruption is not None else 0)

    def reveal(self) -> None:
        """Show the prepared answer; the objection counts as drilled."""
        if self.interruption is None:
            return
        self.interruption.revealed = True
        if self.interruption.objection not in self.drilled:
            self.drilled.append(self.interruption.objection)

    def toggle_shaky(self) -> bool:
        """Mark the current objection's answer as shaky, or not; returns whether it is now."""
        if self.interruption is None:
            return False
        self.reveal()
        objection = self.interruption.objection
        if objection in self.shaky:
            self.shaky.discard(objection)
            return False
        self.shaky.add(objection)
        return True

    def continue_after_drill(self) -> bool:
        """Back to the script after an interruption. False when it came after the last line."""
        if self.interruption is None:
            return True
        self.reveal()
        after = self.interruption.after
        self._fired.add(after)
        self._cancel_interruption()
        if after + 1 >= self.total:
            return False
        self.index = after + 1
        return True

    # -- the record ----------------------------------------------------------------

    @property
    def worth_keeping(self) -> bool:
        """Whether this run was real practice (see :data:`MIN_LINES_KEPT`)."""
        if not self.started:
            return False
        enough_lines = len(self.lines_said) >= min(MIN_LINES_KEPT, max(self.total, 1))
        return enough_lines or self.elapsed() >= MIN_SECONDS_KEPT

    def flagged(self) -> list[int]:
        """1-based numbers of the flagged lines, in script order."""
        return sorted(i + 1 for i in self.flags if i < self.total)

    def finish(self) -> Rehearsal:
        """End the run and give its record for ``case.rehearsals``."""
        self.resume()
        self._cancel_interruption()
        self._final = self.elapsed()
        seconds = round(self._final)
        self.phase = Phase.FINISHED
        return Rehearsal(
            at=self.now(),
            seconds=seconds,
            flagged=self.flagged(),
            words=self.words_said,
            drilled=sorted(j + 1 for j in self.drilled),
            shaky=sorted(j + 1 for j in self.shaky if j in self.drilled),
        )


def shaky_last_time(rehearsals: Sequence[Rehearsal]) -> list[int]:
    """0-based objections marked shaky in the latest run: drilled first next time."""
    if not rehearsals:
        return []
    latest = max(rehearsals, key=lambda r: r.at.timestamp())
    return [number - 1 for number in latest.shaky]
