"""Reading a case file into a :class:`~clientexit.core.model.Case`, reporting every problem.

Validation never stops at the first problem: a hand-edited file with three
mistakes gets three messages, each naming the file and the key, so the user can
fix them all in one go. Keys this program does not know are kept, not reported.

Messages look like the ones compilers print, so editors can jump to them::

    cases/acme.toml:12:9: Invalid value
    cases/acme.toml: contract.notice_days: expected an integer, got "thirty"
    cases/acme.toml: contract.invoices[2].amount: must not be negative, got "-5.00"

Positions inside arrays of tables (``invoices[2]``) count from 1, like the
script line numbers in ``rehearsals.flagged``.
"""

from __future__ import annotations

import re
import stat
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from clientexit.core.base import CaseFileError, Problem
from clientexit.core.model import (
    FORMAT_VERSION,
    Call,
    Case,
    Client,
    Consultant,
    Contract,
    Deliverable,
    DeliverableStatus,
    Handover,
    HandoverItem,
    Incident,
    Invoice,
    Letter,
    Medium,
    NoticeRule,
    Objection,
    Outcome,
    Reason,
    Reasons,
    RedFlag,
    Referral,
    ReferralContact,
    ReferralMode,
    Rehearsal,
    Script,
    ScriptLine,
    ScriptPart,
    Status,
    Tone,
    ToneChoice,
)

MAX_FILE_BYTES = 8 * 1024 * 1024
"""A case file is a few kilobytes; anything this large is not one."""

MAX_DEPTH = 24
"""Tables and arrays nested deeper than this are not a case file (the format needs 3)."""

_BOM = b"\xef\xbb\xbf"

MIN_YEAR = 1900
MAX_YEAR = 2999
"""Dates outside these years are typing mistakes, and would overflow date arithmetic."""

MAX_DAYS = 3650
"""Ten years: the most notice or retention any contract asks for."""

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class NewerFormatError(CaseFileError):
    """The file was written by a newer clientexit; it is never guessed at or overwritten."""


