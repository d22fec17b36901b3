"""The leak guard: private notes must never turn up in anything the client reads or hears.

The internal reasons log (``case.reasons``) is never passed to a template, but the
user types the client-facing text too: a reason, a script line, a referral
paragraph, a handover item. A sentence copied from an incident note into one of
them would reach the client. :func:`scan` renders every client-facing document
and looks for the notes in it:

- a whole **sentence** of a note (three words or more, at least one of them
  distinctive), or
- a **phrase**: a run of words shared by a note and a document that holds at
  least two distinctive words.

A word is *distinctive* when it is not a common English word (nor a common word
of the case's language: Italian, Polish, Spanish, Swedish), not a number, not
one or two letters long, and not part of the case's client-facing facts (the
client's and your names, the contract title, invoice numbers, deliverables): those
appear in a letter by design. Words are compared case-blind, after Unicode
normalisation, ignoring punctuation, so "Paid half; no date" matches "paid half,
no date".

Each :class:`Leak` says where it appears (document and line), which incident it
comes from, and which field of the case to change (with its wizard step).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from clientexit.core.model import Case
from clientexit.core.rules import Step

DOCUMENTS: tuple[str, ...] = ("letter", "script", "referral", "handover", "followup", "titles")
"""The client-facing documents, by the names ``render.export`` uses, and ``titles``:
the email subjects and calendar event titles (``render.titles``), which every email
and calendar export carries."""

DOCUMENT_NAMES = {
    "letter": "the letter",
    "script": "the call script",
    "referral": "the referral email",
    "handover": "the handover list",
    "followup": "the follow-up email",
    "titles": "the email subjects and calendar titles",
}

MIN_SENTENCE_WORDS = 3
MIN_DISTINCTIVE = 2
"""A shared phrase counts as a leak when it holds this many distinctive words."""

_EXCERPT = 70

# The most common English words, and the everyday words of a business letter: on
# their own they say nothing private, so a phrase needs other words to count.
_COMMON_TEXT = """
    a about above across after again against ago all almost alone along already also
    although always am among an and another any anyone anything anyway are around as
    ask asked asking at away back be became because become been before began behind
    being below best better between both but by came can cannot could did didn't do
    does doesn't doing don't done down during each early either else end enough even
    ever every everyone everything few first for from full further gave get gets
    getting give given gives go goes going gone good got great had hadn't half has
    hasn't have haven't having he he'd he'll he's her here hers herself him himself
    his how however i i'd i'll i'm i've if in instead into is isn't it it's its
    itself just keep kept know known last later least less let let's like little
    long made make makes making many may me might mine more most much must my myself
    near need needed needs never new next no nobody none nor not nothing now of off
    often old on once one only onto or other others our ours ourselves out over own
    part per perhaps please put quite rather really right said same say says see
    seem seemed seems seen several shall she she'd she'll she's should shouldn't
    since so some someone something sometimes soon still such sure take taken than
    thank thanks that that's the their theirs them themselves then there there's
    these they they'd they'll they're they've thing things think this those though
    through thus till to today together told too took toward towards two under
    until up upon us use used very via want wanted wants was wasn't way we we'd
    we'll we're we've well went were weren't what what's whatever when where
    whether which while who who's whole whom whose why will with within without
    won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
    yourselves

    monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december week weeks month
    months year years day days date dates time times hour hours minute minutes
    morning afternoon evening night tonight tomorrow yesterday

    account accounts agreed agreement agreements business call calls client clients
    company confirm contact contract contracts copies copy decided decision deleted
    deletion deliverable deliverables delivered deposit details download email
    emails files final finish finished handover help hello hi invoice invoices job
    letter list meeting meetings message messages money note notes notice offer
    paid pay payment payments phone plan project projects provide questions record
    records reminder reply report request requested rest retainer scope send sent
    service services support team thanks work worked working
    """
COMMON_WORDS = frozenset(_COMMON_TEXT.split())


# The same idea for the other languages clientexit writes in: their function words,
# the words of a business letter and the calendar. A case's notes are usually in
# the case's language, and without these "del negozio" or "por escrito" would count
# as two distinctive words. Only the case's own language is added (and English,
# always): a word common in Italian may be telling in a Swedish note.
_COMMON_BY_LANGUAGE_TEXT: dict[str, str] = {
    "it": """
    che chi cui con come così contro dal dall dalla dalle dagli dai degli dei del
    dell della delle dello dentro di dopo dove durante ecco fra gli già grazie
    il in io la le lei lo loro lui ma mai mentre mia mie miei mio molto nel nell
    nella nelle nello negli nei noi non nostra nostre nostri nostro ogni oggi
    oppure ora per perché però più poi prima proprio qua qual quale quali quando
    quanto quasi quella quelle quelli quello questa queste questi questo qui se
    sempre senza sia solo sono sta stato stata su sua sue sui sul sull sulla
    sulle suo suoi tra tre tutta tutte tutti tutto una uno voi vostra vostro
    anche ancora allora alla alle allo agli all al ai avere avuto aveva
    essere era erano fare fatto fatta detto dire dopodiché è ho ha hanno abbiamo
    avete può possono posso potrà deve devo dobbiamo vorrei vuole stesso stessa
    due volta volte giorno giorni settimana settimane mese mesi anno anni data
    date ora ore minuti mattina pomeriggio sera ieri domani stamattina
    lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio
    marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre
    azienda cliente clienti collaborazione contratto contatto consegna consegne
    passaggio documento documenti email fattura fatture file lavoro lavori
    pagamento pagamenti progetto progetti servizio servizi supporto scritto
    iscritto messaggio messaggi telefono chiamata incontro saldo deposito
    accordo accordi compenso preavviso articolo copia copie elenco note
    """,
    "es": """
    al algo algún alguna alguno algunos ante antes así aún aunque cada casi como
    con contra cual cuando de del desde donde dos durante el ella ellas ellos en
    entre era eran es esa esas ese eso esos esta estas este esto estos está
    están estoy fue fueron ha había han hasta hay he hemos la las le les lo los
    más me mi mis mismo mucho muy nada ni no nos nosotros nuestra nuestras
    nuestro nuestros o otra otras otro otros para pero poco por porque qué que
    quien se sea ser si sí sin sobre solo son su sus también tan tanto te tener
    tiene tienen todo todos toda todas tras tu tus un una unas uno unos usted
    ustedes ya yo hacer hecho dicho decir puede pueden puedo debe quiero gracias
    hoy ayer mañana vez veces día días semana semanas mes meses año años fecha
    fechas hora horas minutos tarde noche lunes martes miércoles jueves viernes
    sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre
    octubre noviembre diciembre cliente clientes colaboración contrato contacto
    correo correos empresa escrito factura facturas archivo archivos pago pagos
    proyecto proyectos servicio servicios soporte traspaso trabajo mensaje
    mensajes teléfono llamada reunión saldo depósito acuerdo cláusula preaviso
    copia copias lista notas documento documentos
    """,
    "pl": """
    a aby ale bez bo by być był była było były co czy dla do dwa dwie go gdy
    gdzie i ich im jak jako jej jest jeszcze jego już ją ku lub ma mają mam
    mi mnie może można mu my na nad nam nas nie nic nim niż o od oraz po pod
    przed przez przy się są ta tak tam te tego tej ten to tu tylko tym u w we
    więc wszystko wszystkie z za ze że żeby który która które którego której
    którym pan pani pana panią państwo mój moja moje mojego nasz nasza nasze
    naszej naszego naszą wasz wasza państwa bardzo też jednak dziś dzisiaj
    wczoraj jutro rano wieczorem dzień dni dnia tydzień tygodnie tygodni
    miesiąc miesiące miesięcy rok lata lat data godzina godziny minut
    poniedziałek wtorek środa czwartek piątek sobota niedziela poniedziałku
    wtorku środę czwartku piątku sobotę niedzielę styczeń stycznia luty lutego
    marzec marca kwiecień kwietnia maj maja czerwiec czerwca lipiec lipca
    sierpień sierpnia wrzesień września październik października listopad
    listopada grudzień grudnia klient klienta klientem firma firmy firmie umowa
    umowy umowie współpraca współpracy faktura faktury fakturę płatność
    płatności projekt projektu usługa usługi praca pracy pracę mail maila
    maile telefon telefonu rozmowa rozmowy spotkanie spotkania dokument
    dokumenty pismo piśmie saldo kaucja kaucji lista notatki kopia kopie
    dziękuję proszę został została było będzie będę mogę musi chcę
    """,
    "sv": """
    alla allt att av bara blev bli blir de dem den denna deras dess det detta
    dig din dina ditt du där efter eftersom eller en ett från för ha hade har
    hela hon honom hur här han i igen inte inom jag kan kunde man med mellan
    men mig min mina mitt mot mycket ni nu när och också om oss på sedan sig
    sin sina sitt själv ska skulle som så till under upp ut utan vad var vara
    vi vid vår våra vårt är än även åt över då nog redan fortfarande tack
    hej gjorde göra gör sagt säga sa får fick vill kommer varje
    dag dagar dagen vecka veckor veckan månad månader år året datum tid timme
    timmar minuter morgon morse kväll igår idag imorgon måndag tisdag onsdag
    torsdag fredag lördag söndag januari februari mars april maj juni juli
    augusti september oktober november december kund kunden kunder avtal
    avtalet uppdrag uppdraget samarbete samarbetet faktura fakturan fakturor
    betalning betalningar projekt projektet tjänst tjänster arbete arbetet
    mejl mejlet telefon samtal samtalet möte mötet skriftligt dokument lista
    anteckningar kopia kopior saldo deposition punkt överlämning
    """,
}
COMMON_WORDS_BY_LANGUAGE: dict[str, frozenset[str]] = {
    language: frozenset(text.split()) for language, text in _COMMON_BY_LANGUAGE_TEXT.items()
}
"""Common words per language (besides English's :data:`COMMON_WORDS`), by BCP 47 primary tag."""

_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-"})


@dataclass(frozen=True)
class Leak:
    """One place where words from a private note appear in client-facing text."""

    phrase: str
    """The words as written in the note."""
    incident: int
    """Which incident the note belongs to, counting from 1."""
    document: str
    """One of :data:`DOCUMENTS`: ``letter``, ``script``, ``referral``, ``handover``,
    ``followup`` or ``titles``."""
    line: int
    """The line of the rendered document, counting from 1."""
    excerpt: str
    """That line of the document, shortened around the phrase."""
    kind: str
    """``sentence`` (a whole sentence of the note) or ``phrase``."""
    field: str = ""
    """The case field that holds the words (``script line 3``), or "" when none does."""
    step: Step = Step.REVIEW
    """The wizard step where that field is changed."""

    @property
    def where(self) -> str:
        """``the letter, line 12``."""
        return f"{DOCUMENT_NAMES.get(self.document, self.document)}, line {self.line}"

    def __str__(self) -> str:
        source = f" (from {self.field})" if self.field else ""
        return (
            f'{self.where}: "{self.phrase}" is from private incident note {self.incident}{source}'
        )


@dataclass(frozen=True)
class _Token:
    word: str
    start: int
    end: int
    line: int


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)


