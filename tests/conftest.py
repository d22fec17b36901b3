"""Shared fixtures for the clientexit test suite.

- ``sample_paths``: the sample case files shipped in ``sample_data/`` (never modified).
- ``library``: an empty library folder for this test, set as ``CLIENTEXIT_HOME``.
- ``make_case``: a factory for a fully populated, ready-for-the-call case built in code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core.model import (
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
    Medium,
    NoticeRule,
    Objection,
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
from clientexit.core.paths import HOME_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT / "sample_data"


@pytest.fixture
def sample_paths() -> list[Path]:
    """Every ``sample_data/*.toml`` file, sorted by name."""
    return sorted(SAMPLE_DIR.glob("*.toml"))


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An existing, empty library folder, also set as ``CLIENTEXIT_HOME`` for this test."""
    folder = tmp_path / "library"
    folder.mkdir()
    monkeypatch.setenv(HOME_ENV, str(folder))
    return folder


def build_case() -> Case:
    """A case with every section filled in, and nothing left that blocks the call.

    ``rules.findings()`` of this case is empty: each rules test breaks exactly one
    thing and checks that exactly the matching finding appears.
    """
    return Case(
        status=Status.READY,
        language="en",
        created=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        updated=datetime(2026, 11, 22, 17, 5, 7, tzinfo=UTC),
        consultant=Consultant(
            name="Sam Rivera",
            business="Rivera Digital",
            email="sam@rivera.example",
            phone="+1 555 0100",
        ),
        client=Client(name="Acme Corp", contact="Jordan Blake", email="jordan@acme.example"),
        call=Call(date=date(2026, 11, 28), time="10:00", medium=Medium.PHONE),
        contract=Contract(
            title="Website retainer",
            signed=date(2024, 7, 1),
            termination_clause="2.9",
            notice_rule=NoticeRule.END_OF_MONTH,
            notice_days=0,
            effective_date=date(2026, 11, 30),
            currency="EUR",
            deposit=Decimal("1500.00"),
            deposit_refundable=True,
            invoices=[
                Invoice(
                    number="INV-103",
                    amount=Decimal("2400.00"),
                    paid=Decimal("2400.00"),
                    due=date(2026, 8, 1),
                ),
                Invoice(
                    number="INV-104",
                    amount=Decimal("1200.50"),
                    paid=Decimal("1200.50"),
                    due=None,
                ),
            ],
            deliverables=[
                Deliverable(name="Homepage redesign", status=DeliverableStatus.DONE),
                Deliverable(
                    name="Blog migration",
                    status=DeliverableStatus.DROPPED,
                    due=date(2026, 12, 15),
                ),
            ],
        ),
        reasons=Reasons(
            first_noted=date(2026, 11, 10),
            red_flags=[RedFlag.LATE_PAYMENT, RedFlag.SCOPE_CREEP],
            incidents=[
                Incident(
                    date=date(2026, 10, 3),
                    category=RedFlag.LATE_PAYMENT,
                    note="Second reminder for INV-104.\nPaid half, no date for the rest.",
                ),
                Incident(
                    date=date(2026, 11, 2),
                    category=RedFlag.SCOPE_CREEP,
                    note='Asked for a "quick" shop on top of the retainer.',
                ),
            ],
        ),
        tone=ToneChoice(choice=Tone.WARM, reason=Reason.ALIGNMENT, reason_text=""),
        referral=Referral(
            mode=ReferralMode.NAMED,
            provider_type="",
            message="",
            contacts=[
                ReferralContact(
                    name="The Good Business",
                    email="hello@goodbusiness.example",
                    why="a larger team that can take on the whole roadmap",
                )
            ],
        ),
        handover=Handover(
            delete_after_days=30,
            paid_support="Two hours of email support in January, at my usual rate.",
            items=[
                HandoverItem(text="Hand over admin access to the analytics account", done=False),
                HandoverItem(text="Send the final report", done=True),
            ],
        ),
        script=Script(
            lines=[
                ScriptLine(part=ScriptPart.OPENING, text="Hi Jordan, thanks for making time."),
                ScriptLine(part=ScriptPart.DECISION, text="I have decided to end our retainer."),
                ScriptLine(part=ScriptPart.THANKS, text="Thank you for the work we did together."),
                ScriptLine(part=ScriptPart.CLOSE, text="Goodbye, and all the best."),
            ],
            objections=[
                Objection(
                    client="Can we fix this?",
                    response="I appreciate that. The decision is made.",
                )
            ],
        ),
        rehearsals=[
            Rehearsal(at=datetime(2026, 11, 25, 18, 0, tzinfo=UTC), seconds=312, flagged=[2, 4])
        ],
    )


@pytest.fixture
def make_case() -> Callable[[], Case]:
    """``make_case()`` returns a fresh, fully populated case each time it is called."""
    return build_case
