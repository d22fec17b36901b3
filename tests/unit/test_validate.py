"""Reading case files: every kind of problem, with its exact message (clientexit.core.validate)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core import rules, validate
from clientexit.core.model import FORMAT_VERSION, NoticeRule, Reason, RedFlag
from clientexit.core.validate import CaseFileError, NewerFormatError, load_case, parse_money

RED_FLAGS = (
    "late_payment | haggling | scope_creep | unresponsive | no_boundaries | owner_only | "
    "missed_meetings | error_prone | distrust | controlling | disrespect | morale | "
    "unprofitable | exhausted_options | other"
)


def _write(tmp_path: Path, text: str | bytes, name: str = "case.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def _messages(path: Path) -> list[str]:
    """Every problem reported for the file, as the user sees it."""
    with pytest.raises(CaseFileError) as caught:
        load_case(path)
    messages = [str(p) for p in caught.value.problems]
    assert str(caught.value) == "\n".join(messages)
    return messages


def _one(tmp_path: Path, text: str | bytes) -> tuple[str, str]:
    """The single problem of a file, and the path prefix it must start with."""
    path = _write(tmp_path, text)
    messages = _messages(path)
    assert len(messages) == 1, messages
    return messages[0], str(path)


# --- files that are fine ----------------------------------------------------------------


def test_minimal_file_is_valid(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, "format = 1\n"))
    assert case.format == FORMAT_VERSION
    assert case.client.name == ""
    assert case.contract.notice_rule is NoticeRule.DAYS


def test_sample_files_are_valid(sample_paths: list[Path]) -> None:
    assert sample_paths, "no sample_data/*.toml files found"
    for path in sample_paths:
        case = load_case(path)
        assert case.client.name, path


def test_load_case_accepts_str_path(tmp_path: Path) -> None:
    path = _write(tmp_path, 'format = 1\n[client]\nname = "Acme"\n')
    assert load_case(str(path)).client.name == "Acme"


# --- TOML syntax ------------------------------------------------------------------------


def test_toml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    text = 'format = 1\nstatus = "draft"\n\n[client]\nname = "Acme"\ncontact = = "Jo"\n'
    message, path = _one(tmp_path, text)
    assert message == f"{path}:6:11: Invalid value"


def test_toml_syntax_error_column_in_the_middle_of_a_line(tmp_path: Path) -> None:
    text = "format = 1\n[call]\nmedium = video\n"
    message, path = _one(tmp_path, text)
    assert message == f"{path}:3:10: Invalid value"


def test_toml_error_at_end_of_document(tmp_path: Path) -> None:
    text = 'format = 1\n[client]\nname = "Acme\n'
    message, path = _one(tmp_path, text)
    # tomllib reports an unterminated string at the line where it starts.
    assert message.startswith(f"{path}:3:")
    text = "format = 1\n[client]\nname ="
    message, path = _one(tmp_path, text)
    assert message == f"{path}:3:1: Invalid value (at the end of the file)"


def test_toml_error_at_end_of_document_with_final_newline(tmp_path: Path) -> None:
    message, path = _one(tmp_path, "format = 1\nflags = [1,\n")
    assert message == f"{path}:2:1: Invalid value (at the end of the file)"


def test_impossible_date_is_a_toml_syntax_error(tmp_path: Path) -> None:
    text = "format = 1\n\n[call]\ndate = 2026-02-30\n"
    message, path = _one(tmp_path, text)
    assert message == (f"{path}:4:8: not a real date or time (check the day exists in that month)")


def test_feb_29_only_in_leap_years(tmp_path: Path) -> None:
    load_case(_write(tmp_path, "format = 1\n[call]\ndate = 2028-02-29\n"))
    message, path = _one(tmp_path, "format = 1\n[call]\ndate = 2100-02-29\n")
    assert message.startswith(f"{path}:3:8: not a real date")


# --- wrong types ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("[client]\nname = 42\n", "client.name: expected text in quotes, got 42"),
        ("[client]\nname = true\n", "client.name: expected text in quotes, got true"),
        (
            '[contract]\nnotice_days = "thirty"\n',
            'contract.notice_days: expected an integer, got "thirty"',
        ),
        (
            "[contract]\nnotice_days = 30.0\n",
            "contract.notice_days: expected an integer, got the number 30.0",
        ),
        ("[contract]\nnotice_days = true\n", "contract.notice_days: expected an integer, got true"),
        ("[contract]\nnotice_days = -1\n", "contract.notice_days: must be at least 0, got -1"),
        (
            "[handover]\ndelete_after_days = [30]\n",
            "handover.delete_after_days: expected an integer, got an array",
        ),
        (
            '[contract]\ndeposit_refundable = "yes"\n',
            'contract.deposit_refundable: expected true or false, got "yes"',
        ),
        (
            '[[handover.items]]\ntext = "Keys"\ndone = 1\n',
            "handover.items[1].done: expected true or false, got 1",
        ),
        ("[call]\ndate = 5\n", "call.date: expected a date like 2026-11-28, got 5"),
        (
            "[call]\ndate = 2026-11-28T10:00:00Z\n",
            "call.date: expected a date like 2026-11-28, got the date-time "
            "2026-11-28T10:00:00+00:00",
        ),
        (
            '[call]\ndate = "next friday"\n',
            'call.date: expected a date like 2026-11-28, got "next friday"',
        ),
        (
            "created = 2026-11-20\n",
            "created: expected a date-time like 2026-11-28T10:00:00Z, got the date 2026-11-20",
        ),
        (
            'updated = "2026-11-20T09:30:00Z"\n',
            'updated: expected a date-time like 2026-11-28T10:00:00Z, got "2026-11-20T09:30:00Z"',
        ),
        ('client = "Acme"\n', 'client: expected a table, got "Acme"'),
        ("contract = [1, 2]\n", "contract: expected a table, got an array"),
        (
            '[contract]\ninvoices = "none"\n',
            'contract.invoices: expected an array of tables ([[contract.invoices]]), got "none"',
        ),
        (
            "[contract]\ninvoices = [1]\n",
            "contract.invoices[1]: expected a table, got 1",
        ),
        (
            '[contract]\ninvoices = {number = "A"}\n',
            "contract.invoices: expected an array of tables ([[contract.invoices]]), got a table",
        ),
        (
            "rehearsals = 3\n",
            "rehearsals: expected an array of tables ([[rehearsals]]), got 3",
        ),
        (
            '[reasons]\nred_flags = "late_payment"\n',
            'reasons.red_flags: expected an array, got "late_payment"',
        ),
    ],
)
def test_wrong_type(tmp_path: Path, snippet: str, expected: str) -> None:
    message, path = _one(tmp_path, "format = 1\n" + snippet)
    assert message == f"{path}: {expected}"


def test_money_as_float_is_refused_with_the_text_to_write(tmp_path: Path) -> None:
    message, path = _one(tmp_path, "format = 1\n[contract]\ndeposit = 1500.5\n")
    assert message == (
        f'{path}: contract.deposit: write money as text like "1500.50" so no cent is lost, '
        "got the number 1500.5"
    )


def test_money_of_wrong_type(tmp_path: Path) -> None:
    message, path = _one(tmp_path, "format = 1\n[contract]\ndeposit = true\n")
    assert message == f'{path}: contract.deposit: expected an amount like "1200.00", got true'
    message, path = _one(tmp_path, 'format = 1\n[contract]\ndeposit = "12.345"\n')
    assert message == (f'{path}: contract.deposit: expected an amount like "1200.00", got "12.345"')


def test_money_as_integer_is_accepted(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, "format = 1\n[contract]\ndeposit = 1500\n"))
    assert case.contract.deposit == Decimal("1500.00")


def test_negative_money(tmp_path: Path) -> None:
    text = 'format = 1\n[[contract.invoices]]\nnumber = "A"\namount = "-5.00"\npaid = "0"\n'
    message, path = _one(tmp_path, text)
    assert message == f'{path}: contract.invoices[1].amount: must not be negative, got "-5.00"'


def test_paid_more_than_amount(tmp_path: Path) -> None:
    text = (
        "format = 1\n"
        '[[contract.invoices]]\nnumber = "A"\namount = "10.00"\npaid = "10.00"\n'
        '[[contract.invoices]]\nnumber = "B"\namount = "100.00"\npaid = "150.5"\n'
    )
    message, path = _one(tmp_path, text)
    assert message == (
        f'{path}: contract.invoices[2].paid: "150.50" is more than the invoice amount "100.00"'
    )


# --- enumerations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ('status = "finished"\n', 'status: expected one of draft | ready | done, got "finished"'),
        ('status = "Draft"\n', 'status: expected one of draft | ready | done, got "Draft"'),
        ("status = 1\n", "status: expected one of draft | ready | done, got 1"),
        (
            '[call]\nmedium = "email"\n',
            'call.medium: expected one of video | phone | in_person, got "email"',
        ),
        (
            '[contract]\nnotice_rule = "weeks"\n',
            'contract.notice_rule: expected one of days | end_of_month | fixed, got "weeks"',
        ),
        (
            '[tone]\nchoice = "angry"\n',
            'tone.choice: expected one of warm | neutral | firm, got "angry"',
        ),
        (
            '[tone]\nreason = "money"\n',
            'tone.reason: expected one of focus | fit | alignment | capacity | custom, got "money"',
        ),
        (
            '[referral]\nmode = "friend"\n',
            'referral.mode: expected one of named | provider_type | none, got "friend"',
        ),
        (
            '[[contract.deliverables]]\nname = "X"\nstatus = "half"\n',
            "contract.deliverables[1].status: expected one of done | in_progress | "
            'not_started | dropped, got "half"',
        ),
        (
            '[[script.lines]]\npart = "intro"\ntext = "Hi"\n',
            "script.lines[1].part: expected one of opening | decision | reason | next_steps | "
            'handover | referral | thanks | close, got "intro"',
        ),
        (
            '[[reasons.incidents]]\ndate = 2026-10-03\ncategory = "rude"\nnote = ""\n',
            f'reasons.incidents[1].category: expected one of {RED_FLAGS}, got "rude"',
        ),
        # Values that cannot be looked up at all (an array, a table, a boolean, a date).
        ('status = ["draft"]\n', "status: expected one of draft | ready | done, got an array"),
        ("status = {}\n", "status: expected one of draft | ready | done, got a table"),
        ("status = true\n", "status: expected one of draft | ready | done, got true"),
        (
            "status = 2026-11-28\n",
            "status: expected one of draft | ready | done, got the date 2026-11-28",
        ),
        (
            "[call]\nmedium = 1.5\n",
            "call.medium: expected one of video | phone | in_person, got the number 1.5",
        ),
    ],
)
def test_unknown_enum_value_lists_allowed_values(
    tmp_path: Path, snippet: str, expected: str
) -> None:
    message, path = _one(tmp_path, "format = 1\n" + snippet)
    assert message == f"{path}: {expected}"


def test_unknown_red_flag_in_array_is_numbered_from_one(tmp_path: Path) -> None:
    text = 'format = 1\n[reasons]\nred_flags = ["late_payment", "haggling", "rude"]\n'
    message, path = _one(tmp_path, text)
    assert message == f'{path}: reasons.red_flags[3]: expected one of {RED_FLAGS}, got "rude"'


def test_red_flags_that_are_arrays_or_tables_are_each_reported(tmp_path: Path) -> None:
    text = 'format = 1\n[reasons]\nred_flags = [["morale"], {a = 1}, "morale", 3]\n'
    path = _write(tmp_path, text)
    assert _messages(path) == [
        f"{path}: reasons.red_flags[1]: expected one of {RED_FLAGS}, got an array",
        f"{path}: reasons.red_flags[2]: expected one of {RED_FLAGS}, got a table",
        f"{path}: reasons.red_flags[4]: expected one of {RED_FLAGS}, got 3",
    ]


def test_red_flags_duplicates_collapse(tmp_path: Path) -> None:
    text = 'format = 1\n[reasons]\nred_flags = ["morale", "haggling", "morale"]\n'
    case = load_case(_write(tmp_path, text))
    assert case.reasons.red_flags == [RedFlag.MORALE, RedFlag.HAGGLING]


# --- dates, times, codes ----------------------------------------------------------------


def test_date_written_as_quoted_string(tmp_path: Path) -> None:
    message, path = _one(tmp_path, 'format = 1\n[call]\ndate = "2026-11-28"\n')
    assert message == (
        f'{path}: call.date: write dates without quotes (2026-11-28), got "2026-11-28"'
    )


def test_naive_datetime_for_created(tmp_path: Path) -> None:
    message, path = _one(tmp_path, "format = 1\ncreated = 2026-11-20T09:30:00\n")
    assert message == (
        f"{path}: created: expected a date-time with an offset like 2026-11-28T10:00:00Z, "
        "got the date-time 2026-11-20T09:30:00"
    )


def test_instant_with_offset_is_accepted(tmp_path: Path) -> None:
    case = load_case(_write(tmp_path, "format = 1\ncreated = 2026-11-20T09:30:00+02:00\n"))
    assert case.created.utcoffset() is not None
    assert case.created.hour == 9


@pytest.mark.parametrize("value", ["25:00", "9:00", "10:60", "10.00", "10:00:00", "noon"])
def test_bad_time(tmp_path: Path, value: str) -> None:
    message, path = _one(tmp_path, f'format = 1\n[call]\ntime = "{value}"\n')
    assert message == f'{path}: call.time: expected a time like "10:00", got "{value}"'


@pytest.mark.parametrize("value", ["", "00:00", "23:59", "09:05"])
def test_good_time(tmp_path: Path, value: str) -> None:
    case = load_case(_write(tmp_path, f'format = 1\n[call]\ntime = "{value}"\n'))
    assert case.call.time == value


def test_unquoted_toml_time_is_described_as_written(tmp_path: Path) -> None:
    """``time = 10:00:00`` is a TOML local time; the message must not show Python's repr."""
    message, path = _one(tmp_path, "format = 1\n[call]\ntime = 10:00:00\n")
    assert message.startswith(f"{path}: call.time: expected text in quotes, got ")
    assert "datetime" not in message
    assert "10:00" in message