def tokens(text: str) -> list[_Token]:
    """The words of ``text``, case-folded, with where each one is (offsets in ``text``)."""
    found: list[_Token] = []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = 0
    # NFKC may change lengths (ﬁ -> fi), so words are matched per character of the
    # original text where possible: normalise each word separately.
    for match in _WORD.finditer(text):
        while line + 1 < len(line_starts) and line_starts[line + 1] <= match.start():
            line += 1
        word = _normal(match.group()).casefold()
        found.append(_Token(word, match.start(), match.end(), line + 1))
    return found


def facts(case: Case) -> frozenset[str]:
    """Words that belong in a letter: the case's client-facing facts, and the
    common words of the case's language when it is not English."""
    c = case
    parts: list[str] = [
        c.client.name,
        c.client.contact,
        c.client.email,
        c.consultant.name,
        c.consultant.business,
        c.consultant.email,
        c.contract.title,
        c.contract.currency,
        c.contract.termination_clause,
        *(inv.number for inv in c.contract.invoices),
        *(d.name for d in c.contract.deliverables),
        *(x.name for x in c.referral.contacts),
        *(x.email for x in c.referral.contacts),
    ]
    language = case.language.strip().lower().replace("_", "-").split("-")[0]
    common = COMMON_WORDS_BY_LANGUAGE.get(language, frozenset())
    return frozenset(t.word for part in parts for t in tokens(_normal(part))) | common


