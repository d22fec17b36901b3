"""Command palette entries that fit the screen the user is on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from clientexit.tui.app import ClientExitApp


def commands_for(app: ClientExitApp, screen: Screen) -> Iterator[SystemCommand]:
    """The actions of ``screen``'s own bindings, plus a few that have no key of their own."""
    from clientexit.tui.screens.library import LibraryScreen
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
                f"Open the {pane.heading.lower()} step (alt+{number})",
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
