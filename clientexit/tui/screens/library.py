"""The case library: every saved case, a filter, a preview, and the files that could not be read."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from clientexit.core import rules
from clientexit.core.model import Status
from clientexit.core.store import (
    CaseSummary,
    Listing,
    StoreError,
    duplicate_case,
    list_library,
    move_to_trash,
)
from clientexit.core.validate import CaseFileError, load_case
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.widgets.upcoming import UpcomingList, UpcomingPanel

COLUMNS: tuple[tuple[str, str], ...] = (
    ("client", "Client"),
    ("status", "Status"),
    ("call", "Call"),
    ("ends", "Ends"),
    ("owed", "Owed"),
    ("rehearsed", "Rehearsed"),
    ("updated", "Updated"),
)
STATUS_STYLE = {Status.DRAFT: "yellow", Status.READY: "green", Status.DONE: "dim"}


def _day(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%d %b %H:%M") if value else "never"


def sort_key(summary: CaseSummary, column: str) -> tuple[object, ...]:
    """How a column sorts: missing dates last, money by amount, text case-blind."""
    far = date.max
    match column:
        case "status":
            return (list(Status).index(summary.status), summary.client.lower())
        case "call":
            # Calls still to make come first; finished cases sink to the bottom.
            done = summary.status is Status.DONE
            return (done, summary.call_date or far, summary.client.lower())
        case "ends":
            return (summary.effective_date or far, summary.client.lower())
        case "owed":
            return (-summary.money_owed, summary.client.lower())
        case "rehearsed":
            return (-(summary.last_rehearsal.timestamp() if summary.last_rehearsal else 0),)
        case "updated":
            return (-summary.updated.timestamp(),)
    return (summary.client.lower(),)


def matches(summary: CaseSummary, words: str) -> bool:
    """Every word of the filter appears in the client, contact, status or file name."""
    haystack = " ".join(
        [summary.client, summary.contact, summary.status.value, summary.path.name]
    ).lower()
    return all(word in haystack for word in words.lower().split())


class LibraryScreen(Screen[None]):
    """The home screen: pick a case, or start a new one."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding("n", "new", "New", id="library.new"),
        Binding("enter,o", "open", "Open", id="library.open"),
        Binding("c", "duplicate", "Duplicate", id="library.duplicate"),
        Binding("delete", "delete", "Delete", id="library.delete"),
        Binding("slash", "filter", "Filter", id="library.filter"),
        Binding("s", "sort", "Sort", id="library.sort"),
        Binding("r", "reload", "Reload", show=False, id="library.reload"),
        Binding("u", "upcoming", "Upcoming", show=False, id="library.upcoming"),
    ]

    def __init__(self, library: Path) -> None:
        super().__init__()
        self.library = library
        self.listing = Listing()
        self.shown: list[CaseSummary] = []
        self.sort_column = "call"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="library"):
            yield Input(
                placeholder="/ to filter by client, contact or status", id="filter", compact=True
            )
            with Horizontal(id="library-body"):
                table: DataTable[str | Text] = DataTable(
                    id="cases", cursor_type="row", zebra_stripes=True
                )
                for key, label in COLUMNS:
                    table.add_column(label, key=key)
                yield table
                yield Static("", id="preview")
            yield UpcomingPanel(id="upcoming")
            yield Static("", id="empty")
            with VerticalScroll(id="problems-box"):
                yield Static("", id="problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "Case library"
        self.sub_title = str(self.library)
        self.reload()
        self.query_one("#cases").focus()

    def on_screen_resume(self) -> None:
        # Back from a case: it may have been saved under a new name or changed.
        self.reload()

    # -- data ----------------------------------------------------------------

    def reload(self) -> None:
        try:
            self.listing = list_library(self.library)
        except StoreError as error:
            self.listing = Listing()
            self.notify(str(error), title="Cannot read the library", severity="error")
        self.refresh_table()
        self.show_problems()
        self.show_upcoming()

    def refresh_table(self, keep: Path | None = None) -> None:
        table = self.query_one("#cases", DataTable)
        if keep is None and table.row_count:
            keep = self.selected_path
        words = self.query_one("#filter", Input).value
        self.shown = sorted(
            (s for s in self.listing.cases if matches(s, words)),
            key=lambda s: sort_key(s, self.sort_column),
        )
        table.clear()
        for summary in self.shown:
            owed = (
                Text(rules.format_money(summary.money_owed, summary.currency), style="bold")
                if summary.money_owed
                else Text("—", style="dim")
            )
            table.add_row(
                summary.client,
                Text(summary.status.value, style=STATUS_STYLE[summary.status]),
                _day(summary.call_date),
                _day(summary.effective_date),
                owed,
                _when(summary.last_rehearsal),
                _when(summary.updated),
                key=str(summary.path),
            )
        for key, label in COLUMNS:
            marker = " ▼" if key == self.sort_column else ""
            table.columns[key].label = Text(label + marker)  # type: ignore[index]
        paths = [s.path for s in self.shown]
        if keep in paths:
            table.move_cursor(row=paths.index(keep), animate=False)
        self.update_empty(words)
        self.update_preview()

    def update_empty(self, words: str) -> None:
        empty = self.query_one("#empty", Static)
        if self.shown:
            empty.display = False
            return
        empty.display = True
        if self.listing.cases:
            empty.update(f"No case matches “{words}”. Press escape in the filter to clear it.")
        else:
            empty.update(
                "No cases yet.\n\nPress n to prepare your first one: the contract, your "
                "reasons, the words you will use, and a rehearsal.\n\n"
                f"Cases are kept in {self.library}"
            )

    def show_problems(self) -> None:
        box = self.query_one("#problems", Static)
        problems = self.listing.problems
        self.query_one("#problems-box").display = bool(problems)
        if not problems:
            return
        files = {p.path for p in problems}
        lines = [
            Text(
                f"{len(files)} file{'s' if len(files) != 1 else ''} could not be read "
                "(fix them in an editor, then press r):",
                style="bold",
            )
        ]
        for problem in problems:
            lines.append(
                Text(f"  {Path(problem.path).name}: ", style="bold").append(
                    f"{problem.key + ': ' if problem.key else ''}{problem.message}"
                    + (f" (line {problem.line})" if problem.line else ""),
                    style="not bold",
                )
            )
        box.update(Text("\n").join(lines))

    def show_upcoming(self) -> None:
        """The dates that need attention, from the rows already read: no file is opened."""
        panel = self.query_one(UpcomingPanel)
        panel.display = bool(self.listing.cases)
        panel.show(self.listing.cases)

    def select_case(self, path: Path) -> None:
        """Put the cursor on a case's row (clearing a filter that hides it) and focus the list."""
        if path not in [s.path for s in self.shown]:
            self.query_one("#filter", Input).value = ""
        self.refresh_table(keep=path)
        self.query_one("#cases").focus()

    @property
    def selected(self) -> CaseSummary | None:
        table = self.query_one("#cases", DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @property
    def selected_path(self) -> Path | None:
        summary = self.selected
        return summary.path if summary else None

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        summary = self.selected
        preview.display = summary is not None
        if summary is None:
            return
        try:
            case = load_case(summary.path)
        except CaseFileError as error:
            preview.update(str(error))
            return
        text = Text()
        text.append(f"{case.title}\n", style="bold")
        if case.client.contact:
            text.append(f"{case.client.contact}\n", style="dim")
        call = case.call
        when = _day(call.date) + (f" {call.time}" if call.time else "")
        text.append("Call  ", style="dim").append(
            f"{when}, {call.medium.value.replace('_', ' ')}\n"
        )
        text.append("Ends  ", style="dim").append(_day(rules.effective_date(case)) + "\n")
        text.append("Tone  ", style="dim").append(
            f"{case.tone.choice.value}, {case.tone.reason.value}\n"
        )
        open_work = len(rules.unfinished_deliverables(case))
        if summary.money_owed:
            text.append(
                f"Owed  {rules.format_money(summary.money_owed, summary.currency)}\n",
                style="bold",
            )
        if open_work:
            text.append(f"Open  {open_work} deliverable{'s' if open_work != 1 else ''}\n")
        warnings = [f for f in rules.findings(case) if f.level is rules.Level.WARNING]
        text.append(
            f"\n{len(warnings)} thing{'s' if len(warnings) != 1 else ''} to fix before the call"
            if warnings
            else "\nReady for the call",
            style="yellow" if warnings else "green",
        )
        preview.update(text)

    # -- events --------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#cases")
    def row_highlighted(self) -> None:
        self.update_preview()

    @on(DataTable.RowSelected, "#cases")
    def row_selected(self) -> None:
        self.action_open()

    @on(DataTable.HeaderSelected, "#cases")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_column = str(event.column_key.value)
        self.refresh_table()

    @on(UpcomingPanel.Chosen)
    def upcoming_chosen(self, event: UpcomingPanel.Chosen) -> None:
        self.select_case(event.path)

    @on(UpcomingPanel.Left)
    def upcoming_left(self) -> None:
        self.query_one("#cases").focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # On a small screen the dates fold to one line; they open in the preview's place.
        self.set_class(isinstance(event.widget, UpcomingList), "-upcoming-open")

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#cases").focus()

    def on_key(self, event: events.Key) -> None:
        # Escape in the filter clears it first, then gives the focus back to the list.
        if event.key == "escape" and self.focused is self.query_one("#filter"):
            event.stop()
            filter_box = self.query_one("#filter", Input)
            if filter_box.value:
                filter_box.value = ""
            else:
                self.query_one("#cases").focus()

    # -- actions -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "duplicate", "delete"):
            return self.selected is not None
        return True

    def action_new(self) -> None:
        self.app.new_case()  # type: ignore[attr-defined]

    def action_open(self) -> None:
        path = self.selected_path
        if path is not None:
            self.app.open_case(path)  # type: ignore[attr-defined]

    def action_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_sort(self) -> None:
        keys = [key for key, _ in COLUMNS]
        self.sort_column = keys[(keys.index(self.sort_column) + 1) % len(keys)]
        self.refresh_table()
        self.notify(f"Sorted by {dict(COLUMNS)[self.sort_column].lower()}", timeout=2)

    def action_reload(self) -> None:
        self.reload()

    def action_upcoming(self) -> None:
        listing = self.query_one(UpcomingList)
        if listing.display:
            listing.focus()

    def action_duplicate(self) -> None:
        path = self.selected_path
        if path is None:
            return
        try:
            copy = duplicate_case(path, self.library)
        except (CaseFileError, StoreError) as error:
            self.notify(str(error), title="Could not duplicate", severity="error")
            return
        self.reload()
        self.refresh_table(keep=copy)
        self.notify(f"Copied to {copy.name} as a draft", timeout=4)

    @work
    async def action_delete(self) -> None:
        summary = self.selected
        if summary is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                f"Delete the case for {summary.client}?",
                detail=f"{summary.path.name} moves to the library's .trash folder; "
                "you can take it back from there.",
                yes="Delete",
                danger=True,
            )
        )
        if not sure:
            return
        try:
            move_to_trash(summary.path, self.library)
        except StoreError as error:
            self.notify(str(error), title="Not deleted", severity="error")
            return
        self.reload()
        self.notify(f"Moved {summary.path.name} to the trash", timeout=4)