def distinctive(word: str, known: frozenset[str] = frozenset()) -> bool:
    """A word that could point at one particular note, not any letter."""
    return (
        len(word) >= 3
        and any(ch.isalpha() for ch in word)
        and word not in COMMON_WORDS
        and word.removesuffix("'s") not in COMMON_WORDS
        and word not in known
    )


@dataclass(frozen=True)
class _Note:
    incident: int
    text: str
    words: list[_Token]
    sentences: list[tuple[int, int]]
    """Each sentence as a [start, end) range of word positions."""


def _notes(case: Case) -> list[_Note]:
    notes: list[_Note] = []
    for number, incident in enumerate(case.reasons.incidents, start=1):
        text = incident.note
        if not text.strip():
            continue
        words = tokens(text)
        ends = [t.end for t in words]
        sentences: list[tuple[int, int]] = []
        start = 0
        for piece in _SENTENCE_END.finditer(text):
            end = bisect.bisect_right(ends, piece.start())
            if end > start:
                sentences.append((start, end))
            start = end
        if len(words) > start:
            sentences.append((start, len(words)))
        notes.append(_Note(number, text, words, sentences))
    return notes


@dataclass(frozen=True)
class _Run:
    note: _Note
    first: int
    """Position of the first shared word in the note."""
    length: int
    at: int
    """Position of the first shared word in the document."""
    kind: str


