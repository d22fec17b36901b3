"""The languages client-facing text can be written in, and how each writes dates and money.

A case's ``language`` (a BCP 47 tag; only its primary subtag counts) picks the
template folder ``clientexit/templates/<language>/`` and, through the functions
here, how the view's dates, amounts, lists and plurals read. The rules come
from Babel (CLDR data), imported only when something is formatted, so the
start-up path and the library screen never load it.

English keeps clientexit's own forms (``30 November 2026``, ``1,200.00 EUR``,
``a, b and c``): they are what the English templates and their tests were
written for, and CLDR's English differs (``November 30, 2026``, Oxford comma).

CLDR separates thousands and the currency with non-breaking spaces in several
languages (``1\\u00a0200,00\\u00a0zł``). Every formatted value here uses plain
spaces instead: the view's other text is normalised to plain spaces, templates
and tests can be typed on any keyboard, and the rehearsal counts words the same way.

Adding a language: add its code and name to :data:`LANGUAGE_NAMES`, its day
words to :data:`_DAY_WORDS` and, when CLDR's long date is not what a letter in
that language uses, its patterns to :data:`_PATTERNS`; then add its template
folder (see the README, "Adding a language").
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clientexit.core.model import Case

ENGLISH = "en"

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "it": "Italiano",
    "pl": "Polski",
    "es": "Español",
    "sv": "Svenska",
}
"""Each supported language's code and its name in that language, in menu order."""

SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)
"""Languages with a full template set; any other language falls back to English."""

SUBJECT_LABELS: dict[str, str] = {
    "en": "Subject",
    "it": "Oggetto",
    "pl": "Temat",
    "es": "Asunto",
    "sv": "Ämne",
}
"""The word each language's letters and emails put before their subject line
(``**Oggetto:** ...``): an email draft drops that line, its subject being a header."""

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})

# Babel date patterns per language: a date in a letter, a date said aloud (with
# the weekday; "{year}" is added when the date is not near the call), and the
# month a contract was signed as it follows "since" (so Polish takes the
# genitive "od listopada 2026", which "MMMM" gives and "LLLL" would not).
_PATTERNS: dict[str, dict[str, str]] = {
    "it": {
        "date": "d MMMM y",
        "spoken": "EEEE d MMMM",
        "spoken_year": "EEEE d MMMM y",
        "month": "MMMM y",
    },
    "pl": {
        "date": "d MMMM y",
        "spoken": "EEEE d MMMM",
        "spoken_year": "EEEE d MMMM y",
        "month": "MMMM y",
    },
    "es": {
        "date": "d 'de' MMMM 'de' y",
        "spoken": "EEEE d 'de' MMMM",
        "spoken_year": "EEEE d 'de' MMMM 'de' y",
        "month": "MMMM 'de' y",
    },
    "sv": {
        "date": "d MMMM y",
        "spoken": "EEEE d MMMM",
        "spoken_year": "EEEE d MMMM y",
        "month": "MMMM y",
    },
}

