"""The case's dates as an iCalendar file (``.ics``) any calendar app imports.

Events, each only when its date is known:

- the call: at its time (``call.time``) for 30 minutes, in floating local time
  (10:00 wherever you are, as you typed it), or all day when no time is set;
  with a reminder the day before;
- the last day of work (the effective end date), all day;
- the day your copies of the client's files are due for deletion, all day;
- each unpaid invoice's due date, all day, naming the invoice and what is still owed.

Titles come from ``titles.txt.j2`` (so they are translated with the other
templates). The events carry no description: nothing from the case's private
reasons, nor anything else, is written besides the titles and the dates.

Each event's UID is made from when the case was created, the kind of event and
(for a payment) the invoice number, so importing the file again after a change
updates the events instead of adding copies.

The icalendar library is imported where it is used, not at start-up.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from clientexit.core import render, rules

if TYPE_CHECKING:
    from icalendar import Event

    from clientexit.core.model import Case

PRODID = "-//clientexit//clientexit//EN"

UID_DOMAIN = "clientexit.invalid"
"""The right-hand side of every UID: fixed, so changing your email address does not
change the UIDs (``.invalid`` is reserved and can never belong to anyone)."""

CALL_MINUTES = 30

_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_UNSAFE_UID = re.compile(r"[^A-Za-z0-9]+")


def uid(case: Case, kind: str, number: str = "") -> str:
    """A stable UID: ``20261120T093000Z-payment-INV-104@clientexit.invalid``."""
    created = case.created.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    parts = [created, kind]
    if number:
        parts.append(_UNSAFE_UID.sub("-", number).strip("-") or "x")
    return f"{'-'.join(parts)}@{UID_DOMAIN}"


def _all_day(summary: str, day: date, event_uid: str, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", event_uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    # A reminder of a date, not an appointment: it does not make the day look busy.
    event.add("transp", "TRANSPARENT")
    return event


def _call(case: Case, summary: str, stamp: datetime) -> Event | None:
    from icalendar import Alarm, Event

    day = case.call.date
    if day is None:
        return None
    time = _TIME.fullmatch(case.call.time.strip())
    if time is None:
        event = _all_day(summary, day, uid(case, "call"), stamp)
    else:
        event = Event()
        event.add("uid", uid(case, "call"))
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        # Naive: floating local time, the time the user typed in their own time zone.
        start = datetime(day.year, day.month, day.day, int(time[1]), int(time[2]))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=CALL_MINUTES))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(days=-1))
    event.add_component(alarm)
    return event


def events(case: Case, *, now: datetime | None = None) -> list[Event]:
    """The case's events, in this order: the call, the end, the deletion, the payments."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    titles = render.titles(case)
    found: list[Event] = []
    call = _call(case, titles["event_call"], stamp)
    if call is not None:
        found.append(call)
    end = rules.effective_date(case)
    if end is not None:
        found.append(_all_day(titles["event_end"], end, uid(case, "end"), stamp))
    deletion = rules.deletion_date(case)
    if deletion is not None:
        found.append(_all_day(titles["event_deletion"], deletion, uid(case, "deletion"), stamp))
    seen: set[str] = set()
    for n, payment in enumerate(render.payments(case), start=1):
        event_uid = uid(case, "payment", payment["number"] or f"n{n}")
        if event_uid in seen:  # two invoices with one number: keep both events apart
            event_uid = uid(case, "payment", f"{payment['number']}-{n}")
        seen.add(event_uid)
        found.append(_all_day(titles[f"event_payment_{n}"], payment["due_day"], event_uid, stamp))
    return found


def calendar_bytes(case: Case, *, now: datetime | None = None) -> bytes:
    """The ``.ics`` file: one VCALENDAR with an event for each known date.

    ``now`` is the DTSTAMP (when the file was made); tests pass a fixed one.
    """
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for event in events(case, now=now):
        calendar.add_component(event)
    return calendar.to_ical()
