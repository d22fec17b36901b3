"""Autosave and the recovery dialog, run inside a small app of their own.

The wizard wires them in (see the lead's wiring); here they are checked on their
own: the debounce, that typing never waits for the disk, that a save removes the
recovery copy even while a write is under way, and that the dialog never deletes
either version without a second yes.
"""

from __future__ import annotations

import asyncio
import copy
import stat
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from textual import on, work
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from clientexit.core import codec, recovery, store
from clientexit.core.model import Case, Incident, RedFlag, new_case
from clientexit.core.recovery import Recovery, find_recoveries
from clientexit.core.validate import load_case
from clientexit.tui import autosave
from clientexit.tui.autosave import Autosaver
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.recovery import KEEP, LATER, RESTORE, RecoveryDialog, ask_about

APP_CSS = Path(__file__).resolve().parents[2] / "clientexit" / "tui" / "app.tcss"


class Typing(App[None]):
    """One input tied to the client's name, autosaved like the wizard does it."""

    def __init__(
        self,
        library: Path,
        case: Case,
        path: Path | None,
        *,
        delay: float,
        longest: float,
        restored_from: Path | None = None,
    ) -> None:
        super().__init__()
        self.restored_from = restored_from
        self.library = library
        self.case = case
        self.path = path
        self.delay = delay
        self.longest = longest
        self.errors: list[str] = []
        self.back_to_saved = 0
        """How many times the autosaver said the case is as its file holds it."""

    def compose(self) -> ComposeResult:
        yield Input(self.case.client.name, id="name", select_on_focus=False)

    def on_mount(self) -> None:
        self.autosaver = Autosaver(
            self,
            self.library,
            self.case,
            self.path,
            delay=self.delay,
            longest=self.longest,
            restored_from=self.restored_from,
            on_error=self.errors.append,
            on_saved_state=self.saved_state,
        )
        self.query_one(Input).focus()

    def saved_state(self) -> None:
        self.back_to_saved += 1

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        if event.value == self.case.client.name:
            return  # filled in on mount: not a change
        self.case.client.name = event.value
        self.autosaver.changed()


def _saved(library: Path) -> tuple[Case, Path]:
    case = new_case()
    case.client.name = "Acme"
    case.call.date = date(2026, 11, 28)
    return case, store.save_new(case, library)


async def _until(check: object, timeout: float = 5.0) -> float:
    """Wait until ``check()`` is true; returns how long it took."""
    started = time.monotonic()
    while not check():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            raise AssertionError("timed out")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


# --- the debounce -----------------------------------------------------------------------


def test_defaults_are_a_second_and_two_at_most() -> None:
    assert (autosave.DELAY, autosave.LONGEST) == (1.0, 2.0)


async def test_written_a_moment_after_the_last_keystroke(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=0.2, longest=0.5)
    async with app.run_test() as pilot:
        saver = app.autosaver
        target = recovery.recovery_path(tmp_path, path)
        await pilot.press(*" Corp")
        assert saver.writes == 0  # still typing: nothing yet
        assert not target.exists()
        waited = await _until(lambda: saver.writes == 1)
        assert waited < 0.6
        await saver.wait()
        assert target.read_bytes() == recovery.recovery_bytes(case, path)
        assert load_case(target).client.name == "Acme Corp"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
        # The case file itself is untouched until a real save.
        assert load_case(path).client.name == "Acme"


async def test_steady_typing_is_never_more_than_longest_behind(tmp_path: Path) -> None:
    """With the real timings: a keystroke every 0.2 s for 3 s, then quiet."""
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=autosave.DELAY, longest=autosave.LONGEST)
    async with app.run_test() as pilot:
        saver = app.autosaver
        started = time.monotonic()
        written_at: list[float] = []
        for n in range(15):
            await pilot.press("x")
            stopped = time.monotonic() - started
            if saver.writes > len(written_at):
                written_at.append(stopped)
            await asyncio.sleep(max(0.2 * (n + 1) - stopped, 0.0))
        await _until(lambda: saver.writes >= len(written_at) + 1)
        last = time.monotonic() - started
        print(f"writes at {written_at} s while typing; after the last key: {last - stopped:.2f} s")
        assert written_at, "typing for 3 s must have written at least once"
        assert 1.8 <= written_at[0] <= 2.5
        assert 0.9 <= last - stopped <= 1.5
        assert load_case(saver.recovery_path).client.name == case.client.name


