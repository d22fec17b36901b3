"""Step 3, the tone: how you will sound, the one reason you will give, and in which language.

The reason is the only "why" the client hears. It is chosen from a few framings
that shift the weight off the client without lying, or written in the user's
own words; nothing from the internal reasons log is ever shown or used here.

The language is the client's: every letter, script line and email is written in
it. Changing it rewrites the text the user has not touched and asks before
replacing anything they edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalGroup
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, RadioButton, RadioSet, Select, Static

from clientexit.core import languages, render, rules
from clientexit.core.model import Case, Reason, Tone
from clientexit.core.rules import Step
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.widgets.steady import SteadyInput
from clientexit.tui.widgets.step import StepPane

TONES: dict[Tone, tuple[str, str]] = {
    Tone.WARM: ("Warm", "personal and appreciative — for a client you like"),
    Tone.NEUTRAL: ("Neutral", "courteous and businesslike — fits most endings"),
    Tone.FIRM: (
        "Firm",
        "short and clear, no softening — for a client who pushes back or crossed a line",
    ),
}
"""Each tone's name and when it fits, in the order they are offered."""

REASONS: dict[Reason, tuple[str, str]] = {
    Reason.FOCUS: ("Focus", "you are turning your business toward a different kind of work"),
    Reason.FIT: ("Fit", "someone else can serve them better than you can"),
    Reason.ALIGNMENT: ("Alignment", "the commercial side no longer works for both of you"),
    Reason.CAPACITY: (
        "Capacity",
        "their needs have grown beyond what a one-person business can serve",
    ),
    Reason.CUSTOM: ("In my own words", "one true sentence about your side of things"),
}
"""Each framing of the one reason, and what it tells the client."""


def language_options(current: str) -> list[tuple[str, str]]:
    """The languages to choose from, each named in itself; a case's unknown language too.

    A case written by hand may name a language clientexit has no templates for:
    it stays choosable (so opening the step changes nothing), and says what it gets.
    """
    options = [(name, code) for code, name in languages.LANGUAGE_NAMES.items()]
    if current not in languages.LANGUAGE_NAMES:
        options.append((f"{current} (no templates: English text)", current))
    return options


NARROW_WIDTH = 90
"""Below this many columns the three tone previews stack instead of sitting side by side."""

SCRIPT_EXISTS = (
    "You already have a call script. If you change the tone or the reason here, "
    "regenerate it on the Script step so it matches."
)
SCRIPT_STALE = (
    "Your script was written for the previous tone; regenerate it on the Script step "
    "if you want it to match."
)


def _safely(make: Callable[[], str]) -> str:
    """Rendered text, or a plain note: a template problem must not take the screen down."""
    try:
        return make()
    except Exception as error:  # the wording is shown, never worth a crash the night before
        return f"(This text cannot be shown right now: {error})"


def show(box: Static, text: str) -> None:
    """Put ``text`` in ``box`` only when it differs: every update re-lays out the step."""
    if box.content != text:
        box.update(text)


def option_note(name: str, meaning: str) -> Content:
    """The option's name in bold, then what it means: the list reads at a glance."""
    return Content.assemble((name, "bold"), f": {meaning}")


class TonePreview(Static):
    """The opening lines of the call in one tone; a click chooses that tone."""

    @dataclass
    class Chosen(Message):
        tone: Tone

    def __init__(self, tone: Tone) -> None:
        super().__init__("", id=f"preview-{tone.value}", classes="tone-preview", markup=False)
        self.tone = tone
        self.border_title = TONES[tone][0]

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Chosen(self.tone))


