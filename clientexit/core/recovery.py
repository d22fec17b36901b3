"""Recovery files: what was typed since the last save, kept safe against a crash.

While a case is open, the app writes a copy of it every second or two into the
library's ``.recovery`` folder (see ``clientexit.tui.autosave``). A real save
removes that copy. So a recovery file that is still there when the app starts,
and is newer than its case, holds work that was never saved: the app offers to
restore it, and shows what differs (:func:`differences`).

- Names: a case saved in the library at ``LIBRARY/acme-corp-2026-11-28.toml`` has
  ``LIBRARY/.recovery/acme-corp-2026-11-28.toml``; a case saved elsewhere adds a
  short hash of its full path to the name; a case never saved yet uses
  ``new-<key>.toml``, with a key that stays the same while it is open.
- A recovery file is a case file whose first line, a TOML comment, says which case
  it belongs to, so it can be opened and checked like any other.
- Writes are atomic and private (0600, in a 0700 folder), like saving a case.
- Nothing here deletes unsaved work on its own: :func:`discard` (the user's
  explicit choice) moves a recovery file to the trash; :func:`remove` is only for
  after a real save, when the case file holds everything the recovery did.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from clientexit.core import codec
from clientexit.core.model import Case, NoticeRule
from clientexit.core.paths import trash_dir
from clientexit.core.store import (
    CASE_SUFFIX,
    DIR_MODE,
    StoreError,
    ensure_library,
    unique_path,
    write_atomic,
)
from clientexit.core.validate import CaseFileError, describe, load_case

RECOVERY_DIR = ".recovery"
"""The folder inside the library that holds recovery files (hidden: never listed as cases)."""

NEW_PREFIX = "new-"
_HEADER = "# clientexit recovery of "
_NEVER_SAVED = "a new case"


def _full(path: Path) -> Path:
    """The path from the root, without ``..`` (links are left as they are)."""
    return Path(os.path.normpath(path.absolute()))


def recovery_dir(library: Path) -> Path:
    return library / RECOVERY_DIR


def new_key() -> str:
    """A key for a case that has no file yet: random, short, safe in a file name."""
    return secrets.token_hex(6)


def recovery_path(library: Path, case_path: Path | None, key: str = "") -> Path:
    """Where the recovery file of a case goes (the case need not exist yet).

    ``key`` names the recovery of a case that was never saved; it is ignored once
    the case has a path.
    """
    folder = recovery_dir(library)
    if case_path is None:
        if not key or not key.isalnum():
            raise ValueError("a case that was never saved needs an alphanumeric key")
        return folder / f"{NEW_PREFIX}{key}{CASE_SUFFIX}"
    full = _full(case_path)
    if full.parent == _full(library):
        return folder / full.name
    # A case from outside the library: two folders may hold files of the same name.
    tag = hashlib.sha256(str(full).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return folder / f"{full.stem}-{tag}{CASE_SUFFIX}"


def recovery_bytes(case: Case, case_path: Path | None, *, text: str | None = None) -> bytes:
    """The recovery file's content: a comment naming the case, then the case as saved
    (``text``, when the caller has already turned the case into it)."""
    origin = json.dumps(str(_full(case_path)) if case_path else _NEVER_SAVED)
    return f"{_HEADER}{origin}\n{codec.dumps(case) if text is None else text}".encode()


def write_bytes(path: Path, data: bytes) -> None:
    """Write a recovery file atomically (0600) into its private (0700) folder."""
    folder = path.parent
    ensure_library(folder.parent)
    try:
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        if folder.stat().st_mode & 0o077:
            folder.chmod(DIR_MODE)
        write_atomic(path, data, backup=False)
    except OSError as error:
        raise StoreError(f"{path}: could not write the recovery copy: {error.strerror}") from None


def write_recovery(case: Case, library: Path, case_path: Path | None, key: str = "") -> Path:
    """Write ``case`` as the recovery copy of the case at ``case_path``; returns its path."""
    path = recovery_path(library, case_path, key)
    write_bytes(path, recovery_bytes(case, case_path))
    return path


def origin(path: Path) -> Path | None:
    """The case a recovery file belongs to, from its first line; None for a new case."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith(_HEADER):
        return None
    try:
        named = json.loads(first[len(_HEADER) :])
    except ValueError:
        return None
    if not isinstance(named, str) or named == _NEVER_SAVED or not named:
        return None
    return Path(named)


