"""Going straight to a step with keys every terminal sends: f2, then the step's number.

Most terminals (tmux, GNOME Terminal, xterm) send alt with a digit as ESC and the
digit, which Textual reads as a character ("¡" for alt+1), typed into the focused
field. So the help and the palette name f2 and the digit, never alt.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from clientexit.core.rules import Step
from clientexit.tui.app import build_app
from clientexit.tui.commands import commands_for
from clientexit.tui.screens.help import help_markdown
from tests.tui.wizard_helpers import open_sample_at, wizard


async def test_f2_then_a_digit_opens_that_step_from_a_field(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "brandt", Step.CONTRACT)
        screen = wizard(app)
        name = screen.query_one("#client-name", Input)
        assert screen.focused is name
        before = name.value

        for number, step in ((3, Step.TONE), (5, Step.SCRIPT), (1, Step.CONTRACT)):
            await pilot.press("f2", str(number))
            await pilot.pause()
            assert screen.current is step
            focused = screen.focused
            assert focused is not None and screen.pane(step) in focused.ancestors
        assert name.value == before  # the digits opened steps; none was typed


async def test_the_palette_and_the_help_name_f2_not_alt(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "brandt", Step.CONTRACT)
        screen = wizard(app)
        steps = [c for c in commands_for(app, screen) if c.title.startswith("Go to step")]
        assert [c.title for c in steps][:1] == ["Go to step 1: Contract"]
        assert len(steps) == len(Step)
        for number, command in enumerate(steps, start=1):
            assert command.help.endswith(f"(f2, then {number})"), command.help
            assert "alt" not in command.help

        text = help_markdown(screen)
        assert "| `f2` | Step list: then 1-6 opens that step |" in text
        assert "press `f2` for the step list, then the step's number" in " ".join(text.split())
        # alt+digit is explained in the prose, not listed as a key that works everywhere.
        assert "| `alt+" not in text