@pytest.mark.parametrize("value", ["eur", "EURO", "E1R", "", "EU"])
def test_bad_currency(tmp_path: Path, value: str) -> None:
    message, path = _one(tmp_path, f'format = 1\n[contract]\ncurrency = "{value}"\n')
    assert message == (
        f'{path}: contract.currency: expected an ISO 4217 code like "EUR", got "{value}"'
    )


def test_currency_with_trailing_newline_is_refused(tmp_path: Path) -> None:
    """``$`` in a regex matches before a final newline: "EUR\\n" is not a currency code."""
    message, path = _one(tmp_path, 'format = 1\n[contract]\ncurrency = "EUR\\n"\n')
    assert message == (
        f'{path}: contract.currency: expected an ISO 4217 code like "EUR", got "EUR\\n"'
    )


def test_non_ascii_text_is_shown_as_written(tmp_path: Path) -> None:
    """Polish, Swedish and German users write their own letters; messages show them as-is."""
    message, path = _one(tmp_path, 'format = 1\n[call]\nmedium = "osobiście"\n')
    assert message == (
        f'{path}: call.medium: expected one of video | phone | in_person, got "osobiście"'
    )


@pytest.mark.parametrize("value", ["EN", "english", "e", "en-GB"])
def test_bad_language(tmp_path: Path, value: str) -> None:
    message, path = _one(tmp_path, f'format = 1\nlanguage = "{value}"\n')
    assert message == f'{path}: language: expected a language code like "en", got "{value}"'


