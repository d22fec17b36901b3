"""Writing cases back to TOML (clientexit.core.codec): nothing lost, nothing invented."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientexit.core import codec, rules, store, validate
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
from clientexit.core.validate import MAX_YEAR, MIN_YEAR, CaseFileError, load_case, parse_case_bytes

MakeCase = Callable[[], Case]


def _round_trip(case: Case) -> Case:
    return parse_case_bytes(codec.dumps(case).encode("utf-8"), "<round trip>")


def _raw(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# --- round trips ------------------------------------------------------------------------


def test_every_sample_file_round_trips(sample_paths: list[Path], tmp_path: Path) -> None:
    assert sample_paths, "no sample_data/*.toml files found"
    for path in sample_paths:
        original_bytes = path.read_bytes()
        case = load_case(path)
        copy = tmp_path / path.name
        store.save_case(case, copy, touch=False)
        again = load_case(copy)
        assert again == case, path.name
        # Saving the re-read case gives byte-identical output: the writer is stable.
        assert codec.dumps(again) == copy.read_text(encoding="utf-8"), path.name
        assert path.read_bytes() == original_bytes  # the sample was not touched


def test_sample_files_keep_every_key(sample_paths: list[Path]) -> None:
    """Nothing the sample files say is dropped when they are written back."""
    assert sample_paths
    for path in sample_paths:
        written = tomllib.loads(codec.dumps(load_case(path)))
        original = _raw(path)
        _assert_contains(original, written, path.name)


def _assert_contains(original: Any, written: Any, where: str) -> None:
    if isinstance(original, dict):
        assert isinstance(written, dict), where
        for key, value in original.items():
            # Empty optional values may be left out; they read back the same.
            if value in ("", None) and key not in written:
                continue
            assert key in written, f"{where}.{key}"
            _assert_contains(value, written[key], f"{where}.{key}")
    elif isinstance(original, list):
        assert isinstance(written, list), where
        assert len(original) == len(written), where
        for n, (a, b) in enumerate(zip(original, written, strict=True), start=1):
            _assert_contains(a, b, f"{where}[{n}]")
    else:
        assert original == written, where


def test_make_case_round_trips(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case()
    assert _round_trip(case) == case
    path = tmp_path / "acme.toml"
    store.save_case(case, path, touch=False)
    assert load_case(path) == case


def test_default_case_round_trips() -> None:
    case = Case()
    assert _round_trip(case) == case


# --- unknown keys -----------------------------------------------------------------------

UNKNOWN_KEYS = """\
format = 1
mood = "calm"
tags = ["a", "b"]

[client]
name = "Acme"
vat_id = "PL1234567890"

[client.address]
city = "Łódź"

[contract]
notice_rule = "days"
notice_days = 30
po_numbers = [1, 2]

[[contract.invoices]]
number = "INV-1"
amount = "100.00"
paid = "0.00"
purchase_order = "PO-77"

[[contract.deliverables]]
name = "Site"
status = "done"
hours = 12

[reasons]
severity = 3

[[reasons.incidents]]
date = 2026-10-03
category = "other"
note = "x"
witness = "Ola"

[[referral.contacts]]
name = "Wilk"
phone = "+48 1"

[[handover.items]]
text = "Keys"
done = true
owner = "me"

[[script.lines]]
part = "opening"
text = "Hi"
pause = 2

[script]
voice = "slow"

[[rehearsals]]
at = 2026-11-25T18:00:00Z
seconds = 30
flagged = []
mic = "usb"

[plugin]
name = "ext"
enabled = true