MAX_STEPS = 2_000_000
"""Work allowed for one note against one document; only a hostile file comes near it."""


def _runs(note: _Note, doc: list[_Token], known: frozenset[str]) -> Iterator[_Run]:
    """Every longest run of words the note and the document share that counts as a leak.

    A run that counts holds a distinctive word, so runs are found from those words
    only, each grown to its full length once (runs on one diagonal never overlap).
    """
    words = [t.word for t in note.words]
    where: dict[str, list[int]] = {}
    for position, token in enumerate(doc):
        where.setdefault(token.word, []).append(position)
    starts = [start for start, _ in note.sentences]
    grown: dict[int, int] = {}
    """For each diagonal (note position - document position): where its last run ended."""
    steps = 0
    for i, word in enumerate(words):
        if not distinctive(word, known):
            continue
        for p in where.get(word, ()):
            steps += 1
            if steps > MAX_STEPS:
                return
            if grown.get(i - p, -1) > i:
                continue
            a, b = i, i + 1
            while a > 0 and a - i + p > 0 and words[a - 1] == doc[a - 1 - i + p].word:
                a -= 1
            while b < len(words) and b - i + p < len(doc) and words[b] == doc[b - i + p].word:
                b += 1
            steps += b - a
            grown[i - p] = b
            at = a - i + p
            inside = [
                (start, end)
                for start, end in note.sentences[bisect.bisect_left(starts, a) :]
                if end <= b
                and end - start >= MIN_SENTENCE_WORDS
                and any(distinctive(w, known) for w in words[start:end])
            ]
            if inside:
                first, last = inside[0][0], inside[-1][1]
                yield _Run(note, first, last - first, at + first - a, "sentence")
                continue
            run = words[a:b]
            if sum(1 for w in run if distinctive(w, known)) >= MIN_DISTINCTIVE:
                # Common words at the edges add nothing to what leaked.
                first, last = 0, len(run) - 1
                while not distinctive(run[first], known):
                    first += 1
                while not distinctive(run[last], known):
                    last -= 1
                yield _Run(note, a + first, last - first + 1, at + first, "phrase")


def _excerpt(text: str, doc: list[_Token], run: _Run) -> str:
    start, end = doc[run.at].start, doc[run.at + run.length - 1].end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(line_start, start - 20)
    right = min(line_end, max(end + 20, left + _EXCERPT))
    shown = " ".join(text[left:right].split())
    return ("…" if left > line_start else "") + shown + ("…" if right < line_end else "")


def _fields(case: Case) -> Iterator[tuple[str, Step, str]]:
    """Every client-facing text the user writes: (what it is called, its step, the text)."""
    yield "the reason you give", Step.TONE, case.tone.reason_text
    # Typed after the generated text: the letter as edited, what was agreed on the call.
    yield "the letter as you edited it", Step.REVIEW, case.letter.text
    yield "what was agreed on the call", Step.REVIEW, case.outcome.agreed
    yield "the referral paragraph", Step.REFERRAL, case.referral.message
    yield "the kind of provider", Step.REFERRAL, case.referral.provider_type
    for n, contact in enumerate(case.referral.contacts, start=1):
        yield f"referral contact {n}", Step.REFERRAL, f"{contact.name}\n{contact.why}"
    yield "the paid support offer", Step.REFERRAL, case.handover.paid_support
    for n, item in enumerate(case.handover.items, start=1):
        yield f"handover item {n}", Step.REFERRAL, item.text
    for n, line in enumerate(case.script.lines, start=1):
        yield f"script line {n}", Step.SCRIPT, line.text
    for n, objection in enumerate(case.script.objections, start=1):
        yield f"prepared answer {n}", Step.SCRIPT, f"{objection.client}\n{objection.response}"
    yield "the contract title", Step.CONTRACT, case.contract.title
    for n, deliverable in enumerate(case.contract.deliverables, start=1):
        yield f"deliverable {n}", Step.CONTRACT, deliverable.name
    yield "the client's details", Step.CONTRACT, f"{case.client.name}\n{case.client.contact}"


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _source(case: Case, words: list[str]) -> tuple[str, Step]:
    for label, step, text in _fields(case):
        if text.strip() and _contains([t.word for t in tokens(text)], words):
            return label, step
    return "", Step.REVIEW


