"""The dates across cases that need attention (clientexit.core.upcoming), from hand-made rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from clientexit.core.model import Status
from clientexit.core.store import CaseSummary, PaymentDue
from clientexit.core.upcoming import Kind, Upcoming, for_case, relative_day, upcoming

TODAY = date(2026, 11, 22)


def summary(
    client: str = "Acme Corp",
    *,
    status: Status = Status.READY,
    call: date | None = None,
    ends: date | None = None,
    deletes: date | None = None,
    payments: tuple[PaymentDue, ...] = (),
    currency: str = "EUR",
) -> CaseSummary:
    return CaseSummary(
        path=Path(f"/library/{client.lower().replace(' ', '-')}.toml"),
        client=client,
        contact="",
        status=status,
        call_date=call,
        effective_date=ends,
        money_owed=sum((p.balance for p in payments), Decimal("0.00")),
        currency=currency,
        updated=datetime(2026, 11, 20, tzinfo=UTC),
        last_rehearsal=None,
        deletion_date=deletes,
        payments_due=payments,
    )


def due(invoice: str, day: date, balance: str = "100.00") -> PaymentDue:
    return PaymentDue(invoice, day, Decimal(balance))


def kinds(items: list[Upcoming]) -> list[tuple[date, Kind, str]]:
    return [(item.day, item.kind, item.label) for item in items]


class TestOneCase:
    def test_a_ready_case_lists_its_call_end_and_deletion(self) -> None:
        row = summary(call=date(2026, 11, 28), ends=date(2026, 11, 30), deletes=date(2026, 12, 30))
        assert kinds(for_case(row, TODAY)) == [
            (date(2026, 11, 28), Kind.CALL, "call"),
            (date(2026, 11, 30), Kind.ENDS, "service ends"),
            (date(2026, 12, 30), Kind.DELETION, "deletion due"),
        ]

    def test_items_carry_the_client_and_the_case_file(self) -> None:
        row = summary("Brandt GmbH", call=date(2026, 11, 28))
        [item] = for_case(row, TODAY)
        assert item.client == "Brandt GmbH"
        assert item.path == row.path
        assert not item.overdue

    def test_nothing_beyond_the_horizon(self) -> None:
        row = summary(call=date(2026, 12, 1), ends=date(2027, 1, 31), deletes=date(2027, 3, 2))
        assert kinds(for_case(row, TODAY, horizon_days=60)) == [
            (date(2026, 12, 1), Kind.CALL, "call")
        ]
        # The horizon's last day is still in.
        assert len(for_case(row, TODAY, horizon_days=70)) == 2

    def test_today_counts_as_coming_up_not_overdue(self) -> None:
        row = summary(call=TODAY, deletes=TODAY, payments=(due("INV-1", TODAY),))
        items = for_case(row, TODAY)
        assert [i.overdue for i in items] == [False, False, False]
        assert {i.label for i in items} == {"call", "deletion due", "payment due"}

    def test_a_done_case_has_no_call_to_make_but_still_its_end_and_deletion(self) -> None:
        row = summary(
            status=Status.DONE,
            call=date(2026, 11, 10),
            ends=date(2026, 12, 31),
            deletes=date(2027, 1, 10),
        )
        assert [i.kind for i in for_case(row, TODAY)] == [Kind.ENDS, Kind.DELETION]

    def test_a_passed_call_on_a_case_not_done_asks_to_be_recorded(self) -> None:
        row = summary(call=date(2026, 11, 20))
        [item] = for_case(row, TODAY)
        assert item.overdue
        assert item.label == "call not marked done"
        assert "record" in item.detail
        assert item.relative(TODAY) == "2 days ago"

    def test_a_passed_end_date_needs_nothing(self) -> None:
        row = summary(status=Status.DONE, ends=date(2026, 11, 1))
        assert for_case(row, TODAY) == []


class TestDeletion:
    def test_passed_deletion_on_a_done_case_is_overdue(self) -> None:
        row = summary(status=Status.DONE, deletes=date(2026, 11, 17))
        [item] = for_case(row, TODAY)
        assert item.overdue
        assert item.label == "deletion overdue"
        assert item.detail.endswith("now")
        assert item.relative(TODAY) == "overdue 5 days"

    def test_passed_deletion_on_a_case_not_done_is_not_claimed(self) -> None:
        # The end (and so the deletion) was only planned: the service may never have ended.
        for status in (Status.DRAFT, Status.READY):
            row = summary(status=status, deletes=date(2026, 11, 17))
            assert for_case(row, TODAY) == []

    def test_a_long_passed_deletion_is_taken_as_dealt_with(self) -> None:
        row = summary(status=Status.DONE, deletes=date(2026, 8, 1))
        assert for_case(row, TODAY, horizon_days=60) == []


class TestPayments:
    def test_overdue_invoices_of_a_case_make_one_line_from_the_oldest(self) -> None:
        row = summary(
            status=Status.DONE,
            currency="PLN",
            payments=(
                due("FV/10", date(2026, 10, 15), "4800.00"),
                due("FV/09", date(2026, 9, 15), "2400.00"),
            ),
        )
        [item] = for_case(row, TODAY)
        assert item.kind is Kind.PAYMENT
        assert item.overdue
        assert item.label == "payment overdue"
        assert item.day == date(2026, 9, 15)
        assert item.detail == "2 invoices, 7,200.00 PLN"
        assert item.relative(TODAY) == "overdue 68 days"

    def test_overdue_payments_stay_however_old(self) -> None:
        row = summary(payments=(due("OLD-1", date(2025, 1, 31), "50.00"),))
        [item] = for_case(row, TODAY)
        assert item.detail == "OLD-1, 50.00 EUR"

    def test_coming_payments_are_listed_one_by_one(self) -> None:
        row = summary(
            payments=(
                due("A-2", date(2026, 12, 31), "20.00"),
                due("A-1", date(2026, 11, 30), "10.00"),
                due("A-9", date(2027, 6, 30), "90.00"),
            )
        )
        assert [(i.day, i.detail, i.overdue) for i in for_case(row, TODAY)] == [
            (date(2026, 11, 30), "A-1, 10.00 EUR", False),
            (date(2026, 12, 31), "A-2, 20.00 EUR", False),
        ]


class TestAcrossCases:
    def test_sorted_by_day_with_overdue_first(self) -> None:
        rows = [
            summary("Zeta", call=date(2026, 11, 26)),
            summary("Alpha", status=Status.DONE, deletes=date(2026, 11, 12)),
            summary("Mid", payments=(due("M-1", date(2026, 11, 24)),)),
        ]
        assert [(i.client, i.label) for i in upcoming(rows, TODAY)] == [
            ("Alpha", "deletion overdue"),
            ("Mid", "payment due"),
            ("Zeta", "call"),
        ]

    def test_same_day_call_then_end_then_deletion_then_payment_then_by_client(self) -> None:
        day = date(2026, 12, 1)
        rows = [
            summary("Bee", payments=(due("B-1", day),)),
            summary("Bee too", deletes=day),
            summary("Cat", call=day),
            summary("Ant", call=day, ends=day),
        ]
        assert [(i.client, i.kind) for i in upcoming(rows, TODAY)] == [
            ("Ant", Kind.CALL),
            ("Cat", Kind.CALL),
            ("Ant", Kind.ENDS),
            ("Bee too", Kind.DELETION),
            ("Bee", Kind.PAYMENT),
        ]

    def test_nothing_to_show(self) -> None:
        assert upcoming([], TODAY) == []
        assert upcoming([summary(status=Status.DONE)], TODAY) == []

    def test_the_horizon_applies_to_every_case(self) -> None:
        rows = [summary(call=date(2026, 12, 20)), replace(summary("B"), call_date=TODAY)]
        assert [i.client for i in upcoming(rows, TODAY, horizon_days=7)] == ["B"]


class TestRelativeWords:
    def test_future(self) -> None:
        assert relative_day(TODAY, TODAY) == "today"
        assert relative_day(date(2026, 11, 23), TODAY) == "tomorrow"
        assert relative_day(date(2026, 11, 25), TODAY) == "in 3 days"

    def test_past(self) -> None:
        assert relative_day(date(2026, 11, 21), TODAY) == "yesterday"
        assert relative_day(date(2026, 11, 21), TODAY, overdue=True) == "overdue 1 day"
        assert relative_day(date(2026, 11, 17), TODAY, overdue=True) == "overdue 5 days"
        assert relative_day(date(2026, 11, 17), TODAY) == "5 days ago"

    def test_across_a_year_end(self) -> None:
        assert relative_day(date(2027, 1, 1), date(2026, 12, 31)) == "tomorrow"
