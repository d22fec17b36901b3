"""Client-facing text in five languages: every template renders, no English is left behind,
and dates, money and plurals read the way each language writes them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core import languages, leak, render
from clientexit.core.model import Case, ScriptLine, ScriptPart, Tone
from clientexit.core.validate import load_case

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLE_PATHS = sorted(SAMPLES.glob("*.toml"))
TEMPLATES = render.TEMPLATES_DIR
OTHER_LANGUAGES = [code for code in languages.SUPPORTED_LANGUAGES if code != "en"]

# One sample per language whose own words (script, answers, handover, referral,
# paid support, notes) are written in that language, so any English in its
# output can only have come from a template.
NATIVE_SAMPLES = {
    "it": "ottica-benedetti",
    "es": "clinica-sonrisa-alta",
    "pl": "biuro-kowalczyk",
    "sv": "cafe-kanelbullen",
}


def native(language: str) -> Case:
    return load_case(next(SAMPLES.glob(f"{NATIVE_SAMPLES[language]}*.toml")))


def every_text(case: Case) -> dict[str, str]:
    """Every client-facing text of a case, both as the user edited it and as generated."""
    return {
        "letter": render.generated_letter(case),
        "reason": render.reason_sentence(case),
        "referral": render.generated_referral(case),
        "referral_email": render.referral_email(case),
        "handover": render.render_handover(case),
        "script_doc": render.render_script(case),
        "followup": render.render_followup(case),
        "all": render.export(case, "all", "md"),
        "titles": "\n".join(render.titles(case).values()),
        "script": "\n".join(line.text for line in render.generate_script(case)),
        "objections": "\n".join(
            f"{o.client}\n{o.response}" for o in render.default_objections(case)
        ),
        "handover_items": "\n".join(i.text for i in render.default_handover_items(case)),
    }


# --- every template, in every language and tone, for every sample ----------------------------


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_each_language_has_every_template_english_has(language: str) -> None:
    """A missing file would silently fall back to English text in the middle of a letter."""
    for folder in ("base", "warm", "neutral", "firm"):
        english = {p.name for p in (TEMPLATES / "en" / folder).glob("*.j2")}
        own = {p.name for p in (TEMPLATES / language / folder).glob("*.j2")}
        assert english <= own, f"{language}/{folder} lacks {sorted(english - own)}"


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_tone_templates_build_on_their_own_language(language: str) -> None:
    for path in (TEMPLATES / language).rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        for used in re.findall(r'{%-?\s*(?:extends|import|include)\s+"([^"]+)"', text):
            assert used.startswith(f"{language}/"), f"{path} uses {used}"


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", languages.SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("tone", list(Tone), ids=str)
def test_every_template_renders_for_every_sample(path: Path, language: str, tone: Tone) -> None:
    # The environment uses StrictUndefined: a name a template does not have raises.
    case = load_case(path)
    case.language = language
    case.tone.choice = tone
    for name, text in every_text(case).items():
        assert "Undefined" not in text and "{{" not in text and "{%" not in text, name
        assert "\u00a0" not in text and "\u202f" not in text, f"{name}: plain spaces only"
        if name not in ("referral", "referral_email"):
            assert text.strip(), f"{path.stem} {language} {tone} {name} is empty"
    assert render.generate_script(case)
    assert len(render.default_objections(case)) == 7


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_an_empty_case_renders_in_every_language(language: str) -> None:
    case = Case()
    case.language = language
    for tone in Tone:
        case.tone.choice = tone
        texts = every_text(case)
        assert texts["letter"].strip() and texts["handover"].strip()


# --- no English left behind ----------------------------------------------------------------

ENGLISH_WORDS = frozenset(
    """
    the and of you your will with for that this please thank thanks our my are be
    have has at from it as not if any or can would about after before until which
    when there here what been were they their them its also into dear regards kind
    best hello hi is on to we by in all
    """.split()  # noqa: SIM905 - a list of words reads better as text
)
"""Common English function words: none belongs in a letter in another language."""

REAL_WORDS_THERE = {
    "pl": {"to", "on", "we", "by"},  # "to" this, "on" he, "we" in, "by" would
    "it": {"in", "all"},  # "all'indirizzo": "alla" elided
    "es": set(),
    "sv": {"all", "by", "is"},  # "all framgång", "by" village, "is" ice
}
"""English spellings that are ordinary words in the other language."""


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("tone", list(Tone), ids=str)
def test_no_english_words_in_other_languages(language: str, tone: Tone) -> None:
    case = native(language)
    case.tone.choice = tone
    forbidden = ENGLISH_WORDS - REAL_WORDS_THERE[language]
    # Names are not words: "Lewandowski IT" may say "IT" in any language.
    names = [
        case.consultant.name,
        case.consultant.business,
        case.client.name,
        case.client.contact,
        *(contact.name for contact in case.referral.contacts),
    ]
    for name, text in every_text(case).items():
        plain = text
        for proper in filter(None, names):
            plain = plain.replace(proper, " ")
        # Addresses are names too ("hello@..." is a mailbox).
        words = re.findall(r"[^\W\d_]+", re.sub(r"\S+@\S+", " ", plain).lower())
        found = sorted(set(words) & forbidden)
        assert not found, f"{language} {tone} {name}: English words {found}"


def test_the_word_list_catches_english() -> None:
    """The check above would see an English sentence slipped into a template."""
    words = set(re.findall(r"[^\W\d_]+", "Thank you for the work we have done.".lower()))
    assert words & (ENGLISH_WORDS - REAL_WORDS_THERE["it"])


# --- dates, money, lists and plurals against hand-written forms ------------------------------

DAY = date(2026, 11, 30)  # a Monday
FIRST = date(2027, 1, 1)  # a Friday


@pytest.mark.parametrize(
    ("language", "written", "spoken", "spoken_far", "month"),
    [
        (
            "en",
            "30 November 2026",
            "Monday 30 November",
            "Monday 30 November 2026",
            "November 2026",
        ),
        (
            "it",
            "30 novembre 2026",
            "lunedì 30 novembre",
            "lunedì 30 novembre 2026",
            "novembre 2026",
        ),
        (
            "pl",
            "30 listopada 2026",
            "poniedziałek 30 listopada",
            "poniedziałek 30 listopada 2026",
            "listopada 2026",
        ),
        (
            "es",
            "30 de noviembre de 2026",
            "lunes 30 de noviembre",
            "lunes 30 de noviembre de 2026",
            "noviembre de 2026",
        ),
        (
            "sv",
            "30 november 2026",
            "måndag 30 november",
            "måndag 30 november 2026",
            "november 2026",
        ),
    ],
)
def test_dates(language: str, written: str, spoken: str, spoken_far: str, month: str) -> None:
    assert render.format_date(DAY, language) == written
    assert render._spoken_date(DAY, date(2026, 11, 20), language) == spoken
    assert render._spoken_date(DAY, date(2025, 11, 20), language) == spoken_far
    assert render._spoken_date(DAY, None, language) == spoken_far
    assert languages.format_month(DAY, language) == month
    assert render.format_date(None, language) == ""


def test_the_first_of_the_month() -> None:
    assert render.format_date(FIRST, "it") == "1º gennaio 2027"
    assert render._spoken_date(FIRST, date(2026, 12, 20), "it") == "venerdì 1º gennaio"
    assert render.format_date(FIRST, "pl") == "1 stycznia 2027"
    assert render.format_date(FIRST, "es") == "1 de enero de 2027"
    assert render.format_date(FIRST, "sv") == "1 januari 2027"
    assert render.format_date(FIRST, "en") == "1 January 2027"


@pytest.mark.parametrize(
    ("language", "currency", "amount", "expected"),
    [
        ("en", "EUR", "1200", "1,200.00 EUR"),
        ("en", "PLN", "1234567.5", "1,234,567.50 PLN"),
        ("it", "EUR", "1200", "1.200,00 €"),
        ("it", "EUR", "1234567.5", "1.234.567,50 €"),
        ("pl", "PLN", "1200", "1 200,00 zł"),
        ("pl", "PLN", "1234567.5", "1 234 567,50 zł"),
        ("pl", "EUR", "99.9", "99,90 €"),
        ("es", "EUR", "1200", "1.200,00 €"),
        ("es", "EUR", "475", "475,00 €"),
        ("sv", "SEK", "1200", "1 200,00 kr"),
        ("sv", "SEK", "26500", "26 500,00 kr"),
        ("it", "", "1200", "1.200,00"),
        ("de", "EUR", "1200", "1,200.00 EUR"),  # no templates: English forms
    ],
)
def test_money(language: str, currency: str, amount: str, expected: str) -> None:
    assert render.format_money(Decimal(amount), currency, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {0: "0 days", 1: "1 day", 2: "2 days", 5: "5 days", 22: "22 days"}),
        ("it", {0: "0 giorni", 1: "1 giorno", 2: "2 giorni", 5: "5 giorni", 22: "22 giorni"}),
        (
            "pl",
            {1: "1 dzień", 2: "2 dni", 4: "4 dni", 5: "5 dni", 12: "12 dni", 22: "22 dni"},
        ),
        ("es", {0: "0 días", 1: "1 día", 2: "2 días", 5: "5 días", 30: "30 días"}),
        ("sv", {0: "0 dagar", 1: "1 dag", 2: "2 dagar", 5: "5 dagar", 30: "30 dagar"}),
    ],
)
def test_days(language: str, expected: dict[int, str]) -> None:
    for count, text in expected.items():
        assert languages.days(count, language) == text


POLISH_DAY = {"one": "dzień", "few": "dni", "many": "dni", "other": "dnia"}


def test_the_plural_filter_uses_each_language_s_categories() -> None:
    template = render._env().from_string(
        '{{ n }} {{ n | plural(one="dzień", few="dni", many="dni", other="dnia") }}'
    )
    said = {n: template.render(n=n, language="pl") for n in (1, 2, 5, 22, 1.5)}
    assert said == {1: "1 dzień", 2: "2 dni", 5: "5 dni", 22: "22 dni", 1.5: "1.5 dnia"}
    english = render._env().from_string('{{ n | plural(one="day", other="days") }}')
    assert [english.render(n=n) for n in (1, 2)] == ["day", "days"]
    # A category the template did not give falls back to "other".
    only_other = render._env().from_string('{{ 5 | plural(one="x", other="y") }}')
    assert only_other.render(language="pl") == "y"
    assert languages.plural_category(5, "pl") == "many"
    assert languages.plural(3, "pl", **POLISH_DAY) == "dni"


@pytest.mark.parametrize(
    ("language", "both", "either"),
    [
        ("en", "a, b and c", "a or b"),
        ("it", "a, b e c", "a o b"),
        ("pl", "a, b i c", "a lub b"),
        ("es", "a, b y c", "a o b"),
        ("sv", "a, b och c", "a eller b"),
    ],
)
def test_lists(language: str, both: str, either: str) -> None:
    assert render.join_and(["a", "b", "c"], "and", language) == both
    assert render.join_and(["a", "", "b"], "or", language) == either
    assert render.join_and(["a"], "and", language) == "a"
    template = render._env().from_string('{{ ["a", "b", "c"] | join_and }}')
    assert template.render(language=language) == both


def test_spanish_and_and_or_change_before_the_same_sound() -> None:
    assert render.join_and(["Ana", "Isabel"], "and", "es") == "Ana e Isabel"
    assert render.join_and(["agua", "hielo"], "and", "es") == "agua y hielo"
    assert render.join_and(["siete", "ocho"], "or", "es") == "siete u ocho"
    assert render.join_and(["Ana", "Isabel"], "and", "it") == "Ana e Isabel"


def test_the_view_is_written_in_the_case_s_language() -> None:
    case = native("pl")
    view = render.client_view(case)
    assert view["end_date"] == "31 stycznia 2027"
    assert view["end_date_spoken"] == "niedziela 31 stycznia"
    assert view["owed_amount"] == "2 200,00 zł"
    assert view["refund_amount"] == "1 500,00 zł"
    assert view["days"] == "14 dni"
    assert view["signed_month"] == "stycznia 2022"
    case.language = "pl-PL"
    assert render.client_view(case)["end_date"] == "31 stycznia 2027"
    case.language = "de"
    assert render.client_view(case)["end_date"] == "31 January 2027"


def test_the_done_when_export_prints_a_polish_letter() -> None:
    letter = render.export(native("pl"), "letter", "txt")
    assert "31 stycznia 2027" in letter
    assert "2 200,00 zł" in letter
    assert "Subject" not in letter and "Dear" not in letter


@pytest.mark.parametrize("language", languages.SUPPORTED_LANGUAGES)
def test_letters_and_emails_open_with_the_language_s_subject_line(language: str) -> None:
    case = native("it")
    case.language = language
    label = languages.SUBJECT_LABELS[language]
    for text in (render.render_letter(case), render.referral_email(case)):
        assert text.startswith(f"**{label}:** "), text[:40]
    assert render.render_followup(case).startswith(f"**{label}:** ")


def test_each_language_is_named_in_itself() -> None:
    assert languages.LANGUAGE_NAMES == {
        "en": "English",
        "it": "Italiano",
        "pl": "Polski",
        "es": "Español",
        "sv": "Svenska",
    }
    assert languages.language_name("xx") == "xx"


def test_titles_before_names_stay_with_the_name() -> None:
    case = native("it")
    case.client.contact = "Dott.ssa Elena Benedetti"
    assert render.client_view(case)["first_name"] == "Dott.ssa Elena Benedetti"
    case.language = "es"
    case.client.contact = "Don Javier Ortega"
    assert render.client_view(case)["first_name"] == "Don Javier Ortega"
    case.language = "en"
    case.client.contact = "Don Draper"
    assert render.client_view(case)["first_name"] == "Don"


def test_clause_words_in_other_languages_are_dropped() -> None:
    assert render._clause("Cláusula 12") == "12"
    assert render._clause("art. 9.1") == "9.1"
    assert render._clause("Clause 2.9") == "2.9"
    assert render._clause("§ 8 ust. 2") == "§ 8 ust. 2"


def test_reason_hints_use_english_patterns_only_in_english() -> None:
    blame = "You always pay late and also you never answer."
    assert render.HINT_BLAME in render.reason_hints(blame, "en")
    assert render.reason_hints(blame, "it") == []
    three = "Uno. Due. Tre."
    assert render.reason_hints(three, "it") == [render.HINT_TOO_LONG]


# --- changing the language of a case --------------------------------------------------------


def test_untouched_text_is_rewritten_and_edited_text_is_flagged() -> None:
    case = native("it")
    case.script.lines = render.generate_script(case)
    plan = {r.field: r for r in languages.rewrites(case, "es")}
    assert not plan["script.lines"].edited
    assert plan["script.objections"].edited, "the sample's answers are the user's own"
    plan["script.lines"].apply(case)
    assert case.script.lines[0].text.startswith("Hola, Elena")
    assert languages.rewrites(case, "it-IT") == [], "the same language: nothing to rewrite"


def test_an_untouched_letter_is_rewritten_and_an_edited_one_is_flagged() -> None:
    case = native("es")
    case.letter.text = render.generated_letter(case)
    (rewrite,) = [r for r in languages.rewrites(case, "sv") if r.field == "letter.text"]
    assert not rewrite.edited
    case.letter.text += "\nPD: gracias por el café.\n"
    (rewrite,) = [r for r in languages.rewrites(case, "sv") if r.field == "letter.text"]
    assert rewrite.edited
    rewrite.apply(case)
    assert case.letter.text.startswith(f"**{languages.SUBJECT_LABELS['sv']}:**")


def test_a_rewritten_handover_keeps_what_was_ticked() -> None:
    case = native("sv")
    case.handover.items = render.default_handover_items(case)
    case.handover.items[2].done = True
    (rewrite,) = [r for r in languages.rewrites(case, "it") if r.field == "handover.items"]
    assert not rewrite.edited
    rewrite.apply(case)
    assert case.handover.items[2].done and not case.handover.items[0].done
    assert case.handover.items[0].text.startswith("Confermare per iscritto")


# --- the leak guard in another language -------------------------------------------------------


def test_an_italian_case_with_italian_notes_raises_no_false_alarm() -> None:
    case = native("it")
    assert leak.scan(case) == []
    # Without the Italian common words, "del negozio" alone would count as a leak.
    case.language = "en"
    assert leak.scan(case) != []


def test_an_italian_note_copied_into_the_script_is_caught() -> None:
    case = native("it")
    said = "Il figlio Matteo pretende risposte entro un'ora."
    assert said in case.reasons.incidents[1].note
    case.script.lines.append(ScriptLine(part=ScriptPart.REASON, text=f"Lo sa: {said}"))
    found = leak.scan(case)
    assert found and all(f.incident == 2 for f in found), found
    assert [f.kind for f in found if f.document == "script"] == ["sentence"]
    assert found[0].field.startswith("script line")


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_native_sample_is_clean(language: str) -> None:
    assert leak.scan(native(language)) == []
