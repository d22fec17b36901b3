"""Loading only what is needed: the library in pieces, the wizard's steps on first visit."""

from __future__ import annotations

import gc
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from clientexit.core import rules, store
from clientexit.core.rules import Step
from clientexit.core.store import INDEX_NAME, Listing
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens import library as library_screen
from clientexit.tui.screens import wizard as wizard_module
from clientexit.tui.screens.library import LibraryScreen, sort_key
from clientexit.tui.screens.wizard import STEP_HEADINGS, WizardScreen, pane_class
from clientexit.tui.widgets.case_table import CaseTable
from clientexit.tui.widgets.step import StepPane
from tests.tui.wizard_helpers import open_sample_at

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


async def settled(app: ClientExitApp, pilot: Pilot[None]) -> None:
    """Wait until every worker (loading, filling, the preview's check) has finished."""
    for _ in range(200):
        await pilot.pause(0.01)
        if all(worker.is_finished for worker in app.workers):
            break
    await pilot.pause()


def clients(app: ClientExitApp) -> list[str]:
    table = app.screen.query_one("#cases", CaseTable)
    return [summary.client for summary in table.rows]


def expected(library: Path, column: str = "call", words: str = "") -> list[str]:
    """The library's clients as the screen should list them once everything is loaded."""
    cases = [s for s in store.list_library(library).cases if library_screen.matches(s, words)]
    return [s.client for s in sorted(cases, key=lambda s: sort_key(s, column))]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The library loads 3 files before the first frame, then waits for this event,
    so a small library exercises every path of a large one."""
    go = threading.Event()
    real = store.iter_library_first

    def pieces(
        library: Path, first: int, *, whole: int = 0
    ) -> Iterator[tuple[Listing, int, int | None]]:
        for number, piece in enumerate(real(library, 3, chunk=3)):
            if number == 1:
                assert go.wait(10), "the test never let the library finish loading"
            yield piece

    monkeypatch.setattr(library_screen, "iter_library_first", pieces)
    return go


async def test_rows_come_at_once_and_the_rest_loads_with_progress(
    sample_library: Path, held: threading.Event
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        # The first three files are on screen, sorted, while the rest is read (how
        # many there are is not known yet: the folder has not been listed whole).
        assert len(clients(app)) == 3
        loading = screen.query_one("#loading", Static)
        assert loading.display
        assert "Loading cases… 3 read" in str(loading.render())
        # The keyboard works meanwhile.
        await pilot.press("down")
        assert screen.query_one("#cases", CaseTable).cursor_row == 1

        held.set()
        await settled(app, pilot)
        assert not loading.display
        assert clients(app) == expected(sample_library)
        assert (sample_library / INDEX_NAME).exists()

        # Filter and sort are right over everything loaded.
        await pilot.press("slash", *"zofia")
        await pilot.pause()
        assert clients(app) == ["Piekarnia Łódzka"]
        await pilot.press("escape", "escape", "s")
        await settled(app, pilot)
        assert screen.sort_column == "ends"
        assert clients(app) == expected(sample_library, "ends")


def grow(library: Path, count: int) -> None:
    """Copies of the library's cases until it holds ``count`` of them."""
    samples = sorted(library.glob("*.toml"))
    for number in range(count - len(samples)):
        source = samples[number % len(samples)]
        shutil.copy(source, library / f"copy-{number:03}-{source.name}")


async def test_a_small_library_is_whole_on_the_first_frame(sample_library: Path) -> None:
    # More cases than the table shows at 80x24, fewer than are read whole at once.
    grow(sample_library, library_screen.WHOLE_BELOW - 1)
    app = build_app(library=sample_library)
    first: list[list[str]] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and isinstance(screen, LibraryScreen) and not first:
            first.append(clients(app))
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Every row is on the first frame, sorted, and nothing more was loaded after
        # it: the rows of a small library never move as the rest of it arrives.
        assert first == [expected(sample_library)]
        assert not app.screen.query_one("#loading", Static).display
        assert not [w for w in app.workers if w.group == "library-load"]


