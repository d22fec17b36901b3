"""Keys as terminals really send them.

Going straight to a step: most terminals (tmux, GNOME Terminal, xterm) send alt with
a digit as ESC and the digit, which Textual reads as a character ("¡" for alt+1),
typed into the focused field. So the help and the palette name f2 and the step's
number, never alt.

Keys that arrive together (sent by a typing tool, typed while the app is busy for a
moment, or bunched by a slow SSH link) are read in one go. Textual hands each key to
the focused widget's own queue, and a bound key (backspace, tab, f2) acts only once
it is back at the app, after the keys behind it have gone on: they must not
overtake it (see clientexit.tui.keys). A key that opens a form holds the keys behind
it until the form has the focus.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from clientexit.core.rules import Step
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.commands import commands_for
from clientexit.tui.screens.help import help_markdown
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.screens.wizard import WizardScreen
from tests.tui.wizard_helpers import SAMPLES, open_sample_at, wizard


def burst(app: object, keys: list[str]) -> None:
    """Post ``keys`` to the app at once, as its driver does for one read of the terminal."""
    for key in keys:
        character = {"tab": "\t", "slash": "/"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))  # type: ignore[attr-defined]


@asynccontextmanager
async def opened_at(
    tmp_path: Path, step: Step
) -> AsyncIterator[tuple[ClientExitApp, Pilot[None], WizardScreen]]:
    """The Brandt sample opened at ``step``, at 80x24, the cursor in its first field."""
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "brandt", step)
        yield app, pilot, wizard(app)


async def test_f2_then_a_digit_opens_that_step_from_a_field(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.CONTRACT) as (_app, pilot, screen):
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
    async with opened_at(tmp_path, Step.CONTRACT) as (app, _pilot, screen):
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


async def test_keys_read_together_are_handled_in_order_in_a_field(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.CONTRACT) as (app, pilot, screen):
        name = screen.query_one("#client-name", Input)
        name.value = ""
        await pilot.pause()

        burst(app, [*"ba", "backspace", "c", "left", "x", "end", *"ee", "home", "delete"])
        await pilot.pause(0.2)
        assert name.value == "xcee"


async def test_keys_typed_ahead_of_tab_go_to_the_next_field(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.CONTRACT) as (app, pilot, screen):
        name = screen.query_one("#client-name", Input)
        contact = screen.query_one("#client-contact", Input)
        email = screen.query_one("#client-email", Input)
        name.value = contact.value = ""
        await pilot.pause()

        burst(app, [*"Acme", "tab", *"Jo", "tab", *"jo@acme.example"])
        await pilot.pause(0.2)
        assert (name.value, contact.value, email.value) == ("Acme", "Jo", "jo@acme.example")
        # Back a field: tab and shift+tab select the field's text, so typing replaces it.
        burst(app, ["shift+tab", *"Joan", "shift+tab", *"Acme Ltd"])
        await pilot.pause(0.2)
        assert (name.value, contact.value) == ("Acme Ltd", "Joan")


async def test_keys_typed_ahead_of_f2_go_to_the_step_list(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.CONTRACT) as (app, pilot, screen):
        name = screen.query_one("#client-name", Input)
        before = name.value

        burst(app, ["f2", "4"])
        await pilot.pause(0.2)
        assert screen.current is Step.REFERRAL
        assert name.value == before


async def test_a_filter_typed_ahead_of_slash_filters_the_library(tmp_path: Path) -> None:
    for source in sorted(SAMPLES.glob("*.toml"))[:4]:
        (tmp_path / source.name).write_bytes(source.read_bytes())
    files = sorted(path.name for path in tmp_path.glob("*.toml"))
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        # "c" on the table duplicates the selected case, "s" sorts, "r" reloads: typed
        # ahead of "/" they must land in the filter, not act on the table.
        burst(app, ["slash", *"cafe sr"])
        await pilot.pause(0.3)
        assert library.query_one("#filter", Input).value == "cafe sr"
        assert sorted(path.name for path in tmp_path.glob("*.toml")) == files
        # With the filter focused, "/" is a character like any other.
        burst(app, ["slash"])
        await pilot.pause()
        assert library.query_one("#filter", Input).value == "cafe sr/"


async def test_keys_typed_ahead_of_a_form_go_into_the_form(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.CONTRACT) as (app, pilot, screen):
        screen.pane(Step.CONTRACT).query_one("#deliverables DataTable", DataTable).focus()
        await pilot.pause()
        before = len(screen.case.contract.deliverables)

        # "a" opens the form; "c" or "e" reaching the step would act there instead.
        burst(app, ["a", *"Archive once"])
        await pilot.pause(0.3)
        dialog = app.screen
        assert isinstance(dialog, RecordDialog)
        assert dialog.query_one("#field-name", Input).value == "Archive once"
        # Saved with a key read together with the last characters: none is left out.
        burst(app, [*" moer", "backspace", "backspace", *"re", "ctrl+s"])
        await pilot.pause(0.3)
        assert app.screen is screen
        assert screen.case.contract.deliverables[-1].name == "Archive once more"
        assert len(screen.case.contract.deliverables) == before + 1


async def test_keys_typed_ahead_of_a_script_form_do_not_act_on_the_step(tmp_path: Path) -> None:
    async with opened_at(tmp_path, Step.SCRIPT) as (app, pilot, screen):
        # The script's lines: c would copy the line under the cursor, e open the editor.
        burst(app, ["a", *"ce"])
        await pilot.pause(0.3)
        assert isinstance(app.screen, RecordDialog)
        assert [n.message for n in app._notifications] == []
        await pilot.press("escape")
        assert app.screen is screen


async def test_keys_typed_ahead_of_a_step_move_go_to_the_new_step(tmp_path: Path) -> None:
    # The cursor reaches the step opened a frame or more after the key: the keys typed
    # meanwhile must not land in the field being left, hidden with its step.
    async with opened_at(tmp_path, Step.CONTRACT) as (app, pilot, screen):
        name = screen.query_one("#client-name", Input)
        before = name.value
        burst(app, ["ctrl+pagedown", "ctrl+pagedown", *"xy"])
        await pilot.pause(0.5)
        assert screen.current is Step.TONE
        assert name.value == before

        # And back: the keys go to the end of the Contract step's first field.
        burst(app, ["ctrl+pageup", "ctrl+pageup", *" Ltd"])
        await pilot.pause(0.5)
        assert screen.current is Step.CONTRACT
        assert name.value == before + " Ltd"
