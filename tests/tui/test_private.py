"""Private by construction: no network, private files, a trash that keeps until emptied.

The walkthrough goes through the whole app as a user would (library, open a case,
every step, save, back), with every way of making a network connection replaced
by one that records the attempt and fails.
"""

from __future__ import annotations

import shutil
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from clientexit.core import recovery, store
from clientexit.core.validate import load_case
from clientexit.tui.app import build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.case_table import CaseTable

_AUDITING: list[list[str]] = []
"""While a list is in here, the audit hook records network events into it."""
_NETWORK = (socket.AF_INET, socket.AF_INET6)
_WATCHED = ("socket.", "http.", "urllib.", "ftplib.", "smtplib.", "webbrowser.")


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Python reports every socket made, even from C: record those that could leave the machine.

    The event loop wakes itself up through a local socket pair (AF_UNIX); that is not
    the network, and neither is a socket bound to a path.
    """
    if not _AUDITING or not event.startswith(_WATCHED):
        return
    if event == "socket.__new__" and args[1] not in (*_NETWORK, -1):
        return
    if event in ("socket.connect", "socket.bind") and isinstance(args[1], (str, bytes)):
        return
    _AUDITING[-1].append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed: this one only listens when asked


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every attempt to reach the network during the test, by name; each one fails."""
    attempts: list[str] = []

    def refuse(name: str) -> object:
        def refused(*args: object, **kwargs: object) -> object:
            attempts.append(name)
            raise OSError(f"clientexit must not use the network ({name})")

        return refused

    class GuardedSocket(socket.socket):
        """Local sockets (the event loop's own) are fine; network ones are refused."""

        def __init__(
            self, family: int = -1, type: int = -1, proto: int = -1, fileno: int | None = None
        ) -> None:
            if family in _NETWORK or (family == -1 and fileno is None):
                attempts.append("socket.socket")
                raise OSError("clientexit must not use the network (socket.socket)")
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(f"socket.{name}"))
    _AUDITING.append(attempts)
    yield attempts
    _AUDITING.remove(attempts)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_guard_catches_a_connection(network_attempts: list[str]) -> None:
    # The test would be worthless if it could not see a connection being made.
    with pytest.raises(OSError, match="must not use the network"):
        socket.create_connection(("example.com", 80))
    with pytest.raises(OSError, match="must not use the network"):
        socket.socket()
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.com", timeout=1)
    assert network_attempts[:2] == ["socket.create_connection", "socket.socket"]
    assert any(a.startswith("urllib.") for a in network_attempts)
    # Made from C, behind the patches' back: the audit hook still sees it.
    import _socket

    _socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    assert network_attempts[-1] == "socket.__new__"
    count = len(network_attempts)
    local = socket.socketpair()  # the event loop's own wake-up pipe: not the network
    for end in local:
        end.close()
    assert len(network_attempts) == count


async def test_full_walkthrough_opens_no_socket(
    sample_library: Path, network_attempts: list[str]
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one("#cases", CaseTable)
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        path = wizard.path
        assert path is not None
        seen = [wizard.current]
        for _ in range(5):
            await pilot.press("f6")
            await pilot.pause()
            seen.append(wizard.current)
        assert [step.value for step in seen] == [
            "contract",
            "reasons",
            "tone",
            "referral",
            "script",
            "review",
        ]
        await pilot.press("shift+f6", "shift+f6", "shift+f6", "shift+f6", "shift+f6")
        await pilot.pause()
        assert wizard.current.value == "contract"
        wizard.query_one("#client-name", Input).focus()
        await pilot.press("end", *" (edited)")
        await pilot.pause()
        assert wizard.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not wizard.dirty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    assert network_attempts == []
    # What was saved is private, and so is the copy of the version before it.
    assert _mode(path) == 0o600
    assert _mode(path.with_name(path.name + ".bak")) == 0o600
    assert _mode(sample_library) == 0o700
    load_case(path)


async def test_a_new_library_and_case_are_private(tmp_path: Path) -> None:
    library = tmp_path / "fresh" / "library"
    app = build_app(library=library, new=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        wizard.case.client.name = "Acme Corp"
        await pilot.press("ctrl+s")
        await pilot.pause()
        path = wizard.path
    assert path is not None and path.parent == library
    assert _mode(library) == 0o700
    assert _mode(path) == 0o600


def test_an_open_library_is_closed_on_the_next_save(
    tmp_path: Path, sample_paths: list[Path]
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    library.chmod(0o755)
    case = load_case(sample_paths[0])
    store.save_new(case, library)
    assert _mode(library) == 0o700


def test_recovery_files_are_private(tmp_path: Path, sample_paths: list[Path]) -> None:
    library = tmp_path / "library"
    path = recovery.write_recovery(load_case(sample_paths[0]), library, None, "k")
    assert (_mode(library), _mode(path.parent), _mode(path)) == (0o700, 0o700, 0o600)


async def test_deleted_cases_stay_in_the_trash_until_emptied(sample_library: Path) -> None:
    before = {p.name for p in sample_library.glob("*.toml")}
    app = build_app(library=sample_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_one("#cases", CaseTable).focus()
        chosen = screen.selected_path
        assert chosen is not None
        content = chosen.read_bytes()
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await pilot.pause()
        assert screen.query_one("#cases", CaseTable).row_count == len(before) - 1
    assert not chosen.exists()
    [kept] = store.trash_files(sample_library)
    assert kept.read_bytes() == content
    assert kept.parent == sample_library / ".trash"
    # Still there the next time the app starts, and not listed as a case.
    assert chosen.name not in {s.path.name for s in store.list_library(sample_library).cases}
    assert store.trash_files(sample_library) == [kept]
    assert store.empty_trash(sample_library) == 1
    assert store.trash_files(sample_library) == []
    assert {p.name for p in sample_library.glob("*.toml")} == before - {chosen.name}


def test_trash_from_the_command_line(
    tmp_path: Path, sample_paths: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from clientexit import cli

    library = tmp_path / "library"
    library.mkdir()
    for sample in sample_paths[:2]:
        shutil.copy(sample, library / sample.name)
        store.move_to_trash(library / sample.name, library)
    home = ["--home", str(library)]
    assert cli.main(["trash", *home]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1:] == [f"  {p.name}" for p in sample_paths[:2]]
    assert err == "Delete them for good with: clientexit trash --empty\n"
    assert cli.main(["trash", "--empty", *home]) == 0
    assert capsys.readouterr().err == "Deleted 2 files from the trash for good.\n"
    assert cli.main(["trash", *home]) == 0
    assert capsys.readouterr().out == f"The trash in {library} is empty.\n"
