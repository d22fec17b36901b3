"""Step 2, the reasons: the private banner, red flags, the incident log and the cool-off check."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, SelectionList, Static
from wizard_helpers import SAMPLES, first_step_made, is_shown, wizard

from clientexit.core.model import RedFlag
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.widgets.step_reasons import ReasonsStep

BAKERY = "piekarnia-lodzka-2026-11-27.toml"
"""Call on 27 Nov 2026; flags late_payment and missed_meetings; five incidents from 20 Aug."""


def step(app: ClientExitApp) -> ReasonsStep:
    return wizard(app).query_one(ReasonsStep)


def text_of(app: ClientExitApp, selector: str) -> str:
    return str(step(app).query_one(selector, Static).content)


def shown(app: ClientExitApp, selector: str) -> bool:
    return is_shown(step(app).query_one(selector))


def rows(app: ClientExitApp) -> list[list[str]]:
    table = step(app).query_one("#incidents DataTable", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def start(pilot: Pilot[None], tmp_path: Path, sample: str | None = BAKERY) -> Path | None:
    """Open a copy of a sample (or a new case) at the reasons step."""
    app = pilot.app
    assert isinstance(app, ClientExitApp)
    path = None
    if sample is None:
        app.new_case()
    else:
        path = tmp_path / sample
        shutil.copy(SAMPLES / sample, path)
        app.open_case(path, step=Step.REASONS)
    await pilot.pause()
    if sample is None:
        await first_step_made(app, pilot)  # (the contract step, where it opens)
        await pilot.press("alt+2")
        await pilot.pause()
    return path


async def focus_log(pilot: Pilot[None]) -> DataTable[object]:
    table = step(pilot.app).query_one("#incidents DataTable", DataTable)  # type: ignore[arg-type]
    table.focus()
    await pilot.pause()
    return table


async def test_the_page_says_plainly_that_it_is_private(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, tmp_path, None)
        banner = step(app).query_one("#internal-banner", Static)
        assert banner.has_class("internal-banner") and shown(app, "#internal-banner")
        words = str(banner.content)
        assert "stays on this machine" in words
        assert "letter" in words and "script" in words and "emails" in words
        assert "client sees" in words
        # It is near the top, seen without scrolling.
        assert banner.region.y < 12
        assert "trust the pattern" in text_of(app, "#pattern-advice")
        assert "not documented" in text_of(app, "#reasons-warnings")


async def test_ticking_red_flags_updates_the_case(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, tmp_path, None)
        case = wizard(app).case
        flags = step(app).query_one("#red-flags", SelectionList)
        flags.focus()
        await pilot.press("space", "down", "down", "space")  # pays late, scope creep
        await pilot.pause()
        assert case.reasons.red_flags == [RedFlag.LATE_PAYMENT, RedFlag.SCOPE_CREEP]
        assert wizard(app).dirty
        assert not shown(app, "#reasons-warnings")
        assert "Scope creep" in text_of(app, "#flag-hint")

        # Ticked later but listed in the checklist's order; unticking removes it.
        await pilot.press("up", "space")
        await pilot.pause()
        assert case.reasons.red_flags == [
            RedFlag.LATE_PAYMENT,
            RedFlag.HAGGLING,
            RedFlag.SCOPE_CREEP,
        ]
        await pilot.press("up", "space")
        await pilot.pause()
        assert case.reasons.red_flags == [RedFlag.HAGGLING, RedFlag.SCOPE_CREEP]
        assert sorted(flags.selected) == ["haggling", "scope_creep"]


async def test_adding_an_incident_sorts_it_by_date_and_ticks_its_kind(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, tmp_path)
        case = wizard(app).case
        assert case.reasons.red_flags == [RedFlag.LATE_PAYMENT, RedFlag.MISSED_MEETINGS]
        assert text_of(app, "#incident-summary") == "5 incidents since 20 Aug 2026, 2 kinds"

        table = await focus_log(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        # Date, then the kind (it starts at the latest kind logged, "Pays late"; two down is
        # "Scope creep"), then the note.
        await pilot.press(*"2026-09-01", "tab", "enter", "down", "down", "enter", "tab")
        await pilot.press(*"Asked for two extra pages, same fee", "ctrl+s")
        await pilot.pause()

        assert [i.date for i in case.reasons.incidents] == [
            date(2026, 8, 20),
            date(2026, 9, 1),
            date(2026, 9, 29),
            date(2026, 10, 21),
            date(2026, 11, 5),
            date(2026, 11, 18),
        ]
        added = case.reasons.incidents[1]
        assert added.category is RedFlag.SCOPE_CREEP
        assert added.note == "Asked for two extra pages, same fee"
        assert rows(app)[1][:2] == ["2026-09-01", "Scope creep"]
        assert table.cursor_row == 1
        # Its kind was not ticked: it is now, in the checklist's order, and the user is told.
        assert case.reasons.red_flags == [
            RedFlag.LATE_PAYMENT,
            RedFlag.SCOPE_CREEP,
            RedFlag.MISSED_MEETINGS,
        ]
        assert "scope_creep" in step(app).query_one("#red-flags", SelectionList).selected
        assert any('Ticked "Scope creep"' in n.message for n in app._notifications)
        assert text_of(app, "#incident-summary") == "6 incidents since 20 Aug 2026, 3 kinds"


async def test_editing_and_removing_incidents(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, tmp_path)
        case = wizard(app).case
        first = case.reasons.incidents[0]
        table = await focus_log(pilot)

        # Move the first incident to December: it moves to the end of the log.
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RecordDialog)
        assert dialog.query_one("#field-date", Input).value == "2026-08-20"
        await pilot.press("end", "ctrl+u", *"2026-12-01", "ctrl+s")
        await pilot.pause()
        assert case.reasons.incidents[-1] is first
        assert first.date == date(2026, 12, 1)
        assert rows(app)[-1][0] == "2026-12-01"
        assert table.cursor_row == 4
        assert text_of(app, "#incident-summary") == "5 incidents since 29 Sep 2026, 2 kinds"

        # Remove the missed meeting (now the third row).
        table.move_cursor(row=2)
        await pilot.press("delete")
        await pilot.pause()
        assert [i.category for i in case.reasons.incidents] == [RedFlag.LATE_PAYMENT] * 4
        assert len(rows(app)) == 4
        assert text_of(app, "#incident-summary") == "4 incidents since 29 Sep 2026, 1 kind"
        # Removing an incident leaves the red flags as the user ticked them.
        assert RedFlag.MISSED_MEETINGS in case.reasons.red_flags


async def test_cool_off_hint_follows_the_first_noted_date(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, tmp_path, None)
        case = wizard(app).case
        assert "When did you first write down a problem?" in text_of(app, "#cool-off")

        # The call date lives on the contract step.
        wizard(app).query_one("#call-date", Input).value = "2026-11-28"
        await pilot.pause()
        step(app).query_one("#first-noted", Input).focus()
        await pilot.press(*"2026-11-27")
        await pilot.pause()
        assert case.reasons.first_noted == date(2026, 11, 27)
        hint = step(app).query_one("#cool-off", Static)
        assert hint.has_class("advice")
        assert str(hint.content).startswith(
            "You started documenting only 1 day before the call. Decisions made in a rush"
        )

        await pilot.press("end", "ctrl+u", *"2026-11-18")
        await pilot.pause()
        assert case.reasons.first_noted == date(2026, 11, 18)
        assert not hint.has_class("advice")
        assert hint.has_class("confirm")
        assert "documenting 10 days before the call" in str(hint.content)

        # A mistyped date is kept and explained; the case keeps the last good one.
        await pilot.press("end", "backspace", "x")
        await pilot.pause()
        assert case.reasons.first_noted == date(2026, 11, 18)
        assert "expected a date like 2026-11-28" in text_of(app, "#first-noted-error")


async def test_saving_keeps_the_incidents_and_the_flags(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await start(pilot, tmp_path)
        assert path is not None
        step(app).query_one("#red-flags", SelectionList).focus()
        await pilot.press("down", "down", "space")  # scope creep
        await focus_log(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"2026-11-20", "tab", "tab", *"Asked for a refund of the deposit")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not wizard(app).dirty

        saved = load_case(path)
        assert saved.reasons.red_flags == [
            RedFlag.LATE_PAYMENT,
            RedFlag.SCOPE_CREEP,
            RedFlag.MISSED_MEETINGS,
        ]
        assert len(saved.reasons.incidents) == 6
        added = saved.reasons.incidents[-1]
        assert (added.date, added.category, added.note) == (
            date(2026, 11, 20),
            RedFlag.LATE_PAYMENT,
            "Asked for a refund of the deposit",
        )
        assert saved.reasons.first_noted == date(2026, 8, 20)