async def test_the_cursor_goes_back_to_its_case_when_a_large_library_is_read_again(
    sample_library: Path,
) -> None:
    grow(sample_library, library_screen.WHOLE_BELOW + 30)
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(app, pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        # The last row: a case the first screenful of a new reading does not hold.
        await pilot.press("end")
        chosen = screen.selected_path
        assert chosen is not None
        await pilot.press("enter")
        await settled(app, pilot)
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("escape")  # back: the library is read again
        await settled(app, pilot)
        assert app.screen is screen
        assert screen.selected_path == chosen
        # A duplicate gets the cursor, however late its row comes in.
        await pilot.press("c")
        await settled(app, pilot)
        copy = screen.selected_path
        assert copy is not None and copy != chosen
        assert load_case(copy).client.name == load_case(chosen).client.name


async def test_sorting_anew_keeps_the_cursor(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        assert clients(app) == expected(sample_library)
        # The sixth case stays selected when the table is filled again (sorted anew).
        await pilot.press("down", "down", "down", "down", "down")
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        chosen = screen.selected_path
        screen.refresh_table()
        await settled(app, pilot)
        assert clients(app) == expected(sample_library)
        assert screen.selected_path == chosen


async def test_reload_picks_up_changes(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        assert len(clients(app)) == len(list(sample_library.glob("*.toml")))
        # Another program changes the library: one case renamed, one added, one gone.
        kettle = sample_library / "the-copper-kettle-cafe-2026-11-10.toml"
        text = kettle.read_text(encoding="utf-8")
        kettle.write_text(text.replace("The Copper Kettle Café", "The Tin Kettle"), "utf-8")
        shutil.copy(
            sample_library / "oresund-mobler-ab-2026-12-04.toml", sample_library / "copy.toml"
        )
        (sample_library / "hartley-finch-solicitors-2026-12-08.toml").unlink()
        await pilot.press("r")
        await settled(app, pilot)
        shown = clients(app)
        assert shown == expected(sample_library)
        assert "The Tin Kettle" in shown
        assert "Hartley & Finch Solicitors" not in shown
        assert shown.count("Öresund Möbler AB") == 2


async def test_the_preview_says_whether_the_case_is_ready(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settled(app, pilot)
        text = str(app.screen.query_one("#preview", Static).render())
        assert "Checking" not in text
        assert "before the call" in text or "Ready for the call" in text


# --- the wizard -----------------------------------------------------------------------


def mounted_steps(wizard: WizardScreen) -> set[str]:
    return {pane.id or "" for pane in wizard.query(StepPane)}


async def test_a_step_is_made_on_its_first_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A step visited before idle time has made it (here idle time makes none).
    monkeypatch.setattr(wizard_module, "BUILD_AHEAD", False)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.CONTRACT)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert mounted_steps(wizard) == {"contract"}
        # Yet the step list names every step.
        labels = [str(o.prompt) for o in wizard.query_one("#steps").options]  # type: ignore[attr-defined]
        assert [label.split(" ", 3)[-1] for label in labels] == list(STEP_HEADINGS.values())

        await pilot.press("f6")
        await pilot.pause()
        await pilot.pause()
        assert wizard.current is Step.REASONS
        assert mounted_steps(wizard) == {"contract", "reasons"}
        # The new step is filled from the case and ready to type in.
        assert wizard.focused is not None
        assert wizard.pane(Step.REASONS) in wizard.focused.ancestors

        await pilot.press("alt+6")
        await pilot.pause()
        await pilot.pause()
        assert wizard.current is Step.REVIEW
        assert mounted_steps(wizard) == {"contract", "reasons", "review"}
        verdict = str(wizard.query_one("#verdict", Static).render())
        assert "Ready" in verdict or "Not ready" in verdict

        await pilot.press("alt+1")
        await pilot.pause()
        assert wizard.current is Step.CONTRACT
        assert mounted_steps(wizard) == {"contract", "reasons", "review"}


async def test_the_collector_leaves_the_wizard_alone_until_it_closes(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.CONTRACT)
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert gc.get_freeze_count() > 0
        await pilot.press("f6")
        await pilot.pause()
        await pilot.pause()
        assert wizard.current is Step.REASONS
        assert gc.get_freeze_count() > 0
        await pilot.press("escape")
        for _ in range(50):
            if not isinstance(app.screen, WizardScreen):
                break
            await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert gc.get_freeze_count() == 0


def test_the_step_list_names_match_the_panes() -> None:
    for step in Step:
        pane = pane_class(step)
        assert pane.step is step
        assert pane.heading == STEP_HEADINGS[step]


async def test_leaks_are_checked_when_typing_pauses(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sample_at(app, pilot, tmp_path, "tidewater", Step.SCRIPT)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        case = wizard.case
        note = next(i.note for i in case.reasons.incidents if i.note.strip())
        case.script.lines[0].text = note  # as if typed: a private note, word for word
        wizard.check_leaks()
        await pilot.pause()
        assert "leak" in {f.code for f in rules.findings(case)}
        mark = str(wizard.query_one("#steps").get_option_at_index(4).prompt)  # type: ignore[attr-defined]
        assert "!" in mark
    # The wizard is gone: the readiness list scans this case on every call again.
    assert id(case) not in rules._deferred_leaks
