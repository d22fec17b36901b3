"""A large first listing reads its files in worker processes, with exactly the serial result."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import multiprocessing.pool
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core import store
from clientexit.core.model import Case, Invoice
from clientexit.core.store import INDEX_NAME, CaseSummary, Listing, list_library, save_new
from clientexit.core.validate import Problem

MakeCase = Callable[[], Case]

BROKEN = {
    "b-bad-toml.toml": b'format = 1\n[client\nname = "x"\n',
    "b-wrong-type.toml": b'format = 1\nstatus = 3\n[contract]\nnotice_days = "thirty"\n',
    "b-missing-key.toml": b"format = 1\n[[rehearsals]]\nseconds = 60\n",
    "b-no-format.toml": b'[client]\nname = "No format"\n',
    "b-not-utf8.toml": b'format = 1\n[client]\nname = "caf\xe9"\n',
    "b-empty.toml": b"",
    "b-newer.toml": b"format = 99\n",
}

ALWAYS_READ = ["b-dangling.toml", "b-loop.toml", "b-pipe.toml"]
"""Files the index never remembers: a link to nowhere, a link to itself, a pipe."""


@pytest.fixture
def mixed(library: Path, make_case: MakeCase) -> Path:
    """Good cases, broken ones of every kind, and files that cannot be read as case files."""
    for number in range(12):
        case = make_case()
        case.client.name = f"Client {number % 5}"  # equal names: the sort must stay stable
        case.call.date = None if number % 4 == 0 else date(2026, 12, 1 + number % 3)
        case.contract.invoices.append(
            Invoice(f"INV-{number}", Decimal("120.50"), Decimal("0.00"), date(2027, 1, 5))
        )
        save_new(case, library)
    for name, data in BROKEN.items():
        (library / name).write_bytes(data)
    unreadable = library / "b-unreadable.toml"
    # Its times written out: a file without them gets the time it is read.
    unreadable.write_bytes(
        b"format = 1\ncreated = 2026-11-01T09:00:00Z\nupdated = 2026-11-02T09:00:00Z\n"
    )
    unreadable.chmod(0)  # unreadable, unless the tests run as root
    (library / "b-dangling.toml").symlink_to(library / "nowhere.toml")
    (library / "b-loop.toml").symlink_to(library / "b-loop.toml")
    os.mkfifo(library / "b-pipe.toml")
    (library / "folder.toml").mkdir()  # skipped, as a folder
    return library


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes for any number of files, two files a task, two workers."""
    monkeypatch.setattr(store, "PARALLEL_MIN", 2)
    monkeypatch.setattr(store, "PARALLEL_CHUNK", 2)
    monkeypatch.setattr(store, "_workers", lambda: 2)


def _serial(library: Path) -> Listing:
    listing = Listing()
    for piece, _, _ in store.iter_library(library, chunk=5):
        listing.cases.extend(piece.cases)
        listing.problems.extend(piece.problems)
    listing.cases.sort(key=lambda s: (s.call_date or date.max, s.client.lower()))
    return listing


def _index(library: Path) -> list[str]:
    return (library / INDEX_NAME).read_text(encoding="utf-8").splitlines()


def _forget(library: Path) -> None:
    (library / INDEX_NAME).unlink()


def _case_names(library: Path) -> list[str]:
    return [path.name for path in store.case_files(library)]


