"""The library's index (clientexit.core.store.LibraryIndex): a second listing reads no file."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core import store
from clientexit.core.model import Case, Invoice, Rehearsal
from clientexit.core.store import INDEX_NAME, INDEX_VERSION, Listing, list_library, save_new

MakeCase = Callable[[], Case]


def _filled(make_case: MakeCase, client: str, day: date | None) -> Case:
    case = make_case()
    case.client.name = client
    case.call.date = day
    case.contract.invoices.append(
        Invoice("INV-9", Decimal("300.00"), Decimal("0.00"), date(2026, 12, 15))
    )
    case.rehearsals.append(Rehearsal(at=datetime(2026, 11, 30, 9, 30, tzinfo=UTC), seconds=300))
    return case


@pytest.fixture
def filled(library: Path, make_case: MakeCase) -> Path:
    """A library of three good cases (with unpaid invoices and rehearsals) and a broken file."""
    for client, day in (("Acme", date(2026, 12, 1)), ("Brio", date(2026, 12, 3)), ("Cato", None)):
        save_new(_filled(make_case, client, day), library)
    (library / "broken.toml").write_bytes(b'format = 1\n[client\nname = "x"\n')
    return library


def _same(one: Listing, other: Listing) -> None:
    assert one.cases == other.cases
    assert one.problems == other.problems


class Index:
    """The index file as written: its header, and each file's line by file name."""

    def __init__(self, library: Path) -> None:
        head, *lines = (library / INDEX_NAME).read_text(encoding="utf-8").splitlines()
        self.header = json.loads(head)
        self.lines = {json.loads(line.split("\t")[0]): line for line in lines}

    def payload(self, name: str) -> object:
        return json.loads(self.lines[name].split("\t")[2])

    def write(self, library: Path) -> None:
        text = "\n".join([json.dumps(self.header), *self.lines.values()]) + "\n"
        (library / INDEX_NAME).write_text(text, encoding="utf-8")


def test_a_second_listing_reads_no_case_file(filled: Path, reads: list[str]) -> None:
    first = list_library(filled)
    assert sorted(reads) == sorted(p.name for p in store.case_files(filled))
    reads.clear()
    second = list_library(filled)
    assert reads == []
    # Everything comes back from the index exactly as it was read: every field of
    # every summary (dates, money, invoices due, rehearsals) and every problem.
    _same(first, second)
    assert {s.client for s in second.cases} == {"Acme", "Brio", "Cato"}
    acme = next(s for s in second.cases if s.client == "Acme")
    assert ("INV-9", date(2026, 12, 15), Decimal("300.00")) in {
        (p.invoice, p.due, p.balance) for p in acme.payments_due
    }
    assert acme.last_rehearsal == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
    assert acme.deletion_date is not None
    assert [p.path for p in second.problems] == [str(filled / "broken.toml")]
    assert second.problems[0].line == 2


def test_the_index_is_private_and_hidden(filled: Path) -> None:
    list_library(filled)
    index = filled / INDEX_NAME
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert index not in store.case_files(filled)
    assert Index(filled).header["version"] == INDEX_VERSION
    assert not [p.name for p in filled.iterdir() if p.name.endswith(".tmp")]


def test_a_missing_index_is_rebuilt(filled: Path, reads: list[str]) -> None:
    first = list_library(filled)
    (filled / INDEX_NAME).unlink()
    reads.clear()
    again = list_library(filled)
    assert len(reads) == 4
    _same(first, again)
    assert (filled / INDEX_NAME).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe binary",
        b"[1, 2, 3]",
        b'{"version": 1}\n"broken.toml"\t1 2 3\t[]\n',
        b'{"version": 1, "format": 1}\n"broken.toml"\tnonsense\nnonsense\n',
    ],
)
def test_a_corrupt_index_is_ignored_and_rebuilt(
    filled: Path, reads: list[str], content: bytes
) -> None:
    first = list_library(filled)
    (filled / INDEX_NAME).write_bytes(content)
    reads.clear()
    again = list_library(filled)
    assert len(reads) == 4
    _same(first, again)
    reads.clear()
    _same(first, list_library(filled))
    assert reads == []


def test_damaged_entries_are_read_again(filled: Path, reads: list[str]) -> None:
    first = list_library(filled)
    index = Index(filled)
    acme = next(name for name in index.lines if name.startswith("acme"))
    summary = index.payload(acme)
    assert isinstance(summary, list)
    summary[5] = "lots"  # the money owed, not an amount
    for name, payload in ((acme, summary), ("broken.toml", {"problems": [["x"]]})):
        key, stamp, _ = index.lines[name].split("\t")
        index.lines[name] = f"{key}\t{stamp}\t{json.dumps(payload)}"
    index.write(filled)
    reads.clear()
    _same(first, list_library(filled))
    assert sorted(reads) == sorted([acme, "broken.toml"])


