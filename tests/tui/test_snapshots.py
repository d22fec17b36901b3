"""What the screens look like: the library at 120x40 and every wizard step at 80x24.

Snapshots live in tests/tui/__snapshots__/. After a deliberate change to how a
screen looks, run ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the new SVGs before committing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from wizard_helpers import first_step_made

from clientexit.core.rules import Step
from clientexit.tui.app import build_app
from clientexit.tui.screens.wizard import WizardScreen

SAMPLE = "piekarnia-lodzka-2026-11-27.toml"

# The snapshot library has one fixed path (it is on screen): one worker runs these.
pytestmark = pytest.mark.xdist_group("snapshots")


async def library_ready(pilot: Pilot) -> None:
    """Let the preview's readiness check (a worker, after a moment) finish."""
    for _ in range(200):
        await pilot.pause(0.01)
        if all(worker.is_finished for worker in pilot.app.workers):
            break
    await pilot.pause()


class TestLibrary:
    def test_library_at_120x40(self, snap_compare, snapshot_library: Path) -> None:
        (snapshot_library / "broken.toml").write_text("format = 1\n[contract\n")
        assert snap_compare(
            build_app(library=snapshot_library), terminal_size=(120, 40), run_before=library_ready
        )

    def test_library_at_80x24(self, snap_compare, snapshot_library: Path) -> None:
        assert snap_compare(
            build_app(library=snapshot_library), terminal_size=(80, 24), run_before=library_ready
        )

    def test_empty_library(self, snap_compare, snapshot_library: Path) -> None:
        for case in snapshot_library.glob("*.toml"):
            case.unlink()
        assert snap_compare(
            build_app(library=snapshot_library), terminal_size=(80, 24), run_before=library_ready
        )


async def settle(pilot: Pilot) -> None:
    """Let deferred focus and scrolling finish, and stop cursors blinking."""
    await pilot.pause()
    if isinstance(pilot.app.screen, WizardScreen):
        await first_step_made(pilot.app, pilot)  # type: ignore[arg-type]
    await pilot.wait_for_scheduled_animations()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def open_at(step: Step):
    async def run_before(pilot: Pilot) -> None:
        app = pilot.app
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        # The wizard shows its first step when it mounts: move on only after that
        # (on a busy machine the screen is pushed well before it has mounted).
        for _ in range(50):
            if wizard.focused is not None:
                break
            await pilot.pause()
        wizard.open_step(step)
        for _ in range(20):
            await pilot.pause()
            if wizard.focused is not None and wizard.pane(step) in wizard.focused.ancestors:
                break
        await settle(pilot)

    return run_before


class TestWizardSteps:
    @pytest.mark.parametrize("step", list(Step), ids=[s.value for s in Step])
    def test_step_at_80x24(self, snap_compare, snapshot_library: Path, step: Step) -> None:
        app = build_app(library=snapshot_library, open_path=snapshot_library / SAMPLE)
        assert snap_compare(app, terminal_size=(80, 24), run_before=open_at(step))

    @pytest.mark.parametrize("step", [Step.CONTRACT, Step.TONE], ids=["contract", "tone"])
    def test_new_case_at_120x40(self, snap_compare, snapshot_library: Path, step: Step) -> None:
        app = build_app(library=snapshot_library, new=True)
        assert snap_compare(app, terminal_size=(120, 40), run_before=open_at(step))


class TestDialogs:
    def test_help(self, snap_compare, snapshot_library: Path) -> None:
        assert snap_compare(build_app(library=snapshot_library), press=["f1"], run_before=settle)

    def test_invoice_form(self, snap_compare, snapshot_library: Path) -> None:
        async def run_before(pilot: Pilot) -> None:
            await pilot.pause()
            wizard = pilot.app.screen
            assert isinstance(wizard, WizardScreen)
            await settle(pilot)
            wizard.query_one("#invoices").table.focus()
            await pilot.press("a")
            for _ in range(20):
                await pilot.pause()
                if not isinstance(pilot.app.screen, WizardScreen):
                    break
            await settle(pilot)

        app = build_app(library=snapshot_library, open_path=snapshot_library / SAMPLE)
        assert snap_compare(app, run_before=run_before)
