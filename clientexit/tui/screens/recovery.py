"""Unsaved work found at start-up: restore it, keep the saved file, or decide later.

Neither version is ever deleted from here without a second, explicit yes: the
saved case file is only replaced when the user saves the restored case, and the
recovery file only moves to the trash after "Keep the saved file" is confirmed.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from clientexit.core import recovery
from clientexit.core.recovery import Recovery
from clientexit.core.store import StoreError
from clientexit.tui.screens.confirm import ConfirmDialog

RESTORE = "restore"
KEEP = "keep"
LATER = "later"

MAX_SHOWN = 30
"""Differences listed one by one; more are counted."""


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %Y at %H:%M")


class RecoveryDialog(ModalScreen[str]):
    """Offer to restore one recovery file; answers ``restore``, ``keep`` or ``later``.

    ``keep`` is only answered once the user has confirmed that the recovered
    changes may go to the trash; escape always answers ``later``.
    """

    BINDINGS = [
        Binding("escape", "answer('later')", "Decide later", id="recovery.later"),
        Binding("r", "answer('restore')", "Restore", show=False, id="recovery.restore"),
        Binding("k", "keep", "Keep the saved file", show=False, id="recovery.keep"),
    ]

    DEFAULT_CSS = """
    RecoveryDialog {
        align: center middle;
        background: $background 60%;
        & .dialog { width: 72; }
        & #differences {
            height: auto;
            max-height: 12;
            border: round $primary 40%;
            padding: 0 1;
            background: $boost;
        }
        & #differences-list { color: $text; }
    }
    """

    def __init__(self, found: Recovery) -> None:
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        found = self.found
        with Vertical(id="dialog", classes="dialog"):
            # Names come from the user's files: shown as written, never read as markup.
            yield Static(f"Unsaved changes to {found.title}", classes="dialog-title", markup=False)
            yield Static(self.detail(), classes="dialog-detail", id="recovery-detail", markup=False)
            with VerticalScroll(id="differences"):
                yield Static(self.difference_text(), id="differences-list", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Decide later", id=LATER)
                yield Button(
                    "Keep the saved file" if found.case_path else "Throw away",
                    id=KEEP,
                    variant="error",
                )
                yield Button("Restore", id=RESTORE, variant="primary")

    def on_mount(self) -> None:
        # Restoring replaces nothing on disk (the file changes only when you save),
        # so it is the safe answer to a stray enter.
        self.query_one(f"#{RESTORE}", Button).focus()

    def detail(self) -> str:
        found = self.found
        written = _when(found.written)
        if found.case_path is None:
            return f"This case was never saved. Its last changes were kept on {written}."
        name = found.case_path.name
        if found.saved is None:
            return (
                f"Kept on {written}. The saved file {name} cannot be read "
                f"({found.saved_problem or 'it is missing'}); restoring brings the case back."
            )
        return (
            f"Kept on {written}, after {name} was last saved. Restoring opens these "
            "changes; the file itself changes only when you save."
        )

    def difference_text(self) -> str:
        lines = self.found.differences
        shown = [f"• {line}" for line in lines[:MAX_SHOWN]]
        if len(lines) > MAX_SHOWN:
            shown.append(f"… and {len(lines) - MAX_SHOWN} more")
        return "\n".join(shown) or "No differences from the saved file."

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == KEEP:
            self.action_keep()
        else:
            self.dismiss(event.button.id or LATER)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)

    @work(exclusive=True, group="recovery-keep")
    async def action_keep(self) -> None:
        what = "the saved file stays as it is" if self.found.case_path else "nothing else changes"
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                "Throw away the recovered changes?",
                detail=f"They move to the library's trash; {what}.",
                yes="Throw away",
                danger=True,
            )
        )
        if sure:
            self.dismiss(KEEP)


async def ask_about(
    app: App[Any], found: Recovery, library: Path, shown: Awaitable[str] | None = None
) -> str:
    """Show the dialog for one recovery and carry out a confirmed "keep" (run in a worker).

    ``shown`` is the answer of a dialog about ``found`` already on screen (pushed
    before the worker could run); without it the dialog is shown here. Returns the
    answer; on ``restore`` the caller opens ``found.case`` in the wizard.
    """
    answer = await (shown if shown is not None else app.push_screen_wait(RecoveryDialog(found)))
    if answer == KEEP:
        try:
            recovery.discard(found.path, library)
        except StoreError as error:
            app.notify(str(error), title="Not moved to the trash", severity="error")
            return LATER
        app.notify(f"The recovered changes to {found.title} are in the trash.", timeout=4)
    return answer or LATER
