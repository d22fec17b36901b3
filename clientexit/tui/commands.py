"""Command palette entries that fit the screen the user is on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from clientexit.tui.app import ClientExitApp
    from clientexit.tui.screens.wizard import WizardScreen


def commands_for(app: ClientExitApp, screen: Screen) -> Iterator[SystemCommand]:
    """The actions of ``screen``'s own bindings, plus a few that have no key of their own."""
    from clientexit.tui.screens.library import LibraryScreen
    from clientexit.tui.screens.rehearsal import RUNNING, RehearsalScreen
    from clientexit.tui.screens.wizard import STEP_PANES, WizardScreen

    if isinstance(screen, LibraryScreen):
        yield SystemCommand("New case", "Start preparing a new case", screen.action_new)
        yield SystemCommand("Open case", "Open the selected case", screen.action_open)
        yield SystemCommand("Duplicate case", "Copy the selected case", screen.action_duplicate)
        yield SystemCommand(
            "Delete case", "Move the selected case to the trash", screen.action_delete
        )
        yield SystemCommand("Filter cases", "Type to narrow the list", screen.action_filter)
        yield SystemCommand("Reload library", "Read the library folder again", screen.action_reload)
        yield SystemCommand(
            "Upcoming dates",
            "Calls, end dates, deletions and payments that need you, across cases (u)",
            screen.action_upcoming,
        )
    elif isinstance(screen, WizardScreen):
        yield SystemCommand("Save case", "Write the case file now (ctrl+s)", screen.action_save)
        for number, pane in enumerate(STEP_PANES, start=1):
            yield SystemCommand(
                f"Go to step {number}: {pane.heading}",
                f"Open the {pane.heading.lower()} step (f2, then {number})",
                lambda n=number: screen.action_go(n),
            )
        yield SystemCommand(
            "Rehearse the script", "Say it aloud, line by line, timed (ctrl+e)", app.action_rehearse
        )
        yield SystemCommand(
            "Call done",
            "Record how the call went, mark the case done, write the follow-up email "
            "(ctrl+d on the Review step)",
            screen.action_call_done,
        )
        yield SystemCommand("Back to library", "Close this case (escape)", screen.action_close)
        yield from output_commands(screen)
    elif isinstance(screen, RehearsalScreen) and screen.mode in RUNNING:
        yield SystemCommand(
            "Copy what is on screen",
            "The line, the client's objection or your prepared answer (c)",
            screen.action_copy,
        )


def output_commands(screen: WizardScreen) -> Iterator[SystemCommand]:
    """Copy, edit and export: the case's words, where the user needs them."""
    from clientexit.core.rules import Step
    from clientexit.tui.widgets.step_review import letter_edited
    from clientexit.tui.widgets.step_script import ScriptStep

    def on_review(action: str, *args: str) -> Callable[[], None]:
        name = f"action_{action}"
        if not args:
            return lambda: screen.run_on_pane(Step.REVIEW, name)
        return lambda: screen.run_on_pane(Step.REVIEW, name, *args)

    for what, name in (
        ("letter", "the letter"),
        ("referral", "the referral email"),
        ("handover", "the handover list"),
    ):
        yield SystemCommand(
            f"Copy {name}",
            "As plain text, to paste into an email (c on the Review step)",
            on_review("copy", what),
        )
    yield SystemCommand(
        "Edit the letter in your editor",
        "Opens $VISUAL or $EDITOR; what you save is the letter from then on (e on Review)",
        on_review("edit_letter"),
    )
    if letter_edited(screen.case):
        yield SystemCommand(
            "Use the generated letter again",
            "Replace your edited letter with the one written from the case",
            on_review("use_generated_letter"),
        )
    yield SystemCommand(
        "Export…",
        "The letter, script, emails or dates to a file (x on the Review step)",
        on_review("export"),
    )
    script = screen.pane(Step.SCRIPT) if screen.has_pane(Step.SCRIPT) else None
    if screen.current is Step.SCRIPT and isinstance(script, ScriptStep):
        yield SystemCommand(
            "Copy the script line", "The line under the cursor (c)", script.action_copy_line
        )
        yield SystemCommand(
            "Edit the script line in your editor",
            "Opens $VISUAL or $EDITOR on the line under the cursor (e)",
            script.action_edit_in_editor,
        )
