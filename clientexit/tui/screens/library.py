"""The case library: every saved case, a filter, a preview, and the files that could not be read."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from clientexit.core.base import CaseFileError, Status, format_money
from clientexit.core.store import (
    CaseSummary,
    Listing,
    StoreError,
    duplicate_case,
    iter_library_first,
    move_to_trash,
)
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.widgets.case_table import COLUMNS, CaseTable, day_text
from clientexit.tui.widgets.footer import StableFooter
from clientexit.tui.widgets.upcoming import UpcomingList, UpcomingPanel

if TYPE_CHECKING:
    from clientexit.core.model import Case

# The model and its rules are imported where a case is read (the preview's worker):
# the rows come from the library's index, and the first frame should not wait for them.

CHROME_LINES = 6
"""Lines of the screen that are never the table's rows: the header, the filter, the
table's heading, the upcoming panel (two lines at the least) and the footer."""
MIN_FIRST_FILES = 8
"""Files read before the first frame, at the least; as many as the table has rows on
a taller screen. A larger library goes on loading in a worker."""
WHOLE_BELOW = 50
"""A library of fewer files is read whole before the first frame (a few milliseconds),
so its rows never move as the rest arrives."""
REFRESH_EVERY = 0.5
"""Seconds between re-sorting the table while a large library loads."""
HAND_OVER_EVERY = 0.25
"""Seconds between two hand-overs of read cases from the loading worker to the screen."""
PREVIEW_PAUSE = 0.05
"""Seconds the preview waits before its readiness check, so scrolling does not queue them."""


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


CHECKING = Text("Checking…", style="dim")
"""Under the preview's lines until the readiness check is done. Not after a blank line:
on a narrow screen the preview is 8 lines high, and the verdict is its last."""


def preview_text(
    summary: CaseSummary,
    *,
    title: str,
    contact: str,
    call: str,
    ends: str,
    tone: str = "",
    open_work: int = 0,
) -> Text:
    """The preview's lines, the same whether they come from the summary or the case."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    if contact:
        text.append(f"{contact}\n", style="dim")
    text.append("Call  ", style="dim").append(call + "\n")
    text.append("Ends  ", style="dim").append(ends + "\n")
    if tone:
        text.append("Tone  ", style="dim").append(tone + "\n")
    if summary.money_owed:
        text.append(f"Owed  {format_money(summary.money_owed, summary.currency)}\n", style="bold")
    if open_work:
        text.append(f"Open  {open_work} deliverable{'s' if open_work != 1 else ''}\n")
    return text


def summary_preview(summary: CaseSummary) -> Text:
    """The preview from the list's own summary: shown at once, before the file is read."""
    return preview_text(
        summary,
        title=summary.client,
        contact=summary.contact,
        call=day_text(summary.call_date),
        ends=day_text(summary.effective_date),
    )