[[plugin.rows]]
v = 1
"""


def test_unknown_keys_are_written_back(tmp_path: Path) -> None:
    source = tmp_path / "in.toml"
    source.write_text(UNKNOWN_KEYS, encoding="utf-8")
    case = load_case(source)
    out = tmp_path / "out.toml"
    store.save_case(case, out, touch=False)
    raw = _raw(out)
    # top level
    assert raw["mood"] == "calm"
    assert raw["tags"] == ["a", "b"]
    assert raw["plugin"] == {"name": "ext", "enabled": True, "rows": [{"v": 1}]}
    # inside sections
    assert raw["client"]["vat_id"] == "PL1234567890"
    assert raw["client"]["address"] == {"city": "Łódź"}
    assert raw["contract"]["po_numbers"] == [1, 2]
    assert raw["reasons"]["severity"] == 3
    assert raw["script"]["voice"] == "slow"
    # inside array-of-tables items
    assert raw["contract"]["invoices"][0]["purchase_order"] == "PO-77"
    assert raw["contract"]["deliverables"][0]["hours"] == 12
    assert raw["reasons"]["incidents"][0]["witness"] == "Ola"
    assert raw["referral"]["contacts"][0]["phone"] == "+48 1"
    assert raw["handover"]["items"][0]["owner"] == "me"
    assert raw["script"]["lines"][0]["pause"] == 2
    assert raw["rehearsals"][0]["mic"] == "usb"
    # and the known keys are still right
    assert raw["contract"]["invoices"][0]["number"] == "INV-1"
    assert load_case(out) == case


# --- derived values ---------------------------------------------------------------------


def _contract_file(tmp_path: Path, rule: str, notice_days: int, written: str) -> Path:
    path = tmp_path / f"{rule}.toml"
    path.write_text(
        "format = 1\n[call]\ndate = 2026-11-28\n[contract]\n"
        f'notice_rule = "{rule}"\nnotice_days = {notice_days}\neffective_date = {written}\n',
        encoding="utf-8",
    )
    return path


def test_effective_date_is_written_fresh_for_days(tmp_path: Path) -> None:
    path = _contract_file(tmp_path, "days", 30, "2020-01-01")
    store.save_case(load_case(path), path, touch=False)
    assert _raw(path)["contract"]["effective_date"] == date(2026, 12, 28)
    assert "effective_date = 2026-12-28\n" in path.read_text(encoding="utf-8")


def test_effective_date_is_written_fresh_for_end_of_month(tmp_path: Path) -> None:
    path = _contract_file(tmp_path, "end_of_month", 14, "2026-11-30")
    store.save_case(load_case(path), path, touch=False)
    assert _raw(path)["contract"]["effective_date"] == date(2026, 12, 31)


def test_effective_date_is_kept_for_fixed(tmp_path: Path) -> None:
    path = _contract_file(tmp_path, "fixed", 30, "2027-03-03")
    store.save_case(load_case(path), path, touch=False)
    assert _raw(path)["contract"]["effective_date"] == date(2027, 3, 3)


def test_effective_date_left_out_when_unknown(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = None
    case.contract.effective_date = date(2026, 11, 30)  # stale
    raw = tomllib.loads(codec.dumps(case))
    assert "effective_date" not in raw["contract"]
    assert "date" not in raw["call"]


def test_effective_date_follows_the_case_in_memory(make_case: MakeCase) -> None:
    case = make_case()
    case.call.date = date(2026, 12, 20)  # end_of_month, notice 0
    raw = tomllib.loads(codec.dumps(case))
    assert raw["contract"]["effective_date"] == date(2026, 12, 31)


# --- how values look in the file --------------------------------------------------------

INSTANT_LINE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def test_instants_are_written_with_t_and_z(make_case: MakeCase) -> None:
    case = make_case()
    case.created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    case.updated = datetime(2026, 11, 22, 18, 15, 7, tzinfo=UTC)
    text = codec.dumps(case)
    assert re.search(r"^created = 2026-01-02T03:04:05Z$", text, re.MULTILINE)
    assert re.search(r"^updated = 2026-11-22T18:15:07Z$", text, re.MULTILINE)
    assert re.search(rf"^at = {INSTANT_LINE}$", text, re.MULTILINE)
    assert "+00:00" not in text
    assert " 2026-11-22 18:15:07" not in text


def test_instant_with_other_offset_is_kept(make_case: MakeCase) -> None:
    case = make_case()
    case.created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    text = codec.dumps(case)
    assert re.search(r"^created = 2026-01-02T03:04:05\+02:00$", text, re.MULTILINE)
    again = _round_trip(case)
    assert again.created == case.created
    assert again.created.utcoffset() == timedelta(hours=2)


def test_instants_are_written_with_four_digit_years(make_case: MakeCase) -> None:
    """TOML needs four-digit years; the writer pads them even for years nobody types."""
    case = make_case()
    case.created = datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert "created = 0999-01-02T03:04:05Z" in codec.dumps(case)


def test_years_outside_the_supported_range_are_refused_on_load(make_case: MakeCase) -> None:
    case = make_case()
    case.created = datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)
    with pytest.raises(CaseFileError) as caught:
        validate.parse_case_bytes(codec.dumps(case).encode(), "old.toml")
    assert str(caught.value) == (
        f"old.toml: created: expected a year between {MIN_YEAR} and {MAX_YEAR}, "
        "got the date-time 0999-01-02T03:04:05+00:00"
    )


def test_multi_line_notes_survive(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case()
    note = (
        'Called on "Monday".\n'
        "Said: '''we will pay''' and \"\"\"soon\"\"\".\n"
        "Path C:\\clients\\acme\n"
        "\tIndented line, emoji 🙂, Łódź, Malmö, Straße\n"
        "\n"
        "Last line ends with a newline\n"
    )
    case.reasons.incidents[0].note = note
    case.handover.paid_support = "Line one\nLine two"
    path = tmp_path / "notes.toml"
    store.save_case(case, path, touch=False)
    text = path.read_text(encoding="utf-8")
    assert '"""' in text  # written as a multi-line string, readable by people
    again = load_case(path)
    assert again.reasons.incidents[0].note == note
    assert again.handover.paid_support == "Line one\nLine two"
    assert again == case


