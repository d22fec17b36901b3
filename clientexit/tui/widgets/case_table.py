"""The library's list of cases: a table that draws only the rows on screen.

A library may hold thousands of cases. A ``DataTable`` keeps a row object and a cell
per case and measures every cell as rows are added, which costs seconds and tens of
megabytes at 10,000 cases. This table holds the sorted, filtered list of summaries
and nothing per row: each line on screen is formatted when it is drawn (Textual's
Line API, :meth:`CaseTable.render_line`), and the lines on screen are kept until the
rows, the size or the look change. Setting the rows costs the same for 7 cases or
10,000.

It looks and behaves like the ``DataTable`` it replaces: a header row with the column
labels (the sort column marked ▼, a click on a label sorts by it), zebra stripes, a
row cursor, the usual keys, the wheel and the mouse. It posts
:class:`CaseTable.RowHighlighted`, :class:`CaseTable.RowSelected` and
:class:`CaseTable.HeaderSelected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from clientexit.core.base import Status, format_money
from clientexit.core.store import CaseSummary

COLUMNS: tuple[tuple[str, str], ...] = (
    ("client", "Client"),
    ("status", "Status"),
    ("call", "Call"),
    ("ends", "Ends"),
    ("owed", "Owed"),
    ("rehearsed", "Rehearsed"),
    ("updated", "Updated"),
)
CLIENT_WIDTH = 24
"""Longer client names end in "…" in the table (the preview shows them whole), so that
the money column still fits at 80 columns."""
SORT_MARKER = " ▼"
PADDING = 1
"""Blank cells on each side of a cell, as a DataTable draws them."""

NO_STYLE = Style()
STATUS_STYLES = {
    Status.DRAFT: Style(color="yellow"),
    Status.READY: Style(color="green"),
    Status.DONE: Style(dim=True),
}
MONEY_STYLE = Style(bold=True)
NOTHING_STYLE = Style(dim=True)
DAY_WIDTH = len("01 Jan 2026")
WHEN_WIDTH = len("01 Jan 12:00")

Cell = tuple[str, Style]


def day_text(value: date | None) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def when_text(value: datetime | None) -> str:
    return value.astimezone().strftime("%d %b %H:%M") if value else "never"


def row_cells(summary: CaseSummary) -> tuple[Cell, ...]:
    """One case's cells, in column order: the text and its own style."""
    owed: Cell = (
        (format_money(summary.money_owed, summary.currency), MONEY_STYLE)
        if summary.money_owed
        else ("—", NOTHING_STYLE)
    )
    return (
        (summary.client, NO_STYLE),
        (summary.status.value, STATUS_STYLES[summary.status]),
        (day_text(summary.call_date), NO_STYLE),
        (day_text(summary.effective_date), NO_STYLE),
        owed,
        (when_text(summary.last_rehearsal), NO_STYLE),
        (when_text(summary.updated), NO_STYLE),
    )


def owed_width(rows: Sequence[CaseSummary]) -> int:
    """The widest amount owed, formatted: only the largest amount per currency is formatted."""
    high: dict[str, Decimal] = {}
    low: dict[str, Decimal] = {}
    for summary in rows:
        amount = summary.money_owed
        if amount:
            currency = summary.currency
            if amount > high.get(currency, amount - 1):
                high[currency] = amount
            if amount < low.get(currency, amount + 1):
                low[currency] = amount
    amounts = [(a, c) for c, a in high.items()] + [(a, c) for c, a in low.items()]
    return max((len(format_money(a, c)) for a, c in amounts), default=1)


