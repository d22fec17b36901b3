"""The rules of a case: dates, money and readiness, as plain functions of a case.

Derived values (the effective end date, the data-deletion date, what is owed)
are always computed here from the facts, never trusted from a file, so the
screen, the letter and the saved file cannot disagree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from clientexit.core.base import Step, format_money
from clientexit.core.model import (
    Case,
    Deliverable,
    Invoice,
    NoticeRule,
    Reason,
    ReferralMode,
    Status,
)

COOL_OFF_DAYS = 3
"""Practitioners advise letting a few days pass between deciding and telling."""

BEFORE_THE_CALL = frozenset({"cool_off", "no_script", "not_rehearsed", "no_objections"})
"""Findings about preparing the call: once the case is done they no longer apply."""

MIN_EXPORT_DAYS = 7
"""The least time after the end date a client should have to fetch their files."""

WORDS_PER_MINUTE = 130
"""A calm speaking pace, in the middle of the 110-160 range that sounds unhurried."""


def end_of_month(day: date) -> date:
    """The last day of the month that contains ``day`` (28, 29, 30 or 31)."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def effective_date(case: Case) -> date | None:
    """When the service ends, by the contract's notice rule.

    - ``days``: the call date plus ``notice_days``.
    - ``end_of_month``: the last day of the month containing the call date plus
      ``notice_days`` (so 0 means "the end of this month").
    - ``fixed``: the date written in the file.

    None when it cannot be known yet (no call date, or a fixed rule with no date).
    """
    contract = case.contract
    if contract.notice_rule is NoticeRule.FIXED:
        return contract.effective_date
    if case.call.date is None:
        return None
    notice_end = case.call.date + timedelta(days=contract.notice_days)
    if contract.notice_rule is NoticeRule.END_OF_MONTH:
        return end_of_month(notice_end)
    return notice_end


def deletion_date(case: Case) -> date | None:
    """When your copies of the client's records are deleted: end date + ``delete_after_days``."""
    end = effective_date(case)
    if end is None:
        return None
    return end + timedelta(days=case.handover.delete_after_days)


def unpaid_invoices(case: Case) -> list[Invoice]:
    return [inv for inv in case.contract.invoices if inv.balance > 0]


def money_owed(case: Case) -> Decimal:
    """The sum of every invoice's unpaid balance."""
    return sum((inv.balance for inv in case.contract.invoices), Decimal("0.00"))


def unfinished_deliverables(case: Case) -> list[Deliverable]:
    return [d for d in case.contract.deliverables if d.unfinished]


def cool_off_days(case: Case) -> int | None:
    """Days between the first documented note and the call; None when either is unknown."""
    if case.reasons.first_noted is None or case.call.date is None:
        return None
    return (case.call.date - case.reasons.first_noted).days


def refund_due(case: Case) -> Decimal:
    """The deposit to give back at the end: all of it if refundable, else nothing."""
    return case.contract.deposit if case.contract.deposit_refundable else Decimal("0.00")


def script_words(case: Case) -> int:
    return sum(len(line.text.split()) for line in case.script.lines)