class ToneStep(StepPane):
    """Choose warm, neutral or firm, and the one reason to give, with live previews."""

    step = Step.TONE
    heading = "Tone"

    DEFAULT_CSS = """
    ToneStep {
        RadioSet { width: 36; max-width: 100%; }
        .choices { height: auto; margin-bottom: 1; }
        .note { padding: 0 1 0 2; color: $text-muted; }
        .note.-chosen { border-left: outer $primary; padding-left: 1; color: $text; }
        .group-label { margin-top: 1; color: $text-muted; text-style: bold; }
        #reason-text-field { height: auto; }
        #language { width: 36; max-width: 100%; }
        #language-note { height: auto; color: $text-muted; padding: 0 1 0 2; }
        #reason-said {
            height: auto;
            padding: 0 1;
            border-left: outer $primary;
            text-style: italic;
        }
        #reminder { height: auto; color: $text-muted; margin-top: 1; }
        #previews { height: auto; margin-top: 0; }
        .tone-preview {
            width: 1fr;
            height: auto;
            min-height: 5;
            padding: 0 1;
            margin-right: 1;
            border: round $foreground 25%;
            border-title-color: $text-muted;
            color: $text-muted;
        }
        .tone-preview.-chosen {
            border: round $primary;
            border-title-color: $text-primary;
            border-title-style: bold;
            color: $text;
        }
        &.-narrow #previews { layout: vertical; }
        &.-narrow .tone-preview { margin-right: 0; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        # Tone and reason as they were when the case was opened, to tell whether a
        # script written earlier still matches what is chosen now.
        self.opened_with = (case.tone.choice, case.tone.reason, case.tone.reason_text)
        self.link("reason-text", self._read_reason_text, self._write_reason_text, "Your reason")

    def compose(self) -> ComposeResult:
        tone = self.case.tone
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "Choose how you will sound on the call, the one reason you will give, "
            "and the language the client reads and hears.",
            classes="step-intro",
        )
        yield Label("How you will sound", classes="group-label")
        with RadioSet(id="tone-choice"):
            for mood, (name, _) in TONES.items():
                yield RadioButton(name, value=tone.choice is mood, id=f"tone-{mood.value}")
        with VerticalGroup(classes="choices"):
            for mood, (name, meaning) in TONES.items():
                yield Static(option_note(name, meaning), id=f"note-{mood.value}", classes="note")

        yield Label("The one reason you will give", classes="group-label")
        with RadioSet(id="reason-choice"):
            for reason, (name, _) in REASONS.items():
                yield RadioButton(name, value=tone.reason is reason, id=f"reason-{reason.value}")
        with VerticalGroup(classes="choices"):
            for reason, (name, meaning) in REASONS.items():
                yield Static(option_note(name, meaning), id=f"note-{reason.value}", classes="note")
        with VerticalGroup(id="reason-text-field", classes="field"):
            yield Label("Your reason, in one sentence *")
            yield SteadyInput(
                placeholder="e.g. I am moving my practice to fixed-length projects.",
                id="reason-text",
            )
        yield Static("", id="reason-missing", classes="warning", markup=False)
        yield Label("What you will say", classes="group-label")
        yield Static("", id="reason-said", markup=False)
        yield VerticalGroup(id="reason-hints")
        yield Static(
            "One reason only, no blame, and nothing that is not true. A single calm "
            "sentence about your side leaves little to argue with.",
            id="reminder",
        )
        yield Static("", id="script-advice", classes="advice", markup=False)

        yield Label("The client's language", classes="group-label")
        yield Select(
            language_options(languages.language_of(self.case)),
            value=languages.language_of(self.case),
            allow_blank=False,
            id="language",
        )
        yield Static(
            "The letter, the script, the emails and the handover are written in it.",
            id="language-note",
        )

        yield Label("How the call opens in each tone", classes="group-label")
        with HorizontalGroup(id="previews"):
            for value in TONES:
                yield TonePreview(value)

    def _read_reason_text(self) -> str:
        return self.case.tone.reason_text

    def _write_reason_text(self, text: str) -> None:
        self.case.tone.reason_text = text

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    # -- keeping the screen in step with the case -------------------------------

    def refresh_from_case(self) -> None:
        case = self.case
        tone = case.tone
        self._press(f"tone-{tone.choice.value}")
        self._press(f"reason-{tone.reason.value}")
        for note in self.query(".note"):
            note.set_class(note.id in (f"note-{tone.choice}", f"note-{tone.reason}"), "-chosen")

        custom = tone.reason is Reason.CUSTOM
        self.query_one("#reason-text-field").display = custom
        missing = self.query_one("#reason-missing", Static)
        found = [f for f in rules.findings(case) if f.code == "no_reason_text"]
        show(missing, found[0].message if found else "")
        missing.display = bool(found)

        show(self.query_one("#reason-said", Static), _safely(lambda: render.reason_sentence(case)))
        hints = render.reason_hints(tone.reason_text, languages.language_of(case))
        self._show_hints(hints if custom else [])

        advice = self.query_one("#script-advice", Static)
        changed = (tone.choice, tone.reason, tone.reason_text) != self.opened_with
        show(advice, SCRIPT_STALE if changed else SCRIPT_EXISTS)
        advice.display = bool(case.script.lines)

        for preview in self.query(TonePreview):
            show(preview, _safely(partial(render.opening_preview, case, preview.tone)))
            chosen = preview.tone is tone.choice
            preview.set_class(chosen, "-chosen")
            name = TONES[preview.tone][0]
            preview.border_title = f"{name} · chosen" if chosen else name

        language = self.query_one("#language", Select)
        if language.value != languages.language_of(case):
            language.set_options(language_options(languages.language_of(case)))
            language.value = languages.language_of(case)

    def _press(self, button_id: str) -> None:
        # Pressing a button posts RadioSet.Changed; the handlers ignore a press that
        # matches the case, so filling the form never counts as an edit.
        button = self.query_one(f"#{button_id}", RadioButton)
        if not button.value:
            button.value = True

    def _show_hints(self, hints: list[str]) -> None:
        box = self.query_one("#reason-hints", VerticalGroup)
        boxes = list(box.query(Static))
        if len(hints) > len(boxes):
            extra = [
                Static("", classes="advice reason-hint", markup=False) for _ in hints[len(boxes) :]
            ]
            box.mount_all(extra)
            boxes += extra
        for index, hint_box in enumerate(boxes):
            show(hint_box, hints[index] if index < len(hints) else "")
            hint_box.display = index < len(hints)

    # -- events ------------------------------------------------------------------

    @on(RadioSet.Changed, "#tone-choice")
    def tone_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.choose_tone(Tone((event.pressed.id or "").removeprefix("tone-")))

    @on(RadioSet.Changed, "#reason-choice")
    def reason_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        reason = Reason((event.pressed.id or "").removeprefix("reason-"))
        if reason is self.case.tone.reason:
            return
        self.case.tone.reason = reason
        self.edited("tone.reason")
        self.refresh_from_case()

    @on(TonePreview.Chosen)
    def preview_clicked(self, event: TonePreview.Chosen) -> None:
        event.stop()
        self.choose_tone(event.tone)

    @on(Select.Changed, "#language")
    def language_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str) and event.value != languages.language_of(self.case):
            self.choose_language(event.value)

    @work(exclusive=True, group="language")
    async def choose_language(self, language: str) -> None:
        """Write the case in ``language``: untouched text afresh, edited text only if asked."""
        case = self.case
        name = languages.language_name(language)
        try:
            plan = languages.rewrites(case, language)
        except Exception as error:  # a broken template must not stop the choice itself
            self.notify(f"Could not write the text in {name}: {error}", severity="error")
            plan = []
        edited = [rewrite for rewrite in plan if rewrite.edited]
        replace = False
        if edited:
            labels = [rewrite.label for rewrite in edited]
            replace = await self.app.push_screen_wait(
                ConfirmDialog(
                    f"You have edited {render.join_and(labels)}. Replace "
                    f"{'it' if len(edited) == 1 else 'them'} with fresh text in {name}? "
                    "Your edits will be lost.",
                    detail="What you have not changed is rewritten in the new language "
                    "either way. Keep yours to translate it yourself.",
                    yes="Replace",
                    no="Keep mine",
                    danger=True,
                )
            )
        case.language = language
        self.edited("language")
        rewritten = [rewrite for rewrite in plan if replace or not rewrite.edited]
        for rewrite in rewritten:
            rewrite.apply(case)
            self.edited(rewrite.field)
        self.refresh_from_case()
        kept = [rewrite.label for rewrite in edited if not replace]
        said = f"Now writing in {name}."
        if rewritten:
            said += f" Rewrote {render.join_and([r.label for r in rewritten])}."
        if kept:
            them = "it" if len(kept) == 1 else "them"
            said += f" Kept {render.join_and(kept)} as you wrote {them}."
        self.notify(said, timeout=5)

    def choose_tone(self, tone: Tone) -> None:
        if tone is self.case.tone.choice:
            return
        self.case.tone.choice = tone
        self.edited("tone.choice")
        self.refresh_from_case()
