"""The dates across every case that need the user's attention, soonest first.

Built from the library's :class:`~clientexit.core.store.CaseSummary` rows only, so
the library shows them without opening a single case file. What counts:

- a **call** still to make, and a planned call whose date has passed while the case
  is not marked done (record how it went, or move the date);
- the day the **service ends** (stop the work, remove access);
- the day your copies of the client's records are to be **deleted**; once passed,
  for a case marked done, it is overdue: the files must go now;
- an unpaid invoice falling **due**, and the ones already overdue (one line per
  case for those, however many there are: one thing to chase).

Items more than ``horizon_days`` ahead are left out. Of the past, only what is
still to do is kept: overdue payments for as long as they stay unpaid (recording
the payment clears them), and a passed call or deletion for ``horizon_days``
after the day, since the case file has no way to record that it was dealt with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from clientexit.core.base import Status, format_money
from clientexit.core.store import CaseSummary, PaymentDue

HORIZON_DAYS = 60
"""How far ahead the library looks by default: about two months of notice periods."""


class Kind(StrEnum):
    """What falls on a day, in the order items of the same day are listed."""

    CALL = "call"
    ENDS = "ends"
    DELETION = "deletion"
    PAYMENT = "payment"


_RANK = {kind: rank for rank, kind in enumerate(Kind)}

_LABELS: dict[tuple[Kind, bool], str] = {
    (Kind.CALL, False): "call",
    (Kind.CALL, True): "call not marked done",
    (Kind.ENDS, False): "service ends",
    (Kind.ENDS, True): "service ended",
    (Kind.DELETION, False): "deletion due",
    (Kind.DELETION, True): "deletion overdue",
    (Kind.PAYMENT, False): "payment due",
    (Kind.PAYMENT, True): "payment overdue",
}


@dataclass(frozen=True, slots=True)
class Upcoming:
    """One date that needs the user's attention."""

    day: date
    kind: Kind
    client: str
    path: Path
    """The case file, so the library can select the case."""
    detail: str = ""
    """What exactly: the invoice and its balance, what to delete. May be empty."""
    overdue: bool = False
    """The day has passed and the thing is still to do."""

    @property
    def label(self) -> str:
        """``deletion due``, ``payment overdue``: what the day is, in a few words."""
        return _LABELS[self.kind, self.overdue]

    def relative(self, today: date) -> str:
        """``today``, ``tomorrow``, ``in 3 days``, ``overdue 5 days``, ``2 days ago``."""
        return relative_day(self.day, today, overdue=self.overdue and self.kind is not Kind.CALL)


def relative_day(day: date, today: date, *, overdue: bool = False) -> str:
    """How far ``day`` is from ``today`` in words; a past day is "overdue" when asked."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    ago = -days
    unit = "day" if ago == 1 else "days"
    if overdue:
        return f"overdue {ago} {unit}"
    return "yesterday" if ago == 1 else f"{ago} {unit} ago"


def _payment_detail(payments: list[PaymentDue], currency: str) -> str:
    total = sum((p.balance for p in payments), Decimal("0.00"))
    money = format_money(total, currency)
    if len(payments) == 1:
        return f"{payments[0].invoice}, {money}"
    return f"{len(payments)} invoices, {money}"


def for_case(summary: CaseSummary, today: date, horizon_days: int = HORIZON_DAYS) -> list[Upcoming]:
    """The dates of one case that need attention between the recent past and the horizon."""
    window = timedelta(days=horizon_days)
    return _for_case(summary, today, today - window, today + window)


def _for_case(summary: CaseSummary, today: date, first: date, last: date) -> list[Upcoming]:
    done = summary.status is Status.DONE
    found: list[Upcoming] = []

    def add(day: date, kind: Kind, detail: str = "") -> None:
        found.append(Upcoming(day, kind, summary.client, summary.path, detail, day < today))

    call = summary.call_date
    if call is not None and not done:
        if today <= call <= last:
            add(call, Kind.CALL)
        elif first <= call < today:
            add(call, Kind.CALL, "record how it went, or move the date")

    end = summary.effective_date
    if end is not None and today <= end <= last:
        add(end, Kind.ENDS)

    gone = summary.deletion_date
    if gone is not None:
        if today <= gone <= last:
            add(gone, Kind.DELETION, "delete your copies of their records")
        elif done and first <= gone < today:
            # The service has ended and the promised day is behind us: delete now.
            add(gone, Kind.DELETION, "delete your copies of their records now")

    overdue = sorted((p for p in summary.payments_due if p.due < today), key=lambda p: p.due)
    if overdue:
        # However many invoices are late, chasing them is one conversation.
        add(overdue[0].due, Kind.PAYMENT, _payment_detail(overdue, summary.currency))
    for payment in sorted(summary.payments_due, key=lambda p: (p.due, p.invoice)):
        if today <= payment.due <= last:
            add(payment.due, Kind.PAYMENT, _payment_detail([payment], summary.currency))
    return found


def upcoming(
    summaries: Iterable[CaseSummary], today: date, horizon_days: int = HORIZON_DAYS
) -> list[Upcoming]:
    """Every case's dates that need attention, by day (overdue ones come first)."""
    window = timedelta(days=horizon_days)
    first, last = today - window, today + window
    # Cases by client first; the stable sort by day and kind then keeps that order within
    # them, at a fraction of the cost of comparing names for every item.
    ordered = sorted(summaries, key=lambda s: s.client.casefold())
    items = [item for summary in ordered for item in _for_case(summary, today, first, last)]
    items.sort(key=lambda u: (u.day, _RANK[u.kind]))
    return items
