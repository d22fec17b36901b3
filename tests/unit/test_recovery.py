"""Recovery files (clientexit.core.recovery): named in the library, private, found, compared."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from clientexit.core import codec, recovery, store
from clientexit.core.model import Case, Incident, Invoice, RedFlag, ScriptLine, ScriptPart
from clientexit.core.recovery import differences, find_recoveries, recovery_path
from clientexit.core.store import list_library, save_case, save_new
from clientexit.core.validate import load_case, parse_case_bytes

MakeCase = Callable[[], Case]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _age(path: Path, seconds: float) -> None:
    """Make ``path`` look ``seconds`` older than now."""
    when = time.time() - seconds
    os.utime(path, (when, when))


# --- names ------------------------------------------------------------------------------


def test_recovery_of_a_library_case_has_its_name(library: Path) -> None:
    case_path = library / "acme-corp-2026-11-28.toml"
    assert recovery_path(library, case_path) == library / ".recovery" / case_path.name


def test_recovery_of_a_case_elsewhere_is_told_apart_by_its_folder(
    library: Path, tmp_path: Path
) -> None:
    one = recovery_path(library, tmp_path / "a" / "acme.toml")
    two = recovery_path(library, tmp_path / "b" / "acme.toml")
    assert one != two
    for path in (one, two):
        assert path.parent == library / ".recovery"
        assert path.name.startswith("acme-")
        assert path.suffix == ".toml"
    assert one == recovery_path(library, tmp_path / "a" / "acme.toml")  # stable


def test_recovery_of_a_new_case_uses_its_key(library: Path) -> None:
    key = recovery.new_key()
    assert key.isalnum()
    assert key != recovery.new_key()
    assert recovery_path(library, None, key) == library / ".recovery" / f"new-{key}.toml"
    for bad in ("", "../x", "a/b", ".."):
        with pytest.raises(ValueError, match="alphanumeric key"):
            recovery_path(library, None, bad)


# --- writing ----------------------------------------------------------------------------


def test_write_recovery_is_private_and_atomic(tmp_path: Path, make_case: MakeCase) -> None:
    library = tmp_path / "fresh"
    case_path = library / "acme.toml"
    path = recovery.write_recovery(make_case(), library, case_path)
    assert path == library / ".recovery" / "acme.toml"
    assert _mode(library) == 0o700
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["acme.toml"]  # no temporary left
    assert load_case(path) == make_case()
    assert recovery.origin(path) == case_path.absolute()


def test_write_recovery_closes_an_open_recovery_folder(library: Path, make_case: MakeCase) -> None:
    folder = library / ".recovery"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    recovery.write_recovery(make_case(), library, None, "abc123")
    assert _mode(folder) == 0o700


def test_a_recovery_file_is_a_case_file_naming_its_case(library: Path, make_case: MakeCase) -> None:
    path = recovery.write_recovery(make_case(), library, None, "abc123")
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == '# clientexit recovery of "a new case"'
    assert recovery.origin(path) is None
    odd = library / 'we"ird\nname.toml'
    path = recovery.write_recovery(make_case(), library, odd)
    assert recovery.origin(path) == odd  # quotes and newlines survive the comment line


def test_recovery_files_are_never_listed_as_cases(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    recovery.write_recovery(make_case(), library, saved)
    recovery.write_recovery(make_case(), library, None, "abc123")
    listing = list_library(library)
    assert [s.path for s in listing.cases] == [saved]
    assert listing.problems == []


# --- finding ----------------------------------------------------------------------------


def _edited(make_case: MakeCase) -> Case:
    """The ready case with a longer notice and one more incident, as it reads back from a file."""
    case = make_case()
    case.contract.notice_days = 14
    case.reasons.incidents.append(
        Incident(date(2026, 11, 20), RedFlag.HAGGLING, "Wanted 20% off the last invoice.")
    )
    return parse_case_bytes(codec.dumps(case).encode("utf-8"))


def test_a_recovery_newer_than_its_case_is_offered(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    _age(saved, 60)
    path = recovery.write_recovery(_edited(make_case), library, saved)
    [found] = find_recoveries(library)
    assert found.path == path
    assert found.case_path == saved.absolute()
    assert found.case == _edited(make_case)
    assert found.saved == load_case(saved)
    assert found.key == ""
    assert found.title == "Acme Corp"
    assert found.differences == ["contract.notice_days: 0 → 14", "1 incident added"]


def test_a_recovery_older_than_its_case_is_not_offered_and_kept(
    library: Path, make_case: MakeCase
) -> None:
    saved = save_new(make_case(), library)
    path = recovery.write_recovery(_edited(make_case), library, saved)
    _age(path, 60)
    assert find_recoveries(library) == []
    assert path.exists()


def test_a_copy_moved_aside_is_offered_though_its_case_was_saved_since(
    library: Path, make_case: MakeCase
) -> None:
    # Moved aside by another session of the case, which then saved: that save never
    # held this work, so it is offered still (the copy at the case's own name is not).
    saved = save_new(make_case(), library)
    path = recovery.write_recovery(_edited(make_case), library, saved)
    moved = recovery.set_aside(path)
    assert moved is not None
    _age(moved, 60)
    [found] = find_recoveries(library)
    assert found.path == moved
    assert found.differences == ["contract.notice_days: 0 → 14", "1 incident added"]
    # Once it is no different from the case, it is removed like any other.
    save_case(found.case, saved, touch=False)
    assert find_recoveries(library) == []
    assert not moved.exists()


def test_a_recovery_identical_to_its_case_is_removed(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    _age(saved, 60)
    same = load_case(saved)
    same.updated = same.updated.replace(year=2027)  # a save stamp alone is no change
    path = recovery.write_recovery(same, library, saved)
    assert find_recoveries(library) == []
    assert not path.exists()


def test_a_never_saved_case_is_offered_with_everything_it_holds(
    library: Path, make_case: MakeCase
) -> None:
    case = Case()
    case.client.name = "Wilk & Co"
    case.script.lines.append(ScriptLine(ScriptPart.OPENING, "Hello."))
    recovery.write_recovery(case, library, None, "abc123")
    [found] = find_recoveries(library)
    assert found.case_path is None
    assert found.saved is None
    assert found.key == "abc123"
    assert found.differences == ['client.name: (empty) → "Wilk & Co"', "1 script line added"]


def test_a_recovery_whose_case_is_gone_is_offered(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    recovery.write_recovery(_edited(make_case), library, saved)
    store.move_to_trash(saved, library)
    [found] = find_recoveries(library)
    assert found.saved is None
    assert found.saved_problem == f"{saved.absolute()}: no such file"


def test_broken_recovery_files_are_left_alone(library: Path) -> None:
    folder = library / ".recovery"
    folder.mkdir()
    broken = folder / "x.toml"
    broken.write_text("format = [", encoding="utf-8")
    assert find_recoveries(library) == []
    assert broken.exists()


def test_newest_recovery_first(library: Path, make_case: MakeCase) -> None:
    old = recovery.write_recovery(make_case(), library, None, "old")
    _age(old, 100)
    recovery.write_recovery(make_case(), library, None, "new")
    assert [r.key for r in find_recoveries(library)] == ["new", "old"]


def test_no_recovery_folder_no_recoveries(tmp_path: Path) -> None:
    assert find_recoveries(tmp_path / "missing") == []


# --- removing and discarding ------------------------------------------------------------


def test_discard_moves_to_the_trash_only_when_asked(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    path = recovery.write_recovery(_edited(make_case), library, saved)
    find_recoveries(library)
    assert path.exists()  # finding never deletes work
    target = recovery.discard(path, library)
    assert target is not None
    assert not path.exists()
    assert target.parent == library / ".trash"
    assert target.name == f"{saved.stem}-recovered.toml"
    assert load_case(target) == _edited(make_case)
    assert recovery.discard(path, library) is None
    assert saved.exists()


def test_remove_after_a_save(library: Path, make_case: MakeCase) -> None:
    path = recovery.write_recovery(make_case(), library, None, "abc")
    recovery.remove(path)
    assert not path.exists()
    recovery.remove(path)  # already gone: fine


# --- differences ------------------------------------------------------------------------


def test_no_differences(make_case: MakeCase) -> None:
    assert differences(make_case(), make_case()) == []


def test_differences_in_plain_words(make_case: MakeCase) -> None:
    old, new = make_case(), make_case()
    new.contract.notice_days = 14
    new.client.name = "Acme Corporation"
    new.call.date = None
    new.contract.deposit_refundable = False
    new.contract.invoices[1].paid = Decimal("600.00")
    new.contract.invoices.append(Invoice("INV-105", Decimal("10.00")))
    new.contract.invoices.append(Invoice("INV-106", Decimal("10.00")))
    del new.reasons.incidents[0]
    new.reasons.red_flags = [RedFlag.LATE_PAYMENT]
    new.script.lines[0].text = "Hi Jordan. " * 10
    new.extra["x_mine"] = 1
    assert differences(old, new) == [
        'client.name: "Acme Corp" → "Acme Corporation"',
        "call.date: 2026-11-28 → (empty)",
        "contract.notice_days: 0 → 14",
        "contract.deposit_refundable: yes → no",
        "invoice 2, paid: 1200.50 → 600.00",
        "2 invoices added",
        "reasons.red_flags: late_payment, scope_creep → late_payment",
        "1 incident removed",
        "script line 1, text: text changed",
        "x_mine: changed (a key clientexit keeps as is)",
    ]


def test_differences_show_odd_text_safely(make_case: MakeCase) -> None:
    new = make_case()
    new.client.contact = "Jo\x1b[2J\u202e"
    assert differences(make_case(), new) == ['client.contact: "Jordan Blake" → "Jo\\x1b[2J\\u202e"']


def test_restoring_and_saving_gives_the_recovered_case(library: Path, make_case: MakeCase) -> None:
    saved = save_new(make_case(), library)
    _age(saved, 60)
    recovery.write_recovery(_edited(make_case), library, saved)
    [found] = find_recoveries(library)
    save_case(found.case, found.case_path or saved, touch=False)
    assert load_case(saved) == _edited(make_case)
    assert find_recoveries(library) == []  # now older than its case


def test_set_aside_keeps_an_earlier_recovery_under_the_next_free_name(
    tmp_path: Path, make_case: MakeCase
) -> None:
    case = make_case()
    path = tmp_path / "acme.toml"
    assert recovery.set_aside(recovery.recovery_path(tmp_path, path)) is None
    first = recovery.write_recovery(case, tmp_path, path)
    (first.parent / "acme-2.toml").write_text("taken", "utf-8")
    then = time.time() - 600
    os.utime(first, (then, then))
    moved = recovery.set_aside(first)
    assert moved == first.with_name("acme-3.toml")
    assert not first.exists()
    # The same file: its first line (which case it belongs to), its content and its date.
    assert recovery.origin(moved) == path
    assert moved.stat().st_mtime == pytest.approx(then)
    assert recovery.read_recovery(moved).case == case