_TOML_POSITION = re.compile(r"^(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_AT_END = re.compile(r"^(?P<msg>.*) \(at end of document\)$")
_FRIENDLIER_TOML = {
    "Invalid date or datetime": "not a real date or time (check the day exists in that month)",
    "Cannot overwrite a value": "this key is already set above; each key may appear only once",
    "Illegal character '\\n'": (
        'the text in quotes is not closed on this line (use """ for text over several lines)'
    ),
}
_TOML_CONTROL = re.compile(r"Illegal character '\\x([0-9a-f]{2})'")


def _friendlier(message: str) -> str:
    """tomllib's message, in words a person who hand-edits a file can act on."""
    if message in _FRIENDLIER_TOML:
        return _FRIENDLIER_TOML[message]
    control = _TOML_CONTROL.fullmatch(message)
    if control:
        code = control[1]
        return (
            f"a control character (\\x{code}) a case file cannot hold as it is; "
            f"remove it, or write it as \\u00{code} inside quotes"
        )
    return message


_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_CURRENCY = re.compile(r"[A-Z]{3}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")
_CENT = Decimal("0.01")


def describe(value: Any) -> str:
    """A value as it would look in the file, short enough for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        # Letters stay as written (ł, ö, é); only invisible control characters are escaped.
        escaped = "".join(
            ch.encode("unicode_escape").decode("ascii") if _is_control(ch) else ch for ch in shown
        )
        return '"' + escaped.replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, time):
        return f"the time {value.isoformat()} (without quotes)"
    return repr(value)


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


class _Reader:
    """Walks the parsed TOML and collects problems instead of raising at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, message, key=key))

    # Each getter returns the default when the key is missing or wrong, after
    # reporting the wrong value, so one bad key never hides the next.

    def table(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(_join(where, key), f"expected a table, got {describe(value)}")
            return {}
        return value

    def tables(self, data: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        full = _join(where, key)
        if not isinstance(value, list):
            self.problem(full, f"expected an array of tables ([[{full}]]), got {describe(value)}")
            return []
        result = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                result.append(item)
            else:
                self.problem(f"{full}[{index}]", f"expected a table, got {describe(item)}")
        return result

    def text(self, data: Mapping[str, Any], key: str, where: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            self.problem(_join(where, key), f"expected text in quotes, got {describe(value)}")
            return default
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        default: int,
        *,
        minimum: int = 0,
        maximum: int | None = None,
    ) -> int:
        value = data.get(key, default)
        full = _join(where, key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(full, f"expected an integer, got {describe(value)}")
            return default
        if value < minimum:
            self.problem(full, f"must be at least {minimum}, got {value}")
            return default
        if maximum is not None and value > maximum:
            self.problem(full, f"must be at most {maximum}, got {value}")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(_join(where, key), f"expected true or false, got {describe(value)}")
            return default
        return value

    def day(
        self, data: Mapping[str, Any], key: str, where: str, *, in_range: bool = True
    ) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        full = _join(where, key)
        if isinstance(value, datetime):
            self.problem(full, f"expected a date like 2026-11-28, got {describe(value)}")
            return None
        if isinstance(value, date):
            if in_range and not MIN_YEAR <= value.year <= MAX_YEAR:
                self.problem(
                    full,
                    f"expected a year between {MIN_YEAR} and {MAX_YEAR}, got {describe(value)}",
                )
                return None
            return value
        if isinstance(value, str):
            try:
                date.fromisoformat(value)
            except ValueError:
                self.problem(full, f"expected a date like 2026-11-28, got {describe(value)}")
            else:
                self.problem(
                    full, f"write dates without quotes (2026-11-28), got {describe(value)}"
                )
            return None
        self.problem(full, f"expected a date like 2026-11-28, got {describe(value)}")
        return None

    def instant(self, data: Mapping[str, Any], key: str, where: str) -> datetime | None:
        value = data.get(key)
        if value is None:
            return None
        full = _join(where, key)
        if isinstance(value, datetime):
            if not MIN_YEAR <= value.year <= MAX_YEAR:
                self.problem(
                    full,
                    f"expected a year between {MIN_YEAR} and {MAX_YEAR}, got {describe(value)}",
                )
                return None
            if value.tzinfo is None:
                self.problem(
                    full,
                    "expected a date-time with an offset like 2026-11-28T10:00:00Z, "
                    f"got {describe(value)}",
                )
                return None
            return value
        self.problem(full, f"expected a date-time like 2026-11-28T10:00:00Z, got {describe(value)}")
        return None

    def money(self, data: Mapping[str, Any], key: str, where: str) -> Decimal:
        value = data.get(key, "0.00")
        full = _join(where, key)
        amount = parse_money(value)
        if amount is None:
            if isinstance(value, float):
                self.problem(
                    full,
                    f'write money as text like "{value:.2f}" so no cent is lost, '
                    f"got {describe(value)}",
                )
            else:
                self.problem(full, f'expected an amount like "1200.00", got {describe(value)}')
            return Decimal("0.00")
        if amount < 0:
            self.problem(full, f"must not be negative, got {describe(value)}")
            return Decimal("0.00")
        return amount

    def choice(self, data: Mapping[str, Any], key: str, where: str, kind: type[E], default: E) -> E:
        if key not in data:
            return default
        value = data[key]
        member = _member(kind, value)
        if member is None:
            allowed = " | ".join(member.value for member in kind)
            self.problem(_join(where, key), f"expected one of {allowed}, got {describe(value)}")
            return default
        return member

    def choices(self, data: Mapping[str, Any], key: str, where: str, kind: type[E]) -> list[E]:
        value = data.get(key, [])
        full = _join(where, key)
        if not isinstance(value, list):
            self.problem(full, f"expected an array, got {describe(value)}")
            return []
        result: list[E] = []
        for index, item in enumerate(value, start=1):
            member = _member(kind, item)
            if member is None:
                allowed = " | ".join(member.value for member in kind)
                self.problem(f"{full}[{index}]", f"expected one of {allowed}, got {describe(item)}")
                continue
            if member not in result:
                result.append(member)
        return result

    def pattern(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        *,
        regex: re.Pattern[str],
        example: str,
        default: str,
        optional: bool = False,
    ) -> str:
        value = self.text(data, key, where, default)
        if optional and value == "":
            return value
        if not regex.fullmatch(value):
            self.problem(_join(where, key), f"expected {example}, got {describe(value)}")
            return default
        return value

    def items(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        build: Callable[[dict[str, Any], str], T],
    ) -> list[T]:
        full = _join(where, key)
        return [
            build(item, f"{full}[{index}]")
            for index, item in enumerate(self.tables(data, key, where), start=1)
        ]


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _rest(data: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    if known.issuperset(data):
        return {}  # the usual case: every key is known
    return {key: value for key, value in data.items() if key not in known}


def _member(kind: type[E], value: object) -> E | None:
    """The member of ``kind`` whose value is ``value``, or None (as ``kind(value)`` would fail).

    A dictionary look-up: calling the enum costs ten times as much, and every file the
    library lists has a few dozen of these.
    """
    try:
        return kind._value2member_map_.get(value)  # type: ignore[return-value]
    except TypeError:  # an unhashable value (an array, a table) is no member
        return None


def parse_money(value: object) -> Decimal | None:
    """A money value from a file or a form field, or None when it is not an amount.

    Text like ``"1200.00"`` and whole numbers are accepted. Floats are not: they
    cannot hold every cent exactly, which is why the format asks for text.
    """
    if isinstance(value, (bool, float)):
        return None
    if isinstance(value, int):
        return Decimal(value).quantize(_CENT)
    if not isinstance(value, str):
        return None
    cleaned = value.strip().replace(",", "").replace(" ", "").replace("_", "")
    if not _AMOUNT.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned).quantize(_CENT)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return None


def case_from_data(data: Mapping[str, Any], path: str = "<case>") -> tuple[Case, list[Problem]]:
    """Build a case from parsed TOML, with every problem found along the way.

    Wrong values are replaced by their defaults in the returned case, so a
    caller that ignores problems still gets a usable object; the problems say
    what was replaced.
    """
    r = _Reader(path)
    case = Case()

    fmt = data.get("format")
    if fmt is None:
        r.problem("format", f"missing; a case file starts with format = {FORMAT_VERSION}")
    elif isinstance(fmt, bool) or not isinstance(fmt, int):
        r.problem("format", f"expected an integer, got {describe(fmt)}")
    elif fmt > FORMAT_VERSION:
        raise NewerFormatError(
            [
                Problem(
                    path,
                    f"written in case-file format {fmt}, which is newer than this "
                    f"clientexit understands (format {FORMAT_VERSION}); upgrade clientexit "
                    "to open it. The file was not changed.",
                    key="format",
                )
            ]
        )
    elif fmt < 1:
        r.problem("format", f"must be at least 1, got {fmt}")

    case.status = r.choice(data, "status", "", Status, Status.DRAFT)
    case.language = r.pattern(
        data, "language", "", regex=_LANGUAGE, example='a language code like "en"', default="en"
    )
    case.created = r.instant(data, "created", "") or case.created
    case.updated = r.instant(data, "updated", "") or case.updated

    t = r.table(data, "consultant", "")
    case.consultant = Consultant(
        name=r.text(t, "name", "consultant"),
        business=r.text(t, "business", "consultant"),
        email=r.text(t, "email", "consultant"),
        phone=r.text(t, "phone", "consultant"),
        extra=_rest(t, {"name", "business", "email", "phone"}),
    )

    t = r.table(data, "client", "")
    case.client = Client(
        name=r.text(t, "name", "client"),
        contact=r.text(t, "contact", "client"),
        email=r.text(t, "email", "client"),
        extra=_rest(t, {"name", "contact", "email"}),
    )

    t = r.table(data, "call", "")
    case.call = Call(
        date=r.day(t, "date", "call"),
        time=r.pattern(
            t, "time", "call", regex=_TIME, example='a time like "10:00"', default="", optional=True
        ),
        medium=r.choice(t, "medium", "call", Medium, Medium.VIDEO),
        extra=_rest(t, {"date", "time", "medium"}),
    )

    case.contract = _contract(r, r.table(data, "contract", ""))
    case.reasons = _reasons(r, r.table(data, "reasons", ""))

    t = r.table(data, "tone", "")
    case.tone = ToneChoice(
        choice=r.choice(t, "choice", "tone", Tone, Tone.NEUTRAL),
        reason=r.choice(t, "reason", "tone", Reason, Reason.FOCUS),
        reason_text=r.text(t, "reason_text", "tone"),
        extra=_rest(t, {"choice", "reason", "reason_text"}),
    )

    t = r.table(data, "referral", "")
    case.referral = Referral(
        mode=r.choice(t, "mode", "referral", ReferralMode, ReferralMode.NAMED),
        provider_type=r.text(t, "provider_type", "referral"),
        message=r.text(t, "message", "referral"),
        contacts=r.items(
            t,
            "contacts",
            "referral",
            lambda c, w: ReferralContact(
                name=r.text(c, "name", w),
                email=r.text(c, "email", w),
                why=r.text(c, "why", w),
                extra=_rest(c, {"name", "email", "why"}),
            ),
        ),
        extra=_rest(t, {"mode", "provider_type", "message", "contacts"}),
    )

    t = r.table(data, "handover", "")
    case.handover = Handover(
        delete_after_days=r.integer(t, "delete_after_days", "handover", 30, maximum=MAX_DAYS),
        paid_support=r.text(t, "paid_support", "handover"),
        items=r.items(
            t,
            "items",
            "handover",
            lambda i, w: HandoverItem(
                text=r.text(i, "text", w),
                done=r.boolean(i, "done", w, False),
                extra=_rest(i, {"text", "done"}),
            ),
        ),
        extra=_rest(t, {"delete_after_days", "paid_support", "items"}),
    )

    t = r.table(data, "script", "")
    case.script = Script(
        lines=r.items(
            t,
            "lines",
            "script",
            lambda i, w: ScriptLine(
                part=r.choice(i, "part", w, ScriptPart, ScriptPart.OPENING),
                text=r.text(i, "text", w),
                extra=_rest(i, {"part", "text"}),
            ),
        ),
        objections=r.items(
            t,
            "objections",
            "script",
            lambda i, w: Objection(
                client=r.text(i, "client", w),
                response=r.text(i, "response", w),
                extra=_rest(i, {"client", "response"}),
            ),
        ),
        extra=_rest(t, {"lines", "objections"}),
    )

    case.rehearsals = r.items(data, "rehearsals", "", lambda i, w: _rehearsal(r, i, w))

    t = r.table(data, "letter", "")
    case.letter = Letter(text=r.text(t, "text", "letter"), extra=_rest(t, {"text"}))

    t = r.table(data, "outcome", "")
    case.outcome = Outcome(
        date=r.day(t, "date", "outcome"),
        # A number past the end of the objection list is not a broken file (the list may
        # have been edited since): the readiness check warns about it instead.
        objections=_numbers(r, t, "objections", "outcome", "objection"),
        agreed=r.text(t, "agreed", "outcome"),
        extra=_rest(t, {"date", "objections", "agreed"}),
    )

    case.extra = _rest(
        data,
        {
            "format",
            "status",
            "language",
            "created",
            "updated",
            "consultant",
            "client",
            "call",
            "contract",
            "reasons",
            "tone",
            "referral",
            "handover",
            "script",
            "rehearsals",
            "letter",
            "outcome",
        },
    )
    # A custom reason with no words yet, or a fixed rule with no date yet, is an
    # unfinished draft, not a broken file: the readiness check warns about both
    # (no_reason_text, no_end_date), and the file must always reopen.
    return case, r.problems


def _contract(r: _Reader, t: dict[str, Any]) -> Contract:
    w = "contract"

    def invoice(i: dict[str, Any], where: str) -> Invoice:
        inv = Invoice(
            number=r.text(i, "number", where),
            amount=r.money(i, "amount", where),
            paid=r.money(i, "paid", where),
            due=r.day(i, "due", where),
            extra=_rest(i, {"number", "amount", "paid", "due"}),
        )
        if inv.paid > inv.amount:
            r.problem(
                f"{where}.paid",
                f'"{inv.paid}" is more than the invoice amount "{inv.amount}"',
            )
        return inv

    rule = r.choice(t, "notice_rule", w, NoticeRule, NoticeRule.DAYS)
    return Contract(
        title=r.text(t, "title", w),
        signed=r.day(t, "signed", w),
        termination_clause=r.text(t, "termination_clause", w),
        notice_rule=rule,
        notice_days=r.integer(t, "notice_days", w, 30, maximum=MAX_DAYS),
        # Only a fixed rule reads this date; for the others it is derived on every save
        # and may lie past the years a person would type.
        effective_date=r.day(t, "effective_date", w, in_range=rule is NoticeRule.FIXED),
        currency=r.pattern(
            t, "currency", w, regex=_CURRENCY, example='an ISO 4217 code like "EUR"', default="EUR"
        ),
        deposit=r.money(t, "deposit", w),
        deposit_refundable=r.boolean(t, "deposit_refundable", w, False),
        invoices=r.items(t, "invoices", w, invoice),
        deliverables=r.items(
            t,
            "deliverables",
            w,
            lambda i, where: Deliverable(
                name=r.text(i, "name", where),
                status=r.choice(
                    i, "status", where, DeliverableStatus, DeliverableStatus.NOT_STARTED
                ),
                due=r.day(i, "due", where),
                extra=_rest(i, {"name", "status", "due"}),
            ),
        ),
        extra=_rest(
            t,
            {
                "title",
                "signed",
                "termination_clause",
                "notice_rule",
                "notice_days",
                "effective_date",
                "currency",
                "deposit",
                "deposit_refundable",
                "invoices",
                "deliverables",
            },
        ),
    )


def _reasons(r: _Reader, t: dict[str, Any]) -> Reasons:
    return Reasons(
        first_noted=r.day(t, "first_noted", "reasons"),
        red_flags=r.choices(t, "red_flags", "reasons", RedFlag),
        incidents=r.items(
            t,
            "incidents",
            "reasons",
            lambda i, w: Incident(
                date=r.day(i, "date", w),
                category=r.choice(i, "category", w, RedFlag, RedFlag.OTHER),
                note=r.text(i, "note", w),
                extra=_rest(i, {"date", "category", "note"}),
            ),
        ),
        extra=_rest(t, {"first_noted", "red_flags", "incidents"}),
    )


def _numbers(r: _Reader, i: dict[str, Any], key: str, where: str, what: str) -> list[int]:
    """An optional array of 1-based numbers (script lines, objections)."""
    raw = i.get(key, [])
    numbers: list[int] = []
    if not isinstance(raw, list):
        r.problem(f"{where}.{key}", f"expected an array of {what} numbers, got {describe(raw)}")
        return numbers
    for n, value in enumerate(raw, start=1):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            r.problem(
                f"{where}.{key}[{n}]",
                f"expected a{'n' if what[0] in 'aeiou' else ''} {what} number (1 or more), "
                f"got {describe(value)}",
            )
        else:
            numbers.append(value)
    return numbers


def _rehearsal(r: _Reader, i: dict[str, Any], where: str) -> Rehearsal:
    flagged_raw = i.get("flagged", [])
    if not isinstance(flagged_raw, list):
        r.problem(
            f"{where}.flagged", f"expected an array of line numbers, got {describe(flagged_raw)}"
        )
        flagged: list[int] = []
    else:
        flagged = _numbers(r, i, "flagged", where, "script line")
    rehearsal = Rehearsal(
        seconds=r.integer(i, "seconds", where, 0),
        flagged=flagged,
        words=r.integer(i, "words", where, 0) if "words" in i else None,
        # Like flags, these may point past objections deleted since the run: they are history.
        drilled=_numbers(r, i, "drilled", where, "objection"),
        shaky=_numbers(r, i, "shaky", where, "objection"),
        extra=_rest(i, {"at", "seconds", "flagged", "words", "drilled", "shaky"}),
    )
    # Flags may point past the end of a script edited since the run: they are history.
    if "at" not in i:
        r.problem(f"{where}.at", "missing; when the rehearsal took place")
    rehearsal.at = r.instant(i, "at", where) or rehearsal.at
    return rehearsal


def toml_problem(path: str, error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """A TOML syntax error as ``PATH:LINE:COL: message``."""
    message = str(error)
    match = _TOML_POSITION.match(message)
    if match:
        msg = match["msg"]
        return Problem(
            path,
            _friendlier(msg),
            line=int(match["line"]),
            column=int(match["col"]),
        )
    match = _TOML_AT_END.match(message)
    if match:
        last_line = text.count("\n") + (0 if text.endswith("\n") else 1)
        msg = match["msg"]
        return Problem(
            path,
            f"{_friendlier(msg)} (at the end of the file)",
            line=max(last_line, 1),
            column=1,
        )
    return Problem(path, message)


def _too_large(path: str, size: int) -> CaseFileError:
    return CaseFileError(
        [
            Problem(
                path,
                f"is {size / (1024 * 1024):.1f} MB, too large for a case file "
                f"(the limit is {MAX_FILE_BYTES / (1024 * 1024):.0f} MB)",
            )
        ]
    )


def _too_deep(data: Any) -> bool:
    """Whether tables and arrays nest deeper than :data:`MAX_DEPTH` (checked without recursion)."""
    return _deeper(data, 1)


def _deeper(value: dict[str, Any] | list[Any], depth: int) -> bool:
    # Recursive, but never past MAX_DEPTH levels. This runs on every file the library
    # lists: tomllib makes plain dicts and lists, so exact type tests do (twice as fast
    # as a stack of (value, depth) pairs with isinstance).
    if depth >= MAX_DEPTH:
        return bool(value)  # its items sit deeper than the limit
    for item in value.values() if type(value) is dict else value:
        if (type(item) is dict or type(item) is list) and _deeper(item, depth + 1):
            return True
    return False


def parse_case_bytes(raw: bytes, path: str = "<case>") -> Case:
    """Parse and validate case-file bytes; raises :class:`CaseFileError` listing every problem."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(path, len(raw))
    # Some editors on Windows start UTF-8 files with a byte-order mark; TOML does not.
    raw = raw.removeprefix(_BOM)
    if not raw.strip():
        raise CaseFileError([Problem(path, "is empty; a case file starts with format = 1")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise CaseFileError(
            [Problem(path, "is not UTF-8 text (is it a case file?)", line=line, column=column)]
        ) from None
    if "\x00" in text:
        raise CaseFileError([Problem(path, "contains binary data, not a TOML case file")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CaseFileError([toml_problem(path, error, text)]) from None
    except RecursionError:
        raise CaseFileError([Problem(path, "is nested too deeply to be a case file")]) from None
    if _too_deep(data):
        # It would load, but could not be written back (nor shown) without running
        # out of stack: refuse it whole, with the same message.
        raise CaseFileError([Problem(path, "is nested too deeply to be a case file")])
    case, problems = case_from_data(data, path)
    if problems:
        raise CaseFileError(problems)
    return case


def load_case(path: Path | str) -> Case:
    """Read and validate one case file; raises :class:`CaseFileError` with every problem."""
    shown = str(path)
    try:
        # Looked at before it is opened: opening a pipe would wait for ever, and
        # reading a device like /dev/zero would never end.
        info = Path(path).stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise CaseFileError(
                [
                    Problem(
                        shown, "is not a regular file (a device, pipe or socket), not a case file"
                    )
                ]
            )
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(shown, info.st_size)
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CaseFileError([Problem(shown, "no such file")]) from None
    except IsADirectoryError:
        raise CaseFileError([Problem(shown, "is a folder, not a case file")]) from None
    except PermissionError:
        raise CaseFileError([Problem(shown, "cannot be read: permission denied")]) from None
    except OSError as error:
        raise CaseFileError([Problem(shown, f"cannot be read: {error.strerror}")]) from None
    except ValueError:  # a path with a NUL in it
        raise CaseFileError([Problem(shown, "is not a valid file name")]) from None
    return parse_case_bytes(raw, shown)