def documents(case: Case, what: Iterable[str] = DOCUMENTS) -> list[tuple[str, str]]:
    """The client-facing documents as the client would get them: (name, Markdown text)."""
    from clientexit.core import render

    made = {
        "letter": render.render_letter,
        "script": render.render_script,
        "referral": render.referral_email,
        "handover": render.render_handover,
        "followup": render.render_followup,
        "titles": lambda case: "\n".join(render.titles(case).values()),
    }
    return [(name, made[name](case)) for name in what]


def find(case: Case, texts: Iterable[tuple[str, str]]) -> list[Leak]:
    """Leaks of ``case``'s private notes in the given (document name, text) pairs."""
    notes = _notes(case)
    if not notes:
        return []
    known = facts(case)
    texts_seen = list(texts)
    found: list[Leak] = []
    for name, text in texts_seen:
        doc = tokens(text)
        # The longest runs first; a run inside a stretch of the document already
        # reported (the same words repeated in a note) adds nothing.
        runs = sorted(
            (run for note in notes for run in _runs(note, doc, known)),
            key=lambda run: (-run.length, run.at),
        )
        reported: list[tuple[int, int]] = []
        for run in runs:
            if any(start <= run.at and run.at + run.length <= end for start, end in reported):
                continue
            reported.append((run.at, run.at + run.length))
            note = run.note
            words = [t.word for t in note.words[run.first : run.first + run.length]]
            field, step = _source(case, words)
            first, last = note.words[run.first], note.words[run.first + run.length - 1]
            found.append(
                Leak(
                    phrase=" ".join(note.text[first.start : last.end].split()),
                    incident=note.incident,
                    document=name,
                    line=doc[run.at].line,
                    excerpt=_excerpt(text, doc, run),
                    kind=run.kind,
                    field=field,
                    step=step,
                )
            )
    # In reading order: document by document, line by line.
    order = {name: index for index, (name, _) in enumerate(texts_seen)}
    return sorted(found, key=lambda f: (order.get(f.document, 0), f.line, f.incident))


_cache: OrderedDict[tuple[str, str, tuple[str, ...]], list[Leak]] = OrderedDict()
_CACHE_SIZE = 16


def scan(case: Case, what: Iterable[str] = DOCUMENTS) -> list[Leak]:
    """Every leak of a private note into the client-facing documents named in ``what``.

    The documents are rendered exactly as they would be exported (including the
    user's own templates). Raises ``render.TemplateProblem`` when a template is
    broken. Results are remembered for the last few versions of a case, since the
    readiness list asks after every keystroke.
    """
    names = tuple(what)
    if not any(incident.note.strip() for incident in case.reasons.incidents):
        return []
    from clientexit.core import render

    if names == DOCUMENTS and not render.call_done(case):
        # Before the call, the follow-up holds nothing the letter does not (its own
        # text, what was agreed, is written after the call) and "all" leaves it out:
        # the readiness check, run on every keystroke, need not read it twice.
        names = tuple(name for name in names if name != "followup")

    key = (repr(case), str(render.template_folder()), names)
    if key in _cache:
        _cache.move_to_end(key)
        return list(_cache[key])
    found = find(case, documents(case, names))
    _cache[key] = found
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return list(found)


def parts_of(what: str, fmt: str = "md") -> tuple[str, ...]:
    """The documents an export of ``what`` in ``fmt`` contains (``all`` is every one).

    An email (``eml``) also carries its subject, and a calendar (``ics``) carries
    only the event titles.
    """
    if fmt == "ics":
        return ("titles",)
    parts = DOCUMENTS if what == "all" else (what,)
    if fmt == "eml" and "titles" not in parts:
        parts = (*parts, "titles")
    return parts


def summary(leaks: list[Leak]) -> list[str]:
    """One line per leaked phrase, naming every place it appears."""
    grouped: dict[tuple[int, str], list[Leak]] = {}
    for leak in leaks:
        grouped.setdefault((leak.incident, leak.phrase), []).append(leak)
    lines = []
    for (incident, phrase), places in grouped.items():
        where = "; ".join(dict.fromkeys(leak.where for leak in places))
        field = next((leak.field for leak in places if leak.field), "")
        source = f", written in {field}" if field else ""
        lines.append(f'"{phrase}" (private note {incident}) appears in {where}{source}')
    return lines
