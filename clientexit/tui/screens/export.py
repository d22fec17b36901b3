"""The export dialog: one document of the case (or all of them) to a file, after the leak guard.

What can be exported, and in which formats, comes from the core: the text
formats from ``render.FORMATS``, email drafts (``.eml``) of what ``mail.DRAFTS``
names, and the calendar (``.ics``) of the case's dates, so the dialog never
offers what the core cannot write.

Nothing is written before the leak guard has run on exactly what would be
exported: when words from a private note appear in it, the leaks are listed and
only an explicit "Export anyway" writes the file. Files are written atomically,
readable by the user alone (0600), in folders only they can enter (0700); an
existing file is replaced only after asking.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from clientexit.core import leak, render
from clientexit.core.paths import exports_dir
from clientexit.core.store import DIR_MODE, StoreError, case_filename, write_atomic
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.words import home_short

if TYPE_CHECKING:
    from clientexit.core.model import Case

DATES = "dates"
"""The calendar's "what": the case's dates, not a document."""

WHAT_LABELS: dict[str, str] = {
    "letter": "Letter",
    "script": "Call script and answers",
    "referral": "Referral email",
    "handover": "Handover list",
    "followup": "Follow-up email",
    "all": "Everything, in one file",
    DATES: "Dates, for your calendar",
}

WHAT_NAMES: dict[str, str] = {
    "letter": "the letter",
    "script": "the call script",
    "referral": "the referral email",
    "handover": "the handover list",
    "followup": "the follow-up email",
    "all": "every document",
    DATES: "the dates",
}
"""How notifications name what was exported."""

FORMAT_LABELS: dict[str, str] = {
    "md": "Markdown (.md)",
    "txt": "Plain text (.txt)",
    "eml": "Email draft (.eml)",
    "ics": "Calendar (.ics)",
}

FORMAT_USES: dict[str, str] = {
    "md": "Markdown keeps headings and lists: for your notes, a wiki, or printing.",
    "txt": "Plain text, ready to paste into an email or a chat.",
    "eml": "An email draft to the client's contact: your mail client opens it ready to "
    "check and send. Nothing is sent from here.",
    "ics": "The call, the last day of work, the deletion date and unpaid invoices' due "
    "dates, as events any calendar app imports.",
}


def choices() -> dict[str, tuple[str, ...]]:
    """Each thing that can be exported, with the formats it can be exported in, in order."""
    from clientexit.core import mail

    found = {
        what: (*render.FORMATS, "eml") if what in mail.DRAFTS else render.FORMATS
        for what in render.WHATS
        if what in WHAT_LABELS
    }
    found[DATES] = ("ics",)
    return found


def produce(case: Case, what: str, fmt: str) -> bytes:
    """The file's bytes; raises ValueError (or ``render.TemplateProblem``) when it cannot."""
    if fmt == "ics":
        from clientexit.core import ical

        return ical.calendar_bytes(case)
    if fmt == "eml":
        from clientexit.core import mail

        return mail.draft_bytes(case, what)
    text = render.export(case, what, fmt)
    if not text.strip():
        raise ValueError(f"There is nothing in {WHAT_NAMES.get(what, what)} to export.")
    return text.encode("utf-8")


def leak_parts(what: str, fmt: str) -> tuple[str, ...]:
    """The client-facing documents an export contains, for the leak guard."""
    return leak.parts_of("all" if what == DATES else what, fmt)


def default_name(case: Case, case_path: Path | None, what: str, fmt: str) -> str:
    """``northwind-realty-group-2026-12-07-letter.md``: the case file's name, what, format."""
    stem = case_path.stem if case_path is not None else Path(case_filename(case)).stem
    return f"{stem}-{what}.{fmt}"


def make_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each one only the user can enter (0700)."""
    missing: list[Path] = []
    at = folder
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for path in reversed(missing):
        path.mkdir(mode=DIR_MODE)


def write_export(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (0600, atomically), creating missing folders (0700).

    Raises StoreError with a readable reason.
    """
    try:
        make_folders(path.parent)
        write_atomic(path, data, backup=False)
    except OSError as error:
        raise StoreError(f"{path}: cannot write: {error.strerror or error}") from None


