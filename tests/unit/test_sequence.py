"""The sequence checks in the readiness list: things planned in an order that cannot work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from clientexit.core import rules
from clientexit.core.model import Case, Deliverable, DeliverableStatus, Invoice, NoticeRule
from clientexit.core.rules import Level, Step

MakeCase = Callable[[], Case]
# build_case(): the call is on 2026-11-28 and the service ends on 2026-11-30.
END = date(2026, 11, 30)


def _found(case: Case, code: str) -> list[rules.Finding]:
    return [f for f in rules.findings(case) if f.code == code]


def test_the_ready_case_has_no_sequence_findings(make_case: MakeCase) -> None:
    assert rules.findings(make_case()) == []


# --- the end date before the call -------------------------------------------------------


def test_end_before_call(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.notice_rule = NoticeRule.FIXED
    case.contract.notice_days = 0
    case.contract.effective_date = date(2026, 11, 20)
    [finding] = _found(case, "end_before_call")
    assert finding.level is Level.WARNING
    assert finding.step is Step.CONTRACT
    assert finding.message == (
        "The end date 2026-11-20 is before the call on 2026-11-28: "
        "notice cannot start before you give it."
    )
    # Already said: not also reported as too little notice.
    assert _found(case, "notice_too_short") == []


# --- deletion before the client could fetch their files ---------------------------------


@pytest.mark.parametrize("days", [0, 6])
def test_deletion_too_soon_after_the_end(make_case: MakeCase, days: int) -> None:
    case = make_case()
    case.handover.delete_after_days = days
    [finding] = _found(case, "deletion_too_soon")
    assert finding.step is Step.REFERRAL
    assert rules.deletion_date(case) == END + timedelta(days=days) < END + timedelta(days=7)
    assert f"deleted {days} days after the end date" in finding.message


def test_deletion_a_week_after_the_end_is_fine(make_case: MakeCase) -> None:
    case = make_case()
    case.handover.delete_after_days = 7
    assert _found(case, "deletion_too_soon") == []


# --- work and invoices due after the service (and your access) ends ---------------------


def test_work_due_after_the_service_ends(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deliverables.append(
        Deliverable("Blog migration", DeliverableStatus.IN_PROGRESS, due=date(2026, 12, 15))
    )
    [finding] = _found(case, "work_due_after_end")
    assert finding.level is Level.WARNING
    assert finding.step is Step.CONTRACT
    assert finding.message == (
        "Work due after the service ends: Blog migration is due 2026-12-15, after the end "
        "date 2026-11-30. Finish it before then, drop it, or agree in writing who takes it over."
    )


def test_several_late_deliverables_are_named_together(make_case: MakeCase) -> None:
    case = make_case()
    for name, day in [("A", 1), ("B", 2), ("C", 2), ("D", 3)]:
        case.contract.deliverables.append(
            Deliverable(name, DeliverableStatus.NOT_STARTED, due=date(2026, 12, day))
        )
    [finding] = _found(case, "work_due_after_end")
    assert finding.message.startswith(
        "Work due after the service ends: A, B and 2 more are due 2026-12-01, 2026-12-02, "
        "2026-12-03, after the end date 2026-11-30."
    )


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (DeliverableStatus.DONE, date(2026, 12, 15)),  # finished: nothing left to deliver
        (DeliverableStatus.DROPPED, date(2026, 12, 15)),
        (DeliverableStatus.IN_PROGRESS, END),  # due on the last day is still in time
        (DeliverableStatus.IN_PROGRESS, None),
    ],
)
def test_work_in_time_or_not_owed(
    make_case: MakeCase, status: DeliverableStatus, due: date | None
) -> None:
    case = make_case()
    case.contract.deliverables.append(Deliverable("Shop", status, due=due))
    assert _found(case, "work_due_after_end") == []


def test_invoice_due_after_access_ends(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices.append(
        Invoice("INV-105", Decimal("800.00"), Decimal("0.00"), due=date(2026, 12, 20))
    )
    [finding] = _found(case, "invoice_due_after_end")
    assert finding.level is Level.WARNING
    assert finding.step is Step.CONTRACT
    assert finding.message == (
        "An invoice falls due after your access ends: INV-105 is due 2026-12-20, after the end "
        "date 2026-11-30. Bring the due date forward, so it is settled while you still work "
        "together."
    )


@pytest.mark.parametrize(
    ("paid", "due"),
    [
        (Decimal("800.00"), date(2026, 12, 20)),  # paid in advance: nothing to chase
        (Decimal("0.00"), END),
        (Decimal("0.00"), None),
    ],
)
def test_invoice_in_time_or_paid(make_case: MakeCase, paid: Decimal, due: date | None) -> None:
    case = make_case()
    case.contract.invoices.append(Invoice("INV-105", Decimal("800.00"), paid, due=due))
    assert _found(case, "invoice_due_after_end") == []


def test_no_end_date_no_sequence_to_check(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = None
    case.contract.deliverables.append(
        Deliverable("Shop", DeliverableStatus.IN_PROGRESS, due=date(2030, 1, 1))
    )
    case.contract.invoices.append(Invoice("X", Decimal("1.00"), due=date(2030, 1, 1)))
    codes = {f.code for f in rules.findings(case)}
    assert not codes & {"work_due_after_end", "invoice_due_after_end", "notice_too_short"}


# --- notice shorter than the contract requires ------------------------------------------


def _fixed(make_case: MakeCase, end: date, notice_days: int) -> Case:
    case = make_case()
    case.contract.notice_rule = NoticeRule.FIXED
    case.contract.effective_date = end
    case.contract.notice_days = notice_days
    return case


def test_notice_shorter_than_the_contract_requires(make_case: MakeCase) -> None:
    case = _fixed(make_case, date(2026, 12, 10), 30)
    [finding] = _found(case, "notice_too_short")
    assert finding.level is Level.WARNING
    assert finding.step is Step.CONTRACT
    assert finding.message == (
        "The notice is shorter than the contract requires: 12 days from the call to the end "
        "date, where the contract asks for 30. End on 2026-12-28 or later, or agree the "
        "shorter notice in writing."
    )


def test_one_day_of_notice_is_said_in_the_singular(make_case: MakeCase) -> None:
    [finding] = _found(_fixed(make_case, date(2026, 11, 29), 2), "notice_too_short")
    assert finding.message.startswith("The notice is shorter than the contract requires: 1 day ")


@pytest.mark.parametrize(("end", "days"), [(date(2026, 12, 28), 30), (date(2027, 1, 5), 30)])
def test_enough_notice(make_case: MakeCase, end: date, days: int) -> None:
    assert _found(_fixed(make_case, end, days), "notice_too_short") == []


@pytest.mark.parametrize("rule", [NoticeRule.DAYS, NoticeRule.END_OF_MONTH])
def test_computed_end_dates_always_give_the_notice(make_case: MakeCase, rule: NoticeRule) -> None:
    case = make_case()
    case.contract.notice_rule = rule
    case.contract.notice_days = 45
    assert _found(case, "notice_too_short") == []


def test_sequence_findings_mark_the_contract_step(make_case: MakeCase) -> None:
    case = _fixed(make_case, date(2026, 12, 10), 30)
    assert rules.step_state(case, Step.CONTRACT) is rules.StepState.NEEDS_ATTENTION
    assert not rules.is_ready(case)
