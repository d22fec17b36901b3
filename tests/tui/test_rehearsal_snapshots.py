"""Snapshots of the rehearsal screen at 80x24 and 120x40, with a clock that only moves on cue.

Update after an intended change with ``pytest --snapshot-update``, then look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot

from clientexit.core.rules import Step
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.rehearsal import RehearsalScreen

TIDEWATER = "tidewater-outfitters-llc-2026-12-01.toml"
PIEKARNIA = "piekarnia-lodzka-2026-11-27.toml"
SMALL = (80, 24)
LARGE = (120, 40)

# The snapshot library has one fixed path (it is on screen): one worker runs these.
pytestmark = pytest.mark.xdist_group("snapshots")

Compare = Callable[..., bool]


class FixedClock:
    """Time stands still unless a step of the script moves it."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def rehearse(
    name: str | None, steps: list[str | float], *, seed: int = 7
) -> Callable[[Pilot], Awaitable[None]]:
    """Open ``name`` (or a new case) and rehearse it; numbers in ``steps`` move the clock."""

    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, ClientExitApp)
        if name is None:
            app.new_case()
        else:
            app.open_case(app.library / name, step=Step.SCRIPT)
        await pilot.pause()
        clock = FixedClock()
        app.push_screen(
            RehearsalScreen(
                case=app.screen.case,  # type: ignore[attr-defined]
                # Saved for real elsewhere; here the "Saved" toast would only add noise.
                save=lambda: True,
                clock=clock,
                now=lambda: datetime(2026, 11, 30, 20, 0, tzinfo=UTC),
                seed=seed,
            )
        )
        await pilot.pause()
        for step in steps:
            if isinstance(step, float):
                clock.now += step
            else:
                await pilot.press(step)
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, RehearsalScreen):
            screen.tick()  # draw the clocks at the time the script left them
        await pilot.pause()

    return run_before


# Three lines said at a calm pace, then a pause on the fourth.
SAID_THREE = ["space", 8.0, "space", 9.0, "space", 7.0, "space", 3.0]


class TestRehearsalLine:
    def test_line_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(TIDEWATER, SAID_THREE))

    def test_line_large(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        assert snap_compare(app, terminal_size=LARGE, run_before=rehearse(TIDEWATER, SAID_THREE))

    def test_countdown_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(TIDEWATER, []))

    def test_flagged_and_paused_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = [*SAID_THREE, "f", "p"]
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(TIDEWATER, steps))


class TestRehearsalDrill:
    def test_client_cuts_in_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = ["space", "d", 6.0, "space", 8.0, "space"]
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(TIDEWATER, steps))

    def test_prepared_answer_large(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = ["space", "d", 6.0, "space", 8.0, "space", 5.0, "space", "s"]
        assert snap_compare(app, terminal_size=LARGE, run_before=rehearse(TIDEWATER, steps))


class TestRehearsalSummary:
    def test_summary_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = ["space", "d", 6.0, "space", 8.0, "space", 5.0, "space", "s", "space"]
        steps += [9.0, "f", "space", 7.0, "space", 4.0, "escape"]
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(PIEKARNIA, steps))

    def test_summary_large(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = ["space", 9.0, "f", "space", 7.0, "space", 4.0, "escape"]
        assert snap_compare(app, terminal_size=LARGE, run_before=rehearse(PIEKARNIA, steps))


class TestRehearsalOther:
    def test_money_card_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        steps = ["space", 4.0, "m"]
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(TIDEWATER, steps))

    def test_no_script_small(self, snap_compare: Compare, snapshot_library: Path) -> None:
        app = build_app(library=snapshot_library)
        assert snap_compare(app, terminal_size=SMALL, run_before=rehearse(None, []))