def column_widths(rows: Sequence[CaseSummary], sort_column: str) -> list[int]:
    """Each column's width without padding: its widest cell or its label (with the marker).

    Computed from the summaries, without formatting every row.
    """
    widths = {
        "client": CLIENT_WIDTH,
        "status": max(len(s.value) for s in Status),
        "call": DAY_WIDTH if any(s.call_date for s in rows) else 1,
        "ends": DAY_WIDTH if any(s.effective_date for s in rows) else 1,
        "owed": owed_width(rows),
        "rehearsed": WHEN_WIDTH if any(s.last_rehearsal for s in rows) else len("never"),
        "updated": WHEN_WIDTH if rows else 1,
    }
    return [
        widths[key]
        if key == "client"
        else max(widths[key], cell_len(label + (SORT_MARKER if key == sort_column else "")))
        for key, label in COLUMNS
    ]


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class CaseTable(ScrollView, can_focus=True):
    """The cases of the library, one row each, drawn only where they are on screen."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "case-table--header",
        "case-table--header-hover",
        "case-table--cursor",
        "case-table--hover",
        "case-table--even-row",
        "case-table--odd-row",
    }

    DEFAULT_CSS = """
    CaseTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .case-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .case-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .case-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .case-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .case-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .case-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .case-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .case-table--header-hover {
            background: $accent 30%;
        }
        & > .case-table--hover {
            background: $block-hover-background;
        }
    }
    """

    BINDINGS = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    class TableMessage(Message):
        """A message from the table (its ``control``, for ``@on`` selectors)."""

        def __init__(self, table: CaseTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> CaseTable:
            return self.table

    class RowMessage(TableMessage):
        """A message about the row the cursor is on."""

        def __init__(self, table: CaseTable, cursor_row: int) -> None:
            super().__init__(table)
            self.cursor_row = cursor_row

    class RowHighlighted(RowMessage):
        """The cursor moved to another row."""

    class RowSelected(RowMessage):
        """The cursor's row was chosen (enter, or a click on it)."""

    class HeaderSelected(TableMessage):
        """A column's label was clicked."""

        def __init__(self, table: CaseTable, column_key: str) -> None:
            super().__init__(table)
            self.column_key = column_key

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes, disabled=disabled)
        self.rows: Sequence[CaseSummary] = ()
        """The summaries shown, in order: the table holds nothing else per row."""
        self.cursor_row = 0
        self.sort_column = "call"
        self.hover_row: int | None = None
        """The row under the mouse (-1 the header), None while the keyboard is used."""
        self._widths = column_widths((), self.sort_column)
        self._lines: LRUCache[tuple[int, bool, bool], Strip] = LRUCache(256)
        """Drawn rows, full width, by (row, is the cursor, is hovered)."""

    # -- the rows ------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(
        self, rows: Sequence[CaseSummary], *, cursor: int = 0, sort_column: str | None = None
    ) -> None:
        """Show these summaries (kept, not copied), with the cursor on row ``cursor``."""
        self.rows = rows
        if sort_column is not None:
            self.sort_column = sort_column
        self._widths = column_widths(rows, self.sort_column)
        self.cursor_row = max(0, min(cursor, len(rows) - 1))
        self._lines.clear()
        self.virtual_size = Size(self.table_width, len(rows) + 1)
        self.refresh()
        self.scroll_to_cursor()

    @property
    def table_width(self) -> int:
        return sum(self._widths) + 2 * PADDING * len(self._widths)

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (kept within the rows) and bring it into view."""
        row = max(0, min(row, len(self.rows) - 1))
        if row == self.cursor_row:
            self.scroll_to_cursor()
            return
        old, self.cursor_row = self.cursor_row, row
        self.refresh_row(old)
        self.refresh_row(row)
        self.scroll_to_cursor()
        self.post_message(self.RowHighlighted(self, row))

    def refresh_row(self, row: int) -> None:
        """Draw one row again; -1 is the header, which stays on the first line."""
        if row < 0:
            self.refresh(Region(0, 0, self.size.width, 1))
        else:
            self.refresh_line(row + 1)

    @property
    def page_rows(self) -> int:
        """Rows in view under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def scroll_to_cursor(self) -> None:
        if not self.size.height:
            self.call_after_refresh(self.scroll_to_cursor)
            return
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + self.page_rows:
            self.scroll_to(y=self.cursor_row - self.page_rows + 1, animate=False, force=True)

    # -- drawing -------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        self._lines.clear()

    def format_row(self, summary: CaseSummary) -> tuple[Cell, ...]:
        return row_cells(summary)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        row = -1 if y == 0 else scroll_y + y - 1
        if row >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        key = (row, row == self.cursor_row and row >= 0, row == self.hover_row)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._draw_row(*key)
            self._lines[key] = strip
        return strip.crop(scroll_x, scroll_x + width)

    def _draw_row(self, row: int, cursor: bool, hover: bool) -> Strip:
        """One row (or the header), as wide as the table or the widget, whichever is wider."""
        get = self.get_component_rich_style
        if row < 0:
            style = get("case-table--header")
            if hover:
                style += get("case-table--hover") + get("case-table--header-hover")
            cells: tuple[Cell, ...] = tuple(
                (label + (SORT_MARKER if key == self.sort_column else ""), NO_STYLE)
                for key, label in COLUMNS
            )
        else:
            style = get("case-table--even-row" if row % 2 == 0 else "case-table--odd-row")
            if hover and not cursor:
                style += get("case-table--hover")
            cells = self.format_row(self.rows[row])
        after = NO_STYLE
        if cursor:
            style += get("case-table--cursor")
            # The cursor's colour wins over the cells' own (a DataTable's "css" priority).
            after = Style.from_color(style.color)
        pad = " " * PADDING
        segments = [
            Segment(pad + fit(text, width) + pad, style + own + after)
            for (text, own), width in zip(cells, self._widths, strict=True)
        ]
        rest = max(0, self.size.width - self.table_width)
        if rest:
            segments.append(Segment(" " * rest, style))
        return Strip(segments, self.table_width + rest)

    # -- keys ----------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._keyboard()
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._keyboard()
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self._keyboard()
        self.scroll_to(y=self.scroll_y - self.page_rows, animate=False, force=True)
        self.move_cursor(self.cursor_row - self.page_rows)

    def action_page_down(self) -> None:
        self._keyboard()
        self.scroll_to(y=self.scroll_y + self.page_rows, animate=False, force=True)
        self.move_cursor(self.cursor_row + self.page_rows)

    def action_first(self) -> None:
        self._keyboard()
        self.move_cursor(0)

    def action_last(self) -> None:
        self._keyboard()
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        self._keyboard()
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def _keyboard(self) -> None:
        """The keyboard is in use: no row is marked as under the mouse."""
        self._set_hover(None)

    # -- the mouse -----------------------------------------------------------

    def _row_at(self, event: events.MouseEvent) -> tuple[int, int] | None:
        """The (row, x in the table) under the mouse; row -1 is the header."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        row = -1 if offset.y == 0 else round(self.scroll_y) + offset.y - 1
        if row >= len(self.rows):
            return None
        return row, offset.x + round(self.scroll_x)

    def _set_hover(self, row: int | None) -> None:
        if row == self.hover_row:
            return
        if self.hover_row is not None:
            self.refresh_row(self.hover_row)
        self.hover_row = row
        if row is not None:
            self.refresh_row(row)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        at = self._row_at(event)
        self._set_hover(at[0] if at else None)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        at = self._row_at(event)
        if at is None:
            return
        row, x = at
        event.stop()
        if row < 0:
            edge = 0
            for (key, _), width in zip(COLUMNS, self._widths, strict=True):
                edge += width + 2 * PADDING
                if x < edge:
                    self.post_message(self.HeaderSelected(self, key))
                    return
            return
        if row == self.cursor_row:
            self.post_message(self.RowSelected(self, row))
        else:
            self.move_cursor(row)