class ExportDialog(ModalScreen[Path | None]):
    """Choose what to export, in which format and where; the leak guard runs first."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("ctrl+s", "export", "Export", priority=True, id="export.export"),
    ]

    DEFAULT_CSS = """
    ExportDialog {
        /* align and the see-through background: in app.tcss, with the other dialogs */
        .export-dialog { width: 76; }
        .export-row { height: auto; margin-top: 1; }
        .export-label { width: 9; color: $text-muted; }
        .export-row > Select { width: 1fr; }
        .export-row > Input { width: 1fr; }
        #export-use { color: $text-muted; height: auto; margin-left: 9; }
        #export-folder { color: $text-muted; height: auto; margin-left: 9; }
        #export-problem {
            color: $text-error;
            height: auto;
            margin-left: 9;
            display: none;
            &.-shown { display: block; }
        }
        #export-leaks {
            height: auto;
            max-height: 6;
            margin-top: 1;
            padding: 0 1;
            border-left: outer $error;
            background: $error 10%;
            display: none;
            &.-shown { display: block; }
        }
        #export-leaks-text { height: auto; }
    }
    """

    def __init__(
        self,
        case: Case,
        *,
        case_path: Path | None,
        library: Path,
        what: str = "letter",
    ) -> None:
        super().__init__()
        self.case = case
        self.case_path = case_path
        self.library = library
        self.choices = choices()
        self.what = what if what in self.choices else next(iter(self.choices))
        self.fmt = self.choices[self.what][0]
        self.leaks: list[leak.Leak] = []
        self.suggested = ""
        """The path last filled in by the dialog; a path the user typed is never replaced."""

    @property
    def folder(self) -> Path:
        return exports_dir(self.library)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog export-dialog"):
            yield Static(f"Export: {self.case.title}", classes="dialog-title", markup=False)
            with Horizontal(classes="export-row"):
                yield Label("What", classes="export-label")
                yield Select(
                    [(WHAT_LABELS[what], what) for what in self.choices],
                    value=self.what,
                    allow_blank=False,
                    compact=True,
                    id="export-what",
                )
            with Horizontal(classes="export-row"):
                yield Label("Format", classes="export-label")
                yield Select(
                    self.format_options(),
                    value=self.fmt,
                    allow_blank=False,
                    compact=True,
                    id="export-format",
                )
            yield Static("", id="export-use")
            with Horizontal(classes="export-row"):
                yield Label("Save to", classes="export-label")
                yield Input(id="export-path", select_on_focus=False, compact=True)
            yield Static("", id="export-problem")
            with VerticalScroll(id="export-leaks"):
                yield Static("", id="export-leaks-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="export", variant="primary")

    def on_mount(self) -> None:
        self.suggest_path()
        self.show_choice()
        self.query_one("#export-what", Select).focus()

    # -- showing the choice ------------------------------------------------------

    def format_options(self) -> list[tuple[str, str]]:
        return [(FORMAT_LABELS.get(fmt, fmt), fmt) for fmt in self.choices[self.what]]

    def suggest_path(self) -> None:
        """Fill the path with the default for the choice, unless the user typed their own."""
        field = self.query_one("#export-path", Input)
        if field.value and field.value != self.suggested:
            return
        name = default_name(self.case, self.case_path, self.what, self.fmt)
        self.suggested = home_short(self.folder / name)
        field.value = self.suggested
        field.call_after_refresh(self.show_file_name)

    def show_file_name(self) -> None:
        """Scroll the path field to its end: the file name is the part that changes."""
        field = self.query_one("#export-path", Input)
        # Moving the cursor is what scrolls an Input; it is already at the end, so go there.
        field.action_home()
        field.action_end()

    def show_choice(self) -> None:
        """The format's use, the email's gaps, and the leak guard's findings for this choice."""
        use = FORMAT_USES.get(self.fmt, "")
        if self.fmt == "eml":
            from clientexit.core import mail

            gaps = mail.warnings(self.case, self.what)
            if gaps:
                use += " Note: " + "; ".join(gaps) + "."
        self.query_one("#export-use", Static).update(use)
        self.show_problem("")
        self.scan()

    def scan(self) -> None:
        """Run the leak guard on exactly what this choice would write."""
        box = self.query_one("#export-leaks")
        button = self.query_one("#export", Button)
        try:
            self.leaks = leak.scan(self.case, leak_parts(self.what, self.fmt))
        except Exception as error:  # a broken template: say so, write nothing
            self.leaks = []
            self.show_problem(f"This cannot be exported: {error}")
            box.set_class(False, "-shown")
            button.disabled = True
            return
        button.disabled = False
        box.set_class(bool(self.leaks), "-shown")
        if self.leaks:
            lines = leak.summary(self.leaks)
            self.query_one("#export-leaks-text", Static).update(
                "Words from your private notes appear in it:\n"
                + "\n".join(f"• {line}" for line in lines)
                + "\nReword them on the step named, or export anyway."
            )
        button.label = "Export anyway" if self.leaks else "Export"
        button.variant = "error" if self.leaks else "primary"

    def show_problem(self, problem: str) -> None:
        box = self.query_one("#export-problem", Static)
        box.update(problem)
        box.set_class(bool(problem), "-shown")

    # -- events -------------------------------------------------------------------

    @on(Select.Changed, "#export-what")
    def what_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str) or event.value == self.what:
            return
        self.what = event.value
        formats = self.choices[self.what]
        if self.fmt not in formats:
            self.fmt = formats[0]
        select: Select[str] = self.query_one("#export-format", Select)
        with self.prevent(Select.Changed):
            select.set_options(self.format_options())
            select.value = self.fmt
        self.suggest_path()
        self.show_choice()

    @on(Select.Changed, "#export-format")
    def format_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, str) or event.value == self.fmt:
            return
        self.fmt = event.value
        self.suggest_path()
        self.show_choice()

    @on(Input.Submitted, "#export-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#export")
    def export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        # The button says "Export anyway" when there are leaks: pressing it is the choice.
        self.export_to_file()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    # -- actions ------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def target(self) -> Path | None:
        """The file to write, from the path field; None after saying what is wrong with it."""
        typed = self.query_one("#export-path", Input).value.strip()
        if not typed:
            self.show_problem("Give a file name to export to.")
            return None
        path = Path(typed).expanduser()
        if not path.is_absolute():
            # A bare name goes where exports go.
            path = self.folder / path
        try:
            if path.is_dir():
                self.show_problem(f"{typed} is a folder: add a file name.")
                return None
            if self.case_path is not None and path.exists() and path.samefile(self.case_path):
                self.show_problem("That is the case file itself: choose another name.")
                return None
            at = path.parent
            while not at.exists() and at.parent != at:
                at = at.parent
            if not at.is_dir():
                self.show_problem(f"{home_short(at)} is a file, not a folder.")
                return None
        except OSError as error:
            self.show_problem(f"{typed}: {error.strerror or error}")
            return None
        return path

    def action_export(self) -> None:
        """Enter or ctrl+s: export, unless there are leaks, which need "Export anyway"."""
        if self.leaks:
            # A deliberate choice: a key pressed out of habit never sends private words out.
            self.query_one("#export", Button).focus()
            self.notify(
                "Words from your private notes are in it: choose Export anyway to export "
                "it all the same, or escape to go back and reword them.",
                severity="warning",
                timeout=6,
            )
            return
        self.export_to_file()

    @work(exclusive=True, group="export")
    async def export_to_file(self) -> None:
        if self.query_one("#export", Button).disabled:
            return
        path = self.target()
        if path is None:
            return
        if path.exists():
            replace = await self.app.push_screen_wait(
                ConfirmDialog(
                    f"{path.name} already exists. Replace it?",
                    detail=f"In {home_short(path.parent)}. The file there now will be lost.",
                    yes="Replace",
                    no="Keep it",
                    danger=True,
                )
            )
            if not replace:
                return
        try:
            data = produce(self.case, self.what, self.fmt)
        except Exception as error:  # a template problem, or nothing to export
            self.show_problem(str(error))
            return
        try:
            write_export(path, data)
        except StoreError as error:
            self.show_problem(str(error))
            return
        allowed = " (with the private words you allowed)" if self.leaks else ""
        self.notify(
            f"Exported {WHAT_NAMES.get(self.what, self.what)}{allowed} to {home_short(path)}",
            title="Exported",
            timeout=8,
        )
        self.dismiss(path)
