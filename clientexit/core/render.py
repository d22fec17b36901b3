"""Client-facing text: the letter, the call script, the referral and the handover.

Everything the client will read or hear is rendered from Jinja2 templates in
``clientexit/templates/<language>/<tone>/``; each tone's files extend the shared
``base`` files and override only the blocks that carry the voice.

One rule above all: templates only ever see :func:`client_view`, built from the
client-facing parts of a case. Nothing under ``case.reasons`` (the private log
of what went wrong) is read here, so it cannot reach a letter by accident.

Dates and money come from :mod:`clientexit.core.rules`, never recomputed here,
so the letter and the screen cannot disagree.

Users may override any template by putting a file with the same relative path in
their library's ``templates/`` folder (``templates/en/warm/letter.md.j2``); see
:func:`use_library`. Every template, built-in or not, runs in Jinja2's immutable
sandbox: it sees only the view, cannot reach Python internals (``__class__``,
``__globals__``...), cannot read files outside its template folder, and cannot
build enormous strings. A template that is broken raises :class:`TemplateProblem`,
whose message names the template file and line.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from clientexit.core import languages, rules
from clientexit.core.model import (
    Case,
    DeliverableStatus,
    HandoverItem,
    Medium,
    Objection,
    ReferralMode,
    ScriptLine,
    ScriptPart,
    Status,
    Tone,
)

WHATS: tuple[str, ...] = ("letter", "script", "referral", "handover", "followup", "all")
"""What :func:`export` can produce; ``all`` is the documents together (the follow-up
email only once the call's outcome is recorded)."""

FORMATS: tuple[str, ...] = ("md", "txt")
"""Markdown, or plain text ready to paste into an email."""

DEFAULT_LANGUAGE = "en"
"""The language every template exists in; any other falls back to it, file by file."""

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

USER_TEMPLATES = "templates"
"""The folder inside the library where the user's own templates live."""

MAX_TEMPLATE_BYTES = 1024 * 1024
"""A template is a page of text; a larger file is not one (and is not read)."""

MAX_RESULT = 1_000_000
"""The longest string or list a template may build with ``*``: a letter is a few pages."""

MAX_EXPONENT = 1000


class TemplateProblem(Exception):
    """A template could not be rendered: which file, which line, and what is wrong.

    ``str()`` of it is a message for the user, with no Jinja2 internals in it.
    """

    def __init__(self, template: str, message: str, line: int | None = None) -> None:
        self.template = template
        """The template file's path (or its name when it has no file)."""
        self.message = message
        self.line = line
        where = f"{template}, line {line}" if line else template
        super().__init__(f"template {where}: {message}")


class _FolderLoader(jinja2.FileSystemLoader):
    """Loads templates from one folder, and nothing that only looks as if it were in it.

    Jinja2 already refuses ``..`` and absolute names; this also refuses links that
    lead out of the folder, files too large to be a template, and text that is not
    UTF-8, each with a plain message.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        path = self.folder.joinpath(*pieces)
        try:
            size = path.stat().st_size if path.is_file() else None
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):  # a link loop, a folder we may not enter
            size, inside = None, False
        if size is None:
            raise jinja2.TemplateNotFound(template)
        if not inside:
            raise TemplateProblem(str(path), "leads outside the templates folder; copy the file in")
        if size > MAX_TEMPLATE_BYTES:
            raise TemplateProblem(str(path), "is too large to be a template")
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError:
            raise TemplateProblem(str(path), "is not UTF-8 text") from None


class _Layered(jinja2.BaseLoader):
    """The user's folder over the built-in one.

    A template taken from a lower layer is only up to date while no higher layer
    has a file of that name, so an override added while the app runs is used.
    """

    def __init__(self, loaders: list[_FolderLoader]) -> None:
        self.loaders = loaders

    def list_templates(self) -> list[str]:
        return sorted({name for loader in self.loaders for name in loader.list_templates()})

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        for index, loader in enumerate(self.loaders):
            try:
                source, filename, uptodate = loader.get_source(environment, template)
            except jinja2.TemplateNotFound:
                continue
            above = [layer.folder for layer in self.loaders[:index]]
            pieces = jinja2.loaders.split_template_path(template)

            def fresh(
                uptodate: Callable[[], bool] | None = uptodate,
                above: list[Path] = above,
                pieces: list[str] = pieces,
            ) -> bool:
                if any(folder.joinpath(*pieces).exists() for folder in above):
                    return False
                return uptodate() if uptodate is not None else True

            return source, filename, fresh
        raise jinja2.TemplateNotFound(template)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also refusing ``*`` and ``**`` results that would fill the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, (str, list, tuple))
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_RESULT
                ):
                    raise SecurityError("the text or list this builds would be too large")
        if (
            operator == "**"
            and isinstance(right, int)
            and isinstance(left, int)
            and abs(right) > MAX_EXPONENT
        ):
            raise SecurityError("the number this builds would be too large")
        return super().call_binop(context, operator, left, right)


_user_folder: list[Path | None] = [None]
"""The user's template folder in use (one element; None: built-in templates only)."""

_env_cache: dict[Path | None, jinja2.Environment] = {}


def user_templates_dir(library: Path) -> Path:
    """Where a library keeps its own templates: ``LIBRARY/templates/<lang>/<tone>/``."""
    return library / USER_TEMPLATES


def use_library(library: Path | None) -> None:
    """Let the templates in ``library/templates/`` override the built-in ones.

    A file there with the same relative path as a built-in template
    (``en/warm/letter.md.j2``) is used instead of it; everything else still comes
    from the built-in set. ``None`` goes back to the built-in templates only.
    """
    _user_folder[0] = user_templates_dir(library) if library is not None else None


def template_folder() -> Path | None:
    """The user's template folder in use, or None."""
    return _user_folder[0]


def _env() -> jinja2.Environment:
    """The template environment, built on first use so importing this module stays cheap."""
    folder = _user_folder[0]
    env = _env_cache.get(folder)
    if env is None:
        loaders = [_FolderLoader(folder)] if folder is not None else []
        loaders.append(_FolderLoader(TEMPLATES_DIR))
        env = _Sandbox(
            loader=_Layered(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["join_and"] = _join_and_filter
        env.filters["plural"] = _plural_filter
        env.filters["lcfirst"] = _lower_first
        env.filters["sentence"] = _sentence
        env.filters["introduce"] = _introduce_filter
        env.filters["reach_at"] = _reach_at
        _env_cache[folder] = env
    return env


def _template_file(env: jinja2.Environment, name: str) -> str:
    """The file a template name resolves to, for messages; the name itself if none does."""
    try:
        _, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except Exception:
        return name
    return filename or name


def _problem(env: jinja2.Environment, error: Exception, name: str) -> TemplateProblem:
    """A template error as a message naming the template file and the line."""
    if isinstance(error, TemplateProblem):
        return error
    if isinstance(error, jinja2.TemplateSyntaxError):
        where = error.filename or _template_file(env, error.name or name)
        return TemplateProblem(where, error.message or "is not a valid template", error.lineno)
    # Jinja2 rewrites the traceback so each template frame carries the template's
    # file and line: the innermost one is where the template went wrong.
    where, line = _template_file(env, name), None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith(".j2") or _is_template_path(frame.filename):
            where, line = frame.filename, frame.lineno
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"there is no template named {error.name!r} it could use"
    elif isinstance(error, SecurityError):
        message = f"not allowed in a template: {error}"
    elif isinstance(error, jinja2.UndefinedError):
        message = f"{error.message}" if error.message else "uses something that is not defined"
    elif isinstance(error, RecursionError):
        message = "calls itself without end"
    else:
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return TemplateProblem(where, message, line)


def _is_template_path(filename: str) -> bool:
    roots = [TEMPLATES_DIR, *(folder for folder in _user_folder if folder is not None)]
    return any(filename.startswith(str(root) + os.sep) for root in roots)


# --- small text helpers (also used as template filters) ---------------------------------


def format_date(day: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    """``30 November 2026`` in English, ``30 listopada 2026`` in Polish; ``""`` when unknown."""
    return languages.format_date(day, language)


def _spoken_date(day: date | None, near: date | None, language: str = DEFAULT_LANGUAGE) -> str:
    """``Monday 30 November``: the weekday helps on a call; the year only when not obvious."""
    return languages.spoken_date(day, near, language)


def format_money(amount: Decimal, currency: str, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount for client-facing text: ``1,200.00 EUR``, ``1 200,00 zł``, ``1.200,00 €``."""
    return languages.format_money(amount, _line(currency), language)


def _line(text: str) -> str:
    """One line of text: runs of whitespace and newlines become single spaces."""
    return " ".join(text.split())


def _sentence(text: str) -> str:
    """The text ending in a full stop, unless it already ends in punctuation."""
    text = text.strip()
    if text and text[-1] not in ".!?:…":
        text += "."
    return text


def _lower_first(text: str) -> str:
    """``A two-week overlap`` becomes ``a two-week overlap``; ``IT support`` stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def join_and(
    items: Iterable[str], conjunction: str = "and", language: str = DEFAULT_LANGUAGE
) -> str:
    """``a``, ``a and b``, ``a, b and c``; in the language's words (``a, b i c``)."""
    return languages.join_words(list(items), conjunction, language)


def _context_language(context: Any) -> str:
    """The language of the template being rendered (``en`` when its context has none)."""
    language = context.get("language") if context is not None else None
    return language if isinstance(language, str) and language else DEFAULT_LANGUAGE


@jinja2.pass_context
def _join_and_filter(context: Any, items: Iterable[str], conjunction: str = "and") -> str:
    """``{{ names | join_and }}``, ``{{ ways | join_and("or") }}`` in the template's language."""
    return join_and(items, conjunction, _context_language(context))


@jinja2.pass_context
def _plural_filter(context: Any, count: Any, **forms: str) -> str:
    """``{{ n | plural(one="dzień", few="dni", many="dni", other="dnia") }}``.

    The form for the CLDR plural category of ``n`` in the template's language
    (``one``, ``two``, ``few``, ``many``, ``other``, ``zero``), else ``other``.
    Only the word: write the number yourself (``{{ n }} {{ n | plural(...) }}``).
    """
    try:
        number = Decimal(str(count))
    except ArithmeticError:
        return forms.get("other", "")
    return languages.plural(number, _context_language(context), **forms)


# How a referral's "why" attaches to its name depends on how the user phrased it:
# "a team of five..." reads as "Castle Street IT, a team of five...", while
# "runs a small team..." needs "who". Anything unrecognised gets a dash.
_ARTICLES = {"a", "an", "the", "one", "two", "three", "our", "my", "your"}
_PRONOUNS = {"they", "he", "she", "it", "we", "their", "his", "her", "its"}
_VERBS = {
    "already",
    "builds",
    "can",
    "covers",
    "designs",
    "does",
    "focuses",
    "handles",
    "has",
    "helps",
    "is",
    "knows",
    "looks",
    "manages",
    "offers",
    "runs",
    "specialises",
    "specializes",
    "supports",
    "works",
    "writes",
}


@jinja2.pass_context
def _introduce_filter(context: Any, contact: dict[str, str]) -> str:
    return _introduce(contact, _context_language(context))


def _introduce(contact: dict[str, str], language: str = DEFAULT_LANGUAGE) -> str:
    """A referral's name and why it fits, as one phrase: ``X, who runs a small team...``.

    Outside English the "why" is the user's own words in their language, which no
    English rule can attach: it follows the name in brackets, ``X (segue ...)``.
    """
    name = contact.get("name", "")
    why = _lower_first(contact.get("why", "")).rstrip(" .")
    if not why:
        return name
    if languages.formatting_language(language) != DEFAULT_LANGUAGE:
        return f"{name} ({why})"
    first = why.split(maxsplit=1)[0].lower().strip(",")
    if first in _ARTICLES:
        return f"{name}, {why}"
    if first in _VERBS:
        return f"{name}, who {why}"
    if first in _PRONOUNS:
        return f"{name}: {why}"
    return f"{name} ({why})"


@jinja2.pass_context
def _reach_at(context: Any, contact: dict[str, str]) -> str:
    """``Castle Street IT at support@castlestreetit.example``; elsewhere ``X (address)``."""
    if languages.formatting_language(_context_language(context)) != DEFAULT_LANGUAGE:
        return f"{contact.get('name', '')} ({contact.get('email', '')})"
    return f"{contact.get('name', '')} at {contact.get('email', '')}"


# The word a user may have typed before the number, in any language the templates
# supply it in ("Cláusula 12", "art. 9.1"); whole words only, so "Cl" of
# "Cláusula" is not taken for an abbreviation.
_CLAUSE_WORD = re.compile(
    r"^(clause|cl\.|cl|cláusula|clausula|clausola|articolo|artículo|articulo|art\.|art)\b\.?\s*",
    re.IGNORECASE,
)


def _clause(text: str) -> str:
    """``Clause 2.9`` or ``2.9`` both become ``2.9``, so templates can say "clause 2.9"."""
    return _CLAUSE_WORD.sub("", _line(text))


# Titles that start a contact's name, per language: a name that starts with one
# is used whole ("Dott.ssa Bianchi"), never cut to the title. Per language, as
# "Don" is a title in Spanish and a first name in English.
_TITLES: dict[str, set[str]] = {
    "en": {"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"},
    "it": {
        "dott",
        "dott.ssa",
        "dr",
        "dr.ssa",
        "sig",
        "sig.ra",
        "sig.na",
        "ing",
        "avv",
        "prof",
        "prof.ssa",
        "arch",
        "rag",
        "geom",
    },
    "pl": {"pan", "pani", "dr", "prof", "mgr", "inż"},
    "es": {"sr", "sra", "srta", "don", "doña", "dña", "dr", "dra", "prof"},
    "sv": {"dr", "prof"},
}


def _first_name(contact: str, language: str = DEFAULT_LANGUAGE) -> str:
    words = contact.split()
    if not words:
        return ""
    titles = _TITLES.get(languages.formatting_language(language), _TITLES[DEFAULT_LANGUAGE])
    if words[0].rstrip(".").lower() in titles:
        return contact
    return words[0]


# --- the view: the only thing templates see ---------------------------------------------


def _language(case: Case) -> str:
    return languages.language_of(case)


def _tone(value: Tone | str) -> str:
    try:
        return Tone(value).value
    except ValueError:
        return Tone.NEUTRAL.value


def _view(case: Case, tone: Tone | str) -> dict[str, Any]:
    tone_name = _tone(tone)
    # Dates, money and lists are written the way the case's language writes them;
    # a language without templates of its own gets English text and English forms.
    lang = languages.formatting_language(_language(case))
    consultant, client, contract = case.consultant, case.client, case.contract
    currency = _line(contract.currency)
    end = rules.effective_date(case)
    deletion = rules.deletion_date(case)
    owed = rules.money_owed(case)
    refund = rules.refund_due(case)
    contact = _line(client.contact)
    client_name = _line(client.name)
    unpaid = [_line(inv.number) for inv in rules.unpaid_invoices(case) if inv.number.strip()]
    paid_support = _line(case.handover.paid_support)
    return {
        "language": _language(case),
        "tone": tone_name,
        # the people
        "consultant_name": _line(consultant.name),
        "business": _line(consultant.business),
        "consultant_email": _line(consultant.email),
        "consultant_phone": _line(consultant.phone),
        "signature": [s for s in (_line(consultant.name), _line(consultant.business)) if s],
        "client_name": client_name,
        "contact": contact,
        "client_email": _line(client.email),
        "greeting_name": contact or client_name,
        "first_name": _first_name(contact, lang) or client_name,
        # the call
        "call_date": format_date(case.call.date, lang),
        "call_time": _line(case.call.time),
        "medium": case.call.medium.value,
        "in_person": case.call.medium is Medium.IN_PERSON,
        # the contract and its dates
        "contract_title": _line(contract.title),
        "clause": _clause(contract.termination_clause),
        # the month and year as they follow "since" (Polish: genitive, "listopada 2026")
        "signed_month": languages.format_month(contract.signed, lang),
        "end_date": format_date(end, lang),
        "end_date_spoken": _spoken_date(end, case.call.date, lang),
        "deletion_date": format_date(deletion, lang),
        "deletion_date_spoken": _spoken_date(deletion, case.call.date, lang),
        "delete_after_days": case.handover.delete_after_days,
        # the same number with "days" agreeing with it: "30 days", "30 giorni", "22 dni"
        "days": languages.days(case.handover.delete_after_days, lang),
        # money
        "owed": owed > 0,
        "owed_amount": format_money(owed, currency, lang),
        "unpaid_numbers": join_and(unpaid, "and", lang),
        "unpaid_count": len(unpaid),
        "refund": refund > 0,
        "refund_amount": format_money(refund, currency, lang),
        # the work
        "work_done": [
            _line(d.name)
            for d in contract.deliverables
            if d.status is DeliverableStatus.DONE and d.name.strip()
        ],
        "work_open": [
            _line(d.name) for d in contract.deliverables if d.unfinished and d.name.strip()
        ],
        # the one reason the client hears (chosen in the tone step; never case.reasons)
        "reason": _reason_sentence(case, tone_name),
        # the referral
        "referral_mode": case.referral.mode.value,
        "referral_contacts": [
            {"name": _line(x.name), "email": _line(x.email), "why": _line(x.why)}
            for x in case.referral.contacts
            # Contacts kept from an earlier choice must not show once the mode changes.
            if x.name.strip() and case.referral.mode is ReferralMode.NAMED
        ],
        "provider_type": _line(case.referral.provider_type),
        # the handover
        "paid_support": paid_support,
        "handover_items": [
            {"text": _line(item.text), "done": item.done}
            for item in case.handover.items
            if item.text.strip()
        ],
        # the script as the user edited it (what they will say)
        "script_lines": [
            {"number": number, "part": line.part.value, "text": _line(line.text)}
            for number, line in enumerate(case.script.lines, start=1)
            if line.text.strip()
        ],
        "objections": [
            {"client": _line(o.client), "response": _line(o.response)}
            for o in case.script.objections
            if o.client.strip() or o.response.strip()
        ],
    }


def client_view(case: Case) -> dict[str, Any]:
    """The context every template gets: client-facing facts, formatted, in the case's tone.

    Built from the consultant, client, call, contract, tone, referral, handover and
    script sections only; derived dates and money come from :mod:`rules`. Missing
    values are empty strings or lists, never None, so templates can fall back.
    """
    return _view(case, case.tone.choice)


# --- rendering ---------------------------------------------------------------------------


def _render(language: str, tone: str, name: str, context: dict[str, Any]) -> str:
    """Render ``<language>/<tone>/<name>``, falling back to base, then to English."""
    candidates: list[str] = []
    for lang in (language, DEFAULT_LANGUAGE):
        for folder in (tone, "base"):
            path = f"{lang}/{folder}/{name}"
            if path not in candidates:
                candidates.append(path)
    env = _env()
    try:
        return env.select_template(candidates).render(context)
    except Exception as error:
        raise _problem(env, error, candidates[0]) from None


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy = "\n".join(lines)
    tidy = re.sub(r"\n{3,}", "\n\n", tidy)
    return tidy + "\n" if tidy else ""


def _parse_parts(text: str, keys: Sequence[str]) -> list[tuple[str, str]]:
    """Read ``key: text`` lines; a line without a known key continues the previous one."""
    pairs: list[tuple[str, str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, rest = line.partition(":")
        if sep and key.strip() in keys:
            pairs.append((key.strip(), rest.strip()))
        elif pairs:
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]} {line}".strip())
    return [(key, value) for key, value in pairs if value]


def _reason_sentence(case: Case, tone: str) -> str:
    context = {
        "language": _language(case),
        "reason_kind": case.tone.reason.value,
        "reason_text": _line(case.tone.reason_text),
    }
    return _line(_render(_language(case), tone, "reason.txt.j2", context))


def reason_sentence(case: Case) -> str:
    """The one reason the client hears, in the case's tone.

    Built-in wording for ``focus``, ``fit``, ``alignment`` and ``capacity``; the
    user's own ``reason_text`` for ``custom`` (or a plain, truthful fallback when
    they have not written it yet).
    """
    return _reason_sentence(case, _tone(case.tone.choice))


def generated_referral(case: Case) -> str:
    """The referral paragraph: named contacts and why they fit, a kind of provider, or ``""``."""
    if case.referral.mode is ReferralMode.NONE:
        return ""
    view = client_view(case)
    text = _render(view["language"], view["tone"], "referral.md.j2", view)
    # One sentence per template line keeps the templates readable; the client gets
    # one paragraph (a blank line in a template still starts a new one).
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(_line(paragraph) for paragraph in paragraphs if paragraph.strip())


def referral_text(case: Case) -> str:
    """The user's own referral paragraph when they wrote one, else :func:`generated_referral`."""
    if case.referral.mode is ReferralMode.NONE:
        return ""
    edited = case.referral.message.strip()
    return edited or generated_referral(case)


def _document_view(case: Case) -> dict[str, Any]:
    view = client_view(case)
    view["referral_text"] = referral_text(case)
    view["titles"] = _titles(case, view)
    return view


def render_letter(case: Case) -> str:
    """The letter (or email) that confirms in writing what was said on the call, as Markdown.

    The user's own edited letter (``case.letter.text``) when there is one, so every
    export, preview and the leak guard see what will really be sent; else
    :func:`generated_letter`.
    """
    edited = case.letter.text
    if edited.strip():
        # Only blank lines around it go: trailing spaces may be a Markdown line break.
        return edited.strip("\n").rstrip() + "\n"
    return generated_letter(case)


def referral_email(case: Case) -> str:
    """A short email to the client with the referral: subject line and body, as Markdown.

    Empty when the case gives no referral (``referral.mode`` is ``none``).
    """
    view = _document_view(case)
    if not view["referral_text"]:
        return ""
    return _tidy(_render(view["language"], view["tone"], "referral_email.md.j2", view))


# --- the letter as generated, the follow-up, subjects and event titles -------------------

TITLE_KEYS: tuple[str, ...] = (
    "letter_subject",
    "referral_subject",
    "followup_subject",
    "event_call",
    "event_end",
    "event_deletion",
)
"""The fixed keys of ``titles.txt.j2``; each unpaid invoice with a due date adds
``event_payment_<n>`` (n counting from 1, in the order of :func:`payments`)."""


def generated_letter(case: Case) -> str:
    """The letter as the templates make it, ignoring any edited text (``case.letter.text``)."""
    view = _document_view(case)
    return _tidy(_render(view["language"], view["tone"], "letter.md.j2", view))


def payments(case: Case) -> list[dict[str, Any]]:
    """The unpaid invoices that have a due date: number, amount still owed, due date.

    ``due`` is formatted for text; ``due_day`` is the date itself (for the calendar).
    """
    lang = languages.formatting_language(_language(case))
    return [
        {
            "number": _line(inv.number),
            "amount": format_money(inv.balance, case.contract.currency, lang),
            "due": format_date(inv.due, lang),
            "due_day": inv.due,
        }
        for inv in rules.unpaid_invoices(case)
        if inv.due is not None
    ]


def _titles(case: Case, view: dict[str, Any]) -> dict[str, str]:
    context = dict(view)
    context["payments"] = [
        {key: value for key, value in payment.items() if key != "due_day"}
        for payment in payments(case)
    ]
    keys = TITLE_KEYS + tuple(f"event_payment_{n}" for n in range(1, len(context["payments"]) + 1))
    text = _render(view["language"], view["tone"], "titles.txt.j2", context)
    found = dict(_parse_parts(text, keys))
    # A user's own titles template may leave a key out: the title is then empty, not missing.
    return {key: _line(found.get(key, "")) for key in keys}


def titles(case: Case) -> dict[str, str]:
    """Email subjects and calendar event titles, from ``titles.txt.j2``, by key.

    Keys: :data:`TITLE_KEYS`, plus ``event_payment_<n>`` for the n-th of
    :func:`payments`. A key the template does not fill is ``""``.
    """
    return _titles(case, client_view(case))


def _agreed_lines(text: str) -> list[str]:
    """What was agreed, one entry per line the user wrote (list markers they typed dropped)."""
    lines = []
    for raw in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+•]|\d+[.)])\s+", "", raw).strip()
        if line:
            lines.append(_line(line))
    return lines


def render_followup(case: Case) -> str:
    """The follow-up email after the call, as Markdown (subject line first).

    Thanks the client for the conversation (on ``outcome.date``, else the call date),
    confirms the end date, the handover, the files and their deletion date, money
    still owed or a deposit to refund, what was agreed (``outcome.agreed``, in the
    user's words) and the referral, if any.
    """
    view = _document_view(case)
    talked = case.outcome.date or case.call.date
    view["talked_on"] = format_date(talked, languages.formatting_language(view["language"]))
    view["agreed"] = _agreed_lines(case.outcome.agreed)
    return _tidy(_render(view["language"], view["tone"], "followup.md.j2", view))


_SCRIPT_PARTS: tuple[str, ...] = tuple(part.value for part in ScriptPart)


def _script_lines(view: dict[str, Any]) -> list[ScriptLine]:
    text = _render(view["language"], view["tone"], "script.txt.j2", view)
    lines = [ScriptLine(part=ScriptPart(part), text=said) for part, said in _parse(text)]
    if view["referral_mode"] == ReferralMode.NONE.value:
        lines = [line for line in lines if line.part is not ScriptPart.REFERRAL]
    order = {part: index for index, part in enumerate(ScriptPart)}
    # A stable sort keeps each part's lines in the order the template wrote them.
    return sorted(lines, key=lambda line: order[line.part])


def _parse(text: str) -> list[tuple[str, str]]:
    return _parse_parts(text, _SCRIPT_PARTS)


def generate_script(case: Case) -> list[ScriptLine]:
    """A fresh call script in the case's tone, in the order the call should go.

    Parts: opening, decision, reason, next_steps, handover, referral (left out when
    the case gives no referral), thanks, close.
    """
    return _script_lines(client_view(case))


def opening_preview(case: Case, tone: Tone) -> str:
    """The first lines the user would say in ``tone``, for comparing tones side by side."""
    lines = _script_lines(_view(case, tone))
    return "\n".join(line.text for line in lines[:3])


def default_objections(case: Case) -> list[Objection]:
    """Prepared answers to the seven usual pushbacks, in the case's tone.

    The client promises to change, offers more money, asks for every reason, gets
    angry, threatens a bad review, asks you to finish the project, or goes silent.
    Each answer stays calm, does not reopen the decision and steers to the handover.
    """
    view = client_view(case)
    text = _render(view["language"], view["tone"], "objections.txt.j2", view)
    answers: list[Objection] = []
    for key, value in _parse_parts(text, ("client", "response")):
        if key == "client":
            answers.append(Objection(client=value))
        elif answers and not answers[-1].response:
            answers[-1].response = value
    return [answer for answer in answers if answer.response]


def default_handover_items(case: Case) -> list[HandoverItem]:
    """The offboarding checklist, pre-filled with this case's dates, work and money."""
    view = client_view(case)
    text = _render(view["language"], view["tone"], "handover_items.txt.j2", view)
    return [HandoverItem(text=_line(line)) for line in text.splitlines() if line.strip()]


def render_handover(case: Case) -> str:
    """The handover checklist as Markdown, with the end and deletion dates at the top.

    Uses ``case.handover.items``; a case with none yet gets :func:`default_handover_items`.
    """
    view = client_view(case)
    if not view["handover_items"]:
        view["handover_items"] = [
            {"text": item.text, "done": item.done} for item in default_handover_items(case)
        ]
    return _tidy(_render(view["language"], view["tone"], "handover.md.j2", view))


def render_script(case: Case) -> str:
    """The call script as Markdown: numbered lines under part headings, then prepared answers.

    Line numbers are positions in ``case.script.lines`` (as rehearsals count them).
    A case with no script yet gets :func:`generate_script` and :func:`default_objections`.
    """
    view = client_view(case)
    if not view["script_lines"]:
        view["script_lines"] = [
            {"number": number, "part": line.part.value, "text": line.text}
            for number, line in enumerate(generate_script(case), start=1)
        ]
    if not view["objections"]:
        view["objections"] = [
            {"client": o.client, "response": o.response} for o in default_objections(case)
        ]
    # Consecutive lines of one part share a heading, so the script reads in call order.
    groups: list[dict[str, Any]] = []
    for line in view["script_lines"]:
        if groups and groups[-1]["part"] == line["part"]:
            groups[-1]["lines"].append(line)
        else:
            groups.append({"part": line["part"], "lines": [line]})
    view["script_groups"] = groups
    return _tidy(_render(view["language"], view["tone"], "script_doc.md.j2", view))


# --- export ------------------------------------------------------------------------------


def _untitled(markdown: str) -> str:
    """The document without its own first-level title, which ``all`` replaces with its own."""
    return re.sub(r"\A# [^\n]*\n+", "", markdown)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CHECKBOX = re.compile(r"^(\s*)[-*+] \[([ xX])\] ")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(markdown: str) -> str:
    """Plain text for pasting into an email: no ``#``, no ``**``, checkboxes as ``[ ]``.

    Level 1 headings become upper-case and underlined with ``=``, level 2 with ``-``,
    deeper ones upper-case.
    """
    out: list[str] = []
    for source in markdown.splitlines():
        heading = _HEADING.match(source)
        if heading:
            level, title = len(heading.group(1)), _STRONG.sub(r"\2", heading.group(2))
            if level == 1:
                out.extend([title.upper(), "=" * len(title)])
            elif level == 2:
                out.extend([title, "-" * len(title)])
            else:
                out.append(title.upper())
            continue
        line = _CHECKBOX.sub(lambda m: f"{m.group(1)}[{m.group(2).lower()}] ", source)
        line = _LINK.sub(r"\1 (\2)", line)
        line = _STRONG.sub(r"\2", line)
        if line.endswith("\\"):
            line = line[:-1].rstrip()
        out.append(line)
    return _tidy("\n".join(out))


def call_done(case: Case) -> bool:
    """Whether the call has happened: a follow-up email makes sense from then on."""
    return not case.outcome.empty or case.status is Status.DONE


def _document(case: Case, what: str) -> str:
    if what == "letter":
        return render_letter(case)
    if what == "script":
        return render_script(case)
    if what == "referral":
        return referral_email(case)
    if what == "followup":
        return render_followup(case)
    return render_handover(case)


def export(case: Case, what: str, fmt: str) -> str:
    """One document (or ``all`` of them, under section headings) as Markdown or plain text.

    ``what`` is one of :data:`WHATS`, ``fmt`` one of :data:`FORMATS`; anything else
    raises ValueError. The referral email is empty, and left out of ``all``, when
    the case gives no referral; the follow-up email is left out of ``all`` until the
    call is done (an outcome recorded, or the status ``done``).
    """
    if what not in WHATS:
        raise ValueError(f"Cannot export {what!r}: choose one of {', '.join(WHATS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    if what == "all":
        view = client_view(case)
        names = [name for name in WHATS[:-1] if name != "followup" or call_done(case)]
        view["sections"] = [
            {"what": name, "body": _untitled(body)}
            for name in names
            if (body := _document(case, name))
        ]
        markdown = _tidy(_render(view["language"], view["tone"], "all.md.j2", view))
    else:
        markdown = _document(case, what)
    return markdown_to_text(markdown) if fmt == "txt" else markdown


# --- hints for the tone step -------------------------------------------------------------

_BLAME = re.compile(
    r"\b(you (always|never|keep|kept|constantly|didn'?t|don'?t|won'?t|refuse[ds]?|fail(ed)?"
    r"|ignored?|forgot|missed)|you'?re (always|never|too|so)|your (fault|mistakes?|problem|"
    r"attitude|behaviou?r|team is)|because of you|blame|unprofessional|incompetent|rude|lazy|"
    r"disrespectful|late again|yet again|every single time|sloppy|useless)\b",
    re.IGNORECASE,
)
_MORE_THAN_ONE = re.compile(
    r"\b(and also|as well as|another thing|on top of (that|this)|not to mention|in addition|"
    r"additionally|besides|moreover|furthermore|what'?s more|secondly|second of all|"
    r"plus the|also the)\b|(^|[.!?;]\s+)(also|plus)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?]+(\s+|$)")

HINT_BLAME = (
    "This reads as blame. Say what you are changing, not what they did: blame invites an argument."
)
HINT_MORE_THAN_ONE = (
    "This sounds like more than one reason. Keep the one that matters most; "
    "every extra reason is one more thing to argue about."
)
HINT_TOO_LONG = (
    "This is several sentences. One short sentence is easier to say calmly "
    "and harder to pick apart."
)


def reason_hints(text: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """Plain-words hints on the reason the user will give; ``[]`` when it reads well.

    Flags blame ("you always", "your fault", "unprofessional"...) and more than one
    reason ("and also", "as well as", "another thing", or three sentences or more).
    The blame and "more than one" patterns are English words, so they only run for
    an English case; in any other language only the sentence count is checked.
    """
    hints: list[str] = []
    english = languages.formatting_language(language) == DEFAULT_LANGUAGE
    if english and _BLAME.search(text):
        hints.append(HINT_BLAME)
    if english and _MORE_THAN_ONE.search(text):
        hints.append(HINT_MORE_THAN_ONE)
    sentences = [s for s in _SENTENCE_END.split(text) if s and s.strip() and re.search(r"\w", s)]
    if len(sentences) >= 3:
        hints.append(HINT_TOO_LONG)
    return hints
