"""Step 5, the script: writing it, editing it line by line, prepared answers, speaking time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TextArea

from clientexit.core import render
from clientexit.core.model import ScriptPart
from clientexit.core.rules import Step
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.record import RecordDialog
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.step_script import ScriptStep

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
KETTLE = "the-copper-kettle-cafe-2026-11-10.toml"


def pairs(lines: list) -> list[tuple[ScriptPart, str]]:
    return [(line.part, line.text) for line in lines]


async def open_script(app: ClientExitApp, pilot: Pilot, path: Path | None) -> WizardScreen:
    """Open ``path`` (or a new case) at the script step, with the script table focused."""
    if path is None:
        app.new_case()
    else:
        app.open_case(path, step=Step.SCRIPT)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    screen.action_go(5)
    await pilot.pause()  # the step puts the focus on its first field once laid out
    screen.query_one("#lines DataTable").focus()
    await pilot.pause()
    return screen


def copy_sample(tmp_path: Path, name: str = KETTLE) -> Path:
    target = tmp_path / name
    shutil.copy(SAMPLES / name, target)
    return target


def text_of(screen: WizardScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def type_in_dialog(pilot: Pilot, text: str) -> None:
    """Type ``text`` into the focused field of a record dialog, then save it."""
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_generating_on_an_empty_case_fills_lines_in_part_order(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, None)
        step = screen.query_one(ScriptStep)
        assert screen.query_one("#generate").display
        assert not screen.case.script.lines

        await pilot.press("ctrl+g")
        await pilot.pause()

        lines = screen.case.script.lines
        assert lines
        assert pairs(lines) == pairs(render.generate_script(screen.case))
        order = [list(ScriptPart).index(line.part) for line in lines]
        assert order == sorted(order)
        assert {ScriptPart.OPENING, ScriptPart.DECISION, ScriptPart.CLOSE} <= {
            line.part for line in lines
        }
        assert step.query_one("#lines DataTable", DataTable).row_count == len(lines)
        assert not screen.query_one("#generate").display
        assert screen.dirty


async def test_regenerating_asks_first_and_escape_keeps_your_lines(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, copy_sample(tmp_path))
        mine = pairs(screen.case.script.lines)
        assert len(mine) == 11

        await pilot.press("ctrl+g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert dialog.question.startswith("Replace your 11 lines with a fresh script?")
        assert "Your edits will be lost." in dialog.question
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert pairs(screen.case.script.lines) == mine

        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await pilot.pause()
        fresh = pairs(render.generate_script(screen.case))
        assert pairs(screen.case.script.lines) == fresh
        assert fresh != mine

        # The lines now are what a fresh script would be: nothing to lose, so no question.
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.screen is screen
        assert pairs(screen.case.script.lines) == fresh


async def test_lines_are_added_edited_moved_and_removed_with_the_keyboard(
    tmp_path: Path,
) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, None)
        lines = screen.case.script.lines

        # a: the part choice has the focus and defaults to the opening.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        await pilot.press("tab")
        await type_in_dialog(pilot, "Thanks for making time")
        assert pairs(lines) == [(ScriptPart.OPENING, "Thanks for making time")]

        # A closing line, chosen from the part list, goes after it.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter", *["down"] * 7, "enter", "tab")
        await type_in_dialog(pilot, "Goodbye")
        # A decision line lands between them: grouped in call order, not at the end.
        # (A new line starts in the part under the cursor: here, the opening.)
        await pilot.press("up", "a")
        await pilot.pause()
        await pilot.press("enter", "down", "enter", "tab")
        await type_in_dialog(pilot, "I am ending our work")
        assert pairs(lines) == [
            (ScriptPart.OPENING, "Thanks for making time"),
            (ScriptPart.DECISION, "I am ending our work"),
            (ScriptPart.CLOSE, "Goodbye"),
        ]
        table = screen.query_one("#lines DataTable", DataTable)
        assert table.row_count == 3
        assert table.cursor_row == 1

        # enter edits the line under the cursor.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDialog)
        await pilot.press("tab", "end")
        await type_in_dialog(pilot, " together.")
        assert lines[1].text == "I am ending our work together."

        # ctrl+up and ctrl+down move it.
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert [line.text for line in lines][:2] == [
            "I am ending our work together.",
            "Thanks for making time",
        ]
        assert table.cursor_row == 0
        await pilot.press("ctrl+down", "ctrl+down")
        await pilot.pause()
        assert [line.text for line in lines] == [
            "Thanks for making time",
            "Goodbye",
            "I am ending our work together.",
        ]

        # delete removes it.
        await pilot.press("delete")
        await pilot.pause()
        assert [line.text for line in lines] == ["Thanks for making time", "Goodbye"]
        assert table.row_count == 2
        assert screen.dirty


async def test_common_objections_are_added_once(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, None)
        common = render.default_objections(screen.case)
        assert common

        await pilot.press("ctrl+o")
        await pilot.pause()
        answers = screen.case.script.objections
        assert [o.client for o in answers] == [o.client for o in common]
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert len(answers) == len(common)
        table = screen.query_one("#objections DataTable", DataTable)
        assert table.row_count == len(common)
        assert "Prepared answers: about" in text_of(screen, "#answers-time")


async def test_common_objections_keep_your_own_and_add_only_the_missing(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, None)
        common = render.default_objections(screen.case)
        # Your own answer to the first usual objection stays as you wrote it.
        screen.query_one("#objections DataTable").focus()
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-client", TextArea).text = common[0].client
        await pilot.press("tab", *"My own answer", "ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        answers = screen.case.script.objections
        assert len(answers) == len(common)
        assert answers[0].response == "My own answer"
        assert [o.client for o in answers] == [o.client for o in common]


async def test_speaking_time_follows_the_script(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, None)
        assert not screen.query_one("#script-time").display

        await pilot.press("a", "tab")
        await type_in_dialog(pilot, "one two three four five six seven eight nine ten")
        assert screen.query_one("#script-time").display
        assert text_of(screen, "#script-time") == (
            "About 5 s at a calm pace (130 words a minute), 10 words."
        )

        # A long line is pasted rather than typed: key by key would take a minute.
        await pilot.press("a", "tab")
        app.screen.query_one("#field-text", TextArea).text = " ".join(["word"] * 160)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert text_of(screen, "#script-time") == (
            "About 1 min 18 s at a calm pace (130 words a minute), 170 words."
        )


async def test_missing_parts_are_pointed_out(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, copy_sample(tmp_path))
        assert not screen.query_one("#missing-parts").display
        lines = screen.case.script.lines
        decision = next(i for i, line in enumerate(lines) if line.part is ScriptPart.DECISION)
        screen.query_one("#lines DataTable", DataTable).move_cursor(row=decision)
        await pilot.press("delete")
        await pilot.pause()
        assert screen.query_one("#missing-parts").display
        assert "The script never says the decision plainly." in text_of(screen, "#missing-parts")


async def test_past_rehearsals_are_listed_and_rehearse_explains_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Until the rehearsal screen exists, ctrl+e says so instead of doing nothing.
    monkeypatch.delattr(ClientExitApp, "action_rehearse", raising=False)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, copy_sample(tmp_path))
        shown = text_of(screen, "#rehearsals")
        assert "Past rehearsals" in shown
        assert "4:25" in shown
        assert "2 stumbles" in shown
        assert "press ctrl+e" in text_of(screen, "#rehearse-hint")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert any(
            "Rehearsal mode comes with the rehearsal screen" in str(n.message)
            for n in app._notifications
        )


async def test_rehearse_opens_the_rehearsal_when_the_app_has_one(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    opened: list[bool] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await open_script(app, pilot, copy_sample(tmp_path))
        app.action_rehearse = lambda: opened.append(True)  # type: ignore[attr-defined]
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert opened == [True]


async def test_lines_and_answers_are_saved_in_order(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    path = copy_sample(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_script(app, pilot, path)
        await pilot.press("ctrl+down")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        lines = pairs(screen.case.script.lines)
        answers = [(o.client, o.response) for o in screen.case.script.objections]
        assert lines[0][0] is ScriptPart.DECISION
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.dirty

    saved = load_case(path)
    assert pairs(saved.script.lines) == lines
    assert [(o.client, o.response) for o in saved.script.objections] == answers
    assert len(answers) > 4
