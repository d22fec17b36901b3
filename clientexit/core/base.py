"""The few names the case library needs before any case is read.

A case's status, the wizard's steps, the file format's version, how money reads on
the user's screens, and what is wrong with a case file. They live here, apart from
:mod:`clientexit.core.model`, :mod:`~clientexit.core.rules` and
:mod:`~clientexit.core.validate` (which re-export them), because importing those
three takes about 15 ms, mostly in making the model's dataclasses, and the
library's first frame needs none of it: its rows come from the library's index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

FORMAT_VERSION = 1
"""The newest case-file format this program reads and writes."""


class Status(StrEnum):
    """Where a case stands: being prepared, ready for the call, or the call is done."""

    DRAFT = "draft"
    READY = "ready"
    DONE = "done"


class Step(StrEnum):
    """The wizard's steps, in order; also where a finding can be fixed."""

    CONTRACT = "contract"
    REASONS = "reasons"
    TONE = "tone"
    REFERRAL = "referral"
    SCRIPT = "script"
    REVIEW = "review"


def utc_now() -> datetime:
    """Now, in UTC, to the second: the precision a case file keeps."""
    return datetime.now(UTC).replace(microsecond=0)


def format_money(amount: Decimal, currency: str) -> str:
    """``1,200.00 EUR``: unambiguous in any country, for the user's own screens."""
    return f"{amount:,.2f} {currency}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case file."""

    path: str
    """The file, as the user named it."""
    message: str
    key: str = ""
    """Dotted key inside the file (``contract.notice_days``); empty for file-level problems."""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            where = f"{self.path}:{self.line}:{self.column or 1}"
        else:
            where = self.path
        if self.key:
            return f"{where}: {self.key}: {self.message}"
        return f"{where}: {self.message}"


class CaseFileError(Exception):
    """A case file could not be read; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
