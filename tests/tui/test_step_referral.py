"""Step 4, referral and handover: modes, the referral paragraph, the checklist, deletion."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from wizard_helpers import open_new_at, open_sample_at

from clientexit.core import render
from clientexit.core.model import HandoverItem, ReferralContact, ReferralMode
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.records import RecordTable
from clientexit.tui.widgets.step_referral import (
    NO_REFERRAL_ABUSIVE,
    NO_REFERRAL_ADVICE,
    ReferralStep,
    fit_rows,
)

HARTLEY = "hartley-finch-solicitors"  # named referral (one contact), 9 handover items, 2 done
BRANDT = "brandt-sohne-events"  # abusive client, no referral


async def open_sample(app: ClientExitApp, pilot: Pilot[None], tmp_path: Path, name: str) -> Path:
    return await open_sample_at(app, pilot, tmp_path, name, Step.REFERRAL)


async def open_new(app: ClientExitApp, pilot: Pilot[None]) -> None:
    await open_new_at(app, pilot, Step.REFERRAL)


def pane(app: ClientExitApp) -> ReferralStep:
    return app.screen.query_one(ReferralStep)


def text_of(widget: Widget) -> str:
    return str(widget.render())


def paragraph(app: ClientExitApp) -> TextArea:
    return app.screen.query_one("#referral-message", TextArea)


async def click(pilot: Pilot[None], selector: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await pilot.click(selector)
    await pilot.pause()


async def focus_table(pilot: Pilot[None], table_id: str) -> RecordTable:
    table = pilot.app.screen.query_one(f"#{table_id}", RecordTable)
    table.table.focus()
    await pilot.pause()
    return table


async def add_contact(pilot: Pilot[None], name: str, email: str, why: str) -> None:
    await focus_table(pilot, "contacts")
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, RecordDialog)
    await pilot.press(*name, "tab", *email, "tab", *why, "ctrl+s")
    await pilot.pause()


async def test_modes_show_the_right_parts(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        named, provider = (
            app.screen.query_one("#named-part"),
            app.screen.query_one("#provider-part"),
        )
        none_note = app.screen.query_one("#none-note", Static)
        para = app.screen.query_one("#paragraph-part")
        assert case.referral.mode is ReferralMode.NAMED
        assert (named.display, provider.display, none_note.display) == (True, False, False)

        await click(pilot, "#mode-provider_type")
        assert case.referral.mode is ReferralMode.PROVIDER_TYPE
        assert (named.display, provider.display, none_note.display) == (False, True, False)
        assert para.display
        assert "kind of provider" in text_of(app.screen.query_one("#paragraph-status"))

        await click(pilot, "#mode-none")
        assert case.referral.mode is ReferralMode.NONE
        assert (named.display, provider.display, none_note.display) == (False, False, True)
        assert not para.display
        assert text_of(none_note) == NO_REFERRAL_ADVICE
        assert none_note.has_class("advice")

        await click(pilot, "#mode-named")
        assert case.referral.mode is ReferralMode.NAMED
        assert named.display and para.display
        assert "unsaved" in str(app.screen.sub_title)


async def test_no_referral_for_an_abusive_client_is_plainly_right(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, BRANDT)
        assert pane(app).case.abusive
        none_note = app.screen.query_one("#none-note", Static)
        assert none_note.display
        assert text_of(none_note) == NO_REFERRAL_ABUSIVE
        assert not none_note.has_class("advice")
        # Ticking a referral anyway is allowed, with a note that it is not owed.
        await click(pilot, "#mode-provider_type")
        assert app.screen.query_one("#abusive-advice").display


async def test_a_new_contact_updates_the_generated_paragraph(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        case = pane(app).case
        warning = app.screen.query_one("#named-warning", Static)
        assert warning.display  # named referral, no one named yet

        await add_contact(pilot, "Ana Sousa", "a@x.pt", "shops")
        assert isinstance(app.screen, WizardScreen)
        assert [(x.name, x.email, x.why) for x in case.referral.contacts] == [
            ("Ana Sousa", "a@x.pt", "shops")
        ]
        assert case.referral.message == ""
        assert "Ana Sousa" in paragraph(app).text
        assert paragraph(app).text == render.generated_referral(case)
        assert not warning.display
        table = app.screen.query_one("#contacts", RecordTable)
        assert table.table.row_count == 1


async def test_an_edited_paragraph_is_never_overwritten_without_asking(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        area = paragraph(app)
        status = app.screen.query_one("#paragraph-status", Static)
        assert area.text == render.generated_referral(case)
        assert "Generated from the contacts" in text_of(status)

        area.focus()
        area.move_cursor(area.document.end)
        await pilot.pause()
        await pilot.press(*" Hi.")
        await pilot.pause()
        assert case.referral.message.endswith("Hi.")
        assert "Edited by you" in text_of(status)
        edited = area.text

        # A new contact changes the generated text, but not the user's paragraph.
        await add_contact(pilot, "Bo Li", "", "")
        assert "Bo Li" in render.generated_referral(case)
        assert area.text == edited
        assert case.referral.message.endswith("Hi.")
        assert "Bo Li" not in case.referral.message

        # ctrl+r asks first; "no" keeps the user's words.
        area.focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert area.text == edited
        assert case.referral.message.endswith("Hi.")

        # "yes" brings back the generated paragraph, with the new contact in it.
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert case.referral.message == ""
        assert area.text == render.generated_referral(case)
        assert "Bo Li" in area.text
        assert "Generated from" in text_of(status)

        # Generated again, it follows the contacts live: here, their new order.
        await focus_table(pilot, "contacts")
        await pilot.press("down", "ctrl+up")
        await pilot.pause()
        assert case.referral.contacts[0].name == "Bo Li"
        assert area.text == render.generated_referral(case)
        assert area.text.index("Bo Li") < area.text.index("Castle Street")


async def test_an_emptied_paragraph_falls_back_to_the_generated_one(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        area = paragraph(app)
        status = app.screen.query_one("#paragraph-status", Static)
        area.focus()
        await pilot.press("f7", "backspace")  # select all, delete: to write afresh
        await pilot.pause()
        assert area.text == ""  # left empty while the user is in it
        assert case.referral.message == ""
        assert "generated paragraph will be used" in text_of(status)
        await focus_table(pilot, "contacts")
        assert area.text == render.generated_referral(case)
        assert "Generated from" in text_of(status)


async def test_usual_handover_items_fill_an_empty_checklist(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        case = pane(app).case
        button = app.screen.query_one("#fill-handover")
        assert case.handover.items == []
        assert button.display
        assert app.screen.query_one("#handover-warning").display

        await pilot.press("ctrl+t")
        await pilot.pause()
        expected = [item.text for item in render.default_handover_items(case)]
        assert expected
        assert [item.text for item in case.handover.items] == expected
        assert not button.display
        assert not app.screen.query_one("#handover-warning").display
        table = app.screen.query_one("#handover-items", RecordTable)
        assert table.table.row_count == len(expected)
        progress = text_of(app.screen.query_one("#handover-progress"))
        assert progress == f"0 of {len(expected)} handover items done"

        # A full checklist is never refilled over the top.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(case.handover.items) == len(expected)


async def test_ticking_and_reordering_the_checklist(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        items = pane(app).case.handover.items
        first, second = items[0].text, items[1].text
        assert not items[0].done
        progress = app.screen.query_one("#handover-progress", Static)
        assert text_of(progress) == "2 of 9 handover items done"

        table = await focus_table(pilot, "handover-items")
        await pilot.press("space")
        await pilot.pause()
        assert items[0].done
        assert text_of(progress) == "3 of 9 handover items done"
        assert str(table.table.get_row_at(0)[0]) == "✓"

        await pilot.press("ctrl+down")
        await pilot.pause()
        assert [items[0].text, items[1].text] == [second, first]
        assert items[1].done
        assert table.cursor == 1

        await pilot.press("ctrl+up")
        await pilot.pause()
        assert [items[0].text, items[1].text] == [first, second]
        assert table.cursor == 0

        # Space again unticks.
        await pilot.press("space")
        await pilot.pause()
        assert not items[0].done
        assert str(table.table.get_row_at(0)[0]) == ""


async def test_handover_items_are_added_edited_and_removed(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        items = pane(app).case.handover.items
        await focus_table(pilot, "handover-items")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        await pilot.press(*"Send keys", "ctrl+s")
        await pilot.pause()
        assert [(i.text, i.done) for i in items] == [("Send keys", False)]

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        await pilot.press("end", *" back", "tab", "space", "ctrl+s")
        await pilot.pause()
        assert [(i.text, i.done) for i in items] == [("Send keys back", True)]
        assert text_of(app.screen.query_one("#handover-progress")) == "All 1 handover items done."

        await pilot.press("delete")
        await pilot.pause()
        assert items == []
        assert app.screen.query_one("#fill-handover").display


async def test_days_until_deletion(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        days = app.screen.query_one("#delete-after-days", Input)
        error = app.screen.query_one("#delete-after-days-error", Static)
        deletion = app.screen.query_one("#deletion-date", Static)
        warning = app.screen.query_one("#deletion-warning", Static)
        assert days.value == "30"
        assert "Thu 04 Feb 2027" in text_of(deletion)
        assert not warning.display

        days.focus()
        await pilot.press("ctrl+u", "ctrl+k", *"ten")
        await pilot.pause()
        assert days.has_class("-invalid")
        assert "whole number" in text_of(error)
        assert error.display
        assert case.handover.delete_after_days == 30  # the last good value is kept

        await pilot.press("ctrl+u", "-", "1")
        await pilot.pause()
        assert days.has_class("-invalid")
        assert "0 or more" in text_of(error)

        await pilot.press("ctrl+u", *"99999999")
        await pilot.pause()
        assert "at most 3650" in text_of(error)
        assert days.has_class("-invalid")
        assert case.handover.delete_after_days == 999  # the last good value typed

        await pilot.press("ctrl+u", "3")
        await pilot.pause()
        assert not days.has_class("-invalid")
        assert not error.display
        assert case.handover.delete_after_days == 3
        assert "Fri 08 Jan 2027" in text_of(deletion)
        assert warning.display
        assert "at least 7 days" in text_of(warning)


async def test_everything_is_saved(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        case = pane(app).case
        await click(pilot, "#mode-provider_type")
        app.screen.query_one("#provider-type", Input).focus()
        await pilot.press(*"an agency")
        await pilot.pause()
        assert "an agency" in paragraph(app).text
        paragraph(app).focus()
        paragraph(app).move_cursor(paragraph(app).document.end)
        await pilot.press(*" Bye.")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        await focus_table(pilot, "handover-items")
        await pilot.press("down", "space", "ctrl+up")
        await pilot.pause()
        days = app.screen.query_one("#delete-after-days", Input)
        days.focus()
        await pilot.press("ctrl+u", "ctrl+k", "1", "4")
        app.screen.query_one("#paid-support", Input).focus()
        await pilot.press(*"2h")
        await pilot.press("ctrl+s")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.path is not None
        expected_items = [(i.text, i.done) for i in case.handover.items]

    saved = load_case(wizard.path)
    assert saved.referral.mode is ReferralMode.PROVIDER_TYPE
    assert saved.referral.provider_type == "an agency"
    assert saved.referral.message.endswith("Bye.")
    assert "an agency" in saved.referral.message
    assert [(i.text, i.done) for i in saved.handover.items] == expected_items
    assert expected_items[0][1] is True  # the ticked item, moved to the top
    assert saved.handover.delete_after_days == 14
    assert saved.handover.paid_support == "2h"


async def test_odd_text_in_the_tables_is_shown_as_typed(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        step = pane(app)
        step.case.referral.contacts.append(ReferralContact(name="[b]Ana[/]", why="x" * 5000))
        step.case.handover.items.append(HandoverItem(text="Send the [draft] and [/] file\n" * 50))
        step.refresh_from_case()
        await pilot.pause()
        contacts = app.screen.query_one("#contacts", RecordTable).table
        assert str(contacts.get_row_at(0)[0]) == "[b]Ana[/]"
        items = app.screen.query_one("#handover-items", RecordTable).table
        cell = str(items.get_row_at(0)[1])
        assert cell.startswith("Send the [draft] and [/] file Send")
        assert cell.endswith("…")
        # Cut to the width: the table never scrolls sideways.
        assert items.virtual_size.width <= items.size.width
        assert "Ana" in paragraph(app).text


def test_rows_are_cut_to_fit_the_width() -> None:
    rows = [("Castle Street IT", "support@castlestreetit.example", "a team of five nearby")]
    headers = ["Name", "Email", "Why they fit"]
    assert fit_rows(headers, rows, 0) == rows
    assert fit_rows(headers, rows, 200) == rows
    cut = fit_rows(headers, rows, 46)
    assert sum(len(cell) for cell in cut[0]) + 2 * len(headers) <= 46
    assert all(cell.endswith("…") for cell in cut[0])
    assert cut[0][0].startswith("Castle")
    # Newlines in a cell never break a row.
    assert fit_rows(["Item"], [("two\nlines",)], 80) == [("two lines",)]
