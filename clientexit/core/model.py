"""The case: typed objects for every section of a case file (format 1).

Every section is a dataclass whose defaults make a brand-new case valid. Keys a
file carries that this program does not know are kept in each object's
``extra`` mapping and written back unchanged, so a file edited by a newer tool
or by hand never loses data when clientexit saves it.

The file format itself is described in ``docs/case-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from clientexit.core.base import FORMAT_VERSION, Status, utc_now


class Medium(StrEnum):
    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


class NoticeRule(StrEnum):
    DAYS = "days"
    END_OF_MONTH = "end_of_month"
    FIXED = "fixed"


class DeliverableStatus(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    DROPPED = "dropped"


class RedFlag(StrEnum):
    LATE_PAYMENT = "late_payment"
    HAGGLING = "haggling"
    SCOPE_CREEP = "scope_creep"
    UNRESPONSIVE = "unresponsive"
    NO_BOUNDARIES = "no_boundaries"
    OWNER_ONLY = "owner_only"
    MISSED_MEETINGS = "missed_meetings"
    ERROR_PRONE = "error_prone"
    DISTRUST = "distrust"
    CONTROLLING = "controlling"
    DISRESPECT = "disrespect"
    MORALE = "morale"
    UNPROFITABLE = "unprofitable"
    EXHAUSTED_OPTIONS = "exhausted_options"
    OTHER = "other"


RED_FLAG_HINTS: dict[RedFlag, tuple[str, str]] = {
    RedFlag.LATE_PAYMENT: ("Pays late", "Pays late or in part; every invoice has to be chased."),
    RedFlag.HAGGLING: ("Haggles", "Argues every line of every invoice; wants more for less."),
    RedFlag.SCOPE_CREEP: ("Scope creep", "Keeps adding work beyond the agreed scope or deadlines."),
    RedFlag.UNRESPONSIVE: ("Unresponsive", "Disappears for weeks, then demands progress at once."),
    RedFlag.NO_BOUNDARIES: (
        "No boundaries",
        "Calls and messages at all hours, wants instant replies.",
    ),
    RedFlag.OWNER_ONLY: ("Owner only", "Will only deal with you, ignores the person assigned."),
    RedFlag.MISSED_MEETINGS: ("Misses meetings", "Cancels, forgets or turns up late as a habit."),
    RedFlag.ERROR_PRONE: ("Error-prone", "Makes the same mistakes and expects you to clean up."),
    RedFlag.DISTRUST: ("Distrusts you", "Second-guesses your expertise and overrides advice."),
    RedFlag.CONTROLLING: ("Controlling", "Wants to approve every small step of the work."),
    RedFlag.DISRESPECT: ("Disrespectful", "Rude or abusive to you or to the people you work with."),
    RedFlag.MORALE: ("Hurts morale", "Working for them drains you or your team."),
    RedFlag.UNPROFITABLE: ("Unprofitable", "Takes far more time than the fee pays for."),
    RedFlag.EXHAUSTED_OPTIONS: (
        "Tried everything",
        "You have already tried to fix this, more than once.",
    ),
    RedFlag.OTHER: ("Other", "Something else; describe it in the incident log."),
}
"""A short label and a one-line explanation of each red flag, for the checklist."""


class Tone(StrEnum):
    WARM = "warm"
    NEUTRAL = "neutral"
    FIRM = "firm"


class Reason(StrEnum):
    FOCUS = "focus"
    FIT = "fit"
    ALIGNMENT = "alignment"
    CAPACITY = "capacity"
    CUSTOM = "custom"


class ReferralMode(StrEnum):
    NAMED = "named"
    PROVIDER_TYPE = "provider_type"
    NONE = "none"


class ScriptPart(StrEnum):
    OPENING = "opening"
    DECISION = "decision"
    REASON = "reason"
    NEXT_STEPS = "next_steps"
    HANDOVER = "handover"
    REFERRAL = "referral"
    THANKS = "thanks"
    CLOSE = "close"


SCRIPT_PART_LABELS: dict[ScriptPart, str] = {
    ScriptPart.OPENING: "Opening",
    ScriptPart.DECISION: "Decision",
    ScriptPart.REASON: "Reason",
    ScriptPart.NEXT_STEPS: "Next steps",
    ScriptPart.HANDOVER: "Handover",
    ScriptPart.REFERRAL: "Referral",
    ScriptPart.THANKS: "Thanks",
    ScriptPart.CLOSE: "Close",
}
"""How each part of the call script is named on screen."""


Extra = dict[str, Any]


def _extra() -> Extra:
    return {}


@dataclass
class Consultant:
    """You, as the letter signs off (``[consultant]``)."""

    name: str = ""
    business: str = ""
    email: str = ""
    phone: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Client:
    """The client: the business and the person you will speak to (``[client]``)."""

    name: str = ""
    contact: str = ""
    email: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Call:
    """When and how the call happens (``[call]``)."""

    date: date | None = None
    time: str = ""
    medium: Medium = Medium.VIDEO
    extra: Extra = field(default_factory=_extra)


@dataclass
class Invoice:
    """One invoice and what has been paid on it (``[[contract.invoices]]``)."""

    number: str = ""
    amount: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    due: date | None = None
    extra: Extra = field(default_factory=_extra)

    @property
    def balance(self) -> Decimal:
        """What is still owed on this invoice (never negative)."""
        return max(self.amount - self.paid, Decimal("0.00"))


@dataclass
class Deliverable:
    """One piece of agreed work and how far it is (``[[contract.deliverables]]``)."""

    name: str = ""
    status: DeliverableStatus = DeliverableStatus.NOT_STARTED
    due: date | None = None
    extra: Extra = field(default_factory=_extra)

    @property
    def unfinished(self) -> bool:
        return self.status in (DeliverableStatus.IN_PROGRESS, DeliverableStatus.NOT_STARTED)


@dataclass
class Contract:
    """The contract: how it ends, and the money and work still open (``[contract]``)."""

    title: str = ""
    signed: date | None = None
    termination_clause: str = ""
    notice_rule: NoticeRule = NoticeRule.DAYS
    notice_days: int = 30
    effective_date: date | None = None
    currency: str = "EUR"
    deposit: Decimal = Decimal("0.00")
    deposit_refundable: bool = False
    invoices: list[Invoice] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    extra: Extra = field(default_factory=_extra)


@dataclass
class Incident:
    """One dated entry of the internal incident log (``[[reasons.incidents]]``)."""

    date: date | None = None
    category: RedFlag = RedFlag.OTHER
    note: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Reasons:
    """Internal only: never passed to anything that produces client-facing text."""

    first_noted: date | None = None
    red_flags: list[RedFlag] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    extra: Extra = field(default_factory=_extra)


@dataclass
class ToneChoice:
    """How the call sounds and the one reason given to the client (``[tone]``)."""

    choice: Tone = Tone.NEUTRAL
    reason: Reason = Reason.FOCUS
    reason_text: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class ReferralContact:
    """A colleague the client can be sent to (``[[referral.contacts]]``)."""

    name: str = ""
    email: str = ""
    why: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Referral:
    """Who the client is pointed to next, if anyone (``[referral]``)."""

    mode: ReferralMode = ReferralMode.NAMED
    provider_type: str = ""
    message: str = ""
    """The referral paragraph as the user edited it; empty means "use the generated one"."""
    contacts: list[ReferralContact] = field(default_factory=list)
    extra: Extra = field(default_factory=_extra)


@dataclass
class HandoverItem:
    """One item of the offboarding package (``[[handover.items]]``)."""

    text: str = ""
    done: bool = False
    extra: Extra = field(default_factory=_extra)


@dataclass
class Handover:
    """The written offboarding package and how long your copies are kept (``[handover]``)."""

    delete_after_days: int = 30
    paid_support: str = ""
    items: list[HandoverItem] = field(default_factory=list)
    extra: Extra = field(default_factory=_extra)


@dataclass
class ScriptLine:
    """One line of the call script, in its part of the call (``[[script.lines]]``)."""

    part: ScriptPart = ScriptPart.OPENING
    text: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Objection:
    """A pushback the client may raise, and the prepared answer (``[[script.objections]]``)."""

    client: str = ""
    response: str = ""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Script:
    """The call script and the prepared answers to pushback (``[script]``)."""

    lines: list[ScriptLine] = field(default_factory=list)
    objections: list[Objection] = field(default_factory=list)
    extra: Extra = field(default_factory=_extra)


@dataclass
class Rehearsal:
    """One timed run through the script (``[[rehearsals]]``)."""

    at: datetime = field(default_factory=utc_now)
    seconds: int = 0
    flagged: list[int] = field(default_factory=list)
    """1-based numbers of the script lines the user stumbled on."""
    words: int | None = None
    """Words of the script said aloud in the run; None for runs recorded without it."""
    drilled: list[int] = field(default_factory=list)
    """1-based numbers of the objections that interrupted the run (the objection drill)."""
    shaky: list[int] = field(default_factory=list)
    """1-based numbers of the drilled objections whose answer the user marked as shaky."""
    extra: Extra = field(default_factory=_extra)


@dataclass
class Outcome:
    """What happened on the call, recorded afterwards (the optional ``[outcome]`` section)."""

    date: date | None = None
    """The day the call took place."""
    objections: list[int] = field(default_factory=list)
    """1-based numbers of the script's objections that came up on the call."""
    agreed: str = ""
    """What was agreed, in the user's words. Client-facing: it goes into the follow-up email."""
    extra: Extra = field(default_factory=_extra)

    @property
    def empty(self) -> bool:
        """Nothing recorded yet: the section is left out of the file."""
        return self.date is None and not self.objections and not self.agreed and not self.extra