@dataclass(frozen=True)
class Recovery:
    """A recovery file and what it would bring back."""

    path: Path
    """The recovery file."""
    case: Case
    """The case as it was when the recovery file was last written."""
    case_path: Path | None
    """The case file it belongs to; None when the case was never saved."""
    written: datetime
    """When the recovery file was last written."""
    saved: Case | None = None
    """The case as saved in ``case_path``; None when there is none or it cannot be read."""
    saved_problem: str = ""
    """Why the saved case could not be read, when it could not."""

    @property
    def key(self) -> str:
        """The key of a never-saved case's recovery (``new-<key>.toml``), else ""."""
        stem = self.path.name.removesuffix(CASE_SUFFIX)
        return stem.removeprefix(NEW_PREFIX) if self.case_path is None else ""

    @property
    def title(self) -> str:
        return self.case.title

    @property
    def differences(self) -> list[str]:
        """What restoring would change, in plain words (everything, for a never-saved case)."""
        if self.saved is None:
            return differences(Case(created=self.case.created), self.case)
        return differences(self.saved, self.case)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def recovery_files(library: Path) -> list[Path]:
    folder = recovery_dir(library)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return sorted(
        Path(entry.path)
        for entry in entries
        if entry.name.endswith(CASE_SUFFIX) and not entry.name.startswith(".") and entry.is_file()
    )


def read_recovery(path: Path) -> Recovery:
    """One recovery file, with the saved case it would replace; raises CaseFileError."""
    case = load_case(path)
    case_path = origin(path)
    written = datetime.fromtimestamp(_mtime(path) or 0, tz=UTC)
    saved: Case | None = None
    problem = ""
    if case_path is not None:
        try:
            saved = load_case(case_path)
        except CaseFileError as error:
            problem = str(error.problems[0]) if error.problems else "cannot be read"
    return Recovery(path, case, case_path, written, saved, problem)


def find_recoveries(library: Path) -> list[Recovery]:
    """Recovery files that hold work the case files do not, newest first.

    A recovery file counts when its case was never saved, is gone, or is older
    than the recovery file, and the recovered case differs from the saved one.
    One that is identical to its saved case holds nothing to lose and is removed;
    one that is older than its case, or cannot be read, is left alone and not offered.

    A copy moved aside (:func:`set_aside`) is offered even when its case was saved
    after it: that save came from another session, which never held this work.
    """
    found: list[Recovery] = []
    for path in recovery_files(library):
        try:
            recovered = read_recovery(path)
        except CaseFileError:
            continue
        if recovered.case_path is not None and recovered.saved is not None:
            case_time = _mtime(recovered.case_path)
            moved_aside = path != recovery_path(library, recovered.case_path)
            if (
                not moved_aside
                and case_time is not None
                and case_time > recovered.written.timestamp()
            ):
                continue
            if not recovered.differences:
                remove(path)
                continue
        found.append(recovered)
    found.sort(key=lambda r: r.written, reverse=True)
    return found