def speaking_seconds(words: int, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """How long ``words`` take to say at a calm pace, rounded to the second."""
    return round(words * 60 / words_per_minute)


class Level(StrEnum):
    """How much a finding matters: warnings should be fixed before the call."""

    WARNING = "warning"
    ADVICE = "advice"
    OK = "ok"


@dataclass(frozen=True)
class Finding:
    """One line of the readiness check."""

    code: str
    level: Level
    step: Step
    message: str


def _contract_findings(case: Case) -> list[Finding]:
    found: list[Finding] = []
    c = case.contract
    owed = money_owed(case)
    if owed > 0:
        count = len(unpaid_invoices(case))
        found.append(
            Finding(
                "money_owed",
                Level.WARNING,
                Step.CONTRACT,
                f"{format_money(owed, c.currency)} is still owed on {count} "
                f"invoice{'s' if count != 1 else ''}. "
                + (
                    "Ask for it with the final statement, in writing."
                    if case.status is Status.DONE
                    else "Consider collecting it before the call, or pausing work until it is paid."
                ),
            )
        )
    unfinished = unfinished_deliverables(case)
    if unfinished:
        names = ", ".join(d.name or "(unnamed)" for d in unfinished[:3])
        more = f" and {len(unfinished) - 3} more" if len(unfinished) > 3 else ""
        advice = (
            "With an abusive client you owe no extra effort: agree what happens to them."
            if case.abusive
            else "Finish what you can, at full quality, before the call."
        )
        found.append(
            Finding(
                "unfinished_work",
                Level.WARNING,
                Step.CONTRACT,
                f"Work left undone: {names}{more}. {advice}",
            )
        )
    if not c.termination_clause.strip():
        found.append(
            Finding(
                "no_clause",
                Level.ADVICE,
                Step.CONTRACT,
                "No written termination clause. Gather the emails that set the scope and "
                "expectations, and give notice that is plainly fair.",
            )
        )
    if case.call.date is None:
        found.append(
            Finding("no_call_date", Level.WARNING, Step.CONTRACT, "The call has no date yet.")
        )
    end = effective_date(case)
    if end is None and c.notice_rule is NoticeRule.FIXED:
        found.append(
            Finding(
                "no_end_date",
                Level.WARNING,
                Step.CONTRACT,
                "The notice rule is a fixed date, but no end date is set.",
            )
        )
    if end is not None and case.call.date is not None and end < case.call.date:
        found.append(
            Finding(
                "end_before_call",
                Level.WARNING,
                Step.CONTRACT,
                f"The end date {end.isoformat()} is before the call on "
                f"{case.call.date.isoformat()}: notice cannot start before you give it.",
            )
        )
    found.extend(_sequence_findings(case))
    return found


def _dates(items: list[date]) -> str:
    return ", ".join(sorted({d.isoformat() for d in items}))


def _sequence_findings(case: Case) -> list[Finding]:
    """Things planned in the wrong order: work or money due after the service has ended.

    Once the service ends your access is handed back, so anything due later can no
    longer be delivered or chased from inside the relationship.
    """
    found: list[Finding] = []
    c = case.contract
    end = effective_date(case)
    if end is None:
        return found
    late_work = [d for d in unfinished_deliverables(case) if d.due is not None and d.due > end]
    if late_work:
        names = join_names([d.name or "(unnamed)" for d in late_work])
        due = _dates([d.due for d in late_work if d.due is not None])
        found.append(
            Finding(
                "work_due_after_end",
                Level.WARNING,
                Step.CONTRACT,
                f"Work due after the service ends: {names} "
                f"{'is' if len(late_work) == 1 else 'are'} due {due}, after the end date "
                f"{end.isoformat()}. Finish it before then, drop it, or agree in writing "
                "who takes it over.",
            )
        )
    late_bills = [inv for inv in unpaid_invoices(case) if inv.due is not None and inv.due > end]
    if late_bills:
        numbers = join_names([inv.number or "(no number)" for inv in late_bills])
        due = _dates([inv.due for inv in late_bills if inv.due is not None])
        found.append(
            Finding(
                "invoice_due_after_end",
                Level.WARNING,
                Step.CONTRACT,
                f"An invoice falls due after your access ends: {numbers} "
                f"{'is' if len(late_bills) == 1 else 'are'} due {due}, after the end date "
                f"{end.isoformat()}. Bring the due date forward, so it is settled while you "
                "still work together.",
            )
        )
    call = case.call.date
    if c.notice_rule is NoticeRule.FIXED and call is not None and end >= call:
        given = (end - call).days
        if given < c.notice_days:
            earliest = call + timedelta(days=c.notice_days)
            found.append(
                Finding(
                    "notice_too_short",
                    Level.WARNING,
                    Step.CONTRACT,
                    f"The notice is shorter than the contract requires: {given} "
                    f"day{'s' if given != 1 else ''} from the call to the end date, where the "
                    f"contract asks for {c.notice_days}. End on {earliest.isoformat()} or "
                    "later, or agree the shorter notice in writing.",
                )
            )
    return found


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and 2 more``: a short list for a message."""
    if len(names) > 3:
        return f"{', '.join(names[:2])} and {len(names) - 2} more"
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""


def _leak_findings(case: Case) -> list[Finding]:
    """Private notes that turn up in client-facing text (see :mod:`clientexit.core.leak`)."""
    from clientexit.core import leak, render

    try:
        leaks = leak.scan(case)
    except render.TemplateProblem as problem:
        return [
            Finding(
                "template_problem",
                Level.WARNING,
                Step.REVIEW,
                f"A template is broken, so the texts cannot be made or checked: {problem}",
            )
        ]
    grouped: dict[tuple[int, str], list[leak.Leak]] = {}
    for found in leaks:
        grouped.setdefault((found.incident, found.phrase), []).append(found)
    findings: list[Finding] = []
    for (incident, phrase), places in grouped.items():
        shown = phrase if len(phrase) <= 60 else phrase[:57] + "..."
        names = (leak.DOCUMENT_NAMES.get(p.document, p.document) for p in places)
        where = join_names(list(dict.fromkeys(names)))
        field = next((p.field for p in places if p.field), "")
        fix = f"Reword {field}." if field else "Reword it before you send anything."
        findings.append(
            Finding(
                "leak",
                Level.WARNING,
                places[0].step,
                f'Words from your private note {incident} are in {where}: "{shown}". {fix}',
            )
        )
    return findings


def findings(case: Case) -> list[Finding]:
    """Everything that stands between this case and a well-prepared call.

    Each finding names the step that fixes it; an empty list means ready.
    """
    found = _contract_findings(case)

    if not case.reasons.incidents and not case.reasons.red_flags:
        found.append(
            Finding(
                "reasons_undocumented",
                Level.WARNING,
                Step.REASONS,
                "Your reasons are not documented. A dated, private record protects you if "
                "the client disputes the ending or an invoice.",
            )
        )
    days = cool_off_days(case)
    if days is not None and days < COOL_OFF_DAYS:
        found.append(
            Finding(
                "cool_off",
                Level.ADVICE,
                Step.REASONS,
                f"Your first note is only {max(days, 0)} day{'s' if days != 1 else ''} before "
                "the call. Let a few days pass so the decision is not made in anger.",
            )
        )

    if case.tone.reason is Reason.CUSTOM and not case.tone.reason_text.strip():
        found.append(
            Finding(
                "no_reason_text",
                Level.WARNING,
                Step.TONE,
                "You chose to give your own reason, but have not written it.",
            )
        )

    if case.referral.mode is ReferralMode.NONE and not case.abusive:
        found.append(
            Finding(
                "no_referral",
                Level.ADVICE,
                Step.REFERRAL,
                "No referral. Pointing the client to someone who fits them better makes the "
                "ending easier to accept; skip it only for an abusive client.",
            )
        )
    elif case.referral.mode is ReferralMode.NAMED and not any(
        x.name.strip() for x in case.referral.contacts
    ):
        found.append(
            Finding(
                "referral_unnamed",
                Level.WARNING,
                Step.REFERRAL,
                "The referral is to a named colleague, but no one is named.",
            )
        )
    elif (
        case.referral.mode is ReferralMode.PROVIDER_TYPE and not case.referral.provider_type.strip()
    ):
        found.append(
            Finding(
                "referral_kind_missing",
                Level.WARNING,
                Step.REFERRAL,
                "Say what kind of provider would suit them (for example, a full-service agency).",
            )
        )
    if not case.handover.items:
        found.append(
            Finding(
                "no_handover",
                Level.WARNING,
                Step.REFERRAL,
                "The handover checklist is empty. Written handover stops "
                '"I didn\'t know service ended" disputes.',
            )
        )

    if not case.script.lines:
        found.append(
            Finding("no_script", Level.WARNING, Step.SCRIPT, "There is no call script yet.")
        )
    elif not case.rehearsals:
        found.append(
            Finding(
                "not_rehearsed",
                Level.ADVICE,
                Step.SCRIPT,
                "The script has not been rehearsed. Say it aloud at least once.",
            )
        )
    if not case.script.objections:
        found.append(
            Finding(
                "no_objections",
                Level.ADVICE,
                Step.SCRIPT,
                "No prepared answers to pushback. Expect promises, offers and anger.",
            )
        )

    count = len(case.script.objections)
    beyond = [n for n in case.outcome.objections if n > count]
    if beyond:
        found.append(
            Finding(
                "outcome_objection_missing",
                Level.ADVICE,
                Step.SCRIPT,
                f"The call's outcome lists objection {', '.join(map(str, beyond))}, but the "
                f"script has {count} prepared answer{'s' if count != 1 else ''}.",
            )
        )

    if effective_date(case) is not None and case.handover.delete_after_days < MIN_EXPORT_DAYS:
        found.append(
            Finding(
                "deletion_too_soon",
                Level.WARNING,
                Step.REFERRAL,
                f"Their records would be deleted {case.handover.delete_after_days} days after "
                f"the end date; give them at least {MIN_EXPORT_DAYS} days to download "
                "their files.",
            )
        )
    deferred = _deferred_leaks.get(id(case))
    found.extend(_leak_findings(case) if deferred is None else deferred)
    if case.status is Status.DONE:
        return [f for f in found if f.code not in BEFORE_THE_CALL]
    return found


_deferred_leaks: dict[int, list[Finding]] = {}
"""Leak findings of the cases an editor checks itself, by ``id(case)``."""


def defer_leak_check(case: Case) -> None:
    """From now on, :func:`findings` for ``case`` reuses its last :func:`check_leaks`.

    The leak scan renders every client-facing document, milliseconds per edit: an
    editor calls :func:`check_leaks` when typing pauses rather than on every key.
    Until the first check, no leak is reported. Exports always scan afresh
    (:func:`clientexit.core.leak.scan`); this only concerns the readiness list.
    """
    _deferred_leaks.setdefault(id(case), [])


def check_leaks(case: Case) -> bool:
    """Scan a deferred case for leaks now; returns whether its leak findings changed."""
    found = _leak_findings(case)
    changed = _deferred_leaks.get(id(case)) != found
    if id(case) in _deferred_leaks:
        _deferred_leaks[id(case)] = found
    return changed


def end_deferred_leak_check(case: Case) -> None:
    """``case`` is no longer being edited: :func:`findings` scans it every time again."""
    _deferred_leaks.pop(id(case), None)


def is_ready(case: Case) -> bool:
    """Ready for the call: no warnings left (advice may remain)."""
    return not any(f.level is Level.WARNING for f in findings(case))


class StepState(StrEnum):
    """How far along one wizard step is, for the step list."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    NEEDS_ATTENTION = "needs_attention"


def _started(case: Case, step: Step) -> bool:
    c = case
    match step:
        case Step.CONTRACT:
            return bool(
                c.client.name.strip()
                or c.contract.title.strip()
                or c.call.date
                or c.contract.invoices
                or c.contract.deliverables
            )
        case Step.REASONS:
            return bool(c.reasons.red_flags or c.reasons.incidents or c.reasons.first_noted)
        case Step.TONE:
            return bool(c.tone.reason_text.strip() or c.script.lines)
        case Step.REFERRAL:
            return bool(
                c.referral.contacts
                or c.referral.provider_type.strip()
                or c.referral.mode is ReferralMode.NONE
                or c.handover.items
            )
        case Step.SCRIPT:
            return bool(c.script.lines or c.script.objections)
        case Step.REVIEW:
            return c.status is not Status.DRAFT


def _complete(case: Case, step: Step) -> bool:
    c = case
    match step:
        case Step.CONTRACT:
            return bool(c.client.name.strip() and c.call.date and effective_date(c))
        case Step.REASONS:
            return bool(c.reasons.red_flags and c.reasons.incidents)
        case Step.TONE:
            return c.tone.reason is not Reason.CUSTOM or bool(c.tone.reason_text.strip())
        case Step.REFERRAL:
            return bool(c.handover.items)
        case Step.SCRIPT:
            return bool(c.script.lines and c.script.objections)
        case Step.REVIEW:
            return c.status is not Status.DRAFT


def step_state(
    case: Case, step: Step, *, visited: bool = False, found: list[Finding] | None = None
) -> StepState:
    """The state a step shows: untouched, under way, done, or with a warning to fix.

    ``visited`` counts opening a step in the app as starting it, so steps that
    have sensible defaults (the tone) do not look finished before anyone looked.
    ``found`` is ``findings(case)`` when the caller already has it: the app asks
    for all six steps on every keystroke, and the check renders every document.
    """
    if not (visited or _started(case, step)):
        return StepState.NOT_STARTED
    if found is None:
        found = findings(case)
    if any(f.step is step and f.level is Level.WARNING for f in found):
        return StepState.NEEDS_ATTENTION
    if _complete(case, step) and (visited or _started(case, step)):
        return StepState.COMPLETE
    return StepState.IN_PROGRESS