def test_an_index_of_another_version_is_rebuilt(filled: Path, reads: list[str]) -> None:
    first = list_library(filled)
    index = Index(filled)
    index.header["version"] = INDEX_VERSION + 1
    index.write(filled)
    reads.clear()
    _same(first, list_library(filled))
    assert len(reads) == 4
    assert Index(filled).header["version"] == INDEX_VERSION


def test_an_index_that_cannot_be_read_or_written_never_breaks_the_listing(
    filled: Path, reads: list[str]
) -> None:
    (filled / INDEX_NAME).mkdir()  # in the way: neither readable as a file nor replaceable
    first = list_library(filled)
    reads.clear()
    _same(first, list_library(filled))
    assert len(reads) == 4  # nothing could be remembered, so everything is read again
    assert (filled / INDEX_NAME).is_dir()


def test_a_changed_file_is_read_again(filled: Path, reads: list[str]) -> None:
    list_library(filled)
    before = Index(filled).lines
    target = next(p for p in store.case_files(filled) if p.name.startswith("brio"))
    text = target.read_text(encoding="utf-8").replace('name = "Brio"', 'name = "Brio Renamed"')
    stamp = target.stat()
    target.write_text(text, encoding="utf-8")
    # Same size and modification time as before: the change time still tells.
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    reads.clear()
    listing = list_library(filled)
    assert reads == [target.name]
    assert "Brio Renamed" in {s.client for s in listing.cases}
    # The index is saved again: the lines of the files not read again are made anew
    # from their summaries (their loaded lines are let go of once read), the same.
    after = Index(filled).lines
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k != target.name} == {
        k: v for k, v in before.items() if k != target.name
    }
    assert after[target.name] != before[target.name]
    reads.clear()
    list_library(filled)
    assert reads == []


def test_a_new_file_is_read_and_a_removed_one_dropped(
    filled: Path, reads: list[str], make_case: MakeCase
) -> None:
    list_library(filled)
    gone = next(p for p in store.case_files(filled) if p.name.startswith("acme"))
    gone.unlink()
    new = save_new(_filled(make_case, "Dora", date(2026, 12, 9)), filled)
    reads.clear()
    listing = list_library(filled)
    assert reads == [new.name]
    assert {s.client for s in listing.cases} == {"Brio", "Cato", "Dora"}
    names = Index(filled).lines
    assert gone.name not in names
    assert new.name in names


def test_a_broken_file_is_read_again_once_fixed(filled: Path, reads: list[str]) -> None:
    list_library(filled)
    reads.clear()
    assert len(list_library(filled).problems) == 1
    assert reads == []  # its problems are remembered too
    shutil.copy(
        next(p for p in store.case_files(filled) if p.name.startswith("acme")),
        filled / "broken.toml",
    )
    listing = list_library(filled)
    assert reads == ["broken.toml"]
    assert listing.problems == []
    assert len(listing.cases) == 4


def test_a_moved_library_keeps_its_index(filled: Path, reads: list[str]) -> None:
    list_library(filled)
    moved = filled.parent / "moved"
    filled.rename(moved)
    reads.clear()
    listing = list_library(moved)
    assert reads == []
    assert all(s.path.parent == moved for s in listing.cases)
    assert all(Path(p.path).parent == moved for p in listing.problems)


def test_a_library_that_does_not_exist_gets_no_index(tmp_path: Path) -> None:
    assert list_library(tmp_path / "nowhere").cases == []
    assert not (tmp_path / "nowhere").exists()


def test_concurrent_listings_always_leave_a_whole_index(filled: Path, make_case: MakeCase) -> None:
    # Several listings at once (two app windows, a script): each writes its index
    # through its own temporary file and a rename, so a reader only ever finds a
    # whole index, and the listings stay right.
    expected = {"Acme", "Brio", "Cato"}
    errors: list[BaseException] = []
    seen_index: list[Index] = []

    def lister() -> None:
        try:
            for _ in range(15):
                (filled / INDEX_NAME).unlink(missing_ok=True)  # make every listing write
                assert {s.client for s in list_library(filled).cases} == expected
                with contextlib.suppress(FileNotFoundError):  # another lister removed it
                    seen_index.append(Index(filled))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=lister) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen_index  # every index read back was whole JSON of this version
    assert all(index.header["version"] == INDEX_VERSION for index in seen_index)
    assert not [p.name for p in filled.iterdir() if p.name.endswith(".tmp")]
    assert len(Index(filled).lines) == 4


