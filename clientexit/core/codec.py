"""Writing a case back to TOML, in the order and shape of the format.

Unknown keys travel in each object's ``extra`` and are written back after the
known ones. Derived values are written fresh (``contract.effective_date``), and
empty optional values are left out rather than written as placeholders.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import tomli_w

from clientexit.core import rules
from clientexit.core.model import Case, NoticeRule, Rehearsal


class _Instant(datetime):
    """A datetime that TOML-writes as ``2026-11-22T18:15:07Z``, like the format's examples.

    tomli-w writes date-times with ``str()``, which gives a space and ``+00:00``:
    valid TOML, but not what people expect to read.
    """

    def __str__(self) -> str:
        text = self.isoformat()
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _instant(value: datetime) -> datetime:
    return _Instant(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=value.tzinfo,
    )


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _optional(table: dict[str, Any], key: str, value: date | str | None) -> None:
    if value not in (None, ""):
        table[key] = value


def _rehearsal(r: Rehearsal) -> dict[str, Any]:
    row: dict[str, Any] = {"at": _instant(r.at), "seconds": r.seconds, "flagged": list(r.flagged)}
    # Optional keys: left out when a run has nothing to say about them.
    if r.words is not None:
        row["words"] = r.words
    if r.drilled:
        row["drilled"] = list(r.drilled)
    if r.shaky:
        row["shaky"] = list(r.shaky)
    return row | r.extra


def to_data(case: Case) -> dict[str, Any]:
    """The case as plain TOML-ready data (the inverse of ``validate.case_from_data``)."""
    c = case.contract
    contract: dict[str, Any] = {"title": c.title}
    _optional(contract, "signed", c.signed)
    contract["termination_clause"] = c.termination_clause
    contract["notice_rule"] = c.notice_rule.value
    contract["notice_days"] = c.notice_days
    # Written on save for people reading the file; only "fixed" reads it back.
    effective = rules.effective_date(case)
    if c.notice_rule is NoticeRule.FIXED:
        effective = c.effective_date
    _optional(contract, "effective_date", effective)
    contract["currency"] = c.currency
    contract["deposit"] = _money(c.deposit)
    contract["deposit_refundable"] = c.deposit_refundable
    contract.update(c.extra)
    if c.invoices:
        contract["invoices"] = []
        for inv in c.invoices:
            row: dict[str, Any] = {
                "number": inv.number,
                "amount": _money(inv.amount),
                "paid": _money(inv.paid),
            }
            _optional(row, "due", inv.due)
            contract["invoices"].append(row | inv.extra)
    if c.deliverables:
        contract["deliverables"] = []
        for d in c.deliverables:
            row = {"name": d.name, "status": d.status.value}
            _optional(row, "due", d.due)
            contract["deliverables"].append(row | d.extra)

    call: dict[str, Any] = {}
    _optional(call, "date", case.call.date)
    _optional(call, "time", case.call.time)
    call["medium"] = case.call.medium.value

    reasons: dict[str, Any] = {}
    _optional(reasons, "first_noted", case.reasons.first_noted)
    reasons["red_flags"] = [flag.value for flag in case.reasons.red_flags]
    reasons.update(case.reasons.extra)
    if case.reasons.incidents:
        reasons["incidents"] = []
        for inc in case.reasons.incidents:
            row = {}
            _optional(row, "date", inc.date)
            row["category"] = inc.category.value
            row["note"] = inc.note
            reasons["incidents"].append(row | inc.extra)

    referral: dict[str, Any] = {
        "mode": case.referral.mode.value,
        "provider_type": case.referral.provider_type,
    }
    _optional(referral, "message", case.referral.message)
    referral.update(case.referral.extra)
    if case.referral.contacts:
        referral["contacts"] = [
            {"name": x.name, "email": x.email, "why": x.why} | x.extra
            for x in case.referral.contacts
        ]

    handover: dict[str, Any] = {"delete_after_days": case.handover.delete_after_days}
    handover["paid_support"] = case.handover.paid_support
    handover.update(case.handover.extra)
    if case.handover.items:
        handover["items"] = [
            {"text": i.text, "done": i.done} | i.extra for i in case.handover.items
        ]

    script: dict[str, Any] = dict(case.script.extra)
    if case.script.lines:
        script["lines"] = [
            {"part": ln.part.value, "text": ln.text} | ln.extra for ln in case.script.lines
        ]
    if case.script.objections:
        script["objections"] = [
            {"client": o.client, "response": o.response} | o.extra for o in case.script.objections
        ]

    data: dict[str, Any] = {
        "format": case.format,
        "status": case.status.value,
        "language": case.language,
        "created": _instant(case.created),
        "updated": _instant(case.updated),
        "consultant": {
            "name": case.consultant.name,
            "business": case.consultant.business,
            "email": case.consultant.email,
            "phone": case.consultant.phone,
        }
        | case.consultant.extra,
        "client": {
            "name": case.client.name,
            "contact": case.client.contact,
            "email": case.client.email,
        }
        | case.client.extra,
        "call": call | case.call.extra,
        "contract": contract,
        "reasons": reasons,
        "tone": {
            "choice": case.tone.choice.value,
            "reason": case.tone.reason.value,
            "reason_text": case.tone.reason_text,
        }
        | case.tone.extra,
        "referral": referral,
        "handover": handover,
    }
    if script:
        data["script"] = script
    # The letter as edited sits with the other client-facing text; the outcome comes
    # last, as it is recorded last (after the call). Both are left out until they hold something.
    if not case.letter.empty:
        letter: dict[str, Any] = {}
        _optional(letter, "text", case.letter.text)
        data["letter"] = letter | case.letter.extra
    if case.rehearsals:
        data["rehearsals"] = [_rehearsal(r) for r in case.rehearsals]
    if not case.outcome.empty:
        outcome: dict[str, Any] = {}
        _optional(outcome, "date", case.outcome.date)
        if case.outcome.objections:
            outcome["objections"] = list(case.outcome.objections)
        _optional(outcome, "agreed", case.outcome.agreed)
        data["outcome"] = outcome | case.outcome.extra
    data.update(case.extra)
    return data


def dumps(case: Case) -> str:
    """The case file's text. Long notes are written as multi-line strings, readable by people."""
    return tomli_w.dumps(to_data(case), multiline_strings=True)
