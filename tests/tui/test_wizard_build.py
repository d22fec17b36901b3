"""The wizard's other steps are made in idle time after its first frame, one at a time:
what they show is what a first visit shows, and quitting, closing, saving or a palette
command in the middle of making them works as it does once they are made."""

from __future__ import annotations

import asyncio
import gc
import re
import shutil
from pathlib import Path

import pytest
from textual import events
from textual.messages import ExitApp
from textual.pilot import Pilot
from textual.widgets import Input, Static, TabbedContent

from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens import wizard as wizard_module
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.step import StepPane
from tests.tui.wizard_helpers import SAMPLES, open_sample_at, wizard


def sample(tmp_path: Path, name: str = "tidewater") -> Path:
    source = next(SAMPLES.glob(f"{name}*.toml"))
    return Path(shutil.copy(source, tmp_path / source.name))


def made(screen: WizardScreen) -> set[Step]:
    return {Step(pane.id or "") for pane in screen.query(StepPane)}


async def first_wizard(app: ClientExitApp) -> WizardScreen:
    for _ in range(2000):
        if isinstance(app.screen, WizardScreen):
            return app.screen
        await asyncio.sleep(0)
    pytest.fail("the wizard never showed")


async def while_making(screen: WizardScreen, step: Step | None = None) -> Step:
    """Return as soon as a step (``step``, if given) is being mounted: in the middle of it."""
    for _ in range(20000):
        if screen.mounting and (step is None or step in screen.mounting):
            return step or next(iter(screen.mounting))
        await asyncio.sleep(0)
    pytest.fail(f"{step or 'no step'} was never being made")


async def all_made(screen: WizardScreen, pilot: Pilot[None]) -> None:
    for _ in range(300):
        if not (screen.building or screen.mounting):
            break
        await pilot.pause(0.01)
    assert made(screen) == set(Step)
    assert not screen.mounting


async def test_the_other_steps_are_made_after_the_first_frame_in_step_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[Step] = []
    real = WizardScreen.make_pane

    def make_pane(self: WizardScreen, step: Step) -> object:
        order.append(step)
        return real(self, step)

    monkeypatch.setattr(WizardScreen, "make_pane", make_pane)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.SCRIPT)
        screen = wizard(app)
        await all_made(screen, pilot)
        # From the step shown on, round to the ones before it.
        assert order == [Step.REVIEW, Step.CONTRACT, Step.REASONS, Step.TONE, Step.REFERRAL]
        # Made, not visited: the step list marks them as before.
        assert screen.visited == {Step.SCRIPT}
        # The collector skips them, as it does a step made on its first visit.
        tracked = {id(thing) for thing in gc.get_objects()}
        assert not any(id(pane) in tracked for pane in screen.query(StepPane))
    assert gc.get_freeze_count() == 0


