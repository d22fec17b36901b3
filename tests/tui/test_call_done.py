"""After the call: "call done" records the outcome, marks the case done and writes the follow-up."""

from __future__ import annotations

import email.policy
import stat
from datetime import date
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static, TextArea
from wizard_helpers import open_sample_at, wizard

from clientexit.core.model import Status
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.call_done import CallDoneDialog
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.help import help_markdown
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets import upcoming

SAMPLE = "piekarnia"
CALL_DAY = date(2026, 11, 27)
"""The sample's planned call: the day after it, the dialog offers it."""


@pytest.fixture(autouse=True)
def after_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upcoming, "current_day", lambda: date(2026, 11, 28))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir(mode=0o700)
    return folder


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def open_call_done(app: ClientExitApp, pilot: Pilot[None], library: Path) -> Path:
    path = await open_sample_at(app, pilot, library, SAMPLE, Step.REVIEW)
    await pilot.press("ctrl+d")
    await pilot.pause()
    assert isinstance(app.screen, CallDoneDialog)
    return path


def followup_file(library: Path, path: Path) -> Path:
    return library / "exports" / f"{path.stem}-followup.eml"


def read_email(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=email.policy.default).parse(handle)
    assert isinstance(message, EmailMessage)
    return message


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_call_done_records_the_outcome_and_writes_the_followup(library: Path) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_call_done(app, pilot, library)
        dialog = app.screen
        # The planned call has come, so it is the day offered.
        assert dialog.query_one("#call-done-date", Input).value == CALL_DAY.isoformat()
        await pilot.press("tab")
        assert isinstance(app.focused, SelectionList)
        await pilot.press("space", "down", "down", "space")  # objections 1 and 3
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea)
        await type_text(pilot, "Final invoice paid by 15 December")
        await pilot.press("enter")
        await type_text(pilot, "Zofia gets the photo archive")
        await pilot.press("ctrl+s")
        await pilot.pause()

        # Written: the summary names the file and offers to copy the text.
        summary = app.screen
        assert isinstance(summary, ConfirmDialog)
        target = followup_file(library, path)
        assert str(target) in summary.detail
        await pilot.press("y")
        await pilot.pause()
        assert "Final invoice paid by 15 December" in app.clipboard
        assert "31 December 2026" in app.clipboard

        screen = wizard(app)
        assert not screen.dirty
        outcome_box = screen.query_one("#outcome", Static)
        assert outcome_box.display
        assert "Call held on Fri 27 Nov 2026." in str(outcome_box.render())

    case = load_case(path)
    assert case.status is Status.DONE
    assert case.outcome.date == CALL_DAY
    assert case.outcome.objections == [1, 3]
    assert case.outcome.agreed == "Final invoice paid by 15 December\nZofia gets the photo archive"
    assert not (library / ".recovery").exists() or not any((library / ".recovery").iterdir())

    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    message = read_email(target)
    assert message["To"].addresses[0].addr_spec == "zofia@piekarnia-lodzka.example"
    assert "31 December 2026" in message["Subject"]
    body = message.get_content()
    assert "my services end on 31 December 2026" in body
    assert "until 30 January 2027" in body
    assert "Final invoice paid by 15 December." in body
    assert "Zofia gets the photo archive." in body


async def test_escape_cancels_and_changes_nothing(library: Path) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_call_done(app, pilot, library)
        before = path.read_bytes()
        await pilot.press("tab", "space", "tab")
        await type_text(pilot, "nothing")
        await pilot.press("escape")
        await pilot.pause()
        screen = wizard(app)
        assert screen.case.status is Status.READY
        assert screen.case.outcome.empty
        assert not screen.dirty
        assert not screen.query_one("#outcome", Static).display
    assert path.read_bytes() == before
    assert not (library / "exports").exists()


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("2026-13-01", "Day of the call: expected a date like 2026-11-28, got '2026-13-01'"),
        ("", "Day of the call: required"),
        ("2026-12-02", "Day of the call: 2026-12-02 is after today"),
    ],
    ids=["impossible", "empty", "future"],
)
async def test_a_wrong_date_is_named(library: Path, typed: str, named: str) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_call_done(app, pilot, library)
        before = path.read_bytes()
        day = app.screen.query_one("#call-done-date", Input)
        day.value = ""
        await type_text(pilot, typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CallDoneDialog)
        error = app.screen.query_one("#error-date", Static)
        assert error.has_class("-shown")
        assert named in str(error.render())
        assert app.focused is day
        # Fixed, it goes through.
        day.value = "2026-11-26"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
    assert path.read_bytes() != before
    assert load_case(path).outcome.date == date(2026, 11, 26)


async def test_a_done_case_shows_its_outcome_to_edit_and_asks_before_replacing(
    library: Path,
) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_call_done(app, pilot, library)
        await pilot.press("tab", "down", "space", "tab")
        await type_text(pilot, "Handover on Monday")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # the summary: do not copy
        await pilot.pause()
        target = followup_file(library, path)
        first = target.read_bytes()

        await pilot.press("ctrl+d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CallDoneDialog)
        assert "Edit what you recorded" in str(dialog.query_one(".dialog-title", Static).render())
        assert dialog.query_one(SelectionList).selected == [2]
        area = dialog.query_one(TextArea)
        assert area.text == "Handover on Monday"
        area.text = "Handover on Tuesday"
        await pilot.press("ctrl+s")
        await pilot.pause()
        ask = app.screen
        assert isinstance(ask, ConfirmDialog)
        assert ask.question == f"Replace {target.name}?"
        await pilot.press("n")  # keep the earlier one
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert target.read_bytes() == first
        # The case itself was saved with the new words.
        assert load_case(path).outcome.agreed == "Handover on Tuesday"

        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # replace
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # the summary
        await pilot.press("escape")
    assert "Handover on Tuesday." in read_email(target).get_content()
    assert mode(target) == 0o600


async def test_the_leak_guard_runs_before_the_followup_is_written(library: Path) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_call_done(app, pilot, library)
        # Words straight from a private incident note.
        app.screen.query_one(TextArea).text = (
            "Asked for a payment date in writing; Zofia's reply: 'after the Christmas rush, "
            "you know how it is'."
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        warning = app.screen
        assert isinstance(warning, ConfirmDialog)
        assert "private note" in warning.question
        assert "what was agreed on the call" in warning.detail
        await pilot.press("escape")  # do not write it
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
    assert not followup_file(library, path).exists()
    # The call is still recorded: only the email was held back.
    assert load_case(path).status is Status.DONE


async def test_the_palette_and_the_help_know_call_done(library: Path) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, library, SAMPLE, Step.CONTRACT)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Call done" in titles
        text = help_markdown(app.screen)
        assert "| `ctrl+d` | Call done |" in text


async def test_a_new_case_without_addresses_gets_a_draft_and_is_told_what_is_missing(
    library: Path,
) -> None:
    app = build_app(library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        app.new_case()
        await pilot.pause()
        wizard(app).open_step(Step.REVIEW)
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CallDoneDialog)
        # No planned call: the day offered is today; no objections to tick.
        assert dialog.query_one("#call-done-date", Input).value == "2026-11-28"
        assert not dialog.query(SelectionList)
        await pilot.press("ctrl+s")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, ConfirmDialog)
        assert "no recipient (To)" in summary.detail
        await pilot.press("escape")
        await pilot.pause()
        path = wizard(app).path
    assert path is not None and path.parent == library
    assert load_case(path).status is Status.DONE
    assert read_email(followup_file(library, path))["To"] == ""
