"""Step 1, the contract: who the client is, when you tell them, when the service ends, what is owed.

These are the facts the letter, the script and the handover are built on, so
every derived value (the end date, the deletion date, what is still owed) is
shown live as the facts are typed, and what would be awkward on the call
(money owed, work left undone) is said plainly at the top of the step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Select, Static

from clientexit.core import rules
from clientexit.core.model import (
    Case,
    Deliverable,
    DeliverableStatus,
    Invoice,
    Medium,
    NoticeRule,
)
from clientexit.core.rules import Level, Step
from clientexit.core.validate import parse_money
from clientexit.tui.screens.record import Field, RecordDialog, parse_date
from clientexit.tui.widgets.steady import SteadyInput
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.words import plural

if TYPE_CHECKING:
    from clientexit.tui.widgets.records import Cell, RecordTable

MEDIUMS: tuple[tuple[str, str], ...] = (
    ("Video", Medium.VIDEO.value),
    ("Phone", Medium.PHONE.value),
    ("In person", Medium.IN_PERSON.value),
)
NOTICE_RULES: tuple[tuple[str, str], ...] = (
    ("A number of days", NoticeRule.DAYS.value),
    ("End of the month", NoticeRule.END_OF_MONTH.value),
    ("A fixed date", NoticeRule.FIXED.value),
)
INVOICE_COLUMNS: tuple[str, ...] = ("Number", "Amount", "Paid", "Due", "Balance")
DELIVERABLE_COLUMNS: tuple[str, ...] = ("Deliverable", "Status", "Due")
STATUS_WORDS: dict[DeliverableStatus, str] = {
    DeliverableStatus.DONE: "done",
    DeliverableStatus.IN_PROGRESS: "in progress",
    DeliverableStatus.NOT_STARTED: "not started",
    DeliverableStatus.DROPPED: "dropped",
}

INVOICE_FIELDS = [
    Field("number", "Invoice number", placeholder="e.g. INV-104"),
    Field("amount", "Amount", "money", required=True, placeholder="e.g. 2400.00"),
    Field("paid", "Paid so far", "money", placeholder="0.00"),
    Field("due", "Due date", "date", placeholder="e.g. 2026-11-28"),
]
DELIVERABLE_FIELDS = [
    Field("name", "What you promised", required=True, placeholder="e.g. Homepage redesign"),
    Field(
        "status",
        "Status",
        "choice",
        choices=tuple((word, status.value) for status, word in STATUS_WORDS.items()),
    ),
    Field("due", "Due date", "date", placeholder="e.g. 2026-12-15"),
]

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
TABLE_ROWS = 10
"""Rows a RecordTable shows before it scrolls (and takes two columns for its scrollbar)."""
MAX_NOTICE_DAYS = 3650
"""Ten years: anything longer is a typo, and would run dates off the calendar."""


def day_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def long_day(value: date | None) -> str:
    """``Mon 30 Nov 2026``: the weekday matters when you are planning a call."""
    return value.strftime("%a %d %b %Y") if value else "—"


def optional_date(text: str) -> date | None:
    return typed_date(text) if text.strip() else None


def typed_date(text: str) -> date:
    """A date typed in a field; the message leaves out the text, which stays in the field."""
    try:
        return parse_date(text)
    except ValueError:
        raise ValueError("expected a date like 2026-11-28") from None


def amount(text: str) -> Decimal:
    """Money typed in a field: empty is zero; a wrong or negative amount raises ValueError."""
    if not text.strip():
        return Decimal("0.00")
    value = parse_money(text)
    if value is None:
        raise ValueError("expected an amount like 1500.00")
    if value < 0:
        raise ValueError("cannot be negative")
    return value


def money(value: Decimal) -> Text:
    return Text(f"{value:,.2f}", justify="right")


def fit(text: str, width: int) -> str:
    """One line of at most ``width`` characters, with an ellipsis when something was cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def _record_table() -> type[RecordTable]:
    """RecordTable, imported once the step's tables are made (see compose_later)."""
    from clientexit.tui.widgets.records import RecordTable

    return RecordTable