async def test_an_edit_undone_keeps_no_copy_and_says_so(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=0.1, longest=0.3)
    async with app.run_test() as pilot:
        saver = app.autosaver
        target = recovery.recovery_path(tmp_path, path)
        await pilot.press(*" Corp")
        await _until(lambda: saver.writes == 1)
        await saver.wait()
        assert target.exists() and app.back_to_saved == 0
        await pilot.press(*["backspace"] * 5)
        await _until(lambda: app.back_to_saved == 1)
        await saver.wait()
        assert case.client.name == "Acme"
        assert not target.exists()
        assert saver.writes == 1  # nothing written for the undone edit


async def test_an_edit_after_the_check_is_not_called_saved(tmp_path: Path) -> None:
    # The case is compared in a worker thread: a key typed meanwhile is a new change.
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=5.0, longest=5.0)
    async with app.run_test():
        saver = app.autosaver
        saver.changed()  # as typed, then undone: the case is as its file holds it
        flushing = asyncio.create_task(saver.flush())
        await asyncio.sleep(0)  # the check is under way
        saver.changed()
        await flushing
        assert app.back_to_saved == 0
        await saver.flush()
        assert app.back_to_saved == 1


async def test_typing_never_waits_for_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that takes 1 s for a write: keystrokes are handled at once all the same."""
    case, path = _saved(tmp_path)
    real = recovery.write_bytes
    writing = threading.Event()

    def slow(target: Path, data: bytes) -> None:
        if not writing.is_set():  # the first write is the slow one
            writing.set()
            time.sleep(1.0)
        real(target, data)

    monkeypatch.setattr(recovery, "write_bytes", slow)
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.01)
    async with app.run_test() as pilot:
        started = time.monotonic()
        await pilot.press("a")
        await _until(writing.is_set)
        await pilot.press(*"bcde")
        elapsed = time.monotonic() - started
        print(f"5 keystrokes with a 1 s write starting after the first took {elapsed:.2f} s")
        # Had the write run on the app's thread, the typing would have waited the full second.
        assert elapsed < 0.8, f"typing waited {elapsed:.2f} s for the disk"
        assert app.query_one(Input).value == "Acmeabcde"
        assert app.autosaver.pending  # the first write is still going on
        await app.autosaver.flush()
        assert load_case(app.autosaver.recovery_path).client.name == "Acmeabcde"


# --- after a save, a discard, a stop ----------------------------------------------------


async def test_save_removes_the_recovery_even_mid_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, path = _saved(tmp_path)
    real = recovery.write_bytes
    writing = threading.Event()

    def slow(target: Path, data: bytes) -> None:
        writing.set()
        time.sleep(0.3)
        real(target, data)

    monkeypatch.setattr(recovery, "write_bytes", slow)
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.01)
    async with app.run_test() as pilot:
        saver = app.autosaver
        await pilot.press(*"xyz")
        await _until(writing.is_set)
        store.save_case(case, path)
        saver.saved(path)
        await saver.wait()
        assert not saver.recovery_path.exists()
        assert find_recoveries(tmp_path) == []


async def test_a_new_case_is_kept_under_its_key_until_first_saved(tmp_path: Path) -> None:
    case = new_case()
    app = Typing(tmp_path, case, None, delay=0.01, longest=0.02)
    async with app.run_test() as pilot:
        saver = app.autosaver
        await pilot.press(*"Wilk")
        await _until(lambda: saver.writes >= 1)
        await saver.wait()
        first = saver.recovery_path
        assert first == tmp_path / ".recovery" / f"new-{saver.key}.toml"
        [found] = find_recoveries(tmp_path)
        assert (found.key, found.case.client.name) == (saver.key, "Wilk")
        path = store.save_new(case, tmp_path)
        saver.saved(path)
        await saver.wait()
        assert not first.exists()
        await pilot.press("!")
        await saver.flush()
        assert saver.recovery_path == tmp_path / ".recovery" / path.name


async def test_discard_puts_the_recovery_in_the_trash(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.02)
    async with app.run_test() as pilot:
        saver = app.autosaver
        await pilot.press(*"abc")
        await saver.flush()
        assert saver.recovery_path.exists()
        saver.discard()
        await saver.wait()
        assert not saver.recovery_path.exists()
        [trashed] = store.trash_files(tmp_path)
        assert load_case(trashed).client.name == "Acmeabc"


def _earlier(library: Path, case: Case, path: Path, name: str) -> Path:
    """A recovery of ``path`` left from an earlier session (undecided), older than now."""
    earlier = copy.deepcopy(case)
    earlier.client.name = name
    return recovery.write_recovery(earlier, library, path)


@pytest.mark.parametrize("then", ["type", "save", "discard"])
async def test_earlier_work_at_the_recovery_path_is_moved_aside_never_lost(
    tmp_path: Path, then: str
) -> None:
    case, path = _saved(tmp_path)
    earlier = _earlier(tmp_path, case, path, "Acme Earlier")
    aside = earlier.with_name(f"{path.stem}-2.toml")
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.02)
    async with app.run_test() as pilot:
        saver = app.autosaver
        if then == "type":
            await pilot.press(*"xy")
            await saver.flush()
            assert load_case(earlier).client.name == "Acmexy"
        elif then == "save":
            await pilot.press("x")  # not written yet: the save comes first
            store.save_case(case, path)
            saver.saved(path)
        else:
            await pilot.press("x")
            saver.discard()
        await saver.wait()
        assert load_case(aside).client.name == "Acme Earlier"
        assert recovery.origin(aside) == path
        await pilot.pause()
        assert any("kept apart" in str(n.message) for n in app._notifications)
    if then != "type":
        assert not earlier.exists()


async def test_a_restored_case_writes_over_the_file_it_came_from(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    earlier = _earlier(tmp_path, case, path, "Acme Earlier")
    case.client.name = "Acme Earlier"
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.02, restored_from=earlier)
    async with app.run_test() as pilot:
        await pilot.press("!")
        await app.autosaver.flush()
    assert load_case(earlier).client.name == "Acme Earlier!"
    assert recovery.recovery_files(tmp_path) == [earlier]


@pytest.mark.parametrize("then", ["type", "save", "discard"])
async def test_a_case_restored_from_a_copy_moved_aside(tmp_path: Path, then: str) -> None:
    # Restored from a copy moved aside, while another session's work is at the case's
    # own recovery path: that work is moved aside in turn, never written over, and the
    # copy restored from goes once this session's work is safe (or thrown away).
    case, path = _saved(tmp_path)
    moved = recovery.set_aside(_earlier(tmp_path, case, path, "Acme Moved"))
    assert moved is not None
    other = _earlier(tmp_path, case, path, "Acme Other")
    case.client.name = "Acme Moved"
    # Saved or thrown away before any copy of this session is written.
    delay = 0.01 if then == "type" else 5.0
    app = Typing(tmp_path, case, path, delay=delay, longest=delay, restored_from=moved)
    async with app.run_test() as pilot:
        saver = app.autosaver
        await pilot.press("!")
        if then == "type":
            await saver.flush()
        elif then == "save":
            store.save_case(case, path)
            saver.saved(path)
        else:
            saver.discard()
        await saver.wait()
    names = sorted(load_case(f).client.name for f in recovery.recovery_files(tmp_path))
    assert not moved.exists() or load_case(moved).client.name != "Acme Moved"
    if then == "type":
        assert names == ["Acme Moved!", "Acme Other"]
        assert load_case(other).client.name == "Acme Moved!"
    elif then == "save":
        assert names == ["Acme Other"]
        assert load_case(path).client.name == "Acme Moved!"
    else:
        assert names == ["Acme Other"]
        trashed = sorted(load_case(f).client.name for f in store.trash_files(tmp_path))
        assert trashed == ["Acme Moved"]


async def test_nothing_is_written_after_stop(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=0.3, longest=0.5)
    async with app.run_test() as pilot:
        await pilot.press("a")
        app.autosaver.stop()
        await pilot.press("b")
        await asyncio.sleep(0.6)
        await app.autosaver.wait()
        assert app.autosaver.writes == 0
        assert not app.autosaver.recovery_path.exists()


async def test_a_crash_leaves_the_recovery_to_be_offered(tmp_path: Path) -> None:
    case, path = _saved(tmp_path)
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.02)
    async with app.run_test() as pilot:
        await pilot.press(*" Corp")
        await app.autosaver.flush()
    # The app ended without saving (as a crash would): the work is offered next time.
    [found] = find_recoveries(tmp_path)
    assert found.differences == ['client.name: "Acme" → "Acme Corp"']


async def test_a_failing_disk_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, path = _saved(tmp_path)
    real = recovery.write_bytes
    broken = [True]

    def flaky(target: Path, data: bytes) -> None:
        if broken[0]:
            raise store.StoreError(f"{target}: could not write the recovery copy: disk full")
        real(target, data)

    monkeypatch.setattr(recovery, "write_bytes", flaky)
    app = Typing(tmp_path, case, path, delay=0.01, longest=0.02)
    async with app.run_test() as pilot:
        saver = app.autosaver
        for key in "abc":
            await pilot.press(key)
            await saver.flush()
        assert app.errors == [
            f"{saver.recovery_path}: could not write the recovery copy: disk full"
        ]
        assert saver.error and saver.writes == 0
        broken[0] = False
        await pilot.press("d")
        await saver.flush()
        assert (saver.error, saver.writes) == ("", 1)


# --- the recovery dialog ----------------------------------------------------------------


class Asking(App[None]):
    """Asks about one recovery, the way the app does at start-up."""

    CSS_PATH = APP_CSS

    def __init__(self, found: Recovery, library: Path) -> None:
        super().__init__()
        self.found = found
        self.library = library
        self.answer: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("library")

    def on_mount(self) -> None:
        self.ask()

    @work
    async def ask(self) -> None:
        self.answer = await ask_about(self, self.found, self.library)


def _with_recovery(library: Path) -> tuple[Path, Recovery]:
    _, path = _saved(library)
    edited = load_case(path)
    edited.contract.notice_days = 14
    edited.reasons.incidents.append(Incident(date(2026, 11, 20), RedFlag.HAGGLING, "Again."))
    when = time.time() - 60
    import os

    os.utime(path, (when, when))
    recovery.write_recovery(edited, library, path)
    [found] = find_recoveries(library)
    return path, found


def _text(app: App[None], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_dialog_shows_what_differs(tmp_path: Path) -> None:
    path, found = _with_recovery(tmp_path)
    app = Asking(found, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RecoveryDialog)
        assert _text(app, ".dialog-title") == "Unsaved changes to Acme"
        assert f"after {path.name} was last saved" in _text(app, "#recovery-detail")
        assert _text(app, "#differences-list") == (
            "• contract.notice_days: 30 → 14\n• 1 incident added"
        )
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["Decide later", "Keep the saved file", "Restore"]
        assert app.screen.focused is app.screen.query_one("#restore")


async def test_restore_deletes_nothing(tmp_path: Path) -> None:
    path, found = _with_recovery(tmp_path)
    before = path.read_bytes()
    app = Asking(found, tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.answer == RESTORE
    assert path.read_bytes() == before
    assert found.path.exists()


async def test_decide_later_deletes_nothing(tmp_path: Path) -> None:
    path, found = _with_recovery(tmp_path)
    app = Asking(found, tmp_path)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.answer == LATER
    assert found.path.exists() and path.exists()
    assert len(find_recoveries(tmp_path)) == 1  # offered again next time


async def test_keep_the_saved_file_asks_first(tmp_path: Path) -> None:
    path, found = _with_recovery(tmp_path)
    before = path.read_bytes()
    app = Asking(found, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#keep")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # no: back to the choice, nothing deleted
        await pilot.pause()
        assert isinstance(app.screen, RecoveryDialog)
        assert found.path.exists()
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await pilot.pause()
        assert app.answer == KEEP
    assert not found.path.exists()
    [trashed] = store.trash_files(tmp_path)
    assert load_case(trashed).contract.notice_days == 14  # in the trash, not gone
    assert path.read_bytes() == before


async def test_dialog_for_a_never_saved_case(tmp_path: Path) -> None:
    case = new_case()
    case.client.name = "[bold]Wilk[/]"  # a name is never read as markup
    recovery.write_recovery(case, tmp_path, None, "abc")
    [found] = find_recoveries(tmp_path)
    app = Asking(found, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _text(app, ".dialog-title") == "Unsaved changes to [bold]Wilk[/]"
        assert _text(app, "#recovery-detail").startswith("This case was never saved.")
        assert str(app.screen.query_one("#keep", Button).label) == "Throw away"
        assert "client.name: (empty)" in _text(app, "#differences-list")


async def test_dialog_fits_a_small_terminal(tmp_path: Path) -> None:
    library = tmp_path
    _, path = _saved(library)
    edited = load_case(path)
    edited.script.lines = []
    edited.reasons.incidents = [
        Incident(date(2026, 11, n), RedFlag.OTHER, f"note {n}") for n in range(1, 29)
    ]
    edited.contract.notice_days = 3
    import os

    os.utime(path, (time.time() - 60, time.time() - 60))
    (library / ".recovery").mkdir()
    store.write_atomic(
        recovery.recovery_path(library, path), recovery.recovery_bytes(edited, path), backup=False
    )
    [found] = find_recoveries(library)
    app = Asking(found, library)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        for button in app.screen.query(Button):
            assert app.screen.region.contains_region(button.region), button.id


def test_recovery_bytes_are_the_case_as_saved() -> None:
    case = new_case()
    data = recovery.recovery_bytes(case, None)
    assert data.decode().split("\n", 1)[1] == codec.dumps(case)
