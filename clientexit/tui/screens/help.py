"""The help screen (f1): what the app does, and every key, screen by screen.

The key tables are built from the bindings themselves, so they cannot drift
from what the keys really do.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from clientexit.tui.widgets.footer import StableFooter

HELP_TEXT = Path(__file__).with_name("help.md")


def _key_name(key: str) -> str:
    return " / ".join(part.strip().replace("_", " ") for part in key.split(","))


def keys_table(title: str, bindings: list[BindingType]) -> str:
    """A Markdown table of the keys in ``bindings`` that have a description (or, for
    a key whose footer label is short, its tooltip)."""
    rows = [
        f"| `{_key_name(b.key)}` | {b.tooltip or b.description} |"
        for b in bindings
        if isinstance(b, Binding) and b.description
    ]
    if not rows:
        return ""
    return "\n".join([f"### {title}", "", "| Key | Does |", "|---|---|", *rows, ""])


def help_markdown(current: Screen | None) -> str:
    """The whole help text, with the keys of the current screen first."""
    from clientexit.tui.app import ClientExitApp
    from clientexit.tui.screens.export import ExportDialog
    from clientexit.tui.screens.library import LibraryScreen
    from clientexit.tui.screens.record import RecordDialog
    from clientexit.tui.screens.rehearsal import RehearsalScreen
    from clientexit.tui.screens.wizard import STEP_PANES, WizardScreen
    from clientexit.tui.widgets.records import RecordTable

    sections: list[tuple[type, str, list[BindingType]]] = [
        (LibraryScreen, "Case library", list(LibraryScreen.BINDINGS)),
        (WizardScreen, "Case wizard", list(WizardScreen.BINDINGS)),
        *(
            # Only the step's own keys: the scrolling keys it inherits are not news.
            (pane, f"Wizard step: {pane.heading}", list(pane.__dict__.get("BINDINGS", [])))
            for pane in STEP_PANES
        ),
        (RehearsalScreen, "Rehearsal", list(RehearsalScreen.BINDINGS)),
        (RecordTable, "Tables in the wizard", list(RecordTable.BINDINGS)),
        (RecordDialog, "Forms", list(RecordDialog.BINDINGS)),
        (ExportDialog, "Export", list(ExportDialog.BINDINGS)),
        (ClientExitApp, "Everywhere", list(ClientExitApp.BINDINGS)),
    ]
    sections.sort(key=lambda s: not (current is not None and isinstance(current, s[0])))
    parts = [HELP_TEXT.read_text(encoding="utf-8"), "## Keys", ""]
    parts += [keys_table(title, bindings) for _, title, bindings in sections]
    return "\n".join(part for part in parts if part)


class HelpScreen(ModalScreen[None]):
    """Help over the current screen; escape or f1 closes it."""

    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, current: Screen | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(help_markdown(self.current), id="help-text")
        yield StableFooter()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
