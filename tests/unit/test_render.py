"""Client-facing text: letters, scripts, referrals and handovers, in every tone."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from clientexit.core import render, rules
from clientexit.core.model import (
    Case,
    Deliverable,
    DeliverableStatus,
    HandoverItem,
    Incident,
    Invoice,
    Medium,
    NoticeRule,
    Objection,
    Reason,
    RedFlag,
    ReferralContact,
    ReferralMode,
    ScriptLine,
    ScriptPart,
    Tone,
)
from clientexit.core.validate import load_case

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
TONES = tuple(Tone)


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.toml"))


def acme(**changes: Any) -> Case:
    """The case from the format description: Sam Rivera ends the Acme retainer."""
    case = Case()
    case.consultant.name = "Sam Rivera"
    case.consultant.business = "Rivera Digital"
    case.consultant.email = "sam@rivera.example"
    case.consultant.phone = "+1 555 0100"
    case.client.name = "Acme Corp"
    case.client.contact = "Jordan Blake"
    case.client.email = "jordan@acme.example"
    case.call.date = date(2026, 11, 28)
    case.call.time = "10:00"
    case.call.medium = Medium.VIDEO
    case.contract.title = "Website retainer"
    case.contract.signed = date(2024, 7, 1)
    case.contract.termination_clause = "2.9"
    case.contract.notice_rule = NoticeRule.END_OF_MONTH
    case.contract.notice_days = 0
    case.contract.currency = "EUR"
    case.contract.deposit = Decimal("1500.00")
    case.contract.deposit_refundable = False
    case.contract.invoices = [
        Invoice(number="INV-104", amount=Decimal("2400.00"), paid=Decimal("1200.00"))
    ]
    case.contract.deliverables = [
        Deliverable(name="Homepage redesign", status=DeliverableStatus.IN_PROGRESS),
        Deliverable(name="Brand guide", status=DeliverableStatus.DONE),
    ]
    case.tone.choice = Tone.NEUTRAL
    case.tone.reason = Reason.ALIGNMENT
    case.referral.mode = ReferralMode.NAMED
    case.referral.contacts = [
        ReferralContact(
            name="The Good Business",
            email="hello@goodbusiness.example",
            why="a larger team that can take on the whole roadmap",
        )
    ]
    case.handover.delete_after_days = 30
    for key, value in changes.items():
        setattr(case, key, value)
    return case


def every_output(case: Case, tone: Tone | None = None) -> dict[str, str]:
    """Every piece of client-facing text for a case, by name."""
    if tone is not None:
        case.tone.choice = tone
    outputs = {
        f"export:{what}:{fmt}": render.export(case, what, fmt)
        for what in render.WHATS
        for fmt in render.FORMATS
    }
    outputs["letter"] = render.render_letter(case)
    outputs["referral_email"] = render.referral_email(case)
    outputs["generated_referral"] = render.generated_referral(case)
    outputs["referral_text"] = render.referral_text(case)
    outputs["reason"] = render.reason_sentence(case)
    outputs["script"] = "\n".join(line.text for line in render.generate_script(case))
    outputs["objections"] = "\n".join(
        f"{o.client}\n{o.response}" for o in render.default_objections(case)
    )
    outputs["handover_items"] = "\n".join(i.text for i in render.default_handover_items(case))
    for other in TONES:
        outputs[f"preview:{other}"] = render.opening_preview(case, other)
    return outputs


def assert_clean(name: str, text: str) -> None:
    assert "None" not in text, f"{name} prints None:\n{text}"
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert leftover not in text, f"{name} has leftover template syntax {leftover!r}"


# --- everything renders, for every sample, every tone and an empty case ----------------


def test_sample_cases_exist() -> None:
    assert sample_paths(), f"no sample cases in {SAMPLES}"


@pytest.mark.parametrize("tone", TONES, ids=str)
@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_every_sample_renders_cleanly_in_every_tone(path: Path, tone: Tone) -> None:
    case = load_case(path)
    for name, text in every_output(case, tone).items():
        assert_clean(f"{path.name} {tone} {name}", text)
    letter = render.render_letter(case)
    assert letter.endswith("\n") and "\n\n\n" not in letter
    assert render.format_date(rules.effective_date(case), case.language) in letter
    # The case's own script and handover render too, not only the generated ones.
    assert_clean("script", render.render_script(case))
    assert_clean("handover", render.render_handover(case))


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_an_empty_case_renders_with_neutral_fallbacks(tone: Tone) -> None:
    case = Case()
    outputs = every_output(case, tone)
    for name, text in outputs.items():
        assert_clean(f"Case() {tone} {name}", text)
    letter = outputs["letter"]
    assert "Hello," in letter
    assert "Subject:" in letter
    assert not letter.rstrip().endswith("\\"), "no signature: no dangling line break"
    assert "notice" in letter
    assert render.generate_script(case), "an empty case still gets a script"
    assert len(render.default_objections(case)) == 7


def test_a_half_filled_case_falls_back_to_plain_words() -> None:
    case = acme()
    case.client.contact = ""
    case.consultant.name = ""
    case.consultant.business = ""
    case.consultant.email = ""
    case.consultant.phone = ""
    case.call.date = None
    case.contract.notice_rule = NoticeRule.DAYS
    letter = render.render_letter(case)
    assert "Dear Acme Corp," in letter
    assert "at the end of the notice period" in letter
    assert "Sam Rivera" not in letter
    assert letter.rstrip().endswith("Kind regards,")
    assert "please reply to this email" in letter
    script = render.generate_script(case)
    assert script[0].text.startswith("Hello Acme Corp")
    assert "at the end of the notice period" in render.render_handover(case)


# --- tone ---------------------------------------------------------------------------------


def test_tones_really_differ() -> None:
    case = acme()
    letters, scripts, previews, answers, referrals = set(), set(), set(), set(), set()
    for tone in TONES:
        case.tone.choice = tone
        letters.add(render.render_letter(case))
        scripts.add(tuple(line.text for line in render.generate_script(case)))
        previews.add(render.opening_preview(case, tone))
        answers.add(tuple(o.response for o in render.default_objections(case)))
        referrals.add(render.generated_referral(case))
    for kind in (letters, scripts, previews, answers, referrals):
        assert len(kind) == len(TONES)


def test_each_tone_has_its_voice() -> None:
    case = acme()
    case.tone.choice = Tone.WARM
    warm = render.render_letter(case)
    case.tone.choice = Tone.FIRM
    firm = render.render_letter(case)
    assert "Dear Jordan," in warm and "Warm regards," in warm
    assert "Dear Jordan Blake," in firm and "Regards," in firm
    assert len(firm) < len(warm)


def test_opening_preview_uses_the_asked_tone_and_the_script_templates() -> None:
    case = acme()
    case.tone.choice = Tone.NEUTRAL
    for tone in TONES:
        preview = render.opening_preview(case, tone).splitlines()
        assert 2 <= len(preview) <= 3
        case.tone.choice = tone
        assert preview == [line.text for line in render.generate_script(case)[: len(preview)]]
        case.tone.choice = Tone.NEUTRAL
    assert "Jordan" in render.opening_preview(case, Tone.FIRM)


# --- the facts the letter must carry ------------------------------------------------------


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_clause_is_cited_only_when_there_is_one(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    assert "clause 2.9 of our agreement" in render.render_letter(case)
    assert "clause 2.9" in "\n".join(line.text for line in render.generate_script(case))
    case.contract.termination_clause = ""
    letter = render.render_letter(case)
    assert "clause" not in letter.lower()
    assert "no written notice period" in letter
    assert "30 November 2026" in letter


def test_a_clause_written_with_its_word_is_not_doubled() -> None:
    case = acme()
    case.contract.termination_clause = "Clause 2.9"
    assert "clause 2.9 of our agreement" in render.render_letter(case)
    assert "clause clause" not in render.render_letter(case).lower()


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_end_and_deletion_dates_are_formatted(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    assert rules.effective_date(case) == date(2026, 11, 30)
    letter = render.render_letter(case)
    handover = render.render_handover(case)
    for text in (letter, handover):
        assert "30 November 2026" in text
        assert "30 December 2026" in text
        assert "2026-11-30" not in text
    assert handover.index("30 November 2026") < handover.index("- [")
    script = "\n".join(line.text for line in render.generate_script(case))
    assert "Monday 30 November" in script
    items = "\n".join(item.text for item in render.default_handover_items(case))
    assert "30 November 2026" in items and "30 December 2026" in items


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_money_owed_is_mentioned_with_the_amount(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    assert "outstanding balance of 1,200.00 EUR (invoice INV-104)" in render.render_letter(case)
    script = "\n".join(line.text for line in render.generate_script(case))
    assert "1,200.00 EUR" in script
    case.contract.invoices[0].paid = Decimal("2400.00")
    assert "outstanding" not in render.render_letter(case)
    assert "outstanding" not in "\n".join(line.text for line in render.generate_script(case))


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_refund_is_mentioned_only_when_the_deposit_is_refundable(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    assert "deposit" not in render.render_letter(case).lower()
    case.contract.deposit_refundable = True
    letter = render.render_letter(case)
    assert "deposit of 1,500.00 EUR" in letter
    assert "1,500.00 EUR" in "\n".join(line.text for line in render.generate_script(case))
    assert any("1,500.00 EUR" in i.text for i in render.default_handover_items(case))


def test_paid_support_is_offered_only_when_set() -> None:
    case = acme()
    assert not any("paid support" in i.text for i in render.default_handover_items(case))
    assert "paid support" not in render.render_letter(case)
    case.handover.paid_support = "Up to five hours of email help in January."
    items = [i.text for i in render.default_handover_items(case)]
    assert "Offer optional paid support: up to five hours of email help in January." in items
    assert "up to five hours of email help in January." in render.render_letter(case)


def test_handover_items_cover_the_offboarding_list() -> None:
    case = acme()
    items = "\n".join(item.text for item in render.default_handover_items(case))
    for expected in (
        "end of service",
        "access",
        "services provided",
        "download",
        "Delete my copies",
        "logins and credentials",
        "assets produced: Brand guide",
        "takeover notes for the ongoing work: Homepage redesign",
        "final report",
    ):
        assert expected in items
    assert all(not item.done for item in render.default_handover_items(case))


def test_render_handover_ticks_done_items() -> None:
    case = acme()
    case.handover.items = [
        HandoverItem(text="Send the analytics login", done=True),
        HandoverItem(text="Export the CMS content", done=False),
    ]
    handover = render.render_handover(case)
    assert "- [x] Send the analytics login" in handover
    assert "- [ ] Export the CMS content" in handover
    text = render.export(case, "handover", "txt")
    assert "[x] Send the analytics login" in text
    assert "- [" not in text


# --- referral -----------------------------------------------------------------------------


def test_referral_names_the_contact_and_why_it_fits() -> None:
    case = acme()
    referral = render.generated_referral(case)
    assert "The Good Business, a larger team that can take on the whole roadmap" in referral
    assert "hello@goodbusiness.example" in referral
    assert referral in render.render_letter(case)
    email = render.referral_email(case)
    assert email.startswith("**Subject:** Introduction: The Good Business")
    assert referral in email and "Sam Rivera" in email


def test_referral_to_a_kind_of_provider() -> None:
    case = acme()
    case.referral.mode = ReferralMode.PROVIDER_TYPE
    case.referral.provider_type = "a full-service agency"
    assert "a full-service agency" in render.generated_referral(case)
    assert "The Good Business" not in render.generated_referral(case)


def test_an_edited_referral_replaces_the_generated_one() -> None:
    case = acme()
    case.referral.message = "   "
    assert render.referral_text(case) == render.generated_referral(case)
    case.referral.message = "Talk to Dana at Bright Studio; she knows your stack."
    assert render.referral_text(case) == case.referral.message
    assert case.referral.message in render.render_letter(case)
    assert case.referral.message in render.referral_email(case)


def test_no_referral_means_none_anywhere() -> None:
    case = acme()
    case.referral.mode = ReferralMode.NONE
    case.referral.message = "Talk to Dana at Bright Studio."
    assert render.generated_referral(case) == ""
    assert render.referral_text(case) == ""
    assert render.referral_email(case) == ""
    assert render.export(case, "referral", "md") == ""
    for tone in TONES:
        case.tone.choice = tone
        everything = render.export(case, "all", "md")
        assert "The Good Business" not in everything
        assert "Bright Studio" not in everything
        assert "Referral email" not in everything
        parts = [line.part for line in render.generate_script(case)]
        assert ScriptPart.REFERRAL not in parts


def test_how_each_why_attaches_to_its_name() -> None:
    case = acme()
    case.referral.contacts = [
        ReferralContact(name="Jamie", why="runs a small editorial team"),
        ReferralContact(name="Lakeside", why="A larger studio"),
        ReferralContact(name="Wilk", why="they know food shops"),
        ReferralContact(name="Nils", why="shopify and headless builds"),
    ]
    referral = render.generated_referral(case)
    assert "Jamie, who runs a small editorial team" in referral
    assert "Lakeside, a larger studio" in referral
    assert "Wilk: they know food shops" in referral
    assert "Nils (shopify and headless builds)" in referral


# --- script -------------------------------------------------------------------------------

ORDER = list(ScriptPart)


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_script_parts_come_in_call_order(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    parts = [line.part for line in render.generate_script(case)]
    assert parts == sorted(parts, key=ORDER.index)
    assert set(parts) == set(ScriptPart)
    assert all(line.text.strip() for line in render.generate_script(case))
    case.referral.mode = ReferralMode.NONE
    parts = [line.part for line in render.generate_script(case)]
    assert parts == sorted(parts, key=ORDER.index)
    assert set(parts) == set(ScriptPart) - {ScriptPart.REFERRAL}


def test_script_says_the_decision_reason_and_dates() -> None:
    case = acme()
    by_part: dict[ScriptPart, str] = {}
    for line in render.generate_script(case):
        by_part[line.part] = by_part.get(line.part, "") + " " + line.text
    assert "Jordan" in by_part[ScriptPart.OPENING]
    assert "end our working relationship" in by_part[ScriptPart.DECISION]
    assert render.reason_sentence(case) in by_part[ScriptPart.REASON]
    assert "Wednesday 30 December" in by_part[ScriptPart.HANDOVER]
    assert "The Good Business" in by_part[ScriptPart.REFERRAL]
    assert "Thank you" in by_part[ScriptPart.THANKS]


def test_render_script_groups_the_case_lines_under_headings() -> None:
    case = acme()
    case.script.lines = [
        ScriptLine(ScriptPart.OPENING, "Hi Jordan."),
        ScriptLine(ScriptPart.OPENING, "Thanks for the time."),
        ScriptLine(ScriptPart.DECISION, "I am ending our retainer."),
    ]
    case.script.objections = [Objection("Can we fix this?", "The decision is made.")]
    script = render.render_script(case)
    assert script.count("## Opening") == 1
    assert "1. Hi Jordan.\n2. Thanks for the time." in script
    assert "## The decision\n\n3. I am ending our retainer." in script
    assert "## Prepared answers" in script and "The decision is made." in script
    assert "We'll do better" not in script, "the case's own answers, not the defaults"


def test_render_script_of_an_unwritten_script_uses_the_generated_one() -> None:
    case = acme()
    script = render.render_script(case)
    for line in render.generate_script(case):
        assert line.text in script
    assert script.count("**They say:**") == 7


# --- objections ---------------------------------------------------------------------------


@pytest.mark.parametrize("tone", TONES, ids=str)
def test_seven_prepared_answers_steer_to_the_handover(tone: Tone) -> None:
    case = acme()
    case.tone.choice = tone
    answers = render.default_objections(case)
    assert len(answers) == 7
    assert all(a.client and a.response for a in answers)
    said = " ".join(a.client.lower() for a in answers)
    for pushback in ("promise", "paid you more", "full list", "unacceptable", "review", "finish"):
        assert pushback in said
    assert "says nothing" in said
    assert sum("handover" in a.response for a in answers) >= 4
    assert "30 November" in answers[5].response


# --- reasons ------------------------------------------------------------------------------


def test_reason_sentence_by_kind_and_tone() -> None:
    case = acme()
    seen = set()
    for reason in (Reason.FOCUS, Reason.FIT, Reason.ALIGNMENT, Reason.CAPACITY):
        case.tone.reason = reason
        for tone in TONES:
            case.tone.choice = tone
            sentence = render.reason_sentence(case)
            assert sentence.endswith(".")
            seen.add(sentence)
    assert len(seen) == 12
    case.tone.reason = Reason.CUSTOM
    case.tone.reason_text = "I'm moving to fixed-length projects"
    assert render.reason_sentence(case) == "I'm moving to fixed-length projects."
    case.tone.reason_text = ""
    assert render.reason_sentence(case)


def test_reason_hints_flag_blame_and_more_than_one_reason() -> None:
    assert render.reason_hints("we are focusing on a different kind of work") == []
    assert render.reason_hints("") == []
    for blame in (
        "You always pay late.",
        "It is your fault the launch slipped.",
        "You never answer my emails.",
        "Your team is unprofessional.",
        "The invoice is late again.",
    ):
        assert render.reason_hints(blame) == [render.HINT_BLAME], blame
    for several in (
        "I'm changing focus and also the budget is too small.",
        "I'm changing focus, as well as raising my rates.",
        "I'm changing focus. Another thing is the hours.",
    ):
        assert render.HINT_MORE_THAN_ONE in render.reason_hints(several), several
    assert render.HINT_TOO_LONG in render.reason_hints(
        "I'm changing focus. The hours are long. The budget is small."
    )


# --- the leak test: nothing from case.reasons reaches client-facing text ------------------

SENTINELS = (
    "ZEBRA-NOTE-7731",
    "he screamed at my assistant",
    "QUOKKA-EXTRA-4410",
    "never pays a single invoice on time",
)


def leaky(case: Case) -> Case:
    case.reasons.first_noted = date(2001, 2, 3)
    case.reasons.red_flags = [RedFlag.DISRESPECT, RedFlag.LATE_PAYMENT, RedFlag.SCOPE_CREEP]
    case.reasons.incidents = [
        Incident(date(2001, 2, 3), RedFlag.DISRESPECT, f"{SENTINELS[0]}: {SENTINELS[1]}"),
        Incident(date(2001, 2, 4), RedFlag.LATE_PAYMENT, SENTINELS[3]),
    ]
    case.reasons.extra = {"private": SENTINELS[2]}
    return case


def assert_no_leak(name: str, text: str, notes: list[str]) -> None:
    lowered = text.lower()
    for secret in (*SENTINELS, *notes, "3 February 2001", "2001-02-03"):
        assert secret.lower() not in lowered, f"{name} leaks {secret!r}"
    for flag in RedFlag:
        if flag is not RedFlag.OTHER:
            assert flag.value not in lowered, f"{name} leaks the red flag {flag.value!r}"


@pytest.mark.parametrize(
    "case", [acme(), Case(), *(load_case(p) for p in sample_paths())], ids=lambda c: c.title
)
def test_nothing_from_the_reasons_log_reaches_the_client(case: Case) -> None:
    case = leaky(case)
    notes = [incident.note for incident in case.reasons.incidents]
    for tone in TONES:
        for name, text in every_output(case, tone).items():
            assert_no_leak(f"{case.title} {tone} {name}", text, notes)
        for objection in render.default_objections(case):
            assert_no_leak("objection", objection.client + objection.response, notes)


def test_sample_incident_notes_never_reach_the_client() -> None:
    for path in sample_paths():
        case = load_case(path)
        notes = [i.note for i in case.reasons.incidents if len(i.note) > 20]
        for tone in TONES:
            everything = "\n".join(every_output(case, tone).values())
            for note in notes:
                assert note not in everything, f"{path.name}: {note!r}"


def walk(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *(x for v in value.values() for x in walk(v))]
    if isinstance(value, list | tuple):
        return [x for v in value for x in walk(v)]
    return [value]


def test_client_view_holds_nothing_from_the_reasons_log() -> None:
    case = leaky(acme())
    view = render.client_view(case)
    for key in view:
        assert not any(
            word in key for word in ("incident", "red_flag", "first_noted", "reasons", "note")
        ), key
    flat = [str(x) for x in walk(view)]
    for secret in SENTINELS:
        assert not any(secret in x for x in flat)
    assert date(2001, 2, 3) not in walk(view)
    assert view["reason"] == render.reason_sentence(case), "the tone's reason is fine"


# --- export -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.stem)
def test_plain_text_export_has_no_markdown(path: Path) -> None:
    case = load_case(path)
    for what in render.WHATS:
        text = render.export(case, what, "txt")
        assert "#" not in text and "**" not in text, what
        assert not any(line.endswith("\\") for line in text.splitlines()), what
        assert "- [" not in text


def test_export_all_joins_the_four_documents_under_titles() -> None:
    case = acme()
    markdown = render.export(case, "all", "md")
    titles = [line for line in markdown.splitlines() if line.startswith("# ")]
    assert titles == [
        "# Letter: Acme Corp",
        "# Call script: Acme Corp",
        "# Referral email: Acme Corp",
        "# Handover: Acme Corp",
    ]
    assert render.render_letter(case).strip() in markdown
    text = render.export(case, "all", "txt")
    assert "LETTER: ACME CORP\n=================" in text
    assert "Opening\n-------" in text
    assert "Subject: Website retainer: end of service on 30 November 2026" in text


def test_export_of_each_document_matches_its_renderer() -> None:
    case = acme()
    assert render.export(case, "letter", "md") == render.render_letter(case)
    assert render.export(case, "script", "md") == render.render_script(case)
    assert render.export(case, "referral", "md") == render.referral_email(case)
    assert render.export(case, "handover", "md") == render.render_handover(case)


@pytest.mark.parametrize(("what", "fmt"), [("poem", "md"), ("letter", "pdf"), ("", "")])
def test_export_rejects_unknown_arguments(what: str, fmt: str) -> None:
    with pytest.raises(ValueError, match="choose one of"):
        render.export(acme(), what, fmt)


def test_markdown_to_text() -> None:
    text = render.markdown_to_text(
        "# Title\n\n## Part\n\n**Bold:** text\\\n- [ ] open\n- [x] done\n[site](https://x.example)\n"
    )
    assert text == (
        "TITLE\n=====\n\nPart\n----\n\nBold: text\n[ ] open\n[x] done\nsite (https://x.example)\n"
    )


# --- languages and import cost -----------------------------------------------------------


def test_unknown_language_falls_back_to_english() -> None:
    case = acme()
    english = render.render_letter(case)
    for language in ("de", "pt-BR", "../../etc", ""):
        case.language = language
        assert render.render_letter(case) == english


def test_importing_render_is_cheap_and_never_loads_textual() -> None:
    code = (
        "import sys, clientexit.core.render as r; "
        "assert not r._env_cache, 'templates loaded at import'; "
        "assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
