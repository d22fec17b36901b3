"""Calendar files (clientexit.core.ical), read back with icalendar's own parser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from clientexit.core import ical, leak, rules
from clientexit.core.model import Case, Invoice
from clientexit.core.validate import load_case

MakeCase = Callable[[], Case]

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _with_unpaid(case: Case) -> Case:
    case.contract.invoices.append(
        Invoice(
            number="INV-105",
            amount=Decimal("800.00"),
            paid=Decimal("300.00"),
            due=date(2026, 12, 10),
        )
    )
    # Unpaid, but with no due date: no event.
    case.contract.invoices.append(Invoice(number="INV-106", amount=Decimal("50.00")))
    return case


def events(data: bytes) -> dict[str, Any]:
    """The VEVENTs of a parsed calendar, by the kind in their UID (call, end, ...)."""
    calendar = Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]) == ical.PRODID
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        kind = uid.split("@", maxsplit=1)[0].split("-", 1)[1]
        found[kind] = event
    return found


def test_every_date_of_the_case_is_an_event(make_case: MakeCase) -> None:
    case = _with_unpaid(make_case())
    found = events(ical.calendar_bytes(case, now=NOW))
    assert sorted(found) == ["call", "deletion", "end", "payment-INV-105"]

    call = found["call"]
    assert call.decoded("DTSTART") == datetime(2026, 11, 28, 10, 0)
    assert call.decoded("DTSTART").tzinfo is None  # floating: 10:00 where the user is
    assert call.decoded("DTEND") - call.decoded("DTSTART") == timedelta(minutes=30)
    assert str(call["SUMMARY"]) == "Call with Jordan Blake (Acme Corp): end of service"
    alarms = call.walk("VALARM")
    assert len(alarms) == 1
    assert alarms[0].decoded("TRIGGER") == timedelta(days=-1)

    end = found["end"]
    assert end.decoded("DTSTART") == date(2026, 11, 30)
    assert not isinstance(end.decoded("DTSTART"), datetime)  # all day
    assert end.decoded("DTEND") == date(2026, 12, 1)
    assert str(end["SUMMARY"]) == "Acme Corp: last day of work"

    deletion = found["deletion"]
    assert deletion.decoded("DTSTART") == rules.deletion_date(case) == date(2026, 12, 30)
    assert not isinstance(deletion.decoded("DTSTART"), datetime)

    payment = found["payment-INV-105"]
    assert payment.decoded("DTSTART") == date(2026, 12, 10)
    assert str(payment["SUMMARY"]) == "Acme Corp: invoice INV-105 due, 500.00 EUR unpaid"
    for event in found.values():
        assert event.decoded("DTSTAMP") == NOW


def test_uids_are_stable_between_exports(make_case: MakeCase) -> None:
    case = _with_unpaid(make_case())
    first = events(ical.calendar_bytes(case, now=NOW))
    case.call.time = "14:30"
    case.client.name = "Acme Corporation"
    second = events(ical.calendar_bytes(case, now=NOW + timedelta(days=2)))
    assert {str(e["UID"]) for e in first.values()} == {str(e["UID"]) for e in second.values()}
    assert str(first["call"]["UID"]) == "20261120T093000Z-call@clientexit.invalid"
    assert second["call"].decoded("DTSTART") == datetime(2026, 11, 28, 14, 30)


def test_invoices_sharing_a_number_get_their_own_uids(make_case: MakeCase) -> None:
    case = make_case()
    for due in (date(2026, 12, 1), date(2027, 1, 1)):
        case.contract.invoices.append(Invoice(number="A/1", amount=Decimal("10"), due=due))
    calendar = Calendar.from_ical(ical.calendar_bytes(case, now=NOW))
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 5


def test_a_call_without_a_time_is_all_day(make_case: MakeCase) -> None:
    case = make_case()
    case.call.time = ""
    call = events(ical.calendar_bytes(case, now=NOW))["call"]
    assert call.decoded("DTSTART") == date(2026, 11, 28)
    assert not isinstance(call.decoded("DTSTART"), datetime)


def test_only_dates_that_exist_become_events(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = None  # no call date: no call, and no end date derived from it
    found = events(ical.calendar_bytes(case, now=NOW))
    assert found == {}
    assert Calendar.from_ical(ical.calendar_bytes(Case(), now=NOW)).walk("VEVENT") == []


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_no_private_words_in_any_sample_calendar(path: Path) -> None:
    case = load_case(path)
    data = ical.calendar_bytes(case, now=NOW)
    calendar = Calendar.from_ical(data)
    text = data.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    for incident in case.reasons.incidents:
        assert incident.note.strip()[:30] not in unfolded
    summaries = []
    for event in calendar.walk("VEVENT"):
        assert "DESCRIPTION" not in event  # titles and dates only
        summaries.append(str(event["SUMMARY"]))
        assert summaries[-1].strip()
    assert leak.find(case, [("titles", "\n".join(summaries))]) == []
    unpaid_with_due = [inv for inv in rules.unpaid_invoices(case) if inv.due]
    expected = 3 + len(unpaid_with_due) if case.call.date else 0
    assert len(calendar.walk("VEVENT")) == expected
