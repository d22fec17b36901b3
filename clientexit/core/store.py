"""The case library: a folder of TOML case files, saved atomically and privately.

- Saving writes a temporary file beside the case, flushes and fsyncs it, keeps the
  previous version as ``NAME.toml.bak`` and renames the new file over the old one,
  so a crash at any moment leaves either the old or the new file, never half of one.
- Files are created readable by the owner only (0600), in a folder only the owner
  can enter (0700).
- Listing never fails because one file is broken: broken files come back as
  problems beside the good cases.
- Deleting moves a case into the library's ``.trash`` folder, where it stays
  until the trash is emptied (:func:`empty_trash`).
- A save cut short by a crash can leave its hidden temporary file behind; the next
  save of that case removes such leftovers once they are an hour old.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientexit.core.base import FORMAT_VERSION, CaseFileError, Problem, Status, utc_now
from clientexit.core.paths import trash_dir

if TYPE_CHECKING:
    from clientexit.core.model import Case

# The model, its rules, the reading of a case file (validate) and the writing of one
# (codec) are imported where a case is read or written: listing a library from its
# index needs none of them, and the library's first frame should not wait for them.

CASE_SUFFIX = ".toml"
BACKUP_SUFFIX = ".bak"
FILE_MODE = 0o600
DIR_MODE = 0o700
MAX_SLUG = 48

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(10)
}
# Letters NFKD does not take apart into a base letter and an accent.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "TH",
        "ð": "d",
        "\u0131": "i",  # dotless i
    }
)
_FORMAT_LINE = re.compile(rb"^\s*format\s*=\s*(\d+)", re.MULTILINE)
STALE_TEMP_SECONDS = 3600
"""A temporary file this old belongs to no save still running: it was left by a crash."""


class StoreError(Exception):
    """A library operation failed; the message says what and where, for the user."""


def slugify(text: str) -> str:
    """A file-name-safe, lower-case ASCII form: ``Piekarnia Łódzka`` gives ``piekarnia-lodzka``.

    Never empty, never a path, never a name Windows reserves.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_SLUG].strip("-")
    if not slug:
        slug = "case"
    if slug in _WINDOWS_RESERVED:
        slug = f"{slug}-case"
    return slug


def case_filename(case: Case) -> str:
    """``acme-corp-2026-11-28.toml``: the client and the call date, or ``-undated``."""
    when = case.call.date.isoformat() if case.call.date else "undated"
    return f"{slugify(case.client.name)}-{when}{CASE_SUFFIX}"


def unique_path(library: Path, name: str) -> Path:
    """``library/name``, or ``name-2``, ``name-3``... if that is taken."""
    stem = name.removesuffix(CASE_SUFFIX)
    candidate = library / f"{stem}{CASE_SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = library / f"{stem}-{number}{CASE_SUFFIX}"
        number += 1
    return candidate