# --- rules between keys -----------------------------------------------------------------


def test_unfinished_drafts_still_load(tmp_path: Path) -> None:
    """A custom reason without words, or a fixed rule without its date, is a draft to finish.

    The file must reopen so the user can finish it; the readiness check warns instead.
    """
    text = 'format = 1\n[tone]\nreason = "custom"\nreason_text = " "\n'
    case = load_case(_write(tmp_path, text))
    assert case.tone.reason is Reason.CUSTOM
    assert "no_reason_text" in {f.code for f in rules.findings(case)}

    text = 'format = 1\n[contract]\nnotice_rule = "fixed"\n'
    case = load_case(_write(tmp_path, text))
    assert case.contract.effective_date is None
    assert "no_end_date" in {f.code for f in rules.findings(case)}


def test_custom_reason_and_fixed_date_are_read(tmp_path: Path) -> None:
    text = 'format = 1\n[tone]\nreason = "custom"\nreason_text = "My words."\n'
    case = load_case(_write(tmp_path, text))
    assert case.tone.reason_text == "My words."
    text = 'format = 1\n[contract]\nnotice_rule = "fixed"\neffective_date = 2027-01-15\n'
    case = load_case(_write(tmp_path, text))
    assert case.contract.effective_date == date(2027, 1, 15)


