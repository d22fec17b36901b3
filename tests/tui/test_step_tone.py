"""Step 3, the tone: the choice of tone and reason, the hints, and the side-by-side previews."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static
from wizard_helpers import open_new_at, open_sample_at

from clientexit.core import render
from clientexit.core.model import Reason, Tone
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.widgets.step_tone import SCRIPT_EXISTS, SCRIPT_STALE, ToneStep

HARTLEY = "hartley-finch-solicitors"  # neutral, capacity, contact Margaret, has a script


async def open_sample(app: ClientExitApp, pilot: Pilot[None], tmp_path: Path, name: str) -> Path:
    return await open_sample_at(app, pilot, tmp_path, name, Step.TONE)


async def open_new(app: ClientExitApp, pilot: Pilot[None]) -> None:
    await open_new_at(app, pilot, Step.TONE)


def text_of(widget: Widget) -> str:
    return str(widget.render())


def pane(app: ClientExitApp) -> ToneStep:
    return app.screen.query_one(ToneStep)


async def click(pilot: Pilot[None], selector: str) -> None:
    """Click a widget, scrolling it into view first (the step scrolls at 80x24)."""
    widget = pilot.app.screen.query_one(selector)
    widget.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    await pilot.click(selector)
    await pilot.pause()


def chosen_previews(app: ClientExitApp) -> list[str]:
    return [p.id or "" for p in app.screen.query(".tone-preview") if p.has_class("-chosen")]


async def test_each_tone_updates_the_case_and_moves_the_highlight(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        assert case.tone.choice is Tone.NEUTRAL
        assert chosen_previews(app) == ["preview-neutral"]
        for tone in (Tone.WARM, Tone.FIRM, Tone.NEUTRAL):
            await click(pilot, f"#tone-{tone.value}")
            assert case.tone.choice is tone
            assert chosen_previews(app) == [f"preview-{tone.value}"]
            chosen = app.screen.query_one(f"#preview-{tone.value}", Static)
            assert "chosen" in str(chosen.border_title)
        # Every preview speaks to the client's contact by name, in its own tone.
        for tone in Tone:
            shown = text_of(app.screen.query_one(f"#preview-{tone.value}"))
            assert "Margaret" in shown
            assert shown == render.opening_preview(case, tone)
        assert len({text_of(p) for p in app.screen.query(".tone-preview")}) == 3
        assert "unsaved" in str(app.screen.sub_title)


async def test_keyboard_and_a_click_on_a_preview_choose_the_tone(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        app.screen.query_one("#tone-choice").focus()
        await pilot.pause()
        # The highlight starts on the first option: warm, then neutral, then firm.
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert case.tone.choice is Tone.FIRM
        assert chosen_previews(app) == ["preview-firm"]
        await click(pilot, "#preview-warm")
        assert case.tone.choice is Tone.WARM
        assert chosen_previews(app) == ["preview-warm"]


async def test_each_reason_updates_the_case_and_the_sentence(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        case = pane(app).case
        said = app.screen.query_one("#reason-said", Static)
        sentences = set()
        for reason in (Reason.FOCUS, Reason.FIT, Reason.ALIGNMENT, Reason.CAPACITY):
            await click(pilot, f"#reason-{reason.value}")
            assert case.tone.reason is reason
            assert text_of(said) == render.reason_sentence(case)
            sentences.add(text_of(said))
            note = app.screen.query_one(f"#note-{reason.value}")
            assert note.has_class("-chosen")
            # The user's own words are only asked for when they choose to give them.
            assert not app.screen.query_one("#reason-text-field").display
        assert len(sentences) == 4
        # The previews follow the reason too: they are the opening lines as said.
        firm = app.screen.query_one("#preview-firm")
        assert text_of(firm) == render.opening_preview(case, Tone.FIRM)


async def test_own_words_ask_for_the_sentence_and_warn_while_empty(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        case = pane(app).case
        field = app.screen.query_one("#reason-text-field")
        missing = app.screen.query_one("#reason-missing", Static)
        assert not field.display
        assert not missing.display

        await click(pilot, "#reason-custom")
        assert case.tone.reason is Reason.CUSTOM
        assert field.display
        assert missing.display
        assert "have not written it" in text_of(missing)

        app.screen.query_one("#reason-text", Input).focus()
        await pilot.press(*"I do less now.")
        await pilot.pause()
        assert case.tone.reason_text == "I do less now."
        assert not missing.display
        assert "less now" in text_of(app.screen.query_one("#reason-said"))
        assert all(not hint.display for hint in app.screen.query(".reason-hint"))


async def test_a_blaming_reason_gets_plain_hints(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        await click(pilot, "#reason-custom")
        app.screen.query_one("#reason-text", Input).focus()
        await pilot.press(*"You never pay, and also lie.")
        await pilot.pause()
        shown = [text_of(h) for h in app.screen.query(".reason-hint") if h.display]
        assert render.HINT_BLAME in shown
        assert render.HINT_MORE_THAN_ONE in shown
        assert all(h.has_class("advice") for h in app.screen.query(".reason-hint"))

        # Rewritten calmly, the hints go away.
        await pilot.press("ctrl+u", *"I moved on.")
        await pilot.pause()
        assert not [h for h in app.screen.query(".reason-hint") if h.display]


async def test_an_existing_script_gets_a_note_when_the_tone_changes(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        advice = app.screen.query_one("#script-advice", Static)
        assert advice.display
        assert text_of(advice) == SCRIPT_EXISTS
        lines_before = list(pane(app).case.script.lines)
        await click(pilot, "#tone-firm")
        assert text_of(advice) == SCRIPT_STALE
        # The script itself is left alone: regenerating is the Script step's job.
        assert pane(app).case.script.lines == lines_before

    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new(app, pilot)
        assert not app.screen.query_one("#script-advice").display


async def test_previews_stack_when_narrow_and_sit_side_by_side_when_wide(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample(app, pilot, tmp_path, HARTLEY)
        step = pane(app)
        assert step.has_class("-narrow")
        warm, neutral, firm = (app.screen.query_one(f"#preview-{t.value}") for t in Tone)
        assert warm.region.x == neutral.region.x == firm.region.x
        assert warm.region.y < neutral.region.y < firm.region.y
        # Nothing is cut off sideways.
        assert warm.region.right <= step.region.right

        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        await pilot.pause()
        assert not step.has_class("-narrow")
        assert warm.region.y == neutral.region.y == firm.region.y
        assert warm.region.x < neutral.region.x < firm.region.x


async def test_tone_and_reason_are_saved(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        path = await open_sample(app, pilot, tmp_path, HARTLEY)
        await click(pilot, "#tone-warm")
        await click(pilot, "#reason-custom")
        reason_input = app.screen.query_one("#reason-text", Input)
        reason_input.focus()
        await pilot.press("ctrl+u", *"I do less now.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "unsaved" not in str(app.screen.sub_title)

    saved = load_case(path)
    assert saved.tone.choice is Tone.WARM
    assert saved.tone.reason is Reason.CUSTOM
    assert saved.tone.reason_text == "I do less now."