def ensure_library(library: Path) -> Path:
    """Create the library folder (0700) if needed, and close it to others if it was open."""
    try:
        library.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if library.stat().st_mode & 0o077:
            library.chmod(DIR_MODE)
    except OSError as error:
        raise StoreError(f"{library}: cannot use as the case library: {error.strerror}") from None
    return library


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _refuse_newer(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return
    match = _FORMAT_LINE.search(head)
    if match and int(match[1]) > FORMAT_VERSION:
        raise StoreError(
            f"{path}: was written in case-file format {int(match[1])} by a newer clientexit; "
            "it was not overwritten."
        )


def write_atomic(path: Path, data: bytes, *, backup: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole.

    The previous file, if any, is kept as ``path.bak`` (a hard link where the
    file system allows it, so it costs no copy).
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(FILE_MODE)
        if backup and path.exists():
            spare = path.with_name(path.name + BACKUP_SUFFIX)
            with contextlib.suppress(FileNotFoundError):
                spare.unlink()
            try:
                os.link(path, spare)
            except OSError:
                shutil.copy2(path, spare)
            # The old version may predate clientexit (a copied file, 0644): its backup
            # is kept as privately as the case itself.
            with contextlib.suppress(OSError):
                spare.chmod(FILE_MODE)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)
    _sweep_leftovers(path)


def _sweep_leftovers(path: Path) -> None:
    """Remove temporary files of earlier saves of ``path`` that a crash left behind."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    prefix = f".{path.name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        Path(entry.path).unlink()


def save_case(case: Case, path: Path, *, touch: bool = True) -> Path:
    """Save ``case`` to ``path`` atomically; stamps ``updated`` unless ``touch`` is False."""
    if touch:
        case.updated = utc_now()
    if path.exists():
        _refuse_newer(path)
    else:
        ensure_library(path.parent)
    from clientexit.core import codec

    try:
        write_atomic(path, codec.dumps(case).encode("utf-8"))
    except OSError as error:
        raise StoreError(f"{path}: could not save: {error.strerror or error}") from None
    return path


def save_new(case: Case, library: Path) -> Path:
    """Save a case that has no file yet under a fresh, unique name in the library."""
    ensure_library(library)
    return save_case(case, unique_path(library, case_filename(case)))


@dataclass(frozen=True, slots=True)
class PaymentDue:
    """An unpaid invoice's balance and when it falls due."""

    invoice: str
    due: date
    balance: Decimal


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One row of the library: what the list shows without opening the case."""

    path: Path
    client: str
    contact: str
    status: Status
    call_date: date | None
    effective_date: date | None
    money_owed: Decimal
    currency: str
    updated: datetime
    last_rehearsal: datetime | None
    deletion_date: date | None = None
    payments_due: tuple[PaymentDue, ...] = ()
    """Unpaid invoices with a due date, for the library's upcoming dates."""

    @classmethod
    def of(cls, case: Case, path: Path) -> CaseSummary:
        from clientexit.core import rules

        return cls(
            path=path,
            client=case.title,
            contact=case.client.contact,
            status=case.status,
            call_date=case.call.date,
            effective_date=rules.effective_date(case),
            money_owed=rules.money_owed(case),
            currency=sys.intern(case.contract.currency),
            updated=case.updated,
            last_rehearsal=max((r.at for r in case.rehearsals), default=None),
            deletion_date=rules.deletion_date(case),
            payments_due=tuple(
                PaymentDue(inv.number, inv.due, inv.balance)
                for inv in rules.unpaid_invoices(case)
                if inv.due is not None
            ),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "client": self.client,
            "contact": self.contact,
            "status": self.status.value,
            "call_date": self.call_date.isoformat() if self.call_date else None,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "money_owed": str(self.money_owed),
            "currency": self.currency,
            "updated": self.updated.isoformat(),
            "last_rehearsal": self.last_rehearsal.isoformat() if self.last_rehearsal else None,
            "path": str(self.path),
            "deletion_date": self.deletion_date.isoformat() if self.deletion_date else None,
            "payments_due": [
                {"invoice": p.invoice, "due": p.due.isoformat(), "balance": str(p.balance)}
                for p in self.payments_due
            ],
        }


@dataclass
class Listing:
    """The library's contents: the cases that load, and the files that do not."""

    cases: list[CaseSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def case_files(library: Path) -> list[Path]:
    """The case files in the library, by name; hidden files, backups and the trash are skipped.

    Folders are skipped too; anything else named ``*.toml`` (a pipe, a device, a
    broken link) is included, so that reading it reports what it is.
    """
    return [library / name for name in _case_names(library)]


def _case_names(library: Path) -> list[str]:
    # Names, not Paths: making 10,000 Paths takes longer than a large library's first rows.
    try:
        entries = list(os.scandir(library))
    except FileNotFoundError:
        return []
    except OSError as error:
        raise StoreError(f"{library}: cannot read the library: {error.strerror}") from None
    return sorted(
        entry.name for entry in entries if _is_case_name(entry.name) and not _is_folder(entry)
    )


def _is_case_name(name: str) -> bool:
    return name.endswith(CASE_SUFFIX) and not name.startswith(".")


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return not entry.is_file() and entry.is_dir()
    except OSError:  # a link to itself: listed, so that reading it says what is wrong
        return False


INDEX_NAME = ".index.json"
"""The library's index of case summaries (hidden, so listings and backups skip it)."""
INDEX_VERSION = 1
"""Bumped whenever what the index holds, or how a summary is made, changes."""
CHUNK = 200
"""Cases per chunk when the library is read piece by piece (the app's loader)."""
SAVE_EVERY = 2.0
"""Seconds between saves of the index while a large library is first read."""


def _summary_to_json(summary: CaseSummary) -> list[object]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return [
        summary.client,
        summary.contact,
        summary.status.value,
        day(summary.call_date),
        day(summary.effective_date),
        str(summary.money_owed),
        summary.currency,
        summary.updated.isoformat(),
        summary.last_rehearsal.isoformat() if summary.last_rehearsal else None,
        day(summary.deletion_date),
        [[p.invoice, p.due.isoformat(), str(p.balance)] for p in summary.payments_due],
    ]


def _summary_from_json(data: list[Any], path: Path) -> CaseSummary:
    def day(value: object) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else None

    client, contact, status, call, ends, owed, currency, updated, last, gone, due = data
    return CaseSummary(
        path=path,
        client=str(client),
        contact=str(contact),
        status=Status(status),
        call_date=day(call),
        effective_date=day(ends),
        money_owed=Decimal(owed),
        currency=sys.intern(str(currency)),  # one string per currency, not per case
        updated=datetime.fromisoformat(updated),
        last_rehearsal=datetime.fromisoformat(last) if isinstance(last, str) else None,
        deletion_date=day(gone),
        payments_due=tuple(
            PaymentDue(str(invoice), date.fromisoformat(when), Decimal(balance))
            for invoice, when, balance in due
        ),
    )


def _problem_from_json(data: list[Any], path: Path) -> Problem:
    message, key, line, column = data
    if not (line is None or isinstance(line, int)) or not (
        column is None or isinstance(column, int)
    ):
        raise TypeError("line and column are numbers")
    return Problem(str(path), str(message), str(key), line, column)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


def _stamp(info: os.stat_result) -> str:
    # The size and modification time say whether the file changed; the change time
    # also moves on chmod, so a file made readable again is read again.
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ctime_ns}"


Read = tuple[str | None, CaseSummary | list[Problem]]
"""A case file read: its index line (None for a file the index does not keep), and
its summary or problems."""


def _load_summary(path: Path) -> CaseSummary | list[Problem]:
    from clientexit.core.validate import load_case

    try:
        return CaseSummary.of(load_case(path), path)
    except CaseFileError as error:
        return error.problems


def _index_line(info: os.stat_result | None, result: CaseSummary | list[Problem]) -> str | None:
    """A file's line in the index after its name: its stamp, a tab, what it held (JSON)."""
    if info is None or not stat.S_ISREG(info.st_mode):
        return None  # a pipe, a device or a vanished file: nothing to remember
    return f"{_stamp(info)}\t{_payload(result)}"


def _payload(result: CaseSummary | list[Problem]) -> str:
    if isinstance(result, CaseSummary):
        payload: object = _summary_to_json(result)
    else:
        payload = {"problems": [[p.message, p.key, p.line, p.column] for p in result]}
    return json.dumps(payload, separators=(",", ":"))


def _read_case(path: Path, info: os.stat_result | None) -> Read:
    # Stamped as it was before reading: a change made while it is read gives the
    # file a newer stamp, so it is read again next time.
    result = _load_summary(path)
    return _index_line(info, result), result


class LibraryIndex:
    """What each case file of a library held when it was last read, keyed by name and stamp.

    Stored in the library as ``.index.json`` (0600, written atomically): a JSON
    header line, then one line per file: its name (JSON), a tab, its size and
    times, a tab, and its summary or problems (JSON). Lines are parsed only when
    their file is listed, so a large library's first rows need not wait for all.
    A file whose size, modification or change time differs from its line is read
    again; a file no longer there is dropped. An index that is missing, unreadable,
    corrupt or of another version is ignored and rebuilt: it only ever saves work,
    it is never the truth (the case files are).
    """

    def __init__(self, library: Path, *, head: int | None = None) -> None:
        """The library's index; with ``head``, only its first ``head`` lines (to look
        up a few files quickly; such an index is never saved)."""
        self.library = library
        self.path = library / INDEX_NAME
        self.lines: dict[str, str] = {}
        """Each file's line after its name, by its name as JSON: as loaded, for the
        files not listed yet."""
        self.kept: dict[str, str | tuple[str, CaseSummary]] = {}
        """The files listed so far, by name as JSON: each one's new line, or for a
        summary the index held, its stamp and the summary. That line is dropped once
        read (a 10,000-case library's lines are about 3 MB), and made again from
        the summary only if the index is saved."""
        self.changed = False
        self.head = head
        self._load(head)

    def _load(self, head: int | None) -> None:
        # Line by line: a 10,000-case index is a few MB, and reading it whole held
        # three copies of it at once (the bytes, the text, the text split in lines).
        lines: dict[str, str] = {}
        try:
            with self.path.open(encoding="utf-8", newline="\n") as handle:
                header = json.loads(handle.readline())
                if (
                    not isinstance(header, dict)
                    or header.get("version") != INDEX_VERSION
                    or header.get("format") != FORMAT_VERSION
                ):
                    return
                for line in handle:
                    name, tab, rest = line.rstrip("\n").partition("\t")
                    if tab:
                        lines[name] = rest
                        if len(lines) == head:
                            break
        except (OSError, ValueError):
            return  # missing, unreadable or corrupt: rebuilt as the files are read
        self.lines = lines

    def lookup(self, path: Path, info: os.stat_result) -> CaseSummary | list[Problem] | None:
        """What the index holds for ``path`` if the file has not changed since, else None."""
        line = self.lines.get(json.dumps(path.name))
        if line is None:
            return None
        stamp, _, payload = line.partition("\t")
        if stamp != _stamp(info):
            return None
        try:
            data = json.loads(payload)
            if isinstance(data, list):
                return _summary_from_json(data, path)
            return [_problem_from_json(p, path) for p in data["problems"]]
        except (KeyError, IndexError, TypeError, ValueError, ArithmeticError):
            return None  # a damaged line: the file is read again

    def known_or_read(
        self, path: Path, info: os.stat_result | None
    ) -> tuple[Read | None, CaseSummary | list[Problem]]:
        """What the index holds for an unchanged file (and None), or else what reading
        the file gives: the read, to be recorded, and its summary or problems."""
        if info is not None and stat.S_ISREG(info.st_mode):
            known = self.lookup(path, info)
            if known is not None:
                return None, known
        fresh = _read_case(path, info)
        return fresh, fresh[1]

    def current(self, path: Path, info: os.stat_result | None) -> bool:
        """Whether the index has a line for ``path`` stamped as ``info`` (its payload unread)."""
        if info is None or not stat.S_ISREG(info.st_mode):
            return False
        line = self.lines.get(json.dumps(path.name))
        return line is not None and line.partition("\t")[0] == _stamp(info)

    def read(self, path: Path, fresh: Read | None = None) -> CaseSummary | list[Problem]:
        """The summary of ``path`` (or its problems), from the index when it is current.

        ``fresh`` is what :func:`_read_case` gave for it elsewhere (a worker process):
        it is taken as read here.
        """
        return self.read_stamped(path, _stat(path) if fresh is None else None, fresh)

    def read_stamped(
        self, path: Path, info: os.stat_result | None, fresh: Read | None = None
    ) -> CaseSummary | list[Problem]:
        """:meth:`read`, with the file's ``os.stat`` already taken (``info``)."""
        key = json.dumps(path.name)
        if fresh is None:
            fresh, known = self.known_or_read(path, info)
            if fresh is None:  # the index's line is current
                held = self.lines.pop(key)
                if isinstance(known, CaseSummary):
                    self.kept[key] = (held.partition("\t")[0], known)
                else:
                    self.kept[key] = held
                return known
        line, result = fresh
        old = self.lines.pop(key, None)
        if line is None:
            self.changed |= old is not None or self.kept.pop(key, None) is not None
        else:
            self.kept[key] = line
            self.changed = True
        return result

    def save(self, *, final: bool = True) -> None:
        """Write the index if it changed; ``final`` also forgets the files not seen.

        Never fails: an index that cannot be written is simply rebuilt next time.
        """
        if self.head is not None:
            return  # a part of the index: saving it would forget the rest
        gone = bool(self.lines) if final else False
        if final:
            self.lines.clear()
        if not (self.changed or gone) or not self.library.is_dir():
            return
        header = json.dumps({"version": INDEX_VERSION, "format": FORMAT_VERSION})
        lines = [header]
        for key, kept in self.kept.items():
            line = kept if isinstance(kept, str) else f"{kept[0]}\t{_payload(kept[1])}"
            lines.append(f"{key}\t{line}")
        lines.extend(f"{key}\t{line}" for key, line in self.lines.items())
        with contextlib.suppress(OSError):
            write_atomic(self.path, ("\n".join(lines) + "\n").encode("utf-8"), backup=False)
            self.changed = False


PARALLEL_MIN = 200
"""Files to read, at the least, before a listing reads them in worker processes."""
PARALLEL_CHUNK = 50
"""Files per task given to a worker process (small enough to keep every worker busy)."""


def _workers() -> int:
    """How many processes may read case files at once: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Whether worker processes can be forked safely from this one.

    Only by fork (a worker starts at once, with the program already imported; there is
    none on Windows, and macOS' system libraries are not safe to fork), and only from a
    single-threaded process: a fork copies a lock another thread may hold.
    """
    import multiprocessing
    import threading

    return (
        sys.platform != "darwin"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _read_chunk(paths: list[Path]) -> list[Read]:
    return [_read_case(path, _stat(path)) for path in paths]


def _worker_start() -> None:
    # Ctrl-C interrupts the listing in the parent, which ends the workers; each one
    # printing its own KeyboardInterrupt traceback would bury the terminal.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _read_in_workers(paths: list[Path]) -> list[Read] | None:
    """Read ``paths`` in worker processes, in order; None when it is not worth it or fails.

    The results are exactly those of reading the files here: the same summaries, the
    same problems, each file stamped as it was before it was read.
    """
    workers = min(_workers(), -(-len(paths) // PARALLEL_CHUNK))
    if len(paths) < PARALLEL_MIN or workers < 2 or not _can_fork():
        return None
    import multiprocessing
    import signal

    chunks = [paths[i : i + PARALLEL_CHUNK] for i in range(0, len(paths), PARALLEL_CHUNK)]
    try:
        # Forked with Ctrl-C ignored, so that a worker interrupted before its own
        # set-up has run is as quiet as one after (the parent's handler comes back
        # at once; this is its only thread, see _can_fork).
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            pool = multiprocessing.get_context("fork").Pool(workers, _worker_start)
        finally:
            if handler is not None:
                signal.signal(signal.SIGINT, handler)
        with pool:
            return [read for reads in pool.imap(_read_chunk, chunks) for read in reads]
    except OSError:
        return None  # no processes to be had (a limit, no memory): read them here


def iter_library(
    library: Path, *, chunk: int = CHUNK, parallel: bool = False
) -> Iterator[tuple[Listing, int, int]]:
    """The library piece by piece: ``(the next files' listing, files read, files in all)``.

    Cases come in file-name order, unsorted. The index is brought up to date and
    saved as the pieces are read (every couple of seconds, so a listing cut short
    still saves what it read, and at the end).

    With ``parallel``, the files the index does not hold are first read in worker
    processes (when there are enough of them and more than one CPU), then listed as
    if read here. Only for a single-threaded caller that wants the whole listing at
    once: the first piece waits for every file.
    """
    return _iter_library(library, chunk=chunk, parallel=parallel, given=set(), fresh={})


def _iter_library(
    library: Path, *, chunk: int, parallel: bool, given: set[str], fresh: dict[str, Read]
) -> Iterator[tuple[Listing, int, int]]:
    """:func:`iter_library`, less the files in ``given`` (already handed out: read, not
    listed) and with the files in ``fresh`` taken as read (what reading them gave)."""
    names = _case_names(library)
    index = LibraryIndex(library)
    infos: dict[str, os.stat_result | None] = {}
    """Files already looked at (to see whether the index holds them): not looked at again."""
    if parallel:
        paths = [library / name for name in names]
        if index.lines:
            infos = {path.name: _stat(path) for path in paths}
            paths = [path for path in paths if not index.current(path, infos[path.name])]
        reads = _read_in_workers(paths)
        if reads is not None:
            fresh.update(zip((path.name for path in paths), reads, strict=True))
    piece = Listing()
    last_save = time.monotonic()
    for number, name in enumerate(names, start=1):
        # A file a worker read is remembered as read here (its line, its result).
        path = library / name
        if name in infos:
            result = index.read_stamped(path, infos.pop(name), fresh.pop(name, None))
        else:
            result = index.read(path, fresh.pop(name, None))
        if name in given:
            pass
        elif isinstance(result, CaseSummary):
            piece.cases.append(result)
        else:
            piece.problems.extend(result)
        if number % chunk == 0 and number < len(names):
            yield piece, number, len(names)
            piece = Listing()
            if index.changed and time.monotonic() - last_save > SAVE_EVERY:
                index.save(final=False)
                last_save = time.monotonic()
    index.save()
    yield piece, len(names), len(names)


def _head_names(library: Path, index: LibraryIndex, count: int) -> list[str] | None:
    """The names of ``count`` case files found without listing the whole library: the
    first in ``index`` (its head), or else in the folder. None when there are fewer (a
    small library, listed whole just as fast)."""
    names = []
    for key in index.lines:
        with contextlib.suppress(ValueError):
            name = json.loads(key)
            if isinstance(name, str) and _is_case_name(name) and "/" not in name:
                names.append(name)
    if len(names) == count:
        return names
    names = []
    try:
        with os.scandir(library) as entries:
            for entry in entries:
                if _is_case_name(entry.name) and not _is_folder(entry):
                    names.append(entry.name)
                    if len(names) == count:
                        return names
    except OSError:
        pass  # the whole listing says what is wrong
    return None


def iter_library_first(
    library: Path, first: int, *, whole: int = 0, chunk: int = CHUNK
) -> Iterator[tuple[Listing, int, int | None]]:
    """:func:`iter_library` for a screen that wants a few rows at once from a large library.

    The first piece holds ``first`` files found without listing the library or loading
    its whole index, and its total is None (not known yet). The pieces after it list
    the whole library as :func:`iter_library` does, less the files already given. A
    library of fewer than ``max(first, whole)`` files comes whole in the first piece,
    as :func:`iter_library` gives it.
    """
    enough = max(first, whole)
    index = LibraryIndex(library, head=enough)
    names = _head_names(library, index, enough)
    if names is None:
        yield from iter_library(library, chunk=enough)
        return
    names = names[:first]
    piece = Listing()
    fresh: dict[str, Read] = {}
    for name in names:
        path = library / name
        info = _stat(path)
        if info is None or stat.S_ISDIR(info.st_mode):
            continue  # gone, or a folder now, since it was indexed
        # Not recorded in this partial index: the whole listing after it does that.
        read, known = index.known_or_read(path, info)
        if read is not None:
            fresh[name] = read
        if isinstance(known, CaseSummary):
            piece.cases.append(known)
        else:
            piece.problems.extend(known)
    yield piece, len(names), None
    yield from _iter_library(library, chunk=chunk, parallel=False, given=set(names), fresh=fresh)


def list_library(library: Path) -> Listing:
    """Every case in the library, newest call first; broken files are listed as problems.

    Files unchanged since the last listing come from the library's index, unread.
    """
    listing = Listing()
    for piece, _, _ in iter_library(library, chunk=1 << 30, parallel=True):
        listing.cases.extend(piece.cases)
        listing.problems.extend(piece.problems)
    listing.cases.sort(key=lambda s: (s.call_date or date.max, s.client.lower()))
    return listing


def move_to_trash(path: Path, library: Path) -> Path:
    """Move a case (and its backup) into the library's trash; returns where it went."""
    trash = ensure_library(trash_dir(library))
    target = unique_path(trash, path.name)
    try:
        path.replace(target)
    except OSError as error:
        raise StoreError(f"{path}: could not move to the trash: {error.strerror}") from None
    spare = path.with_name(path.name + BACKUP_SUFFIX)
    if spare.exists():
        with contextlib.suppress(OSError):
            spare.replace(target.with_name(target.name + BACKUP_SUFFIX))
    return target


def trash_files(library: Path) -> list[Path]:
    """What is in the library's trash: deleted cases, their backups, discarded recoveries."""
    try:
        return sorted(p for p in trash_dir(library).iterdir() if p.is_file())
    except OSError:
        return []


def empty_trash(library: Path) -> int:
    """Delete everything in the library's trash for good; returns how many files went."""
    removed = 0
    for path in trash_files(library):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise StoreError(f"{path}: could not delete: {error.strerror}") from None
        removed += 1
    return removed


def duplicate_case(path: Path, library: Path) -> Path:
    """Copy a case into a new draft (no rehearsals) and return the new file's path."""
    from clientexit.core.validate import load_case

    case = load_case(path)
    now = utc_now()
    case.created = now
    case.status = Status.DRAFT
    case.rehearsals = []
    return save_new(case, library)
