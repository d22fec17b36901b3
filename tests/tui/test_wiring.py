"""Autosave, recovery and the quit question, wired into the real app (after the lead's wiring)."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from clientexit.core import recovery, store
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import UnsavedChangesDialog
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.recovery import RecoveryDialog
from clientexit.tui.screens.wizard import WizardScreen

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "piekarnia-lodzka-2026-11-27.toml"


def _library(tmp_path: Path) -> tuple[Path, Path]:
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    return library, Path(shutil.copy(SAMPLE, library / SAMPLE.name))


@asynccontextmanager
async def _opened(
    library: Path, path: Path
) -> AsyncIterator[tuple[ClientExitApp, Pilot[None], WizardScreen]]:
    """The app started on ``path`` (as `clientexit open` does), its wizard on screen."""
    app = build_app(library=library, open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        yield app, pilot, wizard


async def _until(check: object, timeout: float = 5.0) -> None:
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        assert time.monotonic() - started < timeout, "timed out"
        await asyncio.sleep(0.05)


async def _type_name(pilot: object, wizard: WizardScreen, text: str) -> None:
    wizard.query_one("#client-name", Input).focus()
    await pilot.press("end", *text)  # type: ignore[attr-defined]


async def test_typing_is_autosaved_and_a_save_removes_the_copy(tmp_path: Path) -> None:
    library, path = _library(tmp_path)
    async with _opened(library, path) as (_app, pilot, wizard):
        copy = recovery.recovery_path(library, path)
        await _type_name(pilot, wizard, " SA")
        assert not copy.exists()
        await _until(copy.exists)
        assert load_case(copy).client.name.endswith(" SA")
        await pilot.press("ctrl+s")
        await wizard.autosaver.wait()
        assert not copy.exists()
        assert load_case(path).client.name.endswith(" SA")


async def test_after_a_crash_the_work_is_offered_and_restored(tmp_path: Path) -> None:
    library, path = _library(tmp_path)
    before = path.read_bytes()
    async with _opened(library, path) as (app, pilot, wizard):
        await _type_name(pilot, wizard, " SA")
        await wizard.autosaver.flush()
        app.exit()  # as abrupt as it gets without killing the test: no save, no question
    assert path.read_bytes() == before

    app = build_app(library=library, open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecoveryDialog)
        assert "client.name" in str(app.screen.query_one("#differences-list").render())
        await pilot.press("enter")  # Restore
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.case.client.name.endswith(" SA")
        assert wizard.dirty
        assert path.read_bytes() == before  # nothing changes on disk until saved
        await pilot.press("ctrl+s")
        await wizard.autosaver.wait()
    assert load_case(path).client.name.endswith(" SA")
    assert recovery.find_recoveries(library) == []


async def test_quit_with_unsaved_changes_asks_first(tmp_path: Path) -> None:
    library, path = _library(tmp_path)
    async with _opened(library, path) as (app, pilot, wizard):
        await _type_name(pilot, wizard, "!")
        await wizard.autosaver.flush()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.screen is wizard and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("d")  # discard
        await pilot.pause()
        await _until(lambda: not app.is_running)
    assert not recovery.recovery_path(library, path).exists()
    assert [p.name for p in store.trash_files(library)] == [f"{path.stem}-recovered.toml"]


async def test_an_edit_undone_by_hand_is_saved_again(tmp_path: Path) -> None:
    # Typed, then deleted: once the autosave finds the case as its file holds it, the
    # title says saved, no recovery copy is kept, and quitting asks nothing.
    library, path = _library(tmp_path)
    async with _opened(library, path) as (app, pilot, wizard):
        copy = recovery.recovery_path(library, path)
        await _type_name(pilot, wizard, " SA")
        await wizard.autosaver.flush()
        assert copy.exists() and wizard.dirty
        assert str(wizard.sub_title).startswith("● unsaved")
        await pilot.press("backspace", "backspace", "backspace")
        await wizard.autosaver.flush()
        await pilot.pause()
        assert not wizard.dirty
        assert wizard.sub_title == path.name
        assert not copy.exists()
        # Edited again: unsaved again.
        await pilot.press("!")
        assert wizard.dirty
        await pilot.press("backspace")
        await wizard.autosaver.flush()
        await pilot.press("ctrl+q")
        await _until(lambda: not app.is_running)
    assert not copy.exists()


async def test_an_invalid_field_keeps_the_case_unsaved(tmp_path: Path) -> None:
    # Letters in the notice days leave the case as it was (the field keeps its previous
    # value): with the name's edit undone the case is as its file holds it, but what is
    # typed in the notice days is not. Still unsaved, and quitting asks.
    library, path = _library(tmp_path)
    async with _opened(library, path) as (app, pilot, wizard):
        await _until(lambda: not wizard.mounting and wizard.query("#notice-days"))
        before = wizard.case.contract.notice_days
        await _type_name(pilot, wizard, "!")
        wizard.query_one("#notice-days", Input).focus()
        await pilot.press("end", "x")
        wizard.query_one("#client-name", Input).focus()
        await pilot.press("end", "backspace")
        await wizard.autosaver.flush()
        await pilot.pause()
        assert wizard.case.contract.notice_days == before
        assert wizard.case == load_case(path)
        assert wizard.dirty
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, UnsavedChangesDialog)


async def test_a_file_changed_elsewhere_is_not_taken_for_the_case(tmp_path: Path) -> None:
    # The case is compared with its file, not with how it was opened: edited elsewhere
    # meanwhile, the file no longer holds the case, so an edit undone is still unsaved.
    library, path = _library(tmp_path)
    async with _opened(library, path) as (_app, pilot, wizard):
        elsewhere = load_case(path)
        elsewhere.contract.notice_days += 1
        store.save_case(elsewhere, path, touch=False)
        await _type_name(pilot, wizard, "!")
        await pilot.press("backspace")
        await wizard.autosaver.flush()
        await pilot.pause()
        assert wizard.dirty
        assert recovery.recovery_path(library, path).exists()


async def test_quit_without_changes_quits(tmp_path: Path) -> None:
    library, _ = _library(tmp_path)
    app = build_app(library=library)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("ctrl+q")
        await _until(lambda: not app.is_running)


async def test_a_broken_template_is_a_notification(tmp_path: Path) -> None:
    library, path = _library(tmp_path)
    case = load_case(path)
    folder = library / "templates" / "en" / case.tone.choice.value
    folder.mkdir(parents=True)
    (folder / "script.txt.j2").write_text("opening: {{ ''.__class__ }}\n", encoding="utf-8")
    app = build_app(library=library, open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("alt+3")  # the tone step previews the opening lines
        await pilot.pause()
        assert app.is_running
        # The steps catch it and say so where the text would be, naming file and line.
        from textual.widgets import Static

        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "script.txt.j2, line 1: not allowed in a template" in " ".join(shown.split())