@dataclass
class Letter:
    """The letter as the user edited it (the optional ``[letter]`` section)."""

    text: str = ""
    """The edited letter (Markdown); empty means "use the generated one"."""
    extra: Extra = field(default_factory=_extra)

    @property
    def empty(self) -> bool:
        return not self.text and not self.extra


@dataclass
class Case:
    """One case: the whole preparation for ending one client relationship."""

    format: int = FORMAT_VERSION
    status: Status = Status.DRAFT
    language: str = "en"
    created: datetime = field(default_factory=utc_now)
    updated: datetime = field(default_factory=utc_now)
    consultant: Consultant = field(default_factory=Consultant)
    client: Client = field(default_factory=Client)
    call: Call = field(default_factory=Call)
    contract: Contract = field(default_factory=Contract)
    reasons: Reasons = field(default_factory=Reasons)
    tone: ToneChoice = field(default_factory=ToneChoice)
    referral: Referral = field(default_factory=Referral)
    handover: Handover = field(default_factory=Handover)
    script: Script = field(default_factory=Script)
    rehearsals: list[Rehearsal] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    letter: Letter = field(default_factory=Letter)
    extra: Extra = field(default_factory=_extra)

    @property
    def title(self) -> str:
        """How the case is named on screen: the client, or a placeholder."""
        return self.client.name.strip() or "New case"

    @property
    def abusive(self) -> bool:
        """An abusive client gets no referral and no extra effort before the call."""
        return RedFlag.DISRESPECT in self.reasons.red_flags


def new_case() -> Case:
    """A fresh case whose created and updated stamps are the same instant."""
    now = utc_now()
    return Case(created=now, updated=now)
