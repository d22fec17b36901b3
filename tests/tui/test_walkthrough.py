"""A whole case, from nothing to a saved, ready file, with the keyboard alone.

This is the product's promise in one test: a new user can prepare a case
through all six steps without touching the mouse, save it, and the file
validates and reopens with everything intact.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from textual.pilot import Pilot

from clientexit.core import rules
from clientexit.core.model import (
    DeliverableStatus,
    Medium,
    NoticeRule,
    Reason,
    RedFlag,
    ReferralMode,
    Status,
    Tone,
)
from clientexit.core.rules import Step
from clientexit.core.store import case_files
from clientexit.core.validate import load_case
from clientexit.tui.app import build_app
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.screens.wizard import WizardScreen


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*(("space" if ch == " " else ch) for ch in text))


async def fill(pilot: Pilot, *fields: str) -> None:
    """Type each value and move on with tab, like filling a paper form."""
    for value in fields:
        if value:
            await type_text(pilot, value)
        await pilot.press("tab")


async def dialog(pilot: Pilot, *fields: str) -> None:
    """Fill a record form field by field and save it with ctrl+s."""
    app = pilot.app
    # The form is opened by a worker; give it a moment to arrive.
    for _ in range(20):
        if isinstance(app.screen, RecordDialog):
            break
        await pilot.pause(0.05)
    assert isinstance(app.screen, RecordDialog)
    for index, value in enumerate(fields):
        if value:
            await type_text(pilot, value)
        if index < len(fields) - 1:
            await pilot.press("tab")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert not isinstance(app.screen, RecordDialog), "the form did not accept its values"


async def test_new_case_through_every_step_with_the_keyboard(tmp_path: Path) -> None:
    library = tmp_path / "library"
    app = build_app(library=library)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("n")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.current is Step.CONTRACT
        assert "not saved yet" in wizard.sub_title

        # 1 Contract: client, contract, call, notice, money, an invoice, a deliverable, you.
        await fill(pilot, "Acme Corp", "Jordan Blake", "jordan@acme.example")
        await fill(pilot, "Website retainer", "2.9", "2024-07-01", "2026-11-30", "10:00")
        # The medium: open the list, pick "Phone".
        await pilot.press("enter", "down", "enter", "tab")
        # The notice rule: "End of the month".
        await pilot.press("enter", "down", "enter", "tab")
        await pilot.pause()
        # Tabbing into a field selects its text, so typing replaces the default 30 days.
        await fill(pilot, "0", "", "")
        assert wizard.case.contract.notice_rule is NoticeRule.END_OF_MONTH
        assert rules.effective_date(wizard.case) == date(2026, 11, 30)
        await pilot.press("tab")  # past the refundable box, to the invoices
        await pilot.press("a")
        await dialog(pilot, "INV-104", "2400.00", "1200.00", "2026-09-01")
        await pilot.press("tab", "a")
        await dialog(pilot, "Homepage redesign")
        await pilot.press("tab")
        await fill(pilot, "Sam Rivera", "Rivera Digital", "sam@rivera.example", "+1 555 0100")
        assert wizard.case.call.medium is Medium.PHONE

        # 2 Reasons: first noted, two red flags, an incident.
        await pilot.press("f6")
        await pilot.pause()
        assert wizard.current is Step.REASONS
        await fill(pilot, "2026-11-10")
        await pilot.press("space", "down", "down", "space", "tab")  # late payment, scope creep
        await pilot.press("a")
        await dialog(pilot, "2026-10-03", "", "Second reminder for INV-104; paid half.")

        # 3 Tone: firm, and the capacity reason.
        await pilot.press("f6")
        await pilot.pause()
        assert wizard.current is Step.TONE
        await pilot.press("down", "down", "enter", "tab")
        await pilot.press("down", "down", "down", "enter")

        # 4 Referral and handover: one named colleague, the usual handover items.
        await pilot.press("f6")
        await pilot.pause()
        assert wizard.current is Step.REFERRAL
        await pilot.press("tab", "a")
        await dialog(pilot, "The Good Business", "hello@goodbusiness.example", "a larger team")
        await pilot.press("ctrl+t")
        await pilot.pause()

        # 5 Script: written for me, plus the common objections.
        await pilot.press("f6")
        await pilot.pause()
        assert wizard.current is Step.SCRIPT
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()

        # 6 Review: mark ready, save.
        await pilot.press("f6")
        await pilot.pause()
        assert wizard.current is Step.REVIEW
        await pilot.press("ctrl+k", "ctrl+s")
        await pilot.pause()
        assert not wizard.dirty
        assert wizard.path is not None
        saved = wizard.path

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)

    assert case_files(library) == [saved]
    assert saved.name == "acme-corp-2026-11-30.toml"
    case = load_case(saved)
    assert case.client.name == "Acme Corp"
    assert case.client.contact == "Jordan Blake"
    assert case.contract.termination_clause == "2.9"
    assert case.contract.signed == date(2024, 7, 1)
    assert case.call.date == date(2026, 11, 30)
    assert case.call.time == "10:00"
    assert case.call.medium is Medium.PHONE
    assert case.contract.notice_rule is NoticeRule.END_OF_MONTH
    assert case.contract.notice_days == 0
    assert case.contract.effective_date == date(2026, 11, 30)
    [invoice] = case.contract.invoices
    assert (invoice.number, invoice.amount, invoice.paid) == (
        "INV-104",
        Decimal("2400.00"),
        Decimal("1200.00"),
    )
    assert invoice.due == date(2026, 9, 1)
    [deliverable] = case.contract.deliverables
    assert deliverable.name == "Homepage redesign"
    assert deliverable.status is DeliverableStatus.IN_PROGRESS
    assert case.consultant.name == "Sam Rivera"
    assert case.consultant.phone == "+1 555 0100"
    assert case.reasons.first_noted == date(2026, 11, 10)
    assert case.reasons.red_flags == [RedFlag.LATE_PAYMENT, RedFlag.SCOPE_CREEP]
    [incident] = case.reasons.incidents
    assert incident.date == date(2026, 10, 3)
    assert incident.note == "Second reminder for INV-104; paid half."
    assert case.tone.choice is Tone.FIRM
    assert case.tone.reason is Reason.CAPACITY
    assert case.referral.mode is ReferralMode.NAMED
    assert [c.name for c in case.referral.contacts] == ["The Good Business"]
    assert len(case.handover.items) >= 6
    assert case.script.lines and case.script.objections
    assert case.status is Status.READY
    # Nothing internal reached the words meant for the client.
    client_words = " ".join(line.text for line in case.script.lines)
    assert "paid half" not in client_words
