"""Dates, money and readiness rules (clientexit.core.rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from clientexit.core import rules
from clientexit.core.model import (
    Case,
    Deliverable,
    DeliverableStatus,
    Invoice,
    NoticeRule,
    Reason,
    RedFlag,
    ReferralContact,
    ReferralMode,
    Rehearsal,
    Status,
)

MakeCase = Callable[[], Case]


def _with_rule(
    make_case: MakeCase,
    rule: NoticeRule,
    call: date | None,
    notice_days: int = 0,
    fixed: date | None = None,
) -> Case:
    case = make_case()
    case.call.date = call
    case.contract.notice_rule = rule
    case.contract.notice_days = notice_days
    case.contract.effective_date = fixed
    return case


def _codes(case: Case) -> set[str]:
    return {f.code for f in rules.findings(case)}


# --- effective_date ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "days", "expected"),
    [
        (date(2026, 11, 28), 30, date(2026, 12, 28)),
        (date(2026, 11, 28), 0, date(2026, 11, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 1)),
        (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 2, 28), 1, date(2026, 3, 1)),  # not a leap year
        (date(2100, 2, 28), 1, date(2100, 3, 1)),  # century: 2100 is not leap
        (date(2000, 2, 28), 1, date(2000, 2, 29)),  # 400-year rule: 2000 is leap
        (date(2026, 12, 31), 1, date(2027, 1, 1)),  # year rollover
        (date(2026, 12, 15), 30, date(2027, 1, 14)),
    ],
)
def test_effective_date_days_rule(
    make_case: MakeCase, call: date, days: int, expected: date
) -> None:
    # A stale effective_date in the case must not be trusted for the days rule.
    case = _with_rule(make_case, NoticeRule.DAYS, call, days, fixed=date(1999, 1, 1))
    assert rules.effective_date(case) == expected


@pytest.mark.parametrize(
    ("call", "days", "expected"),
    [
        (date(2026, 1, 10), 0, date(2026, 1, 31)),
        (date(2026, 2, 1), 0, date(2026, 2, 28)),  # non-leap February
        (date(2024, 2, 10), 0, date(2024, 2, 29)),  # leap February
        (date(2028, 2, 3), 0, date(2028, 2, 29)),  # leap February
        (date(2100, 2, 3), 0, date(2100, 2, 28)),  # century rule: not leap
        (date(2026, 4, 1), 0, date(2026, 4, 30)),
        (date(2026, 12, 1), 0, date(2026, 12, 31)),
        (date(2026, 11, 30), 0, date(2026, 11, 30)),  # already the last day
        (date(2026, 11, 28), 14, date(2026, 12, 31)),  # notice pushes into next month
        (date(2026, 12, 20), 14, date(2027, 1, 31)),  # ... and into next year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 1), 29, date(2026, 11, 30)),  # stays in the same month
    ],
)
def test_effective_date_end_of_month_rule(
    make_case: MakeCase, call: date, days: int, expected: date
) -> None:
    case = _with_rule(make_case, NoticeRule.END_OF_MONTH, call, days, fixed=date(1999, 1, 1))
    assert rules.effective_date(case) == expected


def test_effective_date_fixed_rule_uses_the_written_date(make_case: MakeCase) -> None:
    case = _with_rule(make_case, NoticeRule.FIXED, date(2026, 11, 28), 30, fixed=date(2027, 3, 3))
    assert rules.effective_date(case) == date(2027, 3, 3)
    # ... even before the call has a date
    case.call.date = None
    assert rules.effective_date(case) == date(2027, 3, 3)


def test_effective_date_fixed_rule_without_date_is_none(make_case: MakeCase) -> None:
    case = _with_rule(make_case, NoticeRule.FIXED, date(2026, 11, 28), fixed=None)
    assert rules.effective_date(case) is None


@pytest.mark.parametrize("rule", [NoticeRule.DAYS, NoticeRule.END_OF_MONTH])
def test_effective_date_none_without_call_date(make_case: MakeCase, rule: NoticeRule) -> None:
    case = _with_rule(make_case, rule, None, 30, fixed=date(2026, 12, 31))
    assert rules.effective_date(case) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 14), date(2026, 2, 28)),
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2028, 2, 29), date(2028, 2, 29)),
        (date(2100, 2, 1), date(2100, 2, 28)),
        (date(2000, 2, 1), date(2000, 2, 29)),
        (date(2026, 4, 15), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2026, 12, 31)),
    ],
)
def test_end_of_month(day: date, expected: date) -> None:
    assert rules.end_of_month(day) == expected


# --- deletion_date ----------------------------------------------------------------------


def test_deletion_date_counts_from_the_end_date(make_case: MakeCase) -> None:
    case = _with_rule(make_case, NoticeRule.END_OF_MONTH, date(2026, 11, 28))
    case.handover.delete_after_days = 30
    assert rules.deletion_date(case) == date(2026, 12, 30)
    case.handover.delete_after_days = 0
    assert rules.deletion_date(case) == date(2026, 11, 30)
    case.handover.delete_after_days = 31
    assert rules.deletion_date(case) == date(2026, 12, 31)
    case.handover.delete_after_days = 32
    assert rules.deletion_date(case) == date(2027, 1, 1)


def test_deletion_date_fixed_rule(make_case: MakeCase) -> None:
    case = _with_rule(make_case, NoticeRule.FIXED, None, fixed=date(2028, 2, 28))
    case.handover.delete_after_days = 1
    assert rules.deletion_date(case) == date(2028, 2, 29)


def test_deletion_date_none_without_end_date(make_case: MakeCase) -> None:
    case = _with_rule(make_case, NoticeRule.DAYS, None, 30)
    assert rules.deletion_date(case) is None
    case = _with_rule(make_case, NoticeRule.FIXED, date(2026, 11, 28), fixed=None)
    assert rules.deletion_date(case) is None


# --- money ------------------------------------------------------------------------------


def _invoices(*pairs: tuple[str, str]) -> list[Invoice]:
    return [
        Invoice(number=f"INV-{n}", amount=Decimal(amount), paid=Decimal(paid))
        for n, (amount, paid) in enumerate(pairs, start=1)
    ]


def test_money_owed_sums_partial_payments(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices = _invoices(("2400.00", "1200.00"), ("100.10", "0.00"), ("50", "50"))
    assert rules.money_owed(case) == Decimal("1300.10")
    assert [i.number for i in rules.unpaid_invoices(case)] == ["INV-1", "INV-2"]


def test_money_owed_overpaid_invoice_never_makes_balance_negative(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices = _invoices(("100.00", "150.00"), ("20.00", "5.00"))
    assert case.contract.invoices[0].balance == Decimal("0.00")
    # The overpayment does not cancel what is owed on the other invoice.
    assert rules.money_owed(case) == Decimal("15.00")
    assert [i.number for i in rules.unpaid_invoices(case)] == ["INV-2"]


def test_money_owed_with_no_invoices_is_zero(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices = []
    owed = rules.money_owed(case)
    assert owed == Decimal("0.00")
    assert isinstance(owed, Decimal)
    assert rules.unpaid_invoices(case) == []


def test_money_owed_is_exact_decimal(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices = _invoices(*[("0.10", "0.00")] * 3)
    assert rules.money_owed(case) == Decimal("0.30")


def test_unfinished_deliverables(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deliverables = [
        Deliverable(name=status.value, status=status) for status in DeliverableStatus
    ]
    assert [d.name for d in rules.unfinished_deliverables(case)] == [
        "in_progress",
        "not_started",
    ]
    case.contract.deliverables = []
    assert rules.unfinished_deliverables(case) == []


def test_cool_off_days(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = date(2026, 3, 1)
    case.reasons.first_noted = date(2026, 2, 27)
    assert rules.cool_off_days(case) == 2
    case.reasons.first_noted = date(2026, 3, 1)
    assert rules.cool_off_days(case) == 0
    case.reasons.first_noted = date(2026, 3, 5)
    assert rules.cool_off_days(case) == -4
    case.reasons.first_noted = None
    assert rules.cool_off_days(case) is None
    case.reasons.first_noted = date(2026, 2, 1)
    case.call.date = None
    assert rules.cool_off_days(case) is None


def test_refund_due(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deposit = Decimal("1500.00")
    case.contract.deposit_refundable = True
    assert rules.refund_due(case) == Decimal("1500.00")
    case.contract.deposit_refundable = False
    assert rules.refund_due(case) == Decimal("0.00")


def test_format_money() -> None:
    assert rules.format_money(Decimal("1200"), "EUR") == "1,200.00 EUR"
    assert rules.format_money(Decimal("0.5"), "PLN") == "0.50 PLN"


@pytest.mark.parametrize(
    ("words", "wpm", "expected"),
    [(0, 130, 0), (130, 130, 60), (65, 130, 30), (1, 130, 0), (2, 130, 1), (100, 100, 60)],
)
def test_speaking_seconds(words: int, wpm: int, expected: int) -> None:
    assert rules.speaking_seconds(words, wpm) == expected


def test_speaking_seconds_default_pace() -> None:
    assert rules.speaking_seconds(260) == 120
    assert rules.WORDS_PER_MINUTE == 130


def test_script_words(make_case: MakeCase) -> None:
    case = make_case()
    # "Hi Jordan, thanks for making time." 6 + "I have decided to end our retainer." 7
    # + "Thank you for the work we did together." 8 + "Goodbye, and all the best." 5
    assert rules.script_words(case) == 26


# --- findings ---------------------------------------------------------------------------


def test_baseline_case_has_no_findings(make_case: MakeCase) -> None:
    case = make_case()
    assert rules.findings(case) == []
    assert rules.is_ready(case)


def test_finding_money_owed(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices = _invoices(("1000.00", "400.00"), ("200.00", "0.00"))
    found = {f.code: f for f in rules.findings(case)}
    assert found["money_owed"].level is rules.Level.WARNING
    assert found["money_owed"].step is rules.Step.CONTRACT
    assert "800.00 EUR is still owed on 2 invoices" in found["money_owed"].message
    assert not rules.is_ready(case)
    case.contract.invoices[0].paid = Decimal("1000.00")
    found = {f.code: f for f in rules.findings(case)}
    assert "200.00 EUR is still owed on 1 invoice." in found["money_owed"].message
    case.contract.invoices[1].paid = Decimal("200.00")
    assert "money_owed" not in _codes(case)
    assert rules.is_ready(case)


def test_finding_unfinished_work(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deliverables.append(
        Deliverable(name="Shop", status=DeliverableStatus.IN_PROGRESS)
    )
    found = {f.code: f for f in rules.findings(case)}
    assert found["unfinished_work"].level is rules.Level.WARNING
    assert "Shop" in found["unfinished_work"].message
    assert "Finish what you can" in found["unfinished_work"].message
    case.contract.deliverables[-1].status = DeliverableStatus.DONE
    assert _codes(case) == set()


def test_finding_unfinished_work_lists_three_and_counts_the_rest(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deliverables = [
        Deliverable(name=f"D{n}", status=DeliverableStatus.NOT_STARTED) for n in range(1, 6)
    ]
    (finding,) = [f for f in rules.findings(case) if f.code == "unfinished_work"]
    assert "D1, D2, D3 and 2 more" in finding.message
    assert "D4" not in finding.message


def test_finding_unfinished_work_for_abusive_client_gives_other_advice(
    make_case: MakeCase,
) -> None:
    case = make_case()
    case.reasons.red_flags.append(RedFlag.DISRESPECT)
    case.contract.deliverables.append(Deliverable(name="Shop"))
    (finding,) = [f for f in rules.findings(case) if f.code == "unfinished_work"]
    assert "abusive client" in finding.message
    assert "Finish what you can" not in finding.message


@pytest.mark.parametrize("clause", ["", "   "])
def test_finding_no_clause(make_case: MakeCase, clause: str) -> None:
    case = make_case()
    case.contract.termination_clause = clause
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_clause"}
    assert found["no_clause"].level is rules.Level.ADVICE
    assert rules.is_ready(case)  # advice does not block
    case.contract.termination_clause = "4.1"
    assert _codes(case) == set()


def test_finding_no_call_date(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = None
    codes = _codes(case)
    assert "no_call_date" in codes
    # A missing call date means no end date, but that is not "no_end_date" for end_of_month.
    assert "no_end_date" not in codes
    assert not rules.is_ready(case)
    case.call.date = date(2026, 11, 28)
    assert _codes(case) == set()


def test_finding_no_end_date(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.notice_rule = NoticeRule.FIXED
    case.contract.effective_date = None
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_end_date"}
    assert found["no_end_date"].level is rules.Level.WARNING
    case.contract.effective_date = date(2026, 12, 31)
    assert _codes(case) == set()


def test_finding_end_before_call(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.notice_rule = NoticeRule.FIXED
    case.contract.effective_date = date(2026, 11, 27)
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"end_before_call"}
    assert "2026-11-27" in found["end_before_call"].message
    assert "2026-11-28" in found["end_before_call"].message
    case.contract.effective_date = date(2026, 11, 28)  # same day is fine
    assert _codes(case) == set()


def test_finding_end_before_call_with_negative_notice(make_case: MakeCase) -> None:
    # Validation refuses negative notice_days in files, but the rule must still hold.
    case = make_case()
    case.contract.notice_rule = NoticeRule.DAYS
    case.contract.notice_days = -1
    assert "end_before_call" in _codes(case)


def test_finding_reasons_undocumented(make_case: MakeCase) -> None:
    case = make_case()
    case.reasons.incidents = []
    case.reasons.red_flags = []
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"reasons_undocumented"}
    assert found["reasons_undocumented"].step is rules.Step.REASONS
    case.reasons.red_flags = [RedFlag.HAGGLING]  # flags alone are enough
    assert _codes(case) == set()


def test_finding_reasons_documented_by_incident_alone(make_case: MakeCase) -> None:
    case = make_case()
    case.reasons.red_flags = []
    assert "reasons_undocumented" not in _codes(case)


@pytest.mark.parametrize(("first", "expected_days"), [(27, 1), (28, 0), (26, 2), (30, 0)])
def test_finding_cool_off(make_case: MakeCase, first: int, expected_days: int) -> None:
    case = make_case()
    case.reasons.first_noted = date(2026, 11, first)  # call is 2026-11-28
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"cool_off"}
    assert found["cool_off"].level is rules.Level.ADVICE
    assert f"only {expected_days} day" in found["cool_off"].message
    case.reasons.first_noted = date(2026, 11, 25)  # exactly COOL_OFF_DAYS before
    assert _codes(case) == set()


def test_no_cool_off_finding_without_first_noted(make_case: MakeCase) -> None:
    case = make_case()
    case.reasons.first_noted = None
    assert "cool_off" not in _codes(case)


def test_finding_no_reason_text(make_case: MakeCase) -> None:
    case = make_case()
    case.tone.reason = Reason.CUSTOM
    case.tone.reason_text = "  \n"
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_reason_text"}
    assert found["no_reason_text"].step is rules.Step.TONE
    case.tone.reason_text = "I am changing what kind of work I take on."
    assert _codes(case) == set()


def test_no_reason_text_needed_for_stock_reasons(make_case: MakeCase) -> None:
    case = make_case()
    for reason in (Reason.FOCUS, Reason.FIT, Reason.ALIGNMENT, Reason.CAPACITY):
        case.tone.reason = reason
        case.tone.reason_text = ""
        assert _codes(case) == set(), reason


def test_finding_no_referral(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.mode = ReferralMode.NONE
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_referral"}
    assert found["no_referral"].level is rules.Level.ADVICE
    case.referral.mode = ReferralMode.NAMED
    assert _codes(case) == set()


def test_abusive_client_gets_no_referral_finding(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.mode = ReferralMode.NONE
    case.reasons.red_flags.append(RedFlag.DISRESPECT)
    assert case.abusive
    assert _codes(case) == set()


def test_abusive_only_by_red_flag_not_by_incident(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.mode = ReferralMode.NONE
    case.reasons.incidents[0].category = RedFlag.DISRESPECT
    assert not case.abusive
    assert "no_referral" in _codes(case)


def test_finding_referral_unnamed(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.contacts = []
    assert _codes(case) == {"referral_unnamed"}
    case.referral.contacts = [ReferralContact(name="  ", email="x@example.com")]
    assert _codes(case) == {"referral_unnamed"}
    case.referral.contacts.append(ReferralContact(name="Pracownia Wilk"))
    assert _codes(case) == set()


def test_finding_referral_kind_missing(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.mode = ReferralMode.PROVIDER_TYPE
    case.referral.provider_type = " "
    case.referral.contacts = []  # not needed for this mode
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"referral_kind_missing"}
    assert found["referral_kind_missing"].level is rules.Level.WARNING
    case.referral.provider_type = "a full-service agency"
    assert _codes(case) == set()


def test_finding_no_handover(make_case: MakeCase) -> None:
    case = make_case()
    case.handover.items = []
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_handover"}
    assert found["no_handover"].level is rules.Level.WARNING
    assert not rules.is_ready(case)


def test_finding_no_script_replaces_not_rehearsed(make_case: MakeCase) -> None:
    case = make_case()
    case.script.lines = []
    case.rehearsals = []
    assert _codes(case) == {"no_script"}
    assert not rules.is_ready(case)


def test_finding_not_rehearsed(make_case: MakeCase) -> None:
    case = make_case()
    case.rehearsals = []
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"not_rehearsed"}
    assert found["not_rehearsed"].level is rules.Level.ADVICE
    assert rules.is_ready(case)
    case.rehearsals = [Rehearsal(seconds=60)]
    assert _codes(case) == set()


def test_finding_no_objections(make_case: MakeCase) -> None:
    case = make_case()
    case.script.objections = []
    found = {f.code: f for f in rules.findings(case)}
    assert set(found) == {"no_objections"}
    assert found["no_objections"].step is rules.Step.SCRIPT


def test_a_done_case_drops_what_was_about_preparing_the_call(make_case: MakeCase) -> None:
    case = make_case()
    case.rehearsals = []
    case.script.objections = []
    case.contract.invoices[0].paid = Decimal("0.00")
    before = {f.code: f for f in rules.findings(case)}
    assert {"not_rehearsed", "no_objections", "money_owed"} <= set(before)
    assert "before the call" in before["money_owed"].message
    case.status = Status.DONE
    after = {f.code: f for f in rules.findings(case)}
    assert not rules.BEFORE_THE_CALL & set(after)
    # Money still owed matters after the call too, in words that fit it.
    assert "before the call" not in after["money_owed"].message
    assert "final statement" in after["money_owed"].message


def test_finding_outcome_objection_past_the_list(make_case: MakeCase) -> None:
    case = make_case()
    count = len(case.script.objections)
    case.outcome.objections = [1, count + 1, count + 3]
    found = {f.code: f for f in rules.findings(case)}
    assert found["outcome_objection_missing"].level is rules.Level.ADVICE
    assert f"objection {count + 1}, {count + 3}" in found["outcome_objection_missing"].message
    assert rules.is_ready(case)
    case.outcome.objections = [count]
    assert "outcome_objection_missing" not in _codes(case)


@pytest.mark.parametrize(("days", "found"), [(0, True), (6, True), (7, False), (30, False)])
def test_finding_deletion_too_soon(make_case: MakeCase, days: int, found: bool) -> None:
    case = make_case()
    case.handover.delete_after_days = days
    assert ("deletion_too_soon" in _codes(case)) is found
    assert rules.is_ready(case) is not found


def test_no_deletion_finding_without_end_date(make_case: MakeCase) -> None:
    case = make_case()
    case.handover.delete_after_days = 0
    case.call.date = None
    codes = _codes(case)
    assert "deletion_too_soon" not in codes
    assert "no_call_date" in codes


def test_every_finding_names_a_step_and_says_something(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = None
    case.contract.termination_clause = ""
    case.contract.invoices = _invoices(("10.00", "0.00"))
    case.contract.deliverables = [Deliverable(name="X")]
    case.reasons.red_flags = []
    case.reasons.incidents = []
    case.tone.reason = Reason.CUSTOM
    case.referral.contacts = []
    case.handover.items = []
    case.script.lines = []
    case.script.objections = []
    found = rules.findings(case)
    codes = [f.code for f in found]
    assert len(codes) == len(set(codes))
    assert set(codes) == {
        "money_owed",
        "unfinished_work",
        "no_clause",
        "no_call_date",
        "reasons_undocumented",
        "no_reason_text",
        "referral_unnamed",
        "no_handover",
        "no_script",
        "no_objections",
    }
    for f in found:
        assert isinstance(f.step, rules.Step)
        assert f.message.strip()


def test_is_ready_only_counts_warnings(make_case: MakeCase) -> None:
    case = make_case()
    # Only advice: no clause, not rehearsed, no objections, no referral.
    case.contract.termination_clause = ""
    case.rehearsals = []
    case.script.objections = []
    case.referral.mode = ReferralMode.NONE
    assert all(f.level is rules.Level.ADVICE for f in rules.findings(case))
    assert len(rules.findings(case)) == 4
    assert rules.is_ready(case)
    case.handover.items = []
    assert not rules.is_ready(case)
