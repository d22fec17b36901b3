"""The leak guard (clientexit.core.leak): private notes never reach client-facing text unseen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from clientexit.core import leak, rules
from clientexit.core.model import (
    Case,
    HandoverItem,
    Incident,
    Objection,
    Reason,
    RedFlag,
    ReferralContact,
    ScriptLine,
    ScriptPart,
)
from clientexit.core.rules import Level, Step
from clientexit.core.validate import load_case

MakeCase = Callable[[], Case]

# build_case()'s second note: 'Asked for a "quick" shop on top of the retainer.'
NOTE = "Jordan shouted at my designer in the kickoff and called the mockups amateurish garbage."


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Scans are remembered per version of a case; each test starts from none."""
    leak._cache.clear()


def _case(make_case: MakeCase, note: str = NOTE) -> Case:
    case = make_case()
    case.reasons.incidents.append(
        Incident(date=date(2026, 11, 5), category=RedFlag.DISRESPECT, note=note)
    )
    return case


def _where(leaks: list[leak.Leak]) -> set[tuple[str, str]]:
    return {(found.document, found.field) for found in leaks}


# --- no false alarms --------------------------------------------------------------------


def test_no_leak_in_a_clean_case(make_case: MakeCase) -> None:
    assert leak.scan(_case(make_case)) == []


def test_no_leak_in_any_sample(sample_paths: list[Path]) -> None:
    # The samples are well-prepared cases: their notes are rich, their texts clean.
    for path in sample_paths:
        case = load_case(path)
        assert case.reasons.incidents, path.name
        assert leak.scan(case) == [], path.name