def test_the_app_loader_yields_pieces_and_saves_the_index(filled: Path) -> None:
    pieces = list(store.iter_library(filled, chunk=2))
    assert [(done, total) for _, done, total in pieces] == [(2, 4), (4, 4)]
    assert sum(len(p.cases) for p, _, _ in pieces) == 3
    assert sum(len(p.problems) for p, _, _ in pieces) == 1
    assert len(Index(filled).lines) == 4


def _flatten(pieces: list[tuple[Listing, int, int | None]]) -> tuple[list[str], list[str]]:
    """The clients and the problem files of all pieces, sorted (duplicates kept)."""
    clients = sorted(s.client for piece, _, _ in pieces for s in piece.cases)
    problems = sorted(Path(p.path).name for piece, _, _ in pieces for p in piece.problems)
    return clients, problems


@pytest.mark.parametrize(("first", "whole"), [(5, 0), (2, 5)])
def test_a_small_library_comes_first_as_a_whole_listing_does(
    filled: Path, first: int, whole: int
) -> None:
    pieces = list(store.iter_library_first(filled, first, whole=whole))
    assert [(done, total) for _, done, total in pieces] == [(4, 4)]
    assert _flatten(pieces) == (["Acme", "Brio", "Cato"], ["broken.toml"])


def test_a_library_as_large_as_whole_comes_in_pieces(filled: Path) -> None:
    pieces = list(store.iter_library_first(filled, 2, whole=4))
    assert [(done, total) for _, done, total in pieces] == [(2, None), (4, 4)]
    assert _flatten(pieces) == (["Acme", "Brio", "Cato"], ["broken.toml"])


def test_the_first_files_come_before_the_library_is_listed(
    filled: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed: list[Path] = []
    real = store._case_names
    monkeypatch.setattr(store, "_case_names", lambda lib: listed.append(lib) or real(lib))
    pieces = store.iter_library_first(filled, 2, chunk=1)
    piece, done, total = next(pieces)
    # Two files from the head of the folder (no index yet), the whole not listed yet.
    assert (done, total) == (2, None)
    assert len(piece.cases) + len(piece.problems) == 2
    assert listed == []
    assert len(reads) == len(set(reads)) == 2
    rest = list(pieces)
    assert listed == [filled]
    assert [(done, total) for _, done, total in rest] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    # Every file exactly once, each read once (the first two are not read again).
    assert _flatten([(piece, done, total), *rest]) == (["Acme", "Brio", "Cato"], ["broken.toml"])
    assert sorted(reads) == sorted(p.name for p in store.case_files(filled))
    assert len(Index(filled).lines) == 4


def test_the_first_files_come_from_the_head_of_the_index(
    filled: Path, reads: list[str], make_case: MakeCase
) -> None:
    list_library(filled)
    acme, brio = (filled / name for name in list(Index(filled).lines)[:2])
    assert acme.name.startswith("acme") and brio.name.startswith("brio")
    reads.clear()
    # Of the index's first two files, one has changed and one is gone; a new file is
    # not in the index at all.
    acme.write_text(acme.read_text("utf-8").replace('"Acme"', '"Acme & Co"'), "utf-8")
    brio.unlink()
    dora = save_new(_filled(make_case, "Dora", None), filled)
    pieces = list(store.iter_library_first(filled, 2))
    first, done, total = pieces[0]
    assert (done, total) == (2, None)
    # The changed file is read, the gone one left out, the unchanged ones not read.
    assert [s.client for s in first.cases] == ["Acme & Co"]
    assert first.problems == []
    assert _flatten(pieces) == (["Acme & Co", "Cato", "Dora"], ["broken.toml"])
    assert reads == [acme.name, dora.name]  # each read once
    # The index is whole again: only the files there are, the changed one restamped.
    assert set(Index(filled).lines) == {p.name for p in store.case_files(filled)}
    reads.clear()
    list_library(filled)
    assert reads == []


def test_a_part_of_the_index_is_never_saved(filled: Path) -> None:
    list_library(filled)
    before = (filled / INDEX_NAME).read_bytes()
    head = store.LibraryIndex(filled, head=1)
    assert len(head.lines) == 1
    head.changed = True
    head.save()
    assert (filled / INDEX_NAME).read_bytes() == before
