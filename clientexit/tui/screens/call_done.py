"""After the call: record how it went, mark the case done, and write the follow-up email.

:class:`CallDoneDialog` asks for the day of the call, which prepared objections
came up and what was agreed. :func:`record_call_done` runs the whole action for
the wizard: it saves the case through the wizard's own save path (so the unsaved
marker, autosave and recovery behave as for any edit), runs the leak guard on the
follow-up, writes it as an email draft into the library's ``exports`` folder
(0600, in a 0700 folder, asking before it replaces a file) and offers to copy
its text.

What was agreed is client-facing: it goes into the follow-up word for word, so
the dialog says so, and the leak guard checks it against the private notes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static, TextArea

from clientexit.core import rules
from clientexit.core.model import Case, NoticeRule, Outcome, Status
from clientexit.core.paths import exports_dir
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.record import parse_date
from clientexit.tui.widgets import upcoming

if TYPE_CHECKING:
    from clientexit.tui.screens.wizard import WizardScreen

OBJECTION_WIDTH = 64

MAX_LEAK_LINES = 3
"""Leaked phrases named in the question before "and N more"."""


def _long_day(day: date | None) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}" if day else "not known yet"


def default_call_day(case: Case, today: date) -> date:
    """The day to offer: what is recorded, else the planned call if it has come, else today."""
    if case.outcome.date is not None:
        return case.outcome.date
    planned = case.call.date
    if planned is not None and planned <= today:
        return planned
    return today


def followup_path(library: Path, case_path: Path) -> Path:
    """``<library>/exports/<case file stem>-followup.eml``."""
    return exports_dir(library) / f"{case_path.stem}-followup.eml"


def _objection_label(number: int, text: str) -> str:
    words = " ".join(text.split()) or "(no words for the client's side yet)"
    if len(words) > OBJECTION_WIDTH:
        words = words[: OBJECTION_WIDTH - 1] + "…"
    return f"{number}. “{words}”"


class CallDoneDialog(ModalScreen[Outcome | None]):
    """The day of the call, the objections that came up, and what was agreed."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="call_done.cancel"),
        Binding("ctrl+s", "save", "Done", priority=True, id="call_done.save"),
    ]

    def __init__(self, case: Case, *, today: date) -> None:
        super().__init__()
        self.case = case
        self.today = today
        self.editing = not case.outcome.empty or case.status is Status.DONE
        self.checked: str | None = None
        """The day's text as last checked on save, while its error is shown."""

    def compose(self) -> ComposeResult:
        case = self.case
        outcome = case.outcome
        with Vertical(id="dialog", classes="dialog call-done-dialog"):
            yield Static(
                "Edit what you recorded about the call"
                if self.editing
                else f"The call with {case.title} is done",
                classes="dialog-title",
            )
            yield Static(
                "Done marks the case done and writes the follow-up email: the end date, "
                "the handover and when their files are deleted, in writing.",
                classes="dialog-detail",
            )
            with VerticalScroll(id="call-done-fields"):
                yield Label("Day of the call *", classes="field-label -first")
                yield Input(
                    default_call_day(case, self.today).isoformat(),
                    placeholder=self.today.isoformat(),
                    id="call-done-date",
                    compact=True,
                )
                yield Static("", id="error-date", classes="field-error")
                objections = case.script.objections
                if objections:
                    yield Label(
                        "Which prepared objections came up? (space ticks)", classes="field-label"
                    )
                    yield SelectionList[int](
                        *(
                            (
                                _objection_label(n, objection.client),
                                n,
                                n in outcome.objections,
                            )
                            for n, objection in enumerate(objections, start=1)
                        ),
                        id="call-done-objections",
                        compact=True,
                    )
                else:
                    yield Static(
                        "The script has no prepared objections to tick.",
                        classes="field-label",
                    )
                yield Static(
                    Content.assemble(
                        "What was agreed, one point per line. ",
                        ("The client reads this: it goes into the follow-up email.", "bold"),
                    ),
                    classes="field-label client-facing",
                )
                area = TextArea(
                    outcome.agreed, id="call-done-agreed", soft_wrap=True, show_line_numbers=False
                )
                area.tab_behavior = "focus"
                yield area
                yield Static("", id="call-done-dates")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Done  ctrl+s", id="save", variant="primary")

    def on_mount(self) -> None:
        self.show_dates()
        self.query_one("#call-done-date", Input).focus()

    # -- showing -------------------------------------------------------------

    def show_dates(self) -> None:
        """What the follow-up will confirm, so a wrong end date is seen before it is sent."""
        case = self.case
        end = rules.effective_date(case)
        gone = rules.deletion_date(case)
        text = (
            f"The follow-up confirms: service ends {_long_day(end)}; "
            f"your copies of their files are deleted {_long_day(gone)}."
        )
        try:
            day = parse_date(self.query_one("#call-done-date", Input).value)
        except ValueError:
            day = None
        planned = case.call.date
        if (
            day is not None
            and planned is not None
            and day != planned
            and case.contract.notice_rule is not NoticeRule.FIXED
        ):
            text += (
                f" The notice counts from the planned call ({_long_day(planned)}): "
                "if it runs from the day you spoke, change the call date on the Contract step."
            )
        self.query_one("#call-done-dates", Static).update(text)

    def show_error(self, message: str) -> None:
        box = self.query_one("#error-date", Static)
        box.update(message)
        box.set_class(bool(message), "-shown")
        self.query_one("#call-done-date", Input).set_class(bool(message), "-invalid")

    # -- events --------------------------------------------------------------

    @on(Input.Changed, "#call-done-date")
    def date_changed(self, event: Input.Changed) -> None:
        # The message stays until the text is changed from what was checked.
        if event.value != self.checked:
            self.show_error("")
        self.show_dates()

    @on(Input.Submitted, "#call-done-date")
    def date_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#save")
    def save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    # -- actions -------------------------------------------------------------

    def read_day(self) -> date | None:
        """The day typed, or None after naming what is wrong with it."""
        text = self.query_one("#call-done-date", Input).value
        self.checked = text
        if not text.strip():
            self.show_error("Day of the call: required, like 2026-11-28")
            return None
        try:
            day = parse_date(text)
        except ValueError as error:
            self.show_error(f"Day of the call: {error}")
            return None
        if day > self.today:
            self.show_error(
                f"Day of the call: {day.isoformat()} is after today; "
                "record the call once it has happened"
            )
            return None
        return day

    def action_save(self) -> None:
        day = self.read_day()
        if day is None:
            self.query_one("#call-done-date", Input).focus()
            self.notify("Check the day of the call.", severity="warning")
            return
        ticked = self.query("#call-done-objections")
        objections = sorted(ticked.first(SelectionList).selected) if ticked else []
        agreed = self.query_one("#call-done-agreed", TextArea).text.strip("\n")
        self.dismiss(
            Outcome(
                date=day,
                objections=objections,
                agreed=agreed,
                extra=dict(self.case.outcome.extra),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def outcome_summary(case: Case) -> str:
    """The recorded outcome in a few lines, for the Review step ("" when none)."""
    outcome = case.outcome
    if outcome.empty:
        return ""
    lines = [f"Call held on {_long_day(outcome.date)}."]
    objections = case.script.objections
    came_up = [
        " ".join(objections[n - 1].client.split()) or f"objection {n}"
        for n in outcome.objections
        if 0 < n <= len(objections)
    ]
    if came_up:
        lines.append("Came up: " + "; ".join(f"“{text}”" for text in came_up))
    else:
        lines.append("None of the prepared objections came up.")
    agreed = [line.strip() for line in outcome.agreed.splitlines() if line.strip()]
    if agreed:
        lines.append("Agreed:")
        lines += [f"  • {line}" for line in agreed]
    return "\n".join(lines)


def _write_private(path: Path, data: bytes) -> None:
    from clientexit.core.store import ensure_library, write_atomic

    # ensure_library makes the folder 0700 (and closes it if it was open to others).
    ensure_library(path.parent)
    write_atomic(path, data, backup=False)


async def record_call_done(wizard: WizardScreen) -> None:
    """The "call done" action: ask, save the case as done, write and offer the follow-up.

    Runs in a worker of the wizard (it waits for dialogs). Escape in the first
    dialog changes nothing.
    """
    app = wizard.app
    case = wizard.case
    outcome = await app.push_screen_wait(CallDoneDialog(case, today=upcoming.current_day()))
    if outcome is None:
        return
    case.outcome = outcome
    case.status = Status.DONE
    # As for any edit: marked unsaved and copied for recovery until the save succeeds.
    wizard.dirty = True
    wizard.autosaver.changed()
    wizard.update_title()
    saved = wizard.action_save()
    wizard.pane(wizard.current).refresh_from_case()
    wizard.refresh_steps()
    wizard.refresh_bindings()
    if not saved or wizard.path is None:
        return
    await write_followup(wizard, case, wizard.path)


async def write_followup(wizard: WizardScreen, case: Case, case_path: Path) -> Path | None:
    """Leak guard, then the follow-up draft into the exports folder; returns where it went."""
    from clientexit.core import leak, mail, render
    from clientexit.core.store import StoreError

    app = wizard.app
    try:
        leaks = leak.scan(case, ("followup",))
        data = mail.draft_bytes(case, "followup")
        text = render.markdown_to_text(render.render_followup(case))
    except render.TemplateProblem as error:
        app.notify(str(error), title="Follow-up not written", severity="error", timeout=15)
        return None
    if leaks:
        lines = leak.summary(leaks)
        if len(lines) > MAX_LEAK_LINES:
            # The question must fit a small screen: the first few say what to look for.
            more = len(lines) - MAX_LEAK_LINES + 1
            lines = [*lines[: MAX_LEAK_LINES - 1], f"…and {more} more."]
        anyway = await app.push_screen_wait(
            ConfirmDialog(
                "Words from a private note are in the follow-up email",
                detail="\n".join(lines)
                + "\n\nThe case is saved as done. Reword them where it says, then ctrl+d on "
                "the Review step writes the follow-up again; or write it as it is.",
                yes="Write it anyway",
                no="Don't write it",
                danger=True,
            )
        )
        if not anyway:
            app.notify(
                "The case is saved as done; the follow-up email was not written.",
                title="Follow-up held back",
                severity="warning",
                timeout=8,
            )
            return None
    target = followup_path(wizard.library, case_path)
    if target.exists():
        replace = await app.push_screen_wait(
            ConfirmDialog(
                f"Replace {target.name}?",
                detail=f"A follow-up email for this case is already in {target.parent}.",
                yes="Replace",
                no="Keep it",
            )
        )
        if not replace:
            app.notify("The case is saved as done; the earlier follow-up was kept.", timeout=6)
            return None
    try:
        _write_private(target, data)
    except (OSError, StoreError) as error:
        reason = getattr(error, "strerror", None) or error
        app.notify(
            f"{target}: could not write: {reason}",
            title="Follow-up not written",
            severity="error",
            timeout=15,
        )
        return None
    # A draft without an address still opens; say what to fill in before sending.
    gaps = "".join(f"\nNote: {gap}." for gap in mail.warnings(case, "followup"))
    copy = await app.push_screen_wait(
        ConfirmDialog(
            "Follow-up email written",
            detail=f"{target}\n{gaps}\nOpen it in your mail client, read it once more and "
            "send it. Copy its text to the clipboard too?",
            yes="Copy the text",
            no="Close",
        )
    )
    if copy:
        app.copy_to_clipboard(text)
        app.notify("Follow-up text copied to the clipboard.", timeout=4)
    return target