def case_preview(case: Case, summary: CaseSummary) -> Text:
    """The whole preview, from the case file: the call's time and medium, tone, open work."""
    from clientexit.core import rules

    call = case.call
    when = day_text(call.date) + (f" {call.time}" if call.time else "")
    return preview_text(
        summary,
        title=case.title,
        contact=case.client.contact,
        call=f"{when}, {call.medium.value.replace('_', ' ')}",
        ends=day_text(rules.effective_date(case)),
        tone=f"{case.tone.choice.value}, {case.tone.reason.value}",
        open_work=len(rules.unfinished_deliverables(case)),
    )


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

    def __init__(self, library: Path, *, select: Path | None = None) -> None:
        super().__init__()
        self.library = library
        self.select = select
        """The case to put the cursor on once its row is read (the case just closed),
        unless the user moves the cursor first."""
        self.listing = Listing()
        self.shown: list[CaseSummary] = []
        self.sort_column = "call"
        self.loads = 0
        """Counts reloads, so pieces of a superseded load are dropped."""
        self.sorted_at = 0.0
        self.left = False
        """Whether another screen has been on top since this one was first shown."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="library"):
            yield Input(
                placeholder="/ to filter by client, contact or status", id="filter", compact=True
            )
            with Horizontal(id="library-body"):
                yield CaseTable(id="cases")
                yield Static("", id="preview")
            yield UpcomingPanel(id="upcoming")
            yield Static("", id="empty")
            yield Static("", id="loading")
            with VerticalScroll(id="problems-box"):
                yield Static("", id="problems")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.title = "Case library"
        self.sub_title = str(self.library)
        self.reload()
        self.query_one("#cases").focus()

    def on_screen_suspend(self) -> None:
        self.left = True

    def on_screen_resume(self) -> None:
        # Back from a case: it may have been saved under a new name or changed. (The
        # screen is also "resumed" when it first shows: on_mount has just read it.)
        if self.left:
            self.reload()

    # -- data ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the library: the first files at once, the rest in a worker as rows appear.

        Files unchanged since last time come from the library's index, unread.
        """
        self.loads += 1
        if self.select is None:
            # Read anew, the case under the cursor may come in a later piece: the
            # cursor goes back to it then (unless the user moves it first).
            self.select = self.selected_path
        self.listing = Listing()
        # Enough files to fill the table's first screen, found without listing them all.
        first = max(self.app.size.height - CHROME_LINES, MIN_FIRST_FILES)
        total: int | None
        try:
            pieces = iter_library_first(self.library, first, whole=WHOLE_BELOW)
            piece, done, total = next(pieces)
        except StoreError as error:
            self.notify(str(error), title="Cannot read the library", severity="error")
            piece, done, total = Listing(), 0, 0
        self.listing = piece
        self.refresh_table()
        self.show_problems()
        self.show_upcoming()
        self.sorted_at = time.monotonic()
        self.show_loading(done, total)
        if total is None or done < total:
            # After the frame: a worker thread reading meanwhile would slow the drawing.
            self.call_after_refresh(self.load_rest, pieces, self.loads)

    @work(thread=True, exclusive=True, group="library-load")
    def load_rest(self, pieces: Iterator[tuple[Listing, int, int | None]], load: int) -> None:
        """Read the rest of a large library off the event loop, piece by piece."""
        worker = get_current_worker()
        pending = Listing()
        sent = time.monotonic()
        for piece, done, total in pieces:
            if worker.is_cancelled or load != self.loads:
                return
            pending.cases += piece.cases
            pending.problems += piece.problems
            # Handed over a few times a second: each hand-over waits for the event loop.
            if (total is None or done < total) and time.monotonic() - sent < HAND_OVER_EVERY:
                continue
            try:
                self.app.call_from_thread(self.piece_loaded, pending, done, total, load)
            except RuntimeError:
                return  # the app has closed meanwhile
            pending = Listing()
            sent = time.monotonic()

    def piece_loaded(self, piece: Listing, done: int, total: int | None, load: int) -> None:
        if load != self.loads or not self.is_attached:
            return  # a newer reload is under way, or the app is closing
        self.listing.cases.extend(piece.cases)
        self.listing.problems.extend(piece.problems)
        self.show_loading(done, total)
        # Re-sorting thousands of rows on every piece would make the keyboard wait.
        if done == total or time.monotonic() - self.sorted_at > REFRESH_EVERY:
            self.refresh_table()
            if piece.problems or done == total:
                self.show_problems()
            if done == total:
                self.show_upcoming()
            self.sorted_at = time.monotonic()

    def show_loading(self, done: int, total: int | None) -> None:
        """Say how far the loading is (``total`` None: not known yet)."""
        loading = self.query_one("#loading", Static)
        loading.display = total is None or done < total
        if total is None:
            loading.update(f"Loading cases… {done:,} read")
        elif done < total:
            loading.update(f"Loading cases… {done:,} of {total:,} read")

    def refresh_table(self, keep: Path | None = None) -> None:
        """Filter and sort the cases into the table, the cursor staying on ``keep``
        (by default the case selected now). A ``keep`` whose row has not been read yet
        gets the cursor when it is (see ``select``)."""
        table = self.query_one("#cases", CaseTable)
        if keep is not None:
            self.select = keep
        elif self.select is not None:
            keep = self.select
        elif table.row_count:
            keep = self.selected_path
        words = self.query_one("#filter", Input).value
        cases = self.listing.cases
        if words.strip():
            cases = [s for s in cases if matches(s, words)]
        self.shown = sorted(cases, key=lambda s: sort_key(s, self.sort_column))
        at = 0
        if keep is not None:
            at = next((i for i, s in enumerate(self.shown) if s.path == keep), -1)
            if at >= 0 and keep == self.select:
                self.select = None  # found: from now on the cursor stays where it is put
            at = max(at, 0)
        table.set_rows(self.shown, cursor=at, sort_column=self.sort_column)
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
        if not any(s.path == path for s in self.shown):
            self.query_one("#filter", Input).value = ""
        self.refresh_table(keep=path)
        self.query_one("#cases").focus()

    @property
    def selected(self) -> CaseSummary | None:
        table = self.query_one("#cases", CaseTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @property
    def selected_path(self) -> Path | None:
        summary = self.selected
        return summary.path if summary else None

    def update_preview(self) -> None:
        """What the list knows of the selected case at once; its file is read in a worker."""
        preview = self.query_one("#preview", Static)
        summary = self.selected
        preview.display = summary is not None
        if summary is None:
            return
        preview.update(summary_preview(summary) + CHECKING)
        # After the frame: the worker's reading and checking would hold up the drawing
        # (the first frame above all).
        self.call_after_refresh(self.read_preview, summary)

    @work(thread=True, exclusive=True, group="library-preview")
    def read_preview(self, summary: CaseSummary) -> None:
        """Read the case for the rest of the preview, then (after a pause) check readiness."""
        from clientexit.core import rules
        from clientexit.core.validate import load_case

        worker = get_current_worker()
        path = summary.path
        try:
            case = load_case(path)
        except CaseFileError as error:
            self.show_preview(path, Text(str(error)))
            return
        text = case_preview(case, summary)
        if worker.is_cancelled:
            return
        self.show_preview(path, text + CHECKING)
        # The readiness check renders every document to scan it for private notes
        # (the template engine loads on first use): after a moment, so scrolling
        # does not queue checks.
        time.sleep(PREVIEW_PAUSE)  # the cursor may move on; then this check is dropped
        if worker.is_cancelled:
            return
        from clientexit.core import render

        # The app sets this just after its first frame; this check may come first.
        render.use_library(self.library)
        warnings = [f for f in rules.findings(case) if f.level is rules.Level.WARNING]
        ready = Text(
            f"{len(warnings)} thing{'s' if len(warnings) != 1 else ''} to fix before the call"
            if warnings
            else "Ready for the call",
            style="yellow" if warnings else "green",
        )
        self.show_preview(path, text + ready)

    def show_preview(self, path: Path, text: Text) -> None:
        """From the preview's worker: show ``text`` if its case is still the selected one."""
        with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
            self.app.call_from_thread(self._show_preview, path, text)

    def _show_preview(self, path: Path, text: Text) -> None:
        try:
            preview = self.query_one("#preview", Static)
            if self.selected_path == path:
                preview.update(text)
        except NoMatches:
            return  # the screen is being taken down (the app is closing)

    # -- events --------------------------------------------------------------

    @on(CaseTable.RowHighlighted, "#cases")
    def row_highlighted(self) -> None:
        self.select = None  # the user moved the cursor: it is not moved for them any more
        self.update_preview()

    @on(CaseTable.RowSelected, "#cases")
    def row_selected(self) -> None:
        self.action_open()

    @on(CaseTable.HeaderSelected, "#cases")
    def header_selected(self, event: CaseTable.HeaderSelected) -> None:
        self.sort_column = event.column_key
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
        # Escape in the filter clears it first, then gives the focus back to the list;
        # down goes to the list at once, with the filter kept.
        if event.key in ("escape", "down") and self.focused is self.query_one("#filter"):
            event.stop()
            filter_box = self.query_one("#filter", Input)
            if event.key == "escape" and filter_box.value:
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