def test_rehearsal_needs_a_time_and_positive_line_numbers(tmp_path: Path) -> None:
    text = 'format = 1\n[[rehearsals]]\nseconds = 60\nflagged = [2, 0, "x"]\n'
    path = _write(tmp_path, text)
    assert _messages(path) == [
        f"{path}: rehearsals[1].flagged[2]: expected a script line number (1 or more), got 0",
        f'{path}: rehearsals[1].flagged[3]: expected a script line number (1 or more), got "x"',
        f"{path}: rehearsals[1].at: missing; when the rehearsal took place",
    ]


# --- format -----------------------------------------------------------------------------


def test_missing_format(tmp_path: Path) -> None:
    message, path = _one(tmp_path, '[client]\nname = "Acme"\n')
    assert message == f"{path}: format: missing; a case file starts with format = 1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"1"', 'format: expected an integer, got "1"'),
        ("1.0", "format: expected an integer, got the number 1.0"),
        ("0", "format: must be at least 1, got 0"),
        ("-3", "format: must be at least 1, got -3"),
    ],
)
def test_bad_format_value(tmp_path: Path, value: str, expected: str) -> None:
    message, path = _one(tmp_path, f"format = {value}\n")
    assert message == f"{path}: {expected}"


def test_newer_format_is_refused_naming_both_versions(tmp_path: Path) -> None:
    # Other problems in the file are not guessed at either: only the format is reported.
    path = _write(tmp_path, 'format = 2\nstatus = "someday"\n[client]\nname = 5\n')
    with pytest.raises(NewerFormatError) as caught:
        load_case(path)
    assert isinstance(caught.value, CaseFileError)
    (problem,) = caught.value.problems
    text = str(problem)
    assert text.startswith(f"{path}: format: ")
    assert "format 2" in text
    assert f"(format {FORMAT_VERSION})" in text
    assert "not changed" in text