def test_money_stays_text_in_the_file(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.deposit = Decimal("1500")
    case.contract.invoices[0].amount = Decimal("2400.5")
    case.contract.invoices[0].paid = Decimal("0")
    text = codec.dumps(case)
    raw = tomllib.loads(text)
    assert raw["contract"]["deposit"] == "1500.00"
    assert raw["contract"]["invoices"][0]["amount"] == "2400.50"
    assert raw["contract"]["invoices"][0]["paid"] == "0.00"
    for invoice in raw["contract"]["invoices"]:
        assert isinstance(invoice["amount"], str)
        assert isinstance(invoice["paid"], str)
    assert 'deposit = "1500.00"' in text


def test_format_is_written_first(make_case: MakeCase) -> None:
    text = codec.dumps(make_case())
    assert text.startswith("format = 1\n")


def test_empty_optional_values_are_left_out(make_case: MakeCase) -> None:
    case = make_case()
    case.call.time = ""
    case.contract.signed = None
    case.contract.invoices[0].due = None
    case.referral.message = ""
    case.reasons.first_noted = None
    raw = tomllib.loads(codec.dumps(case))
    assert "time" not in raw["call"]
    assert "signed" not in raw["contract"]
    assert "due" not in raw["contract"]["invoices"][0]
    assert "message" not in raw["referral"]
    assert "first_noted" not in raw["reasons"]
    assert _round_trip(case) == case


def test_referral_message_is_kept_when_set(make_case: MakeCase) -> None:
    case = make_case()
    case.referral.message = "Talk to Wilk.\nThey are great."
    raw = tomllib.loads(codec.dumps(case))
    assert raw["referral"]["message"] == "Talk to Wilk.\nThey are great."
    assert _round_trip(case) == case


# --- property: any valid case round-trips -----------------------------------------------

_TRICKY = st.sampled_from(
    ['"', "'", '"""', "'''", "\\", "\n", "\t", "Łódź", "Malmö", "ß", "🙂", "#", "=", "[x]", " "]
)
# tomli-w normalises CRLF to LF inside multi-line strings, so CRLF is left out here.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.lists(st.one_of(_TRICKY, st.text(max_size=5)), max_size=6).map("".join),
).filter(lambda s: "\r\n" not in s)
NONBLANK = TEXT.filter(lambda s: s.strip() != "")
DATES = st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31))
OPT_DATES = st.none() | DATES
INSTANTS = st.datetimes(
    min_value=datetime(MIN_YEAR, 1, 2),
    max_value=datetime(MAX_YEAR, 12, 30),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=5, minutes=30))]
    ),
)
MONEY = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
DAYS = st.integers(min_value=0, max_value=3650)
EXTRA = st.dictionaries(
    st.from_regex(r"x_[a-z0-9_]{1,8}", fullmatch=True),
    st.one_of(TEXT, st.integers(-(2**40), 2**40), st.booleans(), DATES),
    max_size=2,
)


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    amount = draw(MONEY)
    paid = min(draw(MONEY), amount)
    return Invoice(
        number=draw(TEXT), amount=amount, paid=paid, due=draw(OPT_DATES), extra=draw(EXTRA)
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    rule = draw(st.sampled_from(NoticeRule))
    reason = draw(st.sampled_from(Reason))
    case = Case(
        status=draw(st.sampled_from(Status)),
        language=draw(st.from_regex(r"[a-z]{2,3}", fullmatch=True)),
        created=draw(INSTANTS),
        updated=draw(INSTANTS),
        consultant=Consultant(
            name=draw(TEXT), business=draw(TEXT), email=draw(TEXT), phone=draw(TEXT)
        ),
        client=Client(name=draw(TEXT), contact=draw(TEXT), email=draw(TEXT), extra=draw(EXTRA)),
        call=Call(
            date=draw(OPT_DATES),
            time=draw(st.sampled_from(["", "00:00", "09:30", "23:59"])),
            medium=draw(st.sampled_from(Medium)),
        ),
        contract=Contract(
            title=draw(TEXT),
            signed=draw(OPT_DATES),
            termination_clause=draw(TEXT),
            notice_rule=rule,
            notice_days=draw(DAYS),
            effective_date=draw(DATES) if rule is NoticeRule.FIXED else None,
            currency=draw(st.from_regex(r"[A-Z]{3}", fullmatch=True)),
            deposit=draw(MONEY),
            deposit_refundable=draw(st.booleans()),
            invoices=draw(st.lists(invoices(), max_size=3)),
            deliverables=draw(
                st.lists(
                    st.builds(
                        Deliverable,
                        name=TEXT,
                        status=st.sampled_from(DeliverableStatus),
                        due=OPT_DATES,
                        extra=EXTRA,
                    ),
                    max_size=3,
                )
            ),
            extra=draw(EXTRA),
        ),
        reasons=Reasons(
            first_noted=draw(OPT_DATES),
            red_flags=draw(st.lists(st.sampled_from(RedFlag), unique=True, max_size=5)),
            incidents=draw(
                st.lists(
                    st.builds(
                        Incident, date=OPT_DATES, category=st.sampled_from(RedFlag), note=TEXT
                    ),
                    max_size=3,
                )
            ),
        ),
        tone=ToneChoice(
            choice=draw(st.sampled_from(Tone)),
            reason=reason,
            reason_text=draw(NONBLANK if reason is Reason.CUSTOM else TEXT),
        ),
        referral=Referral(
            mode=draw(st.sampled_from(ReferralMode)),
            provider_type=draw(TEXT),
            message=draw(TEXT),
            contacts=draw(
                st.lists(st.builds(ReferralContact, name=TEXT, email=TEXT, why=TEXT), max_size=2)
            ),
        ),
        handover=Handover(
            delete_after_days=draw(DAYS),
            paid_support=draw(TEXT),
            items=draw(
                st.lists(st.builds(HandoverItem, text=TEXT, done=st.booleans()), max_size=3)
            ),
        ),
        script=Script(
            lines=draw(
                st.lists(
                    st.builds(ScriptLine, part=st.sampled_from(ScriptPart), text=TEXT),
                    max_size=4,
                )
            ),
            objections=draw(st.lists(st.builds(Objection, client=TEXT, response=TEXT), max_size=2)),
        ),
        rehearsals=draw(
            st.lists(
                st.builds(
                    Rehearsal,
                    at=INSTANTS,
                    seconds=st.integers(0, 10**6),
                    flagged=st.lists(st.integers(1, 60), max_size=4),
                ),
                max_size=2,
            )
        ),
        extra=draw(EXTRA),
    )
    if rule is not NoticeRule.FIXED:
        # Derived on save; a case in memory agrees with the file once it has been written.
        case.contract.effective_date = rules.effective_date(case)
    return case


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_generated_cases_round_trip(case: Case) -> None:
    text = codec.dumps(case)
    again = parse_case_bytes(text.encode("utf-8"), "<generated>")
    assert again == case
    # A second pass writes exactly the same text.
    assert codec.dumps(again) == text