def remove(path: Path) -> None:
    """Delete a recovery file whose work is safely in its case file (after a save)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def set_aside(path: Path) -> Path | None:
    """Move a recovery file out of the way of a new one, under the next free name in
    the same folder (``name-2.toml``...); returns where it went (None if none was there).

    For a case opened while an earlier recovery of it is still undecided: the new
    session's copy must not overwrite that work. Moved, it keeps its first line and
    its date, so it is found and offered like any other recovery file.
    """
    if not path.exists():
        return None
    target = unique_path(path.parent, path.name)
    try:
        path.replace(target)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"{path}: could not move aside: {error.strerror}") from None
    return target


def discard(path: Path, library: Path) -> Path | None:
    """Put a recovery file the user chose not to restore into the library's trash.

    Returns where it went (None if it was already gone). It stays there, like a
    deleted case, until the trash is emptied.
    """
    if not path.exists():
        return None
    trash = ensure_library(trash_dir(library))
    target = unique_path(trash, f"{path.name.removesuffix(CASE_SUFFIX)}-recovered")
    try:
        path.replace(target)
    except OSError as error:
        raise StoreError(f"{path}: could not move to the trash: {error.strerror}") from None
    return target


# --- what differs ---------------------------------------------------------------------

_ROWS: dict[str, tuple[str, str]] = {
    "contract.invoices": ("invoice", "invoices"),
    "contract.deliverables": ("deliverable", "deliverables"),
    "reasons.incidents": ("incident", "incidents"),
    "referral.contacts": ("referral contact", "referral contacts"),
    "handover.items": ("handover item", "handover items"),
    "script.lines": ("script line", "script lines"),
    "script.objections": ("prepared answer", "prepared answers"),
    "rehearsals": ("rehearsal", "rehearsals"),
}
_IGNORED = {"updated"}
"""Stamped on every save: a difference there says nothing about the work."""
_LONG = 40


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (Decimal, int)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "(none)"
    return describe(value)


def _change(key: str, old: Any, new: Any) -> str:
    long_text = any(isinstance(v, str) and len(v) > _LONG for v in (old, new))
    if long_text:
        return f"{key}: text changed"
    return f"{key}: {_shown(old)} → {_shown(new)}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _walk(key: str, old: Any, new: Any) -> Iterator[str]:
    if dataclasses.is_dataclass(old) and dataclasses.is_dataclass(new):
        for field in dataclasses.fields(old):
            if field.name in _IGNORED and not key:
                continue
            inner = f"{key}.{field.name}" if key else field.name
            yield from _walk(inner, getattr(old, field.name), getattr(new, field.name))
        return
    if key in _ROWS:
        yield from _rows(key, old, new)
        return
    if key.endswith("extra") and isinstance(old, dict) and isinstance(new, dict):
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                yield f"{key.removesuffix('extra')}{name}: changed (a key clientexit keeps as is)"
        return
    if old != new:
        yield _change(key, old, new)


def _rows(key: str, old: list[Any], new: list[Any]) -> Iterator[str]:
    one, many = _ROWS[key]
    matcher = difflib.SequenceMatcher(a=[repr(r) for r in old], b=[repr(r) for r in new])
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "insert":
            yield f"{_plural(b2 - b1, one, many)} added"
        elif op == "delete":
            yield f"{_plural(a2 - a1, one, many)} removed"
        else:
            # Rows changed in place, then whatever is left over added or removed.
            paired = min(a2 - a1, b2 - b1)
            for offset in range(paired):
                number = b1 + offset + 1
                for change in _walk(f"{key}[{number}]", old[a1 + offset], new[b1 + offset]):
                    yield change.replace(f"{key}[{number}].", f"{one} {number}, ", 1)
            if b2 - b1 > paired:
                yield f"{_plural(b2 - b1 - paired, one, many)} added"
            if a2 - a1 > paired:
                yield f"{_plural(a2 - a1 - paired, one, many)} removed"


def differences(saved: Case, recovered: Case) -> list[str]:
    """What differs between two versions of a case, one plain line each.

    ``contract.notice_days: 30 → 14``, ``2 incidents added``, ``script line 3:
    text changed``. The ``updated`` stamp is ignored; an empty list means the
    recovered case holds nothing the saved one does not.
    """
    found = list(_walk("", saved, recovered))
    derived = NoticeRule.FIXED not in (saved.contract.notice_rule, recovered.contract.notice_rule)
    if derived:
        # Computed from the call date and the rule, which are compared already.
        found = [line for line in found if not line.startswith("contract.effective_date:")]
    return found
