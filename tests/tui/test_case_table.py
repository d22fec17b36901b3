"""The library's case table: rows drawn from the summaries, only those on screen, keys and mouse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.style import Style
from textual import events, on
from textual.app import App, ComposeResult
from textual.message import Message

from clientexit.core.model import Status
from clientexit.core.store import CaseSummary
from clientexit.tui.app import build_app
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.widgets import case_table
from clientexit.tui.widgets.case_table import COLUMNS, CaseTable


def summary(number: int, **changes: object) -> CaseSummary:
    fields: dict[str, object] = {
        "path": Path(f"/library/case-{number:05d}.toml"),
        "client": f"Client {number:05d}",
        "contact": "",
        "status": Status.DRAFT,
        "call_date": date(2026, 12, 1) + timedelta(days=number % 30),
        "effective_date": date(2027, 1, 31),
        "money_owed": Decimal(number),
        "currency": "EUR",
        "updated": datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        "last_rehearsal": None,
    }
    fields.update(changes)
    return CaseSummary(**fields)  # type: ignore[arg-type]


class TableApp(App[None]):
    """One case table and the messages it posts."""

    def __init__(self, rows: list[CaseSummary]) -> None:
        super().__init__()
        self.rows = rows
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield CaseTable(id="cases")

    def on_mount(self) -> None:
        table = self.query_one(CaseTable)
        table.set_rows(self.rows)
        table.focus()

    @on(CaseTable.RowHighlighted)
    @on(CaseTable.RowSelected)
    @on(CaseTable.HeaderSelected)
    def keep(self, message: Message) -> None:
        self.posted.append(message)

    def kinds(self) -> list[tuple[str, object]]:
        found: list[tuple[str, object]] = []
        for message in self.posted:
            if isinstance(message, CaseTable.HeaderSelected):
                found.append(("header", message.column_key))
            elif isinstance(message, CaseTable.RowSelected):
                found.append(("selected", message.cursor_row))
            elif isinstance(message, CaseTable.RowHighlighted):
                found.append(("highlighted", message.cursor_row))
        return found


def screen_lines(table: CaseTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_rows_drawn_match_the_summaries() -> None:
    rows = [
        summary(1, client="Brandt & Söhne Events GmbH", money_owed=Decimal("1600")),
        summary(2, status=Status.READY, money_owed=Decimal("0")),
        summary(
            3,
            status=Status.DONE,
            money_owed=Decimal("19100"),
            currency="USD",
            last_rehearsal=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        ),
    ]
    app = TableApp(rows)
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        lines = screen_lines(table)
        header = lines[0].split()
        assert header[:4] == ["Client", "Status", "Call", "▼"]
        assert header[4:] == [label for _, label in COLUMNS][3:]
        # The client column is 24 cells: a longer name ends in an ellipsis.
        assert lines[1].startswith(" Brandt & Söhne Events G…  draft   02 Dec 2026 ")
        assert "1,600.00 EUR" in lines[1]
        assert lines[2].split()[:4] == ["Client", "00002", "ready", "03"]
        assert "—" in lines[2]  # nothing owed
        assert "19,100.00 USD" in lines[3] and "done" in lines[3]
        assert "never" in lines[1] and "never" not in lines[3]
        assert lines[4].strip() == ""  # no row there
        # Columns line up under their labels.
        for line in lines[1:4]:
            assert line.index("Dec 2026") - 3 == lines[0].index("Call")


async def test_row_styles_money_bold_status_coloured_cursor_highlighted() -> None:
    rows = [summary(1), summary(2, status=Status.READY)]
    app = TableApp(rows)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)

        def style_of(y: int, text: str) -> Style:
            return next(s.style for s in table.render_line(y) if text in s.text)

        assert style_of(2, "ready").color is not None
        assert style_of(2, "ready").color != style_of(2, "Client 00002").color
        assert style_of(2, "2.00 EUR").bold
        # The cursor row stands out, and looks different once the table loses the focus.
        assert style_of(1, "Client").bgcolor != style_of(2, "Client").bgcolor
        focused = style_of(1, "Client").bgcolor
        table.blur()
        await pilot.pause()
        assert style_of(1, "Client").bgcolor != focused


async def test_cursor_and_page_keys() -> None:
    rows = [summary(n) for n in range(100)]
    app = TableApp(rows)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        page = table.page_rows
        assert page >= 5
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        assert table.cursor_row == 1 + page
        await pilot.pause()
        # The cursor's row is on screen.
        top = round(table.scroll_y)
        assert top <= table.cursor_row < top + page
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 99
        assert "Client 00099" in screen_lines(table)[-1] or any(
            "Client 00099" in line for line in screen_lines(table)
        )
        await pilot.press("pageup")
        assert table.cursor_row == 99 - page
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0
        assert table.scroll_y == 0
        await pilot.press("up")  # already at the top
        assert table.cursor_row == 0
        await pilot.pause()
        rows_seen = [row for kind, row in app.kinds() if kind == "highlighted"]
        assert rows_seen == [1, 2, 1, 1 + page, 99, 99 - page, 0]


async def test_a_header_click_asks_to_sort_by_that_column() -> None:
    app = TableApp([summary(n) for n in range(5)])
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        header = screen_lines(table)[0]
        await pilot.click(CaseTable, offset=(header.index("Owed") + 1, 0))
        await pilot.click(CaseTable, offset=(1, 0))
        await pilot.pause()
        assert app.kinds() == [("header", "owed"), ("header", "client")]
        assert table.cursor_row == 0


async def test_a_click_selects_a_row_and_a_second_click_or_enter_opens_it() -> None:
    app = TableApp([summary(n) for n in range(5)])
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        await pilot.click(CaseTable, offset=(3, 3))  # the third row, under the header
        await pilot.pause()
        assert table.cursor_row == 2
        await pilot.click(CaseTable, offset=(30, 3))
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.kinds() == [
            ("highlighted", 2),
            ("selected", 2),
            ("highlighted", 1),
            ("selected", 1),
        ]


async def test_the_wheel_scrolls_the_rows() -> None:
    app = TableApp([summary(n) for n in range(100)])
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_y > 0
        first = screen_lines(table)[1]
        assert "Client 00000" not in first
        assert table.cursor_row == 0  # the wheel moves the view, not the cursor


async def test_ten_thousand_rows_draw_only_what_is_on_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    formatted: list[str] = []
    real = case_table.row_cells

    def counting(summary: CaseSummary) -> tuple[case_table.Cell, ...]:
        formatted.append(summary.client)
        return real(summary)

    monkeypatch.setattr(case_table, "row_cells", counting)
    app = TableApp([summary(n) for n in range(10_000)])
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(CaseTable)
        assert table.row_count == 10_000
        assert 0 < len(set(formatted)) <= 24
        formatted.clear()
        await pilot.press("end")
        await pilot.pause()
        assert "Client 09999" in formatted
        assert len(set(formatted)) <= 24
        assert any("Client 09999" in line for line in screen_lines(table))
        # Setting the rows again formats nothing until they are drawn.
        formatted.clear()
        table.set_rows(list(reversed(app.rows)), cursor=0)
        assert formatted == []


async def test_columns_fit_at_80_columns(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#cases", CaseTable)
        header = table.render_line(0).text
        for label in ("Client", "Status", "Call ▼", "Ends", "Owed"):
            assert label in header
        assert "Rehearsed" not in header  # further right: the table scrolls sideways
        await pilot.press("right", "right", "right", "right", "right")
        await pilot.pause()
        assert table.scroll_x > 0


async def test_filter_and_sort_keep_the_selected_case(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("down", "down", "down")
        chosen = screen.selected
        assert chosen is not None
        await pilot.press("s")  # sorted by the day the service ends
        await pilot.pause()
        assert screen.selected == chosen
        table = screen.query_one("#cases", CaseTable)
        assert chosen.client[:20] in table.render_line(table.cursor_row + 1).text
        await pilot.press("slash", *chosen.client.split()[0].lower())
        await pilot.pause()
        assert screen.selected == chosen
        assert table.row_count < len(list(sample_library.glob("*.toml")))


async def test_a_header_click_sorts_the_library(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one("#cases", CaseTable)
        header = table.render_line(0).text
        await pilot.click("#cases", offset=(header.index("Owed") + 1, 0))
        await pilot.pause()
        assert screen.sort_column == "owed"
        assert "Owed ▼" in table.render_line(0).text
        owed = [s.money_owed for s in table.rows]
        assert owed == sorted(owed, reverse=True)