# --- files that are not case files ------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    message, path = _one(tmp_path, content)
    assert message == f"{path}: is empty; a case file starts with format = 1"


def test_non_utf8_bytes(tmp_path: Path) -> None:
    content = b'format = 1\n[client]\nname = "Caf\xe9"\n'
    message, path = _one(tmp_path, content)
    assert message == f"{path}:3:12: is not UTF-8 text (is it a case file?)"


def test_nul_bytes(tmp_path: Path) -> None:
    message, path = _one(tmp_path, b"format = 1\n\x00\x00\x00\n")
    assert message == f"{path}: contains binary data, not a TOML case file"


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "MAX_FILE_BYTES", 64)
    text = "format = 1\n" + "# padding\n" * 10
    message, path = _one(tmp_path, text)
    assert message.startswith(f"{path}: is ")
    assert "too large for a case file" in message
    # Just under the limit is read normally.
    load_case(_write(tmp_path, "format = 1\n", name="small.toml"))


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    assert _messages(path) == [f"{path}: no such file"]


def test_folder_instead_of_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.toml"
    path.mkdir()
    assert _messages(path) == [f"{path}: is a folder, not a case file"]


def test_parse_case_bytes_names_the_given_path() -> None:
    with pytest.raises(CaseFileError) as caught:
        validate.parse_case_bytes(b"status = 1\n", "somewhere/acme.toml")
    assert [str(p) for p in caught.value.problems] == [
        "somewhere/acme.toml: format: missing; a case file starts with format = 1",
        "somewhere/acme.toml: status: expected one of draft | ready | done, got 1",
    ]


