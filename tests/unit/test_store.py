"""The case library on disk (clientexit.core.store): names, atomic private saves, listing."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientexit.core import paths, store
from clientexit.core.model import Case, Invoice, Rehearsal, Status
from clientexit.core.store import (
    CaseSummary,
    StoreError,
    case_filename,
    duplicate_case,
    list_library,
    move_to_trash,
    save_case,
    save_new,
    slugify,
    unique_path,
)
from clientexit.core.validate import load_case

MakeCase = Callable[[], Case]
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme Corp", "acme-corp"),
        ("Piekarnia Łódzka", "piekarnia-lodzka"),
        ("Zażółć gęślą jaźń", "zazolc-gesla-jazn"),
        ("Öresund Möbler AB", "oresund-mobler-ab"),
        ("Smörgås & Åhlén", "smorgas-ahlen"),
        ("Brandt & Söhne Events GmbH", "brandt-sohne-events-gmbh"),
        ("Großhandel Straße", "grosshandel-strasse"),
        ("Ærø Bjørn Œuvre", "aero-bjorn-oeuvre"),
        ("  --Hartley & Finch, Solicitors!--  ", "hartley-finch-solicitors"),
        ("Tidewater Outfitters, LLC", "tidewater-outfitters-llc"),
        ("The Copper Kettle Café", "the-copper-kettle-cafe"),
        ("R&D 2026", "r-d-2026"),
    ],
)
def test_slugify_folds_to_ascii(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("..", "case"),
        ("../..", "case"),
        ("a/b\\c", "a-b-c"),
        ("C:\\Users\\me", "c-users-me"),
        ("/absolute", "absolute"),
        (".hidden", "hidden"),
    ],
)
def test_slugify_never_keeps_a_path(text: str, expected: str) -> None:
    slug = slugify(text)
    assert slug == expected
    assert "/" not in slug
    assert "\\" not in slug
    assert ".." not in slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CON", "con-case"),
        ("con", "con-case"),
        ("Prn", "prn-case"),
        ("AUX", "aux-case"),
        ("nul", "nul-case"),
        ("com1", "com1-case"),
        ("COM9", "com9-case"),
        ("lpt1", "lpt1-case"),
        ("Con Ltd", "con-ltd"),
        ("com10", "com10"),
    ],
)
def test_slugify_avoids_windows_reserved_names(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "🙂🎉", "---", "!!!", "日本語", "\n\t"])
def test_slugify_never_empty(text: str) -> None:
    assert slugify(text) == "case"


def test_slugify_caps_length() -> None:
    assert slugify("a" * 200) == "a" * store.MAX_SLUG
    long_words = slugify("word " * 40)
    assert len(long_words) <= store.MAX_SLUG
    assert not long_words.endswith("-")
    # a cut right after a separator leaves no trailing dash
    assert slugify("a" * (store.MAX_SLUG - 1) + " bcd") == "a" * (store.MAX_SLUG - 1)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_slugify_always_gives_a_safe_name(text: str) -> None:
    slug = slugify(text)
    assert SLUG.match(slug), slug
    assert len(slug) <= store.MAX_SLUG
    assert slug not in store._WINDOWS_RESERVED


def test_case_filename(make_case: MakeCase) -> None:
    case = make_case()
    assert case_filename(case) == "acme-corp-2026-11-28.toml"
    case.client.name = "Piekarnia Łódzka"
    case.call.date = None
    assert case_filename(case) == "piekarnia-lodzka-undated.toml"
    case.client.name = ""
    assert case_filename(case) == "case-undated.toml"


def test_unique_path_numbers_taken_names(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "acme.toml")
    assert first == tmp_path / "acme.toml"
    first.write_text("x")
    second = unique_path(tmp_path, "acme.toml")
    assert second == tmp_path / "acme-2.toml"
    second.write_text("x")
    assert unique_path(tmp_path, "acme") == tmp_path / "acme-3.toml"
    (tmp_path / "acme-3.toml").mkdir()  # any existing entry counts as taken
    assert unique_path(tmp_path, "acme.toml") == tmp_path / "acme-4.toml"


# --- saving -----------------------------------------------------------------------------


def test_save_new_creates_private_folder_and_file(tmp_path: Path, make_case: MakeCase) -> None:
    library = tmp_path / "deep" / "library"
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        path = save_new(make_case(), library)
    finally:
        os.umask(old_umask)
    assert path == library / "acme-corp-2026-11-28.toml"
    assert _mode(library) == 0o700
    assert _mode(path) == 0o600
    assert load_case(path).client.name == "Acme Corp"


def test_save_new_tightens_an_open_library(library: Path, make_case: MakeCase) -> None:
    library.chmod(0o755)
    save_new(make_case(), library)
    assert _mode(library) == 0o700


def test_save_new_never_overwrites(library: Path, make_case: MakeCase) -> None:
    first = save_new(make_case(), library)
    before = first.read_bytes()
    other = make_case()
    other.client.contact = "Someone else"
    second = save_new(other, library)
    assert second == library / "acme-corp-2026-11-28-2.toml"
    assert first.read_bytes() == before
    assert load_case(second).client.contact == "Someone else"


def test_library_fixture_is_the_home(library: Path) -> None:
    assert paths.library_dir() == library
    assert os.environ[paths.HOME_ENV] == str(library)


def test_save_case_keeps_previous_version_as_bak(library: Path, make_case: MakeCase) -> None:
    case = make_case()
    path = save_new(case, library)
    v1 = path.read_bytes()
    backup = path.with_name(path.name + ".bak")
    assert not backup.exists()  # nothing to back up on the first save

    case.client.contact = "Second Version"
    save_case(case, path)
    v2 = path.read_bytes()
    assert backup.read_bytes() == v1
    assert load_case(path).client.contact == "Second Version"

    case.client.contact = "Third Version"
    save_case(case, path)
    assert backup.read_bytes() == v2
    assert _mode(path) == 0o600
    assert _leftovers(library) == []


def test_save_case_stamps_updated(library: Path, make_case: MakeCase) -> None:
    case = make_case()
    old = datetime(2020, 1, 1, tzinfo=UTC)
    case.updated = old
    before = datetime.now(UTC).replace(microsecond=0)
    path = save_new(case, library)
    after = datetime.now(UTC)
    assert before <= case.updated <= after
    assert case.updated.microsecond == 0
    assert load_case(path).updated == case.updated
    assert load_case(path).created == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_save_case_without_touch_keeps_updated(library: Path, make_case: MakeCase) -> None:
    case = make_case()
    old = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)
    case.updated = old
    path = save_case(case, library / "x.toml", touch=False)
    assert case.updated == old
    assert load_case(path).updated == old
    assert "updated = 2020-01-01T12:00:00Z" in path.read_text(encoding="utf-8")


def test_save_case_refuses_to_overwrite_newer_format(library: Path, make_case: MakeCase) -> None:
    path = library / "future.toml"
    content = b'# written by clientexit 9\nformat = 2\nstatus = "draft"\n[shiny]\nnew = true\n'
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        save_case(make_case(), path)
    message = str(caught.value)
    assert str(path) in message
    assert "format 2" in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in library.iterdir()) == ["future.toml"]


def test_interrupted_save_leaves_old_file_intact(
    library: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    path = save_new(case, library)
    old = path.read_bytes()

    def broken_replace(self: Path, target: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", broken_replace)
    case.client.contact = "Never Written"
    with pytest.raises(StoreError) as caught:
        save_case(case, path)
    monkeypatch.undo()
    assert str(path) in str(caught.value)
    assert "No space left on device" in str(caught.value)
    assert path.read_bytes() == old
    assert _leftovers(library) == []
    assert [p.name for p in library.iterdir() if p.name.startswith(".")] == []
    assert load_case(path).client.contact == "Jordan Blake"


def test_failed_write_before_rename_leaves_old_file_intact(
    library: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    path = save_new(case, library)
    old = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    case.client.contact = "Never Written"
    with pytest.raises(StoreError):
        save_case(case, path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert _leftovers(library) == []


def test_interrupt_during_save_cleans_up_and_propagates(
    library: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    path = save_new(case, library)
    old = path.read_bytes()

    def interrupted(self: Path, target: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_case(case, path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert _leftovers(library) == []


def test_ensure_library_on_a_file_is_a_store_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(StoreError) as caught:
        store.ensure_library(not_a_folder)
    assert str(not_a_folder) in str(caught.value)


# --- listing ----------------------------------------------------------------------------


def _dated(make_case: MakeCase, client: str, day: date | None) -> Case:
    case = make_case()
    case.client.name = client
    case.call.date = day
    return case


def test_list_library_with_broken_files(library: Path, make_case: MakeCase) -> None:
    late = save_new(_dated(make_case, "Zeta", date(2027, 1, 5)), library)
    undated = save_new(_dated(make_case, "Alpha", None), library)
    early = save_new(_dated(make_case, "Beta", date(2026, 12, 1)), library)
    same_day = save_new(_dated(make_case, "alpha two", date(2026, 12, 1)), library)

    broken = {
        "bad-toml.toml": b'format = 1\n[client\nname = "x"\n',
        "wrong-types.toml": b"format = 1\nstatus = 3\n[client]\nname = 4\n",
        "empty.toml": b"",
        "binary.toml": bytes(range(256)),
        "nul.toml": b"format = 1\n\x00\x00",
        "future.toml": b"format = 7\n",
    }
    for name, content in broken.items():
        (library / name).write_bytes(content)

    # Never listed at all:
    (library / ".hidden.toml").write_bytes(b"not toml [")
    (library / "zeta.toml.bak").write_bytes(b"not toml [")
    (library / "notes.txt").write_text("hello")
    (library / "folder.toml").mkdir()
    (library / ".trash").mkdir()
    (library / ".trash" / "old.toml").write_bytes(b"not toml [")
    save_case(_dated(make_case, "Saved Twice", date(2026, 1, 1)), library / "twice.toml")
    save_case(_dated(make_case, "Saved Twice", date(2026, 1, 1)), library / "twice.toml")
    assert (library / "twice.toml.bak").exists()

    listing = list_library(library)

    assert [s.path for s in listing.cases] == [
        library / "twice.toml",
        same_day,  # same date: by client name, case-insensitively
        early,
        late,
        undated,  # no call date: last
    ]
    assert [s.client for s in listing.cases] == [
        "Saved Twice",
        "alpha two",
        "Beta",
        "Zeta",
        "Alpha",
    ]
    problem_paths = {p.path for p in listing.problems}
    assert problem_paths == {str(library / name) for name in broken}
    wrong = [str(p) for p in listing.problems if p.path.endswith("wrong-types.toml")]
    assert len(wrong) == 2
    for p in listing.problems:
        assert str(p).startswith(p.path)
        assert p.message


def test_list_library_of_missing_folder_is_empty(tmp_path: Path) -> None:
    listing = list_library(tmp_path / "nothing-here")
    assert listing.cases == []
    assert listing.problems == []


def test_list_library_reports_a_link_to_itself(library: Path, make_case: MakeCase) -> None:
    good = save_new(make_case(), library)
    (library / "loop.toml").symlink_to(library / "loop.toml")
    listing = list_library(library)
    assert [s.path for s in listing.cases] == [good]
    assert [str(p) for p in listing.problems] == [
        f"{library / 'loop.toml'}: cannot be read: Too many levels of symbolic links"
    ]


def test_list_library_survives_dates_out_of_range(library: Path, make_case: MakeCase) -> None:
    """One odd file must never make the whole library unlistable."""
    good = save_new(make_case(), library)
    (library / "far-future.toml").write_text(
        "format = 1\n[call]\ndate = 2026-11-28\n[contract]\nnotice_days = 100000000\n",
        encoding="utf-8",
    )
    (library / "end-of-time.toml").write_text(
        "format = 1\n[call]\ndate = 9999-12-30\n[contract]\nnotice_days = 30\n",
        encoding="utf-8",
    )
    listing = list_library(library)
    assert good in [s.path for s in listing.cases]
    seen = {s.path for s in listing.cases} | {Path(p.path) for p in listing.problems}
    assert library / "far-future.toml" in seen
    assert library / "end-of-time.toml" in seen


# --- trash and duplicate ----------------------------------------------------------------


def test_move_to_trash_moves_case_and_backup(
    library: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case()
    path = save_new(case, library)
    save_case(case, path)
    content = path.read_bytes()
    backup_content = path.with_name(path.name + ".bak").read_bytes()

    def no_unlink(*args: object, **kwargs: object) -> None:
        raise AssertionError("a case must be moved to the trash, never deleted")

    monkeypatch.setattr(os, "unlink", no_unlink)
    monkeypatch.setattr(os, "remove", no_unlink)
    monkeypatch.setattr(Path, "unlink", no_unlink)
    target = move_to_trash(path, library)
    monkeypatch.undo()

    trash = library / ".trash"
    assert target == trash / path.name
    assert target.read_bytes() == content
    assert (trash / (path.name + ".bak")).read_bytes() == backup_content
    assert not path.exists()
    assert not path.with_name(path.name + ".bak").exists()
    assert _mode(trash) == 0o700
    assert list_library(library).cases == []


def test_move_to_trash_twice_keeps_both(library: Path, make_case: MakeCase) -> None:
    first = save_new(make_case(), library)
    save_case(make_case(), first)  # gives it a backup
    first_target = move_to_trash(first, library)
    second = save_new(make_case(), library)
    save_case(make_case(), second)
    assert second == first  # the name is free again
    second_target = move_to_trash(second, library)
    trash = library / ".trash"
    assert first_target == trash / "acme-corp-2026-11-28.toml"
    assert second_target == trash / "acme-corp-2026-11-28-2.toml"
    assert sorted(p.name for p in trash.iterdir()) == [
        "acme-corp-2026-11-28-2.toml",
        "acme-corp-2026-11-28-2.toml.bak",
        "acme-corp-2026-11-28.toml",
        "acme-corp-2026-11-28.toml.bak",
    ]


def test_move_to_trash_without_backup(library: Path, make_case: MakeCase) -> None:
    path = save_new(make_case(), library)
    target = move_to_trash(path, library)
    assert target.exists()
    assert sorted(p.name for p in (library / ".trash").iterdir()) == [path.name]


def test_duplicate_case_gives_a_new_draft_without_rehearsals(
    library: Path, make_case: MakeCase
) -> None:
    case = make_case()
    assert case.status is Status.READY
    assert case.rehearsals
    original = save_new(case, library)
    original_bytes = original.read_bytes()
    started = datetime.now(UTC).replace(microsecond=0)

    copy_path = duplicate_case(original, library)

    assert copy_path != original
    assert copy_path.parent == library
    assert original.read_bytes() == original_bytes
    copy = load_case(copy_path)
    assert copy.status is Status.DRAFT
    assert copy.rehearsals == []
    assert copy.created >= started
    assert copy.created != case.created
    assert copy.client == case.client
    assert copy.contract == case.contract
    assert copy.script == case.script
    assert _mode(copy_path) == 0o600


# --- summaries --------------------------------------------------------------------------


def test_case_summary_to_json(make_case: MakeCase, tmp_path: Path) -> None:
    case = make_case()
    case.contract.invoices.append(
        Invoice(number="X", amount=Decimal("100.00"), paid=Decimal("40.00"))
    )
    case.contract.invoices.append(
        Invoice(number="Y", amount=Decimal("80.00"), due=date(2026, 12, 5))
    )
    case.rehearsals.append(Rehearsal(at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC), seconds=1))
    case.rehearsals.append(Rehearsal(at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC), seconds=1))
    path = tmp_path / "acme.toml"
    summary = CaseSummary.of(case, path)
    data = summary.to_json()
    assert data == {
        "client": "Acme Corp",
        "contact": "Jordan Blake",
        "status": "ready",
        "call_date": "2026-11-28",
        "effective_date": "2026-11-30",
        "money_owed": "140.00",
        "currency": "EUR",
        "updated": "2026-11-22T17:05:07+00:00",
        "last_rehearsal": "2026-11-26T08:00:00+00:00",
        "path": str(path),
        "deletion_date": "2026-12-30",
        "payments_due": [{"invoice": "Y", "due": "2026-12-05", "balance": "80.00"}],
    }
    assert json.loads(json.dumps(data)) == data


def test_case_summary_to_json_of_an_empty_case(tmp_path: Path) -> None:
    case = Case(updated=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=5))
    data = CaseSummary.of(case, tmp_path / "x.toml").to_json()
    assert data["client"] == "New case"
    assert data["contact"] == ""
    assert data["status"] == "draft"
    assert data["call_date"] is None
    assert data["effective_date"] is None
    assert data["money_owed"] == "0.00"
    assert data["last_rehearsal"] is None
    assert data["updated"] == "2026-01-01T00:00:05+00:00"
