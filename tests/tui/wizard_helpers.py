"""Helpers the wizard-step tests share: open a case at a step, find the wizard."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from clientexit.core.rules import Step
from clientexit.tui.app import ClientExitApp
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.step import StepPane

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def wizard(app: ClientExitApp) -> WizardScreen:
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


def is_shown(widget: Widget) -> bool:
    """Displayed, and so are all its ancestors."""
    return widget.display and all(ancestor.display for ancestor in widget.ancestors)


async def open_sample_at(
    app: ClientExitApp, pilot: Pilot[None], tmp_path: Path, name: str, step: Step
) -> Path:
    """Copy the sample whose name starts with ``name`` and open it at ``step``."""
    source = next(SAMPLES.glob(f"{name}*.toml"))
    path = tmp_path / source.name
    shutil.copy(source, path)
    app.open_case(path, step=step)
    await pilot.pause()
    await first_step_made(app, pilot)
    await cursor_placed(app, pilot)
    return path


async def first_step_made(app: ClientExitApp, pilot: Pilot[None]) -> None:
    """Wait until the step the wizard opened on is whole: what lies below its first
    screenful is mounted after the first frame (StepPane.hold_back)."""
    for _ in range(300):
        screen = app.screen
        if isinstance(screen, WizardScreen):
            panes = screen.query(f"#{screen.start.value}")
            if panes and not panes.first(StepPane).held_back:
                return
        await pilot.pause(0.01)


async def cursor_placed(app: ClientExitApp, pilot: Pilot[None]) -> None:
    """Wait until the wizard has put the cursor in its step's first field, as it does
    after its first frame, so that a test starts where the user does. (A field focused
    before then keeps the focus; one outside the step, such as the step list, would
    lose it when the app is slow, as it is while the other steps are being made.)"""
    for _ in range(100):
        focused = app.screen.focused
        if focused is not None and any(isinstance(node, StepPane) for node in focused.ancestors):
            return
        await pilot.pause()


async def open_new_at(app: ClientExitApp, pilot: Pilot[None], step: Step) -> None:
    """Start a new case and go to ``step``."""
    app.new_case()
    await pilot.pause()
    # The wizard shows its first step when it mounts: move on only after that.
    await first_step_made(app, pilot)
    await cursor_placed(app, pilot)
    wizard(app).open_step(step)
    await pilot.pause()