def cell_width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def table_width(columns: tuple[str, ...], rows: list[tuple[Cell, ...]]) -> int:
    """The width a DataTable gives these rows: each column its widest cell, plus padding."""
    return sum(
        max([cell_len(column), *(cell_width(row[i]) for row in rows)]) + 2
        for i, column in enumerate(columns)
    )


class FieldError(Static):
    """The message under a field: takes no room until there is something to say."""

    def __init__(self, *, id: str) -> None:
        super().__init__("", id=id, classes="field-error")
        self.display = False

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        # Set here rather than in CSS: ":empty" means "no child widgets", which a Static never has.
        self.display = bool(str(content))


def field(label: str, widget: Input | Select[str], *, size: str = "") -> ComposeResult:
    """A label above its field (in a form row; its messages go under the row, see ``errors``)."""
    # A fixed-width field cannot carry the shared "field" class: its 1fr width would win.
    with Vertical(id=f"{widget.id}-field", classes=f"field-fixed {size}" if size else "field"):
        yield Label(label)
        yield widget


def linked_input(input_id: str, placeholder: str) -> Input:
    # Input's own validation would clear the "-invalid" mark on blur; the step sets it.
    return SteadyInput(placeholder=placeholder, id=input_id, validate_on=())


def errors(*input_ids: str) -> ComposeResult:
    """Messages for the fields of one row, under the row at full width so they read in one line."""
    for input_id in input_ids:
        yield FieldError(id=f"{input_id}-error")