@pytest.fixture(autouse=True)
def build_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about making steps in idle time: on, whatever the default."""
    monkeypatch.setattr(wizard_module, "BUILD_AHEAD", True)


async def each_step_as_visited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, ahead: bool
) -> list[tuple[Step, str, dict[str, str], list[str], str]]:
    """Visit every step in turn: the focused field, the fields' values, the step list
    and the review's status line."""
    monkeypatch.setattr(wizard_module, "BUILD_AHEAD", ahead)
    tmp_path.mkdir()
    app = build_app(library=tmp_path)
    seen = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.CONTRACT)
        screen = wizard(app)
        if ahead:
            await all_made(screen, pilot)
        else:
            assert made(screen) == {Step.CONTRACT}
        # An edit and a save while the other steps are hidden (made or not).
        await pilot.press("end", "x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        for number, step in enumerate(Step, start=1):
            await pilot.press(f"alt+{number}")
            for _ in range(50):
                await pilot.pause()
                focused = screen.focused
                if focused is not None and screen.pane(step) in focused.ancestors:
                    break
            pane = screen.pane(step)
            assert screen.current is step
            assert focused is not None and pane in focused.ancestors
            fields = {key: pane.query_one(f"#{key}", Input).value for key in pane.links}
            labels = [str(option.prompt) for option in screen.query_one("#steps").options]  # type: ignore[attr-defined]
            status = ""
            if step is Step.REVIEW:
                status = str(screen.query_one("#status", Static).render())
                # The two runs save a moment apart, maybe in different minutes.
                status = re.sub(r"last on .*", "last on (the time of the save)", status)
                status = status.replace(str(tmp_path), "LIBRARY")
            seen.append((step, focused.id or "", fields, labels, status))
    return seen


async def test_steps_made_ahead_show_what_a_first_visit_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_first_visit = await each_step_as_visited(tmp_path / "a", monkeypatch, ahead=False)
    made_ahead = await each_step_as_visited(tmp_path / "b", monkeypatch, ahead=True)
    assert made_ahead == on_first_visit
    assert [step for step, *_ in made_ahead] == list(Step)
    assert "All changes saved" in made_ahead[-1][-1]


async def test_moving_to_the_step_being_made_waits_for_it(tmp_path: Path) -> None:
    app = build_app(library=tmp_path, open_path=sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        step = await while_making(screen)
        screen.open_step(step)
        for _ in range(50):
            await pilot.pause()
            if screen.focused is not None and screen.pane(step) in screen.focused.ancestors:
                break
        assert screen.current is step
        assert screen.focused is not None and screen.pane(step) in screen.focused.ancestors
        await all_made(screen, pilot)


async def test_quitting_while_a_step_is_made(tmp_path: Path) -> None:
    app = build_app(library=tmp_path, open_path=sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        step = await while_making(screen, Step.REVIEW)  # the biggest step
        app.post_message(events.Key("ctrl+q", None))
        await pilot.pause()
        # The step was finished (and filled), then the app ended; nothing more was made.
        assert screen.closing and step not in screen.mounting
    assert app.return_code == 0


@pytest.mark.parametrize("step", [Step.TONE, Step.REVIEW])
async def test_told_to_quit_while_a_step_is_made(tmp_path: Path, step: Step) -> None:
    # The served app's driver quits it with the message itself, not through exit().
    # The Tone step's language Select failed in its mount handler then (its label gone).
    app = build_app(library=tmp_path, open_path=sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        await while_making(screen, step)
        app.post_message(ExitApp())
        for _ in range(300):
            if not app.is_running:
                break
            await pilot.pause(0.01)
        assert not app.is_running
        assert screen.closing and step not in screen.mounting


async def test_a_test_ending_while_a_step_is_made(tmp_path: Path) -> None:
    # The app taken down without exit() (as a test's end does) waits the same way.
    app = build_app(library=tmp_path, open_path=sample(tmp_path))
    async with app.run_test(size=(80, 24)):
        screen = await first_wizard(app)
        await while_making(screen)
    assert screen.closing and not screen.mounting


async def test_closing_the_wizard_while_a_step_is_made(tmp_path: Path) -> None:
    app = build_app(library=tmp_path, open_path=sample(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        await while_making(screen)
        app.post_message(events.Key("escape", None))
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, LibraryScreen):
                break
        assert isinstance(app.screen, LibraryScreen)
        assert not screen.mounting and not screen.is_attached
        assert gc.get_freeze_count() == 0
        # The library works on: the case opens again, and its steps are made again.
        await pilot.press("enter")
        again = await first_wizard(app)
        assert again is not screen
        await all_made(again, pilot)


async def test_saving_while_a_step_is_made(tmp_path: Path) -> None:
    path = sample(tmp_path)
    app = build_app(library=tmp_path, open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        name = screen.case.client.name
        await while_making(screen)
        while not isinstance(app.focused, Input):
            await asyncio.sleep(0)
        app.post_message(events.Key("x", "x"))  # typed in the first field
        while screen.case.client.name == name:
            await asyncio.sleep(0)
        await while_making(screen, Step.REFERRAL)  # a step with fields of its own
        app.post_message(events.Key("ctrl+s", None))
        await pilot.pause()
        assert not screen.dirty
        assert load_case(path).client.name == name + "x"
        # Saved, and no field to fix (the step being made holds nothing typed).
        assert [n.message for n in app._notifications] == [f"Saved {path.name}"]
        await all_made(screen, pilot)


@pytest.mark.parametrize("making", [Step.REVIEW, Step.REASONS])
async def test_a_palette_step_command_while_a_step_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, making: Step
) -> None:
    # The palette's "Edit the letter" runs on the Review step: while that very step is
    # being made, or while another one is.
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)
    app = build_app(library=tmp_path, open_path=sample(tmp_path))

    def editor(command: list[str]) -> int:
        Path(command[-1]).write_text("Dear client, in my own words.\n", encoding="utf-8")
        return 0

    app.editor_runner = editor
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_wizard(app)
        await while_making(screen, making)
        screen.run_on_pane(Step.REVIEW, "action_edit_letter")
        for _ in range(50):
            await pilot.pause()
            if screen.case.letter.text:
                break
        assert screen.current is Step.REVIEW
        assert screen.case.letter.text == "Dear client, in my own words.\n"
        assert screen.query_one("#documents", TabbedContent).active == "tab-letter"
        assert screen.query_one("#letter-edited").display
        await all_made(screen, pilot)
        assert screen.focused is not None
        assert screen.pane(Step.REVIEW) in screen.focused.ancestors


async def test_the_review_shows_a_save_made_while_it_was_hidden(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.CONTRACT)
        screen = wizard(app)
        await all_made(screen, pilot)
        status = screen.query_one("#status", Static)
        await pilot.press("end", "x")
        await pilot.press("alt+6")
        await pilot.pause()
        assert "Unsaved changes" in str(status.render())
        await pilot.press("alt+1")
        await pilot.press("ctrl+s")  # the case unchanged since the review was last shown
        await pilot.pause()
        assert not screen.dirty
        await pilot.press("alt+6")
        await pilot.pause()
        assert screen.current is Step.REVIEW
        assert "All changes saved" in str(status.render())