def test_a_case_without_notes_is_not_rendered(
    make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    case.reasons.incidents = []

    def boom(*args: object) -> None:
        raise AssertionError("rendered a case that has nothing to leak")

    monkeypatch.setattr(leak, "documents", boom)
    assert leak.scan(case) == []


def test_common_words_and_facts_alone_are_not_a_leak(make_case: MakeCase) -> None:
    # Shares "the final invoice", "INV-104" and "Homepage redesign" with the letter:
    # words any letter uses, and facts the client already knows.
    case = _case(make_case, "Sent the final invoice INV-104 for the Homepage redesign.")
    case.script.lines.append(
        ScriptLine(ScriptPart.NEXT_STEPS, "I have sent the final invoice INV-104 for you.")
    )
    assert leak.scan(case) == []


def test_a_single_distinctive_word_is_not_a_leak(make_case: MakeCase) -> None:
    case = _case(make_case)
    case.script.lines.append(ScriptLine(ScriptPart.THANKS, "Thanks for the mockups feedback."))
    assert leak.scan(case) == []


# --- what is caught, and where ----------------------------------------------------------


def test_whole_sentence_in_a_script_line(make_case: MakeCase) -> None:
    case = _case(make_case)
    case.script.lines.insert(2, ScriptLine(ScriptPart.REASON, NOTE))
    leaks = leak.scan(case)
    assert len(leaks) == 1
    found = leaks[0]
    assert found.kind == "sentence"
    assert found.phrase == NOTE.rstrip(".")
    assert found.incident == 3
    assert found.document == "script"
    assert found.field == "script line 3"
    assert found.step is Step.SCRIPT
    assert found.where.startswith("the call script, line ")
    assert "amateurish garbage" in found.excerpt
    assert str(found) == (
        f'{found.where}: "{found.phrase}" is from private incident note 3 (from script line 3)'
    )


def test_distinctive_phrase_reworded_around(make_case: MakeCase) -> None:
    case = _case(make_case)
    case.script.lines = []  # the script is generated, with the reason in it
    case.tone.reason = Reason.CUSTOM
    case.tone.reason_text = "Frankly, the mockups were called amateurish garbage, so I am out."
    leaks = leak.scan(case)
    assert {found.phrase for found in leaks} == {"amateurish garbage"}
    assert {found.kind for found in leaks} == {"phrase"}
    # The reason is said on the call and written in the letter: both places are named.
    assert _where(leaks) == {("letter", "the reason you give"), ("script", "the reason you give")}
    assert {found.step for found in leaks} == {Step.TONE}


def test_matching_ignores_case_punctuation_and_apostrophes(make_case: MakeCase) -> None:
    case = _case(make_case, "Client\u2019s CFO said: \u2018pay later, or sue us\u2019.")
    case.handover.items.append(HandoverItem("Remind them the CFO said pay later or SUE US."))
    leaks = leak.scan(case, ["handover"])
    assert [found.phrase for found in leaks] == ["CFO said: \u2018pay later, or sue"]
    assert leaks[0].field == "handover item 3"
    assert leaks[0].step is Step.REFERRAL


@pytest.mark.parametrize(
    ("place", "document", "field", "step"),
    [
        ("referral message", "referral", "the referral paragraph", Step.REFERRAL),
        ("referral why", "referral", "referral contact 1", Step.REFERRAL),
        ("paid support", "letter", "the paid support offer", Step.REFERRAL),
        ("objection", "script", "prepared answer 2", Step.SCRIPT),
        ("handover item", "handover", "handover item 1", Step.REFERRAL),
    ],
)
def test_every_client_facing_field_is_checked(
    make_case: MakeCase, place: str, document: str, field: str, step: Step
) -> None:
    case = _case(make_case)
    words = "the mockups were amateurish garbage"
    if place == "referral message":
        case.referral.message = f"They will not mind {words}."
    elif place == "referral why":
        case.referral.contacts = [ReferralContact("Wilk & Co", "hi@wilk.example", words)]
    elif place == "paid support":
        case.handover.paid_support = f"Support, after {words}."
    elif place == "objection":
        case.script.objections.append(Objection("Why?", f"Because of {words}."))
    else:
        case.handover.items.insert(0, HandoverItem(f"Archive {words}"))
    leaks = [found for found in leak.scan(case) if found.document == document]
    assert {found.phrase for found in leaks} == {"amateurish garbage"}, place
    assert {found.field for found in leaks} == {field}
    assert {found.step for found in leaks} == {step}


def test_only_the_named_documents_are_scanned(make_case: MakeCase) -> None:
    case = _case(make_case)
    case.script.lines.insert(2, ScriptLine(ScriptPart.REASON, NOTE))
    assert leak.scan(case, ["letter", "handover"]) == []
    assert {found.document for found in leak.scan(case, ["script"])} == {"script"}
    assert leak.parts_of("all") == leak.DOCUMENTS
    assert leak.parts_of("letter") == ("letter",)


def test_leak_in_a_generated_fact_has_no_field(make_case: MakeCase) -> None:
    # Found in the rendered text, but typed in no client-facing field: the review step.
    case = _case(make_case)
    found = leak.find(case, [("letter", "Hello.\nHe called the mockups amateurish garbage.\n")])
    assert len(found) == 1
    assert (found[0].line, found[0].field, found[0].step) == (2, "", Step.REVIEW)


def test_summary_groups_places_by_phrase(make_case: MakeCase) -> None:
    case = _case(make_case)
    case.script.lines = []
    case.tone.reason = Reason.CUSTOM
    case.tone.reason_text = "The mockups were amateurish garbage."
    lines = leak.summary(leak.scan(case))
    assert len(lines) == 1
    assert lines[0].startswith('"amateurish garbage" (private note 3) appears in the letter, line ')
    assert "the call script, line" in lines[0]
    assert lines[0].endswith("written in the reason you give")


def test_hostile_note_is_bounded(make_case: MakeCase) -> None:
    # The same rare word a hundred thousand times on both sides must not hang the check.
    case = _case(make_case, "zorgle " * 100_000)
    case.handover.paid_support = "zorgle " * 3000
    leaks = leak.scan(case, ["letter"])
    assert len(leaks) == 1
    assert leaks[0].field == "the paid support offer"


def test_results_are_cached_per_version(
    make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case(make_case)
    calls: list[int] = []
    real = leak.documents

    def counting(*args: object, **kwargs: object) -> list[tuple[str, str]]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(leak, "documents", counting)
    leak.scan(case)
    leak.scan(case)
    assert len(calls) == 1
    case.script.lines.insert(2, ScriptLine(ScriptPart.REASON, NOTE))
    assert leak.scan(case)
    assert len(calls) == 2


# --- in the readiness list --------------------------------------------------------------


def test_readiness_list_reports_leaks(make_case: MakeCase) -> None:
    case = _case(make_case)
    assert "leak" not in {f.code for f in rules.findings(case)}
    case.script.lines.insert(2, ScriptLine(ScriptPart.REASON, NOTE))
    leaks = [f for f in rules.findings(case) if f.code == "leak"]
    assert len(leaks) == 1
    assert leaks[0].level is Level.WARNING
    assert leaks[0].step is Step.SCRIPT
    assert leaks[0].message == (
        'Words from your private note 3 are in the call script: "Jordan shouted at my designer '
        'in the kickoff and called t...". Reword script line 3.'
    )
    assert not rules.is_ready(case)
    assert rules.step_state(case, Step.SCRIPT) is rules.StepState.NEEDS_ATTENTION


def test_readiness_list_survives_a_broken_template(make_case: MakeCase, tmp_path: Path) -> None:
    from clientexit.core import render

    folder = tmp_path / "templates" / "en" / "warm"
    folder.mkdir(parents=True)
    (folder / "letter.md.j2").write_text("Dear {{ contact }\n", encoding="utf-8")
    render.use_library(tmp_path)
    try:
        found = [f for f in rules.findings(_case(make_case)) if f.code == "template_problem"]
    finally:
        render.use_library(None)
    assert len(found) == 1
    assert found[0].message == (
        "A template is broken, so the texts cannot be made or checked: template "
        f"{folder / 'letter.md.j2'}, line 1: unexpected '}}'"
    )


# --- the command line -------------------------------------------------------------------


@pytest.fixture
def leaking_file(tmp_path: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A case whose third script line is a private note, word for word."""
    from clientexit.core import codec
    from clientexit.core.paths import HOME_ENV

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    case = _case(make_case)
    case.script.lines.insert(2, ScriptLine(ScriptPart.REASON, NOTE))
    path = tmp_path / "acme.toml"
    path.write_text(codec.dumps(case), encoding="utf-8")
    return path


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from clientexit import cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_refuses_a_leak(leaking_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "export", "acme.toml", "-o", "out.md")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == (
        "clientexit: acme.toml: not exported: words from your private incident notes "
        "appear in the text:"
    )
    assert len(lines) == 3
    assert lines[1].startswith("  the call script, line ")
    assert lines[1].endswith(
        f': "{NOTE.rstrip(".")}" is from private incident note 3 (from script line 3)'
    )
    assert lines[2] == (
        "Reword them (in the app: clientexit open acme.toml), or export anyway with --allow-leak."
    )
    assert not (leaking_file.parent / "out.md").exists()


def test_export_allows_a_leak_when_told(
    leaking_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "export", "acme.toml", "--what", "script", "--allow-leak")
    assert code == 0
    assert "amateurish garbage" in out
    assert err == "clientexit: exporting with 1 leak allowed by --allow-leak\n"
    # For that export only: the next one is refused again.
    assert _cli(capsys, "export", "acme.toml", "--what", "script")[0] == 1


def test_export_checks_only_what_it_exports(
    leaking_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "export", "acme.toml", "--what", "letter")
    assert (code, err) == (0, "")
    assert "amateurish" not in out


def test_validate_warns_with_its_own_exit_status(
    leaking_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _cli(capsys, "validate", "acme.toml")
    assert code == 3
    [line] = out.splitlines()
    assert line.startswith("acme.toml: warning: the call script, line ")
    assert line.endswith("is from private incident note 3 (from script line 3)")
    assert err == (
        "1 file checked, all valid, 1 file with private notes in client-facing text "
        "(exit status 3)\n"
    )


def test_validate_problems_win_over_leaks(
    leaking_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (leaking_file.parent / "broken.toml").write_text("format = 1\nstatus = 4\n")
    code, out, err = _cli(capsys, "validate", "acme.toml", "broken.toml")
    assert code == 1
    assert "broken.toml: status: expected one of draft | ready | done, got 4" in out
    assert err == ("2 files checked, 1 with problems, 1 with private notes in client-facing text\n")


def test_help_documents_the_leak_guard(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _cli(capsys, "validate", "--help")
    text = " ".join(out.split())
    assert "3 every file is valid but at least one has a leak warning" in text
    _, out, _ = _cli(capsys, "export", "--help")
    assert "--allow-leak" in out
    _, out, _ = _cli(capsys, "--help")
    assert "3 (from validate) every file is valid but a private note appears" in " ".join(
        out.split()
    )