# "day" in each language, by CLDR plural category (Polish needs three forms).
_DAY_WORDS: dict[str, dict[str, str]] = {
    "en": {"one": "day", "other": "days"},
    "it": {"one": "giorno", "other": "giorni"},
    "pl": {"one": "dzień", "few": "dni", "many": "dni", "other": "dnia"},
    "es": {"one": "día", "other": "días"},
    "sv": {"one": "dag", "other": "dagar"},
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

SPOKEN_YEAR_AFTER_DAYS = 300
"""A date said aloud carries its year only when it is this far from the call."""


def formatting_language(language: str) -> str:
    """The language values are formatted in: ``language`` when supported, else English."""
    return language if language in LANGUAGE_NAMES else ENGLISH


def language_name(language: str) -> str:
    """``Polski`` for ``pl``; the code itself for a language clientexit does not know."""
    return LANGUAGE_NAMES.get(language, language)


def _babel_date(day: date, pattern: str, language: str) -> str:
    from babel.dates import format_date as babel_format_date

    if language == "it" and day.day == 1:
        # Italian writes the first of the month as an ordinal: "1º gennaio".
        pattern = pattern.replace("d ", "d'º' ", 1)
    return babel_format_date(day, pattern, locale=language).translate(_SPACES)


def format_date(day: date | None, language: str = ENGLISH) -> str:
    """``30 November 2026``, ``30 listopada 2026``, ``30 de noviembre de 2026``.

    ``""`` when the date is unknown.
    """
    if day is None:
        return ""
    language = formatting_language(language)
    if language == ENGLISH:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return _babel_date(day, _PATTERNS[language]["date"], language)


def spoken_date(day: date | None, near: date | None, language: str = ENGLISH) -> str:
    """``Monday 30 November``, ``lunedì 30 novembre``: the weekday helps on a call.

    The year is added only when the date is far from ``near`` (the call) or the call
    has no date. Weekdays are lower case where the language writes them so.
    """
    if day is None:
        return ""
    with_year = near is None or abs((day - near).days) > SPOKEN_YEAR_AFTER_DAYS
    language = formatting_language(language)
    if language == ENGLISH:
        text = f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
        return f"{text} {day.year}" if with_year else text
    patterns = _PATTERNS[language]
    return _babel_date(day, patterns["spoken_year" if with_year else "spoken"], language)


def format_month(day: date | None, language: str = ENGLISH) -> str:
    """The month and year, as they follow "since": ``November 2026``, ``listopada 2026``."""
    if day is None:
        return ""
    language = formatting_language(language)
    if language == ENGLISH:
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return _babel_date(day, _PATTERNS[language]["month"], language)


def format_money(amount: Decimal, currency: str, language: str = ENGLISH) -> str:
    """``1,200.00 EUR`` in English; CLDR's form elsewhere: ``1 200,00 zł``, ``1.200,00 €``.

    A currency Babel does not know is written as its code; no currency at all
    gives the bare number.
    """
    language = formatting_language(language)
    currency = currency.strip()
    if language == ENGLISH:
        return f"{amount:,.2f} {currency}".strip()
    from babel.numbers import format_currency, format_decimal

    if not currency:
        text = format_decimal(amount, format="#,##0.00", locale=language)
    else:
        text = format_currency(amount, currency, locale=language)
    return text.translate(_SPACES)


def join_words(words: Sequence[str], conjunction: str = "and", language: str = ENGLISH) -> str:
    """``a, b and c`` (or ``a, b or c``) in the language: ``a, b i c``, ``a o b``.

    English keeps its form without the Oxford comma. ``conjunction`` is ``and``
    or ``or``; any other word is used as it is, in any language.
    """
    items = [word for word in words if word]
    if len(items) <= 1:
        return "".join(items)
    language = formatting_language(language)
    if language == ENGLISH or conjunction not in ("and", "or"):
        return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
    from babel.lists import format_list

    if conjunction == "and":
        text = format_list(items, style="standard", locale=language).translate(_SPACES)
    else:
        text = format_list(items, style="or", locale=language).translate(_SPACES)
    if language == "es":
        text = _spanish_euphony(text, items[-1], conjunction)
    return text


def _spanish_euphony(text: str, last: str, conjunction: str) -> str:
    """Spanish "y" becomes "e" before an /i/ sound, "o" becomes "u" before an /o/ sound."""
    sound = last.lower()
    if conjunction == "and" and sound.startswith(("i", "hi")) and not sound.startswith("hie"):
        before, after = f" y {last}", f" e {last}"
    elif conjunction == "or" and sound.startswith(("o", "ho")):
        before, after = f" o {last}", f" u {last}"
    else:
        return text
    return text.removesuffix(before) + after if text.endswith(before) else text


@cache
def _locale(language: str) -> Any:
    from babel import Locale

    return Locale.parse(language)


def plural_category(count: int | float | Decimal, language: str = ENGLISH) -> str:
    """CLDR's plural category of ``count``: ``one``, ``few``, ``many``, ``other``..."""
    category: str = _locale(formatting_language(language)).plural_form(abs(count))
    return category


def plural(count: int | float | Decimal, language: str = ENGLISH, **forms: str) -> str:
    """The form of a word for ``count``: the one named by its CLDR category, else ``other``.

    ``plural(5, "pl", one="dzień", few="dni", many="dni", other="dnia")`` is ``dni``.
    """
    form = forms.get(plural_category(count, language))
    if form is None:
        form = forms.get("other", "")
    return form


def days(count: int, language: str = ENGLISH) -> str:
    """``30 days``, ``1 giorno``, ``22 dni``, ``5 dni``: a number of days, in words that agree."""
    words = _DAY_WORDS[formatting_language(language)]
    return f"{count} {plural(count, language, **words)}"


# --- changing a case's language ------------------------------------------------------------


@dataclass
class Rewrite:
    """One piece of a case's client-facing text, written afresh in another language."""

    field: str
    """The case field, as the screens name edits: ``script.lines``, ``handover.items``..."""
    label: str
    """What the user calls it: ``your call script``."""
    edited: bool
    """True when the user changed it from what clientexit wrote: replacing it loses work."""
    apply: Callable[[Case], None]
    """Puts the fresh text into the case."""


def _language_tag(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


_TAG = re.compile(r"^[a-z]{2,3}$")


def language_of(case: Case) -> str:
    """The case's language as a primary subtag (``pt-BR`` is ``pt``); ``en`` when unusable.

    This picks the template folder; a language without one still falls back to
    English templates there, and :func:`formatting_language` to English forms.
    """
    tag = _language_tag(case.language)
    return tag if _TAG.match(tag) else ENGLISH


def rewrites(case: Case, language: str) -> list[Rewrite]:
    """What changing ``case`` to ``language`` would write afresh, and what of it was edited.

    Text the case holds that is exactly what clientexit generates in the case's
    current language (the script, the prepared answers, the handover list, the
    referral paragraph, the letter) can be replaced by the same text in ``language``
    without losing anything; text the user changed is ``edited`` and should be
    replaced only when they say so. Empty text is not listed: it is generated in
    the case's language whenever it is shown. Raises ``render.TemplateProblem``
    when a template is broken.
    """
    from clientexit.core import render

    after = copy.deepcopy(case)
    after.language = language
    if _language_tag(case.language) == _language_tag(language):
        return []
    found: list[Rewrite] = []

    if case.script.lines:
        fresh_lines = render.generate_script(after)
        was = [(line.part, line.text) for line in render.generate_script(case)]
        found.append(
            Rewrite(
                "script.lines",
                "your call script",
                [(line.part, line.text) for line in case.script.lines] != was,
                lambda c: setattr(c.script, "lines", copy.deepcopy(fresh_lines)),
            )
        )
    if case.script.objections:
        fresh_answers = render.default_objections(after)
        was_answers = [(o.client, o.response) for o in render.default_objections(case)]
        found.append(
            Rewrite(
                "script.objections",
                "your prepared answers",
                [(o.client, o.response) for o in case.script.objections] != was_answers,
                lambda c: setattr(c.script, "objections", copy.deepcopy(fresh_answers)),
            )
        )
    if case.handover.items:
        fresh_items = render.default_handover_items(after)
        was_items = [item.text for item in render.default_handover_items(case)]
        done = [item.done for item in case.handover.items]
        same_shape = len(fresh_items) == len(done)

        def put_items(c: Case) -> None:
            items = copy.deepcopy(fresh_items)
            if same_shape:
                # The same checklist in other words: what was ticked stays ticked.
                for item, ticked in zip(items, done, strict=True):
                    item.done = ticked
            c.handover.items = items

        found.append(
            Rewrite(
                "handover.items",
                "your handover list",
                [item.text for item in case.handover.items] != was_items,
                put_items,
            )
        )
    if case.referral.message.strip():
        fresh_referral = render.generated_referral(after)
        found.append(
            Rewrite(
                "referral.message",
                "your referral paragraph",
                case.referral.message.strip() != render.generated_referral(case).strip(),
                lambda c: setattr(c.referral, "message", fresh_referral),
            )
        )
    if case.letter.text.strip():
        fresh_letter = render.generated_letter(after)
        found.append(
            Rewrite(
                "letter.text",
                "your letter",
                case.letter.text.strip() != render.generated_letter(case).strip(),
                lambda c: setattr(c.letter, "text", fresh_letter),
            )
        )
    return found