# --- every problem at once --------------------------------------------------------------


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = """\
format = 1
status = "finished"
created = 2026-11-20T09:30:00

[client]
name = 42

[call]
date = "2026-11-28"
time = "25:00"

[contract]
notice_days = "thirty"
currency = "eur"
deposit = 10.5

[[contract.invoices]]
number = "A"
amount = "-1.00"

[reasons]
red_flags = ["late_payment", "rude"]

[tone]
reason = "nicer"
"""
    path = _write(tmp_path, text)
    messages = _messages(path)
    assert len(messages) == 11, messages
    assert all(m.startswith(f"{path}: ") for m in messages)
    keys = [m.removeprefix(f"{path}: ").split(":")[0] for m in messages]
    assert keys == [
        "status",
        "created",
        "client.name",
        "call.date",
        "call.time",
        "contract.notice_days",
        "contract.currency",
        "contract.deposit",
        "contract.invoices[1].amount",
        "reasons.red_flags[2]",
        "tone.reason",
    ]


def test_case_from_data_returns_defaults_with_problems() -> None:
    case, problems = validate.case_from_data(
        {"format": 1, "contract": {"notice_days": "x", "currency": "eur"}}, "p.toml"
    )
    assert case.contract.notice_days == 30
    assert case.contract.currency == "EUR"
    assert [p.key for p in problems] == ["contract.notice_days", "contract.currency"]
    assert all(p.path == "p.toml" for p in problems)


def test_unknown_keys_are_kept_not_reported(tmp_path: Path) -> None:
    text = 'format = 1\nmood = "calm"\n[client]\nname = "Acme"\nvat = "PL123"\n'
    case = load_case(_write(tmp_path, text))
    assert case.extra == {"mood": "calm"}
    assert case.client.extra == {"vat": "PL123"}


# --- parse_money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1200.00", Decimal("1200.00")),
        ("1200", Decimal("1200.00")),
        ("1200.5", Decimal("1200.50")),
        ("0", Decimal("0.00")),
        ("0.01", Decimal("0.01")),
        ("  42.10 ", Decimal("42.10")),
        ("1,200.00", Decimal("1200.00")),
        ("1 200.00", Decimal("1200.00")),
        ("1_200", Decimal("1200.00")),
        ("-5.00", Decimal("-5.00")),
        (1500, Decimal("1500.00")),
        (0, Decimal("0.00")),
    ],
)
def test_parse_money_accepts(value: object, expected: Decimal) -> None:
    result = parse_money(value)
    assert result == expected
    assert isinstance(result, Decimal)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "value",
    [
        1200.0,
        0.1,
        True,
        False,
        None,
        "",
        "abc",
        "12.345",
        "1e3",
        "NaN",
        "Infinity",
        "12.",
        ".5",
        "--5",
        "€12",
        "12 EUR",
        ["1"],
        Decimal("1.00"),
    ],
)
def test_parse_money_refuses(value: object) -> None:
    assert parse_money(value) is None


@pytest.mark.parametrize(
    ("arrays", "inner", "too_deep"),
    [
        (22, "1", False),  # the innermost array is at depth 23 (the file's top level is 1)
        (23, "", False),  # an empty array at depth 24 holds nothing deeper
        (23, "1", True),  # a value at depth 25
        (23, "{}", True),
        (22, "{}", False),  # an empty table at depth 24
        (22, "{a = 1}", True),
        (21, "{a = {}}", False),
        (21, "{a = {b = 1}}", True),
    ],
)
def test_nesting_limit_is_exact(tmp_path: Path, arrays: int, inner: str, too_deep: bool) -> None:
    assert validate.MAX_DEPTH == 24
    text = "format = 1\nx = " + "[" * arrays + inner + "]" * arrays + "\n"
    path = _write(tmp_path, text)
    if too_deep:
        assert _messages(path) == [f"{path}: is nested too deeply to be a case file"]
    else:
        assert load_case(path).extra["x"]
