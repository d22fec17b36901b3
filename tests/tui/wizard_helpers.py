"""Helpers the wizard-step tests share: open a case at a step, find the wizard."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from clientexit.core.rules import Step
from clientexit.tui.app import ClientExitApp
from clientexit.tui.screens.wizard import WizardScreen

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
    return path


async def open_new_at(app: ClientExitApp, pilot: Pilot[None], step: Step) -> None:
    """Start a new case and go to ``step``."""
    app.new_case()
    await pilot.pause()
    # The wizard shows its first step when it mounts: move on only after that.
    for _ in range(50):
        if app.screen.focused is not None:
            break
        await pilot.pause()
    wizard(app).open_step(step)
    await pilot.pause()