@pytest.mark.usefixtures("parallel")
def test_workers_give_exactly_the_serial_listing_and_index(
    mixed: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _serial(mixed)
    serial_index = _index(mixed)
    assert reads == _case_names(mixed)
    assert len(serial.cases) == 12 + os.access(mixed / "b-unreadable.toml", os.R_OK)
    assert {Path(p.path).name for p in serial.problems} == set(_case_names(mixed)) - {
        s.path.name for s in serial.cases
    }
    _forget(mixed)
    reads.clear()

    listing = list_library(mixed)

    assert reads == []  # every file was read by a worker
    assert listing.cases == serial.cases
    assert [s.path for s in listing.cases] == [s.path for s in serial.cases]  # order of ties
    assert listing.problems == serial.problems
    assert _index(mixed) == serial_index
    # What the index holds is what the listing returned: a second listing reads nothing.
    monkeypatch.setattr(store, "PARALLEL_MIN", 100)
    again = list_library(mixed)
    assert reads == ALWAYS_READ
    assert again.cases == serial.cases
    assert again.problems == serial.problems


@pytest.mark.usefixtures("parallel")
def test_workers_read_only_the_files_the_index_does_not_hold(
    mixed: Path, reads: list[str], make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_library(mixed)
    for number in range(3):
        case = make_case()
        case.client.name = f"Later {number}"
        save_new(case, mixed)
    given: list[list[str]] = []
    real = store._read_in_workers

    def spy(paths: list[Path]) -> list[store.Read] | None:
        given.append([path.name for path in paths])
        return real(paths)

    monkeypatch.setattr(store, "_read_in_workers", spy)
    reads.clear()

    listing = list_library(mixed)

    # The new files, and those never remembered because they cannot be looked at.
    assert given == [[*ALWAYS_READ, *(f"later-{n}-2026-11-28.toml" for n in range(3))]]
    assert reads == []
    _forget(mixed)
    assert listing.cases == _serial(mixed).cases


def test_few_files_are_read_here(
    mixed: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_workers", lambda: 2)
    monkeypatch.setattr(store, "PARALLEL_CHUNK", 5)
    names = _case_names(mixed)
    monkeypatch.setattr(store, "PARALLEL_MIN", len(names) + 1)
    listing = list_library(mixed)
    assert reads == names  # below the threshold: no worker
    monkeypatch.setattr(store, "PARALLEL_MIN", len(names))
    _forget(mixed)
    reads.clear()
    assert list_library(mixed) == listing
    assert reads == []  # at the threshold: workers


def test_threshold_counts_only_the_files_to_read(
    mixed: Path, reads: list[str], make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "_workers", lambda: 2)
    monkeypatch.setattr(store, "PARALLEL_CHUNK", 1)
    monkeypatch.setattr(store, "PARALLEL_MIN", len(ALWAYS_READ) + 2)
    list_library(mixed)
    save_new(make_case(), mixed)
    reads.clear()
    list_library(mixed)
    assert reads == sorted(["acme-corp-2026-11-28.toml", *ALWAYS_READ])  # too few: read here


@pytest.mark.parametrize(
    "obstacle",
    ["no fork", "macos", "one cpu", "a thread", "no processes"],
)
@pytest.mark.usefixtures("parallel")
def test_without_workers_the_files_are_read_here_with_the_same_result(
    mixed: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch, obstacle: str
) -> None:
    expected = _serial(mixed)
    expected_index = _index(mixed)
    _forget(mixed)
    reads.clear()
    if obstacle == "no fork":  # as on Windows and macOS' default
        monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    elif obstacle == "macos":
        monkeypatch.setattr(store.sys, "platform", "darwin")
    elif obstacle == "one cpu":
        monkeypatch.setattr(store, "_workers", lambda: 1)
    elif obstacle == "no processes":

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise OSError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(multiprocessing.pool, "Pool", refuse)

    with _thread_running(obstacle == "a thread"):
        listing = list_library(mixed)

    assert reads == _case_names(mixed)
    assert listing == expected
    assert _index(mixed) == expected_index


@contextlib.contextmanager
def _thread_running(wanted: bool) -> Iterator[None]:
    """A second thread alive for the duration, when ``wanted``."""
    if not wanted:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def test_worker_results_survive_the_trip_between_processes(mixed: Path) -> None:
    """What a worker sends back is equal to what reading here gives, field for field."""
    paths = store.case_files(mixed)
    here = [store._read_case(path, store._stat(path)) for path in paths]
    chunks = [paths[i : i + 3] for i in range(0, len(paths), 3)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        there = [read for reads in pool.imap(store._read_chunk, chunks) for read in reads]
    assert [r for _, r in there] == [r for _, r in here]
    assert [line for line, _ in there] == [line for line, _ in here]
    assert sum(line is None for line, _ in there) == len(ALWAYS_READ)
    summaries = [r for _, r in there if isinstance(r, CaseSummary)]
    assert summaries and all(isinstance(s.money_owed, Decimal) for s in summaries)
    problems = [p for _, r in there if isinstance(r, list) for p in r]
    assert problems and all(isinstance(p, Problem) for p in problems)
    assert json.dumps([s.to_json() for s in summaries])


_INTERRUPTED = """
import sys, time
from pathlib import Path
from clientexit import cli
from clientexit.core import store

store.PARALLEL_MIN, store.PARALLEL_CHUNK = 2, 1
store._workers = lambda: 2
real = store._load_summary
def slow(path):
    Path(sys.argv[2]).touch()  # a worker has started reading
    time.sleep(0.5)
    return real(path)
store._load_summary = slow
if len(sys.argv) > 3:  # every worker but the first is still setting up when Ctrl-C comes
    setup = store._worker_start
    def late_start():
        try:
            open(sys.argv[3], "x").close()
        except FileExistsError:
            time.sleep(2)
        setup()
    store._worker_start = late_start
sys.exit(cli.main(["--home", sys.argv[1], "list", "--json"]))
"""


@pytest.mark.parametrize("setting_up", [False, True])
def test_ctrl_c_ends_a_parallel_listing_quietly(
    mixed: Path, tmp_path: Path, setting_up: bool
) -> None:
    """As in a terminal, the interrupt reaches every process: no worker prints a
    traceback, not even one interrupted before its own set-up has run."""
    started = tmp_path / "started"
    first = [str(tmp_path / "first")] if setting_up else []
    process = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED, str(mixed), str(started), *first],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not started.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert started.exists()
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "")
