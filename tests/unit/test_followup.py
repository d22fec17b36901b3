"""After the call: the [outcome] and [letter] sections, the follow-up email, and titles.

The Markdown is checked with an independent reader (markdown-it-py), so a list
or a heading is one because a Markdown renderer says so, not because a line
starts with "- ".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from clientexit.core import codec, leak, render
from clientexit.core.model import Case, Incident, Letter, Outcome, RedFlag, Status, Tone
from clientexit.core.validate import CaseFileError, load_case, parse_case_bytes

MakeCase = Callable[[], Case]

NOTE = "Jordan shouted at my designer in the kickoff and called the mockups amateurish garbage."
AGREED = (
    "Jordan pays the last invoice by 15 December.\n- I hand over the analytics access on Monday"
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    leak._cache.clear()


def _with_note(case: Case) -> Case:
    """The case with a private note whose words are rare enough to be recognised."""
    case.reasons.incidents.append(
        Incident(date=date(2026, 11, 5), category=RedFlag.DISRESPECT, note=NOTE)
    )
    return case


def _done(make_case: MakeCase) -> Case:
    case = make_case()
    case.status = Status.DONE
    case.outcome = Outcome(date=date(2026, 11, 28), objections=[1], agreed=AGREED)
    return case


def _tokens(markdown: str) -> list[tuple[str, str]]:
    """(token type, inline text) pairs as markdown-it-py reads the document."""
    return [(t.type, t.content) for t in MarkdownIt("commonmark").parse(markdown)]


def _list_items(markdown: str) -> list[str]:
    """The text of every list item, as a Markdown renderer sees it."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    items: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            inline = next(t for t in tokens[index:] if t.type == "inline")
            items.append(inline.content)
    return items


# --- the case file ---------------------------------------------------------------------


def test_outcome_and_letter_survive_a_save_and_a_load(make_case: MakeCase) -> None:
    case = _done(make_case)
    case.letter = Letter(text="Dear Jordan,\n\nThank you.\n")
    case.outcome.extra = {"mood": "calm"}
    case.letter.extra = {"edited_in": "vim"}
    text = codec.dumps(case)
    assert "[outcome]" in text and "[letter]" in text
    again = parse_case_bytes(text.encode())
    assert again.outcome == case.outcome
    assert again.letter == case.letter
    # Written after the sections people fill in before the call.
    assert text.index("[letter]") > text.index("[script]")
    assert text.index("[outcome]") > text.index("[[rehearsals]]")


def test_empty_outcome_and_letter_are_left_out(make_case: MakeCase) -> None:
    text = codec.dumps(make_case())
    assert "[outcome]" not in text and "[letter]" not in text
    case = parse_case_bytes(text.encode())
    assert case.outcome == Outcome() and case.letter == Letter()


def test_bad_outcome_values_are_reported_by_key_and_position() -> None:
    raw = (
        b'format = 1\n[outcome]\ndate = "2026-11-28"\nobjections = [2, 0, "x"]\n'
        b'agreed = 5\n[letter]\ntext = ["a"]\n'
    )
    with pytest.raises(CaseFileError) as caught:
        parse_case_bytes(raw, "acme.toml")
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "acme.toml: letter.text: expected text in quotes, got an array",
        'acme.toml: outcome.date: write dates without quotes (2026-11-28), got "2026-11-28"',
        "acme.toml: outcome.objections[2]: expected an objection number (1 or more), got 0",
        'acme.toml: outcome.objections[3]: expected an objection number (1 or more), got "x"',
        "acme.toml: outcome.agreed: expected text in quotes, got 5",
    ]


def test_an_objection_number_past_the_list_still_loads(make_case: MakeCase) -> None:
    case = make_case()
    case.outcome = Outcome(objections=[1, 9])
    assert parse_case_bytes(codec.dumps(case).encode()).outcome.objections == [1, 9]


# --- the edited letter -------------------------------------------------------------------


def test_the_edited_letter_is_what_every_output_uses(make_case: MakeCase) -> None:
    case = make_case()
    generated = render.render_letter(case)
    case.letter.text = "\n\nDear Jordan,\n\nMy own words.  \nSam\n\n"
    assert render.render_letter(case) == "Dear Jordan,\n\nMy own words.  \nSam\n"
    assert render.export(case, "letter", "md") == render.render_letter(case)
    assert render.generated_letter(case) == generated
    case.letter.text = "   \n"
    assert render.render_letter(case) == generated


def test_the_leak_guard_reads_the_edited_letter(make_case: MakeCase) -> None:
    case = _with_note(make_case())
    case.letter.text = "Dear Jordan,\n\nSorry the mockups felt like amateurish garbage.\n"
    found = leak.scan(case, ["letter"])
    assert [(f.document, f.field, f.line) for f in found] == [
        ("letter", "the letter as you edited it", 3)
    ]


# --- the follow-up email -----------------------------------------------------------------


