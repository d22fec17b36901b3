"""Step 1, the contract: linked fields, the live end date, invoices, deliverables and warnings."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static
from wizard_helpers import SAMPLES, first_step_made, is_shown, wizard

from clientexit.core.model import DeliverableStatus, NoticeRule
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.widgets.step_contract import ContractStep

BAKERY = "piekarnia-lodzka-2026-11-27.toml"
"""Four invoices (12,000 PLN unpaid), two unfinished deliverables, clause 2.9, end of month + 14."""


def step(app: ClientExitApp) -> ContractStep:
    return wizard(app).query_one(ContractStep)


def text_of(app: ClientExitApp, selector: str) -> str:
    return str(step(app).query_one(selector, Static).content)


def shown(app: ClientExitApp, selector: str) -> bool:
    return is_shown(step(app).query_one(selector))


async def type_into(pilot: Pilot[None], input_id: str, text: str) -> None:
    """Focus a field, clear it with the keyboard and type ``text``, as a person would."""
    field = step(pilot.app).query_one(f"#{input_id}", Input)  # type: ignore[arg-type]
    field.focus()
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


async def fill(pilot: Pilot[None], input_id: str, text: str) -> None:
    """Set up a field without typing it (what typing does is tested on its own)."""
    step(pilot.app).query_one(f"#{input_id}", Input).value = text  # type: ignore[arg-type]
    await pilot.pause()


async def choose(pilot: Pilot[None], select_id: str, downs: int) -> None:
    """Open a Select with the keyboard and move ``downs`` options down from the current one."""
    step(pilot.app).query_one(f"#{select_id}", Select).focus()  # type: ignore[arg-type]
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(abs(downs)):
        await pilot.press("down" if downs > 0 else "up")
    await pilot.press("enter")
    await pilot.pause()


async def focus_table(pilot: Pilot[None], table_id: str) -> DataTable[object]:
    table = step(pilot.app).query_one(f"#{table_id} DataTable", DataTable)  # type: ignore[arg-type]
    table.focus()
    await pilot.pause()
    return table


async def new_case(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, ClientExitApp)
    app.new_case()
    await pilot.pause()
    await first_step_made(app, pilot)


async def open_sample(pilot: Pilot[None], tmp_path: Path, name: str = BAKERY) -> Path:
    path = tmp_path / name
    shutil.copy(SAMPLES / name, path)
    app = pilot.app
    assert isinstance(app, ClientExitApp)
    app.open_case(path)
    await pilot.pause()
    await first_step_made(app, pilot)
    return path


async def test_a_field_chosen_before_the_cursor_is_placed_keeps_the_focus(
    tmp_path: Path,
) -> None:
    # The wizard puts the cursor in the first field after its first frame. A field the
    # user reached before that (a click, a tab while the screen drew) keeps the focus,
    # or their first keys would land in the client's name.
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        screen = wizard(app)
        notice = step(app).query_one("#notice-days", Input)
        notice.focus()
        await pilot.pause()
        screen.place_cursor()
        await pilot.pause()
        assert app.focused is notice
        # Focus outside the step (the step list, where it sits before the first frame
        # is drawn): the cursor goes to the step's first field.
        screen.query_one("#steps").focus()
        await pilot.pause()
        screen.place_cursor()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "client-name"


async def test_call_date_and_notice_days_update_the_end_dates(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        assert "Service ends — · their records deleted —" in text_of(app, "#end-dates")

        await type_into(pilot, "call-date", "2026-11-28")
        await type_into(pilot, "notice-days", "2")

        case = wizard(app).case
        assert case.call.date == date(2026, 11, 28)
        assert case.contract.notice_days == 2
        assert text_of(app, "#end-dates") == (
            "Service ends Mon 30 Nov 2026 · their records deleted Wed 30 Dec 2026"
        )
        assert text_of(app, "#notice-explained") == "The service ends 2 days after the call."
        # The sidebar follows too: the screen heard about the edit.
        assert "Mon 30 Nov 2026" in str(wizard(app).query_one("#dates", Static).content)
        assert wizard(app).dirty


async def test_end_of_month_rule_ends_on_the_last_day_of_the_month(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        await fill(pilot, "call-date", "2026-02-10")
        await type_into(pilot, "notice-days", "0")
        await choose(pilot, "notice-rule", 1)

        case = wizard(app).case
        assert case.contract.notice_rule is NoticeRule.END_OF_MONTH
        assert "Service ends Sat 28 Feb 2026" in text_of(app, "#end-dates")
        assert text_of(app, "#notice-explained") == (
            "The service ends on the last day of the month of the call."
        )

        await fill(pilot, "call-date", "2028-02-10")
        assert "Service ends Tue 29 Feb 2028" in text_of(app, "#end-dates")

        await type_into(pilot, "notice-days", "20")
        assert "Service ends Fri 31 Mar 2028" in text_of(app, "#end-dates")
        assert text_of(app, "#notice-explained") == (
            "The service ends on the last day of the month, 20 days after the call."
        )


async def test_fixed_rule_shows_its_own_date_field_and_uses_it(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        await fill(pilot, "call-date", "2026-11-28")
        await fill(pilot, "notice-days", "10")
        assert shown(app, "#notice-days") and not shown(app, "#fixed-end")

        await choose(pilot, "notice-rule", 2)
        case = wizard(app).case
        assert case.contract.notice_rule is NoticeRule.FIXED
        assert shown(app, "#fixed-end") and not shown(app, "#notice-days")
        # The fixed date starts where the old rule put the end, so nothing jumps.
        assert step(app).query_one("#fixed-end", Input).value == "2026-12-08"
        assert "Service ends Tue 08 Dec 2026" in text_of(app, "#end-dates")

        await type_into(pilot, "fixed-end", "2027-01-15")
        assert case.contract.effective_date == date(2027, 1, 15)
        assert text_of(app, "#end-dates") == (
            "Service ends Fri 15 Jan 2027 · their records deleted Sun 14 Feb 2027"
        )
        # Moving the call no longer moves a fixed end.
        await fill(pilot, "call-date", "2026-12-01")
        assert "Service ends Fri 15 Jan 2027" in text_of(app, "#end-dates")

        # An end before the call is called out.
        await fill(pilot, "fixed-end", "2026-11-20")
        assert "before the call" in text_of(app, "#contract-warnings")


async def test_a_wrong_date_keeps_the_text_and_the_old_value(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(pilot, tmp_path)
        await pilot.pause()
        case = wizard(app).case
        assert case.call.date == date(2026, 11, 27)
        assert not shown(app, "#call-date-error")

        # Retype the day over the old one: every step of the way is not a valid date.
        field = step(app).query_one("#call-date", Input)
        field.focus()
        await pilot.press("end", "backspace", "backspace", "3", "2")
        await pilot.pause()

        assert field.value == "2026-11-32"
        assert field.has_class("-invalid")
        assert case.call.date == date(2026, 11, 27)
        assert shown(app, "#call-date-error")
        assert "expected a date like 2026-11-28" in text_of(app, "#call-date-error")
        # Moving on to the next field keeps the mark, so saving can still warn about it.
        await pilot.press("tab")
        await pilot.pause()
        assert field.has_class("-invalid")
        assert step(app).invalid_fields == ["Call date"]

        # Money and notice days are checked the same way.
        step(app).query_one("#deposit", Input).focus()
        await pilot.press("end", "x")
        await pilot.pause()
        assert "expected an amount like 1500.00" in text_of(app, "#deposit-error")
        assert case.contract.deposit == Decimal("3000.00")
        await type_into(pilot, "notice-days", "-3")
        assert "cannot be negative" in text_of(app, "#notice-days-error")
        await type_into(pilot, "notice-days", "x")
        assert "expected a number of days like 30" in text_of(app, "#notice-days-error")
        assert case.contract.notice_days == 14

        # Typing it right clears the message and takes the value.
        field.focus()
        await pilot.press("end", "backspace", "0")
        await pilot.pause()
        assert case.call.date == date(2026, 11, 30)
        assert not field.has_class("-invalid")
        assert not shown(app, "#call-date-error")


async def add_invoice(pilot: Pilot[None], *fields: str) -> None:
    """Press a on the invoice table, fill the dialog field by field with tab, save with ctrl+s."""
    await focus_table(pilot, "invoices")
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, RecordDialog)
    for index, value in enumerate(fields):
        if index:
            await pilot.press("tab")
        await pilot.press(*value)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_adding_an_invoice_with_the_keyboard_warns_about_money_owed(
    tmp_path: Path,
) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        assert "still owed" not in text_of(app, "#contract-warnings")
        assert not shown(app, "#owed-total")

        await add_invoice(pilot, "INV-7", "1200", "200", "2026-11-01")

        case = wizard(app).case
        assert len(case.contract.invoices) == 1
        invoice = case.contract.invoices[0]
        assert (invoice.number, invoice.amount, invoice.paid, invoice.due) == (
            "INV-7",
            Decimal("1200.00"),
            Decimal("200.00"),
            date(2026, 11, 1),
        )
        table = await focus_table(pilot, "invoices")
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == "INV-7"
        assert "1,000.00 EUR is still owed on 1 invoice" in text_of(app, "#contract-warnings")
        assert shown(app, "#contract-warnings")
        assert text_of(app, "#owed-total") == "Still owed: 1,000.00 EUR on 1 invoice"


async def test_paid_more_than_the_amount_is_refused(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        case = wizard(app).case
        await add_invoice(pilot, "INV-8", "100", "250")

        # The dialog comes back with what was typed, and nothing is added.
        dialog = app.screen
        assert isinstance(dialog, RecordDialog)
        assert dialog.query_one("#field-paid", Input).value == "250.00"
        assert case.contract.invoices == []
        assert any("more than the amount" in n.message for n in app._notifications)

        # Fixing the figure saves it.
        dialog.query_one("#field-paid", Input).focus()
        await pilot.press("end", "ctrl+u", *"100", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RecordDialog)
        assert wizard(app).case.contract.invoices[0].paid == Decimal("100.00")
        assert text_of(app, "#owed-total") == "Nothing owed: every invoice is paid in full."


async def test_editing_and_removing_invoices(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(pilot, tmp_path)
        await pilot.pause()
        case = wizard(app).case
        assert "12,000.00 PLN is still owed on 3 invoices" in text_of(app, "#contract-warnings")

        table = await focus_table(pilot, "invoices")
        await pilot.press("down")  # FV/2026/09: 4,800 of which 2,400 paid
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RecordDialog)
        assert dialog.query_one("#field-number", Input).value == "FV/2026/09"
        dialog.query_one("#field-paid", Input).focus()
        await pilot.press("end", "ctrl+u", *"4800", "ctrl+s")
        await pilot.pause()
        assert case.contract.invoices[1].paid == Decimal("4800.00")
        assert table.cursor_row == 1
        assert "9,600.00 PLN is still owed on 2 invoices" in text_of(app, "#contract-warnings")

        # Remove the last two (both unpaid): the warning goes away.
        await pilot.press("end")
        table.move_cursor(row=3)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert [inv.number for inv in case.contract.invoices] == ["FV/2026/08", "FV/2026/09"]
        assert table.row_count == 2
        assert "still owed" not in text_of(app, "#contract-warnings")
        assert text_of(app, "#owed-total") == "Nothing owed: every invoice is paid in full."


async def test_adding_and_editing_deliverables(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        await focus_table(pilot, "deliverables")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        # A new deliverable starts "in progress"; name, then the due date past the status.
        await pilot.press(*"Report", "tab", "tab", *"2026-12-15")
        await pilot.press("ctrl+s")
        await pilot.pause()

        case = wizard(app).case
        [deliverable] = case.contract.deliverables
        assert deliverable.name == "Report"
        assert deliverable.status is DeliverableStatus.IN_PROGRESS
        assert deliverable.due == date(2026, 12, 15)
        table = await focus_table(pilot, "deliverables")
        assert [str(cell) for cell in table.get_row_at(0)] == [
            "Report",
            "in progress",
            "2026-12-15",
        ]
        assert "Work left undone: Report" in text_of(app, "#contract-warnings")

        # Mark it done: the warning about unfinished work goes.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        await pilot.press("tab", "enter", "up", "enter", "ctrl+s")
        await pilot.pause()
        assert deliverable.status is DeliverableStatus.DONE
        assert str(table.get_row_at(0)[1]) == "done"
        assert "Work left undone" not in text_of(app, "#contract-warnings")


async def test_warnings_appear_and_disappear_as_the_facts_change(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        assert text_of(app, "#contract-warnings") == "The call has no date yet."
        assert "No written termination clause" in text_of(app, "#contract-advice")
        assert "emails" in text_of(app, "#contract-advice")

        await type_into(pilot, "termination-clause", "2.9")
        assert not shown(app, "#contract-advice")
        await fill(pilot, "call-date", "2026-11-28")
        assert not shown(app, "#contract-warnings")

        await type_into(pilot, "termination-clause", "")
        assert shown(app, "#contract-advice")
        assert wizard(app).case.contract.termination_clause == ""


async def test_saving_keeps_every_field(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case(pilot)
        # Typing is tested field by field elsewhere; here every field is filled the quick way
        # (a value change is exactly what typing produces) and the keyboard does the rest.
        for input_id, text in [
            ("client-name", "Acme Corp"),
            ("client-contact", "Jordan Blake"),
            ("client-email", "jordan@acme.example"),
            ("contract-title", "Website retainer"),
            ("termination-clause", "2.9"),
            ("signed", "2024-07-01"),
            ("call-date", "2026-11-28"),
            ("notice-days", "14"),
            ("deposit", "1,500.50"),
            ("consultant-name", "Sam Rivera"),
            ("consultant-business", "Rivera Digital"),
            ("consultant-email", "sam@rivera.example"),
            ("consultant-phone", "+1 555 0100"),
        ]:
            step(app).query_one(f"#{input_id}", Input).value = text
        await type_into(pilot, "call-time", "9:30")
        await type_into(pilot, "currency", "gbp")
        assert step(app).query_one("#currency", Input).value == "GBP"
        await choose(pilot, "medium", 1)
        await choose(pilot, "notice-rule", 1)
        step(app).query_one("#deposit-refundable").focus()
        await pilot.press("space")
        await add_invoice(pilot, "I1", "800", "800")
        await pilot.press("ctrl+s")
        await pilot.pause()

        path = wizard(app).path
        assert path is not None and not wizard(app).dirty
        saved = load_case(path)
        assert (saved.client.name, saved.client.contact, saved.client.email) == (
            "Acme Corp",
            "Jordan Blake",
            "jordan@acme.example",
        )
        assert saved.contract.title == "Website retainer"
        assert saved.contract.termination_clause == "2.9"
        assert saved.contract.signed == date(2024, 7, 1)
        assert saved.call.date == date(2026, 11, 28)
        assert saved.call.time == "09:30"
        assert saved.call.medium.value == "phone"
        assert saved.contract.notice_rule is NoticeRule.END_OF_MONTH
        assert saved.contract.notice_days == 14
        assert saved.contract.effective_date == date(2026, 12, 31)
        assert saved.contract.currency == "GBP"
        assert saved.contract.deposit == Decimal("1500.50")
        assert saved.contract.deposit_refundable is True
        assert [(i.number, i.amount, i.paid, i.due) for i in saved.contract.invoices] == [
            ("I1", Decimal("800.00"), Decimal("800.00"), None)
        ]
        assert (saved.consultant.name, saved.consultant.business) == (
            "Sam Rivera",
            "Rivera Digital",
        )
        assert (saved.consultant.email, saved.consultant.phone) == (
            "sam@rivera.example",
            "+1 555 0100",
        )
