"""The library's Upcoming panel: dates across the sample cases, counted from a frozen today."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from clientexit.core import validate
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.widgets import upcoming as upcoming_widget
from clientexit.tui.widgets.case_table import CaseTable
from clientexit.tui.widgets.upcoming import UpcomingList, UpcomingPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
CASES = (
    "brandt-sohne-events-gmbh",
    "hartley-finch-solicitors",
    "northwind-realty-group",
    "oresund-mobler-ab",
    "piekarnia-lodzka",
    "the-copper-kettle-cafe",
    "tidewater-outfitters-llc",
)
"""The sample cases these tests count on (more samples may come; these dates stay)."""


@pytest.fixture
def sample_library(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    for name in CASES:
        source = next(SAMPLES.glob(f"{name}-*.toml"))
        shutil.copy(source, library / source.name)
    return library


def lines(app: ClientExitApp) -> list[str]:
    listing = app.screen.query_one(UpcomingList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def head(app: ClientExitApp) -> str:
    return str(app.screen.query_one("#upcoming-head", Static).render())


def selected_client(app: ClientExitApp) -> str:
    table = app.screen.query_one("#cases", CaseTable)
    return table.rows[table.cursor_row].client


async def test_shows_the_dates_that_need_attention(
    sample_library: Path, frozen_today: date
) -> None:
    assert frozen_today == date(2026, 11, 22)
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = lines(app)
        # Overdue first (the oldest unpaid invoice of a case, one line for all of them).
        assert shown[0].startswith("Sat 15 Aug overdue 99 days")
        assert "Tidewater Outfitters LLC · payment overdue · 4 invoices, 19,100.00 USD" in shown[0]
        assert "Thu 26 Nov in 4 days" in shown[3]
        assert "Brandt & Söhne Events GmbH · call" in shown[3]
        assert shown[-1].startswith("and ") and shown[-1].endswith(" more…")
        assert len(shown) == upcoming_widget.LIMIT + 1
        assert "3 overdue" in head(app)
        assert "next: Brandt & Söhne Events GmbH, call in 4 days" in head(app)


async def test_today_is_what_the_panel_is_told(
    sample_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upcoming_widget, "current_day", lambda: date(2026, 11, 26))
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "next: Brandt & Söhne Events GmbH, call today" in head(app)
        # The call that passed without being marked done asks to be recorded.
        panel = app.screen.query_one(UpcomingPanel)
        panel.show_all = True
        await pilot.pause()
        assert not any("Brandt & Söhne Events GmbH · call not marked done" in s for s in lines(app))
        panel.today = lambda: date(2026, 11, 28)
        app.screen.show_upcoming()  # type: ignore[attr-defined]
        await pilot.pause()
        assert any(
            "2 days ago" in s and "Brandt & Söhne Events GmbH · call not marked done" in s
            for s in lines(app)
        )


async def test_choosing_a_date_selects_its_case(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert selected_client(app) == "Brandt & Söhne Events GmbH"
        await pilot.press("u")
        assert isinstance(app.focused, UpcomingList)
        await pilot.press("down", "enter")  # the second line: Piekarnia's overdue invoices
        await pilot.pause()
        assert selected_client(app) == "Piekarnia Łódzka"
        assert app.focused is app.screen.query_one("#cases")
        assert "Piekarnia Łódzka" in str(app.screen.query_one("#preview", Static).render())


async def test_choosing_a_case_the_filter_hides_clears_the_filter(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"hartley", "enter")
        await pilot.pause()
        assert app.screen.query_one("#cases", CaseTable).row_count == 1
        # The panel still shows every case's dates, not only the filtered ones.
        await pilot.press("u", "enter")  # Tidewater's overdue invoices
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == ""
        assert selected_client(app) == "Tidewater Outfitters LLC"


async def test_a_click_selects_too(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        listing = app.screen.query_one(UpcomingList)
        await pilot.click(listing, offset=(40, 2))  # the third line: Öresund
        await pilot.pause()
        assert selected_client(app) == "Öresund Möbler AB"


async def test_and_more_opens_the_rest(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hidden = int(lines(app)[-1].split()[1])
        await pilot.press("u", "end", "enter")
        await pilot.pause()
        shown = lines(app)
        assert len(shown) == upcoming_widget.LIMIT + hidden
        assert not any(line.startswith("and ") for line in shown)
        assert isinstance(app.focused, UpcomingList)


async def test_small_screen_folds_to_one_line_and_opens_in_the_previews_place(
    sample_library: Path,
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        panel = screen.query_one(UpcomingPanel)
        preview = screen.query_one("#preview")
        table = screen.query_one("#cases", CaseTable)
        assert panel.region.height == 2  # a rule and the head line
        assert preview.region.height > 0
        assert table.region.height >= 9  # every sample row still shows
        await pilot.press("u")
        await pilot.pause()
        assert panel.region.height > 2
        assert preview.region.height == 0
        assert screen.query_one(UpcomingList).region.height >= upcoming_widget.LIMIT
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table
        assert panel.region.height == 2
        assert preview.region.height > 0


async def test_details_only_where_there_is_room(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "invoices" not in lines(app)[0]
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert "4 invoices" in lines(app)[0]


async def test_works_from_the_rows_alone(
    sample_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        def no_reading(path: Path) -> None:
            raise AssertionError(f"the panel read {path}")

        # Whatever reads a case file (the store, the preview) calls validate.load_case.
        monkeypatch.setattr(validate, "load_case", no_reading)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.show_upcoming()
        await pilot.pause()
        assert lines(app)[0].startswith("Sat 15 Aug")


async def test_an_empty_library_shows_no_panel(tmp_path: Path) -> None:
    app = build_app(library=tmp_path / "library")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one(UpcomingPanel).display
        await pilot.press("u")
        assert not isinstance(app.focused, OptionList)