@pytest.mark.parametrize("tone", list(Tone), ids=str)
def test_followup_confirms_the_facts_in_every_tone(make_case: MakeCase, tone: Tone) -> None:
    case = _done(make_case)
    case.tone.choice = tone
    markdown = render.render_followup(case)
    assert markdown.startswith(
        "**Subject:** Following up on our call: end of service on 30 November 2026\n"
    )
    assert "28 November 2026" in markdown  # the day of the call
    items = _list_items(markdown)
    assert any("30 November 2026" in item and "clause 2.9" in item for item in items)
    assert any(item.startswith("**Handover:**") for item in items)
    # Files until the deletion date, 30 days after the end.
    assert any("30 December 2026" in item for item in items)
    assert any("1,500.00 EUR" in item for item in items)  # the refundable deposit
    # What was agreed, in the user's words, one list item per line, a marker they typed dropped.
    assert "Jordan pays the last invoice by 15 December." in items
    assert "I hand over the analytics access on Monday." in items
    assert "The Good Business" in markdown
    assert "Sam Rivera" in markdown
    for incident in case.reasons.incidents:
        for sentence in incident.note.split("\n"):
            assert sentence not in markdown


def test_followup_without_an_outcome_date_uses_the_call_date(make_case: MakeCase) -> None:
    case = make_case()
    assert "28 November 2026" in render.render_followup(case)
    case.call.date = None
    text = render.render_followup(case)
    assert "Thank you for talking with me; I know" in text
    assert "We also agreed" not in text and "what we agreed" not in text


def test_followup_names_money_still_owed(make_case: MakeCase) -> None:
    case = _done(make_case)
    case.contract.invoices[1].paid = case.contract.invoices[1].amount / 2
    case.tone.choice = Tone.NEUTRAL
    items = _list_items(render.render_followup(case))
    assert any(
        item.startswith("**Final invoice:**") and "600.25 EUR (invoice INV-104)" in item
        for item in items
    )


def test_followup_leaves_out_the_referral_when_there_is_none(make_case: MakeCase) -> None:
    case = _done(make_case)
    case.referral.mode = case.referral.mode.NONE
    assert "The Good Business" not in render.render_followup(case)


@pytest.mark.parametrize("path", sorted(Path("sample_data").glob("*.toml")), ids=lambda p: p.stem)
def test_followup_of_every_sample_is_clean_markdown(path: Path) -> None:
    case = load_case(path)
    for fmt in ("md", "txt"):
        text = render.export(case, "followup", fmt)
        assert "None" not in text and "{{" not in text and "{%" not in text
    markdown = render.export(case, "followup", "md")
    kinds = {kind for kind, _ in _tokens(markdown)}
    assert {"paragraph_open", "bullet_list_open", "list_item_open"} <= kinds
    assert "**" not in render.export(case, "followup", "txt")


def test_all_holds_the_followup_only_once_the_call_is_done(make_case: MakeCase) -> None:
    case = make_case()
    before = render.export(case, "all", "md")
    assert "# Follow-up email" not in before
    done = _done(make_case)
    after = render.export(done, "all", "md")
    headings = [content for kind, content in _tokens(after) if kind == "inline"]
    assert "Follow-up email: Acme Corp" in headings
    assert "Jordan pays the last invoice by 15 December." in after


def test_the_leak_guard_reads_what_was_agreed(make_case: MakeCase) -> None:
    case = _with_note(_done(make_case))
    case.outcome.agreed = "We redo the mockups he called amateurish garbage."
    found = leak.scan(case, leak.parts_of("followup"))
    assert {(f.document, f.field) for f in found} == {("followup", "what was agreed on the call")}
    assert "followup" in leak.DOCUMENTS and "titles" in leak.DOCUMENTS
    # The readiness check scans every document: the follow-up too, once the call is done.
    assert ("followup", "what was agreed on the call") in {
        (f.document, f.field) for f in leak.scan(case)
    }


# --- subjects and event titles -----------------------------------------------------------


def test_titles_come_from_one_template(make_case: MakeCase) -> None:
    case = make_case()
    case.contract.invoices[1].paid = case.contract.invoices[1].amount - 100
    case.contract.invoices[1].due = date(2026, 12, 10)
    titles = render.titles(case)
    assert titles == {
        "letter_subject": "Website retainer: end of service on 30 November 2026",
        "referral_subject": "Introduction: The Good Business",
        "followup_subject": "Following up on our call: end of service on 30 November 2026",
        "event_call": "Call with Jordan Blake (Acme Corp): end of service",
        "event_end": "Acme Corp: last day of work",
        "event_deletion": "Acme Corp: delete your copies of their files",
        "event_payment_1": "Acme Corp: invoice INV-104 due, 100.00 EUR unpaid",
    }
    assert render.render_letter(case).startswith(f"**Subject:** {titles['letter_subject']}\n")
    assert render.referral_email(case).startswith(f"**Subject:** {titles['referral_subject']}\n")


def test_a_titles_template_that_leaves_keys_out_gives_empty_titles(
    make_case: MakeCase, tmp_path: Path
) -> None:
    folder = tmp_path / "templates" / "en" / "base"
    folder.mkdir(parents=True)
    (folder / "titles.txt.j2").write_text("event_end: Ends {{ end_date }}\n", encoding="utf-8")
    render.use_library(tmp_path)
    try:
        titles = render.titles(make_case())
    finally:
        render.use_library(None)
    assert titles["event_end"] == "Ends 30 November 2026"
    assert titles["letter_subject"] == ""
    assert set(titles) == set(render.TITLE_KEYS)