class ContractStep(StepPane):
    """The facts of the ending: client, contract, call, notice, money and work in progress."""

    step = Step.CONTRACT
    heading = "Contract"

    DEFAULT_CSS = """
    ContractStep {
        .group-title {
            margin-top: 1;
            text-style: bold;
            color: $text-secondary;
        }
        .field-fixed {
            height: auto;
            margin-right: 1;
            & > Label { color: $text-muted; }
            &.-date { width: 17; }
            &.-time { width: 12; }
            &.-days { width: 12; }
            &.-currency { width: 12; }
        }
        #notice-explained { color: $text-muted; }
        #end-dates { margin-top: 1; }
        #owed-total { padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        self._shown: dict[str, object] = {}
        """What each derived display last showed, so typing does not redraw tables needlessly."""
        self._link_fields()

    def compose(self) -> ComposeResult:
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "The facts the ending rests on: who, when, the notice, and what is still open.",
            classes="step-intro",
        )
        # Near the top, so what would be awkward on the call is seen first.
        yield Static("", id="contract-warnings", classes="warning")
        yield Static("", id="contract-advice", classes="advice")

        yield Static("Client", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from self._field("Client name", "client-name", "e.g. Acme Corp")
            yield from self._field("Contact person", "client-contact", "e.g. Jordan Blake")
        with Horizontal(classes="form-row"):
            yield from self._field("Their email", "client-email", "e.g. jordan@acme.example")
        if not self.held_back:
            yield from self.compose_later()

    def compose_later(self) -> ComposeResult:
        # Below the first screen at 80x24 (the warnings and the client come first): the
        # step a case opens on mounts these after its first frame, two thirds of its
        # widgets. The record tables' module (and Textual's DataTable) loads here too.
        from clientexit.tui.widgets.records import RecordTable

        yield Static("Contract", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from self._field("Contract title", "contract-title", "e.g. Website retainer")
        with Horizontal(classes="form-row"):
            yield from self._field(
                "Termination clause", "termination-clause", "e.g. 2.9, or leave empty if none"
            )
            yield from self._field("Signed on", "signed", "YYYY-MM-DD", size="-date")
        yield from errors("signed")

        yield Static("The call", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from self._field("Call date", "call-date", "YYYY-MM-DD", size="-date")
            yield from self._field("Time", "call-time", "HH:MM", size="-time")
            yield from field(
                "How",
                Select(MEDIUMS, value=self.case.call.medium.value, allow_blank=False, id="medium"),
            )
        yield from errors("call-date", "call-time")

        yield Static("Notice", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from field(
                "Notice rule",
                Select(
                    NOTICE_RULES,
                    value=self.case.contract.notice_rule.value,
                    allow_blank=False,
                    id="notice-rule",
                ),
            )
            yield from self._field("Days", "notice-days", "30", size="-days")
            yield from self._field("End date", "fixed-end", "YYYY-MM-DD", size="-date")
        yield from errors("notice-days", "fixed-end")
        yield Static("", id="notice-explained")
        yield Static("", id="end-dates")

        yield Static("Money", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from self._field("Currency", "currency", "EUR", size="-currency")
            yield from self._field("Deposit held", "deposit", "0.00")
        yield from errors("currency", "deposit")
        yield Checkbox(
            "The deposit is refundable",
            self.case.contract.deposit_refundable,
            id="deposit-refundable",
        )
        yield RecordTable(
            "Invoices",
            INVOICE_COLUMNS,
            empty="No invoices recorded.",
            noun="invoice",
            id="invoices",
        )
        yield Static("", id="owed-total")

        yield RecordTable(
            "Deliverables",
            DELIVERABLE_COLUMNS,
            empty="No deliverables recorded.",
            noun="deliverable",
            id="deliverables",
        )

        yield Static("You (you sign the letter)", classes="group-title")
        with Horizontal(classes="form-row"):
            yield from self._field("Your name", "consultant-name", "e.g. Sam Rivera")
            yield from self._field("Business", "consultant-business", "e.g. Rivera Digital")
        with Horizontal(classes="form-row"):
            yield from self._field("Your email", "consultant-email", "e.g. sam@rivera.example")
            yield from self._field("Phone", "consultant-phone", "e.g. +1 555 0100")

    def _field(
        self, label: str, input_id: str, placeholder: str, *, size: str = ""
    ) -> ComposeResult:
        yield from field(label, linked_input(input_id, placeholder), size=size)

    # -- links between the fields and the case ---------------------------------

    def _link_fields(self) -> None:
        def text(input_id: str, label: str, section: Callable[[], object], key: str) -> None:
            self.link(
                input_id,
                lambda: str(getattr(section(), key)),
                lambda value: setattr(section(), key, value.strip()),
                label,
            )

        text("client-name", "Client name", lambda: self.case.client, "name")
        text("client-contact", "Contact person", lambda: self.case.client, "contact")
        text("client-email", "Their email", lambda: self.case.client, "email")
        text("contract-title", "Contract title", lambda: self.case.contract, "title")
        text(
            "termination-clause",
            "Termination clause",
            lambda: self.case.contract,
            "termination_clause",
        )
        text("consultant-name", "Your name", lambda: self.case.consultant, "name")
        text("consultant-business", "Business", lambda: self.case.consultant, "business")
        text("consultant-email", "Your email", lambda: self.case.consultant, "email")
        text("consultant-phone", "Phone", lambda: self.case.consultant, "phone")

        self.link(
            "signed",
            lambda: day_text(self.case.contract.signed),
            self._write_signed,
            "Signed on",
        )
        self.link(
            "call-date", lambda: day_text(self.case.call.date), self._write_call_date, "Call date"
        )
        self.link("call-time", lambda: self.case.call.time, self._write_call_time, "Time")
        self.link(
            "notice-days",
            lambda: str(self.case.contract.notice_days),
            self._write_notice_days,
            "Notice days",
        )
        self.link(
            "fixed-end",
            lambda: day_text(self.case.contract.effective_date),
            self._write_fixed_end,
            "End date",
        )
        self.link("currency", lambda: self.case.contract.currency, self._write_currency, "Currency")
        self.link(
            "deposit",
            lambda: f"{self.case.contract.deposit:.2f}",
            self._write_deposit,
            "Deposit",
        )

    def _write_signed(self, value: str) -> None:
        self.case.contract.signed = optional_date(value)

    def _write_call_date(self, value: str) -> None:
        before = self.case.call.date
        self.case.call.date = optional_date(value)
        self._check_dates(lambda: setattr(self.case.call, "date", before))

    def _write_call_time(self, value: str) -> None:
        found = TIME.match(value.strip())
        if value.strip() and not found:
            raise ValueError("expected a time like 10:00")
        self.case.call.time = f"{int(found[1]):02d}:{found[2]}" if found else ""

    def _write_notice_days(self, value: str) -> None:
        try:
            days = int(value.strip())
        except ValueError:
            raise ValueError("expected a number of days like 30") from None
        if days < 0:
            raise ValueError("cannot be negative")
        if days > MAX_NOTICE_DAYS:
            raise ValueError(f"expected at most {MAX_NOTICE_DAYS} days")
        before = self.case.contract.notice_days
        self.case.contract.notice_days = days
        self._check_dates(lambda: setattr(self.case.contract, "notice_days", before))

    def _write_fixed_end(self, value: str) -> None:
        if not value.strip():
            # A fixed rule with no date cannot be saved and reopened.
            raise ValueError("expected a date like 2026-12-31; a fixed end needs one")
        before = self.case.contract.effective_date
        self.case.contract.effective_date = typed_date(value)
        self._check_dates(lambda: setattr(self.case.contract, "effective_date", before))

    def _write_currency(self, value: str) -> None:
        code = value.strip().upper()
        if not CURRENCY.match(code):
            raise ValueError("expected a 3-letter code like EUR")
        self.case.contract.currency = code

    def _write_deposit(self, value: str) -> None:
        self.case.contract.deposit = amount(value)

    def _check_dates(self, undo: Callable[[], None]) -> None:
        """Refuse a date the end and deletion dates cannot be counted from (the year 9999)."""
        try:
            rules.deletion_date(self.case)
        except OverflowError:
            undo()
            raise ValueError("too far in the future to count the notice from") from None

    # -- derived displays --------------------------------------------------------

    def refresh_from_case(self) -> None:
        if self.held_back:
            self._show_findings()  # the rest is shown when it is mounted (fill_held_back)
            return
        contract = self.case.contract
        self._sync_choices()
        rule = contract.notice_rule
        self.query_one("#notice-days-field").display = rule is not NoticeRule.FIXED
        self.query_one("#fixed-end-field").display = rule is NoticeRule.FIXED
        currency = self.query_one("#currency", Input)
        if (
            currency.value != contract.currency
            and currency.value.strip().upper() == contract.currency
        ):
            currency.value = contract.currency
        self._update("#notice-explained", self._notice_explained())
        self._update("#end-dates", self._end_dates())
        self._show_findings()
        self._show_invoices()
        self._show_deliverables()

    def _sync_choices(self) -> None:
        """Selects and the checkbox follow the case (after a load, or another step's change)."""
        medium = self.query_one("#medium", Select)
        if medium.value != self.case.call.medium.value:
            medium.value = self.case.call.medium.value
        rule = self.query_one("#notice-rule", Select)
        if rule.value != self.case.contract.notice_rule.value:
            rule.value = self.case.contract.notice_rule.value
        refundable = self.query_one("#deposit-refundable", Checkbox)
        if refundable.value != self.case.contract.deposit_refundable:
            refundable.value = self.case.contract.deposit_refundable

    def _notice_explained(self) -> str:
        days = self.case.contract.notice_days
        match self.case.contract.notice_rule:
            case NoticeRule.FIXED:
                return "The service ends on the date you set, whenever the call is."
            case NoticeRule.END_OF_MONTH if days == 0:
                return "The service ends on the last day of the month of the call."
            case NoticeRule.END_OF_MONTH:
                return (
                    "The service ends on the last day of the month, "
                    f"{plural(days, 'day')} after the call."
                )
            case _ if days == 0:
                return "The service ends on the day of the call."
            case _:
                return f"The service ends {plural(days, 'day')} after the call."

    def _end_dates(self) -> Content:
        try:
            end = rules.effective_date(self.case)
            gone = rules.deletion_date(self.case)
        except OverflowError:  # a hand-edited file can hold dates at the end of the calendar
            end = gone = None
        return Content.assemble(
            "Service ends ",
            (long_day(end), "bold"),
            " · their records deleted ",
            (long_day(gone), "bold"),
        )

    def _show_findings(self) -> None:
        found = [f for f in rules.findings(self.case) if f.step is Step.CONTRACT]
        for level, box_id in (
            (Level.WARNING, "#contract-warnings"),
            (Level.ADVICE, "#contract-advice"),
        ):
            messages = [f.message for f in found if f.level is level]
            box = self.query_one(box_id, Static)
            box.display = bool(messages)
            bullet = "• " if len(messages) > 1 else ""
            self._update(box_id, "\n".join(bullet + message for message in messages))

    def _show_invoices(self) -> None:
        contract = self.case.contract
        rows: list[tuple[Cell, ...]] = [
            (
                fit(inv.number, 16) or "(no number)",
                money(inv.amount),
                money(inv.paid),
                day_text(inv.due) or "—",
                Text(f"{inv.balance:,.2f}", style="bold" if inv.balance else "", justify="right"),
            )
            for inv in contract.invoices
        ]
        columns = INVOICE_COLUMNS
        if table_width(columns, rows) > self._room(len(rows)):
            # Too narrow for all five: what was paid is the amount less the balance.
            columns = tuple(c for c in INVOICE_COLUMNS if c != "Paid")
            rows = [row[:2] + row[3:] for row in rows]
        self._set_rows("invoices", columns, rows)
        owed = rules.money_owed(self.case)
        unpaid = len(rules.unpaid_invoices(self.case))
        self.query_one("#owed-total").display = bool(contract.invoices)
        self._update(
            "#owed-total",
            Content.assemble(
                "Still owed: ",
                (rules.format_money(owed, contract.currency), "bold"),
                f" on {plural(unpaid, 'invoice')}",
            )
            if owed
            else "Nothing owed: every invoice is paid in full.",
        )

    def _show_deliverables(self) -> None:
        deliverables = self.case.contract.deliverables
        rest: list[tuple[Cell, ...]] = [
            (STATUS_WORDS[d.status], day_text(d.due) or "—") for d in deliverables
        ]
        # The name takes whatever room the status and date leave.
        name_room = max(12, self._room(len(rest)) - table_width(DELIVERABLE_COLUMNS[1:], rest) - 2)
        rows = [
            (fit(d.name, name_room) or "(unnamed)", *other)
            for d, other in zip(deliverables, rest, strict=True)
        ]
        self._set_rows("deliverables", DELIVERABLE_COLUMNS, rows)

    def _room(self, rows: int) -> int:
        """Columns a table of ``rows`` rows can use without scrolling sideways."""
        width = self.scrollable_content_region.width
        scrollbar = 2 if rows > TABLE_ROWS else 0
        # One spare column: a DataTable exactly as wide as its content still scrolls sideways.
        return width - scrollbar - 1 if width else 1000

    def _set_rows(
        self, table_id: str, columns: tuple[str, ...], rows: list[tuple[Cell, ...]]
    ) -> None:
        if not self._changed(table_id, (columns, rows)):
            return
        records = self.query_one(f"#{table_id}", _record_table())
        table = records.table
        cursor = table.cursor_row
        # New columns each time: a DataTable column never gets narrower once it has grown.
        table.clear(columns=True)
        table.add_columns(*columns)
        records.set_rows(rows, cursor=cursor)

    def on_resize(self) -> None:
        if self.held_back:
            return
        self._show_invoices()
        self._show_deliverables()

    def _update(self, selector: str, content: str | Content) -> None:
        """Change a line only when its text changes: every update costs a new layout."""
        if self._changed(selector, content):
            self.query_one(selector, Static).update(content)

    def _changed(self, key: str, shown: object) -> bool:
        if self._shown.get(key) == shown:
            return False
        self._shown[key] = shown
        return True

    # -- choices -------------------------------------------------------------------

    @on(Select.Changed, "#medium")
    def medium_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != self.case.call.medium.value:
            self.case.call.medium = Medium(event.value)
            self.edited("medium")

    @on(Select.Changed, "#notice-rule")
    def notice_rule_chosen(self, event: Select.Changed) -> None:
        event.stop()
        contract = self.case.contract
        if not isinstance(event.value, str) or event.value == contract.notice_rule.value:
            return
        rule = NoticeRule(event.value)
        if rule is NoticeRule.FIXED:
            # Start the fixed date where the old rule put it, so the end date does not vanish.
            contract.effective_date = rules.effective_date(self.case) or contract.effective_date
            fixed = self.query_one("#fixed-end", Input)
            fixed.value = day_text(contract.effective_date)
        contract.notice_rule = rule
        self.edited("notice_rule")
        self.refresh_from_case()

    @on(Checkbox.Changed, "#deposit-refundable")
    def refundable_ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value != self.case.contract.deposit_refundable:
            self.case.contract.deposit_refundable = event.value
            self.edited("deposit_refundable")
            self.refresh_from_case()

    # -- invoices and deliverables -------------------------------------------------

    def on_record_table_add(self, event: RecordTable.Add) -> None:
        event.stop()
        if event.table.id == "invoices":
            self.edit_invoice(None)
        elif event.table.id == "deliverables":
            self.edit_deliverable(None)

    def on_record_table_edit(self, event: RecordTable.Edit) -> None:
        event.stop()
        if event.table.id == "invoices":
            self.edit_invoice(event.index)
        elif event.table.id == "deliverables":
            self.edit_deliverable(event.index)

    def on_record_table_remove(self, event: RecordTable.Remove) -> None:
        event.stop()
        contract = self.case.contract
        rows: list[Invoice] | list[Deliverable]
        if event.table.id == "invoices":
            rows = contract.invoices
        elif event.table.id == "deliverables":
            rows = contract.deliverables
        else:
            return
        if not 0 <= event.index < len(rows):
            return
        gone = rows.pop(event.index)
        name = gone.number if isinstance(gone, Invoice) else gone.name
        self.notify(f"Removed {event.table.noun} {name or ''}".rstrip() + ".", timeout=3)
        self.edited(event.table.id)
        self.refresh_from_case()

    @work(exclusive=True, group="contract-record")
    async def edit_invoice(self, index: int | None) -> None:
        invoices = self.case.contract.invoices
        if index is not None and not 0 <= index < len(invoices):
            return
        current = invoices[index] if index is not None else None
        values: dict[str, Any] | None = (
            {
                "number": current.number,
                "amount": current.amount,
                "paid": current.paid,
                "due": current.due,
            }
            if current
            else None
        )
        title = f"Invoice {current.number}".rstrip() if current else "New invoice"
        while True:
            result = await self.app.push_screen_wait(RecordDialog(title, INVOICE_FIELDS, values))
            if result is None:
                return
            if result["paid"] <= result["amount"]:
                break
            # Keep what was typed and ask again: a payment larger than the invoice is a typo.
            currency = self.case.contract.currency
            self.notify(
                f"Paid ({rules.format_money(result['paid'], currency)}) is more than the "
                f"amount ({rules.format_money(result['amount'], currency)}). Check the figures.",
                title="Not saved",
                severity="warning",
            )
            values = result
        invoice = current or Invoice()
        invoice.number = result["number"]
        invoice.amount = result["amount"]
        invoice.paid = result["paid"]
        invoice.due = result["due"]
        if current is None:
            invoices.append(invoice)
        self._record_saved("invoices", len(invoices) - 1 if index is None else index)

    @work(exclusive=True, group="contract-record")
    async def edit_deliverable(self, index: int | None) -> None:
        deliverables = self.case.contract.deliverables
        if index is not None and not 0 <= index < len(deliverables):
            return
        current = deliverables[index] if index is not None else None
        # Work worth listing before the call is usually still under way.
        values: dict[str, Any] = (
            {"name": current.name, "status": current.status.value, "due": current.due}
            if current
            else {"status": DeliverableStatus.IN_PROGRESS.value}
        )
        title = "Deliverable" if current else "New deliverable"
        result = await self.app.push_screen_wait(RecordDialog(title, DELIVERABLE_FIELDS, values))
        if result is None:
            return
        deliverable = current or Deliverable()
        deliverable.name = result["name"]
        deliverable.status = DeliverableStatus(result["status"])
        deliverable.due = result["due"]
        if current is None:
            deliverables.append(deliverable)
        self._record_saved("deliverables", len(deliverables) - 1 if index is None else index)

    def _record_saved(self, table_id: str, index: int) -> None:
        self.edited(table_id)
        self.refresh_from_case()
        self.query_one(f"#{table_id}", _record_table()).table.move_cursor(row=index, animate=False)
