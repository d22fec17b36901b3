"""The money card: what is held, owed and due, one key away during a rehearsal.

Under pressure people give money away ("keep the deposit, forget the last
invoice"). The card puts the facts of the contract in front of the user, so
any answer about money can wait for the email that confirms the call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from clientexit.core import rules
from clientexit.core.model import Case

INVOICES_SHOWN = 6
"""Unpaid invoices listed one by one; the rest are summed in one line."""

CALM_ANSWER = (
    "Asked about money on the call? Nothing needs deciding now: "
    "\u201cI'll put the figures in writing in the email after this call.\u201d"
)


@dataclass(frozen=True)
class MoneyRow:
    """One row of the card; ``kind`` styles it ("owed", "invoice", "muted" or "")."""

    label: str
    value: str
    kind: str = ""


def _day(day: date | None) -> str:
    return day.strftime("%a %d %b %Y") if day else "not known yet: the call has no date"


def money_rows(case: Case) -> list[MoneyRow]:
    """The card's content: deposit, refund, money owed with the unpaid invoices, the end date."""
    c = case.contract
    money = rules.format_money
    rows: list[MoneyRow] = []

    if c.deposit > 0:
        refundable = "refundable" if c.deposit_refundable else "not refundable"
        rows.append(MoneyRow("Deposit held", f"{money(c.deposit, c.currency)}, {refundable}"))
    else:
        rows.append(MoneyRow("Deposit held", "none", "muted"))

    refund = rules.refund_due(case)
    if refund > 0:
        rows.append(MoneyRow("Refund due", f"{money(refund, c.currency)}, to give back"))
    elif c.deposit > 0:
        rows.append(MoneyRow("Refund due", "nothing: the deposit stays with you"))
    else:
        rows.append(MoneyRow("Refund due", "nothing", "muted"))

    owed = rules.money_owed(case)
    unpaid = rules.unpaid_invoices(case)
    if owed > 0:
        count = len(unpaid)
        rows.append(
            MoneyRow(
                "Owed to you",
                f"{money(owed, c.currency)} on {count} invoice{'' if count == 1 else 's'}",
                "owed",
            )
        )
        shown = unpaid[:INVOICES_SHOWN]
        amounts = [money(inv.balance, c.currency) for inv in shown]
        numbers = [inv.number or "(no number)" for inv in shown]
        number_width = max(len(n) for n in numbers)
        amount_width = max(len(a) for a in amounts)
        for inv, number, amount in zip(shown, numbers, amounts, strict=True):
            due = f"  due {inv.due.isoformat()}" if inv.due else ""
            rows.append(
                MoneyRow(
                    "",
                    f"{number:<{number_width}}  {amount:>{amount_width}}{due}",
                    "invoice",
                )
            )
        if len(unpaid) > INVOICES_SHOWN:
            rest = unpaid[INVOICES_SHOWN:]
            total = sum((inv.balance for inv in rest), owed * 0)
            rows.append(
                MoneyRow("", f"and {len(rest)} more: {money(total, c.currency)}", "invoice")
            )
    else:
        rows.append(MoneyRow("Owed to you", "nothing: every invoice is paid", "muted"))

    ends = _day(rules.effective_date(case))
    clause = c.termination_clause.strip()
    if clause:
        ends += f" (clause {clause})"
    rows.append(MoneyRow("Service ends", ends))
    return rows


class MoneyCard(ModalScreen[None]):
    """The money facts of the case over the rehearsal; m or escape closes it."""

    BINDINGS = [
        Binding("escape,m", "close", "Close", id="money.close"),
    ]

    DEFAULT_CSS = """
    MoneyCard {
        align: center middle;
        background: $background 60%;
        #money-card {
            width: 72;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            padding: 1 2;
            border: thick $primary 70%;
            background: $surface;
        }
        #money-title { text-style: bold; margin-bottom: 1; }
        #money-rows {
            grid-size: 2;
            grid-columns: auto 1fr;
            grid-gutter: 0 2;
            height: auto;
        }
        .money-label { text-style: bold; color: $text; }
        .money-value { height: auto; }
        .money-value.-owed { color: $text-warning; text-style: bold; }
        .money-value.-muted { color: $text-muted; }
        .money-value.-invoice { color: $text; }
        #money-answer { margin-top: 1; color: $text; text-style: italic; height: auto; }
        #money-hint { color: $text-muted; margin-top: 1; }
    }
    """

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case

    def compose(self) -> ComposeResult:
        with Vertical(id="money-card"):
            yield Static(f"Money · {self.case.title}", id="money-title")
            with Grid(id="money-rows"):
                for row in money_rows(self.case):
                    yield Label(row.label, classes="money-label")
                    classes = f"money-value -{row.kind}" if row.kind else "money-value"
                    yield Static(row.value, classes=classes, markup=False)
            yield Static(CALM_ANSWER, id="money-answer", markup=False)
            yield Static("m or escape closes this card", id="money-hint")

    def action_close(self) -> None:
        self.dismiss(None)
