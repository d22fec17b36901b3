"""The client's language on the Tone step: the choice, what it rewrites, and what it asks first."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Select
from wizard_helpers import SAMPLES, wizard

from clientexit.core import languages, render, store
from clientexit.core.model import Tone
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.rehearsal import RehearsalScreen
from clientexit.tui.widgets.step_tone import ToneStep

HARTLEY = "hartley-finch-solicitors"  # English, neutral, with an edited script
OTTICA = "ottica-benedetti"  # Italian, warm


def sample(name: str) -> Path:
    return next(SAMPLES.glob(f"{name}*.toml"))


def untouched_copy(tmp_path: Path, name: str) -> Path:
    """A sample whose script, answers and handover list are exactly what clientexit writes."""
    case = load_case(sample(name))
    case.script.lines = render.generate_script(case)
    case.script.objections = render.default_objections(case)
    case.handover.items = render.default_handover_items(case)
    case.handover.items[0].done = True
    path = tmp_path / sample(name).name
    store.save_case(case, path, touch=False)
    return path


async def open_at_tone(app: ClientExitApp, pilot: Pilot[None], path: Path) -> ToneStep:
    app.open_case(path, step=Step.TONE)
    await pilot.pause()
    return app.screen.query_one(ToneStep)


async def choose(pilot: Pilot[None], name: str) -> None:
    """Pick a language by keyboard: focus the list, open it, move to ``name``, enter."""
    select = pilot.app.screen.query_one("#language", Select)
    select.scroll_visible(animate=False, immediate=True)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    names = list(languages.LANGUAGE_NAMES.values())
    current = languages.language_name(str(select.value))
    steps = names.index(name) - names.index(current)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()
    await pilot.pause()


async def test_the_choice_lists_five_languages_by_their_own_names(tmp_path: Path) -> None:
    shutil.copy(sample(OTTICA), tmp_path)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_at_tone(app, pilot, tmp_path / sample(OTTICA).name)
        select = step.query_one("#language", Select)
        assert select.value == "it"
        labels = [str(prompt) for prompt, _ in select._options]
        assert labels == ["English", "Italiano", "Polski", "Español", "Svenska"]
        assert not wizard(app).dirty, "showing the language is not an edit"


async def test_untouched_text_is_rewritten_without_asking(tmp_path: Path) -> None:
    path = untouched_copy(tmp_path, HARTLEY)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        step = await open_at_tone(app, pilot, path)
        case = step.case
        await choose(pilot, "Italiano")
        assert not isinstance(app.screen, ConfirmDialog)
        assert case.language == "it"
        assert wizard(app).dirty
        italian = load_case(path)
        italian.language = "it"
        assert case.script.lines == render.generate_script(italian)
        assert case.script.objections == render.default_objections(italian)
        assert [i.text for i in case.handover.items] == [
            i.text for i in render.default_handover_items(italian)
        ]
        assert case.handover.items[0].done, "a ticked item stays ticked in the new words"
        assert case.script.lines[0].text.startswith("Buongiorno Margaret")
        # The previews follow at once.
        preview = str(step.query_one("#preview-neutral").render())
        assert "Buongiorno Margaret" in preview


async def test_edited_text_is_kept_when_the_user_keeps_it(tmp_path: Path) -> None:
    shutil.copy(sample(HARTLEY), tmp_path)
    path = tmp_path / sample(HARTLEY).name
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_at_tone(app, pilot, path)
        case = step.case
        before = [(line.part, line.text) for line in case.script.lines]
        await choose(pilot, "Español")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "your call script" in dialog.question and "Español" in dialog.question
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        assert case.language == "es", "the language changes either way"
        assert [(line.part, line.text) for line in case.script.lines] == before
        assert "Buenos días" in str(step.query_one("#preview-neutral").render())


async def test_edited_text_is_replaced_when_the_user_says_so(tmp_path: Path) -> None:
    shutil.copy(sample(HARTLEY), tmp_path)
    path = tmp_path / sample(HARTLEY).name
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_at_tone(app, pilot, path)
        case = step.case
        await choose(pilot, "Polski")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        polish = load_case(path)
        polish.language = "pl"
        assert case.language == "pl"
        assert case.script.lines == render.generate_script(polish)
        assert case.script.objections == render.default_objections(polish)


async def test_escape_on_the_question_keeps_the_edits(tmp_path: Path) -> None:
    shutil.copy(sample(HARTLEY), tmp_path)
    path = tmp_path / sample(HARTLEY).name
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_at_tone(app, pilot, path)
        before = list(step.case.script.objections)
        await choose(pilot, "Svenska")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert step.case.language == "sv"
        assert step.case.script.objections == before


async def test_the_script_step_and_the_rehearsal_speak_the_new_language(tmp_path: Path) -> None:
    path = untouched_copy(tmp_path, HARTLEY)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_at_tone(app, pilot, path)
        await choose(pilot, "Italiano")
        wizard(app).open_step(Step.SCRIPT)
        await pilot.pause()
        table = wizard(app).query_one("#lines DataTable", DataTable)
        first_row = " ".join(str(cell) for cell in table.get_row_at(0))
        assert "Buongiorno Margaret" in first_row
        app.action_rehearse()
        await pilot.pause()
        assert isinstance(app.screen, RehearsalScreen)
        await pilot.press("space")  # skips the countdown
        await pilot.pause()
        current = app.screen.query_one("#current")
        assert "Buongiorno Margaret" in str(current.render())


async def test_a_language_without_templates_stays_as_it_is(tmp_path: Path) -> None:
    case = load_case(sample(HARTLEY))
    case.language = "de"
    path = tmp_path / sample(HARTLEY).name
    store.save_case(case, path, touch=False)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await open_at_tone(app, pilot, path)
        select = step.query_one("#language", Select)
        assert select.value == "de"
        assert "de (no templates: English text)" in [str(p) for p, _ in select._options]
        assert not wizard(app).dirty
        assert step.case.tone.choice is Tone.NEUTRAL
        assert "Hello" in str(step.query_one("#preview-neutral").render())
