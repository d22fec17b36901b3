"""Properties over generated cases: what goes to disk comes back, and stays in the library.

``tests/unit/test_codec.py`` already checks that any generated case survives
``codec.dumps`` and ``parse_case_bytes`` in memory; these go through the real files
(atomic save, recovery copy) and attack the file names with hostile client names.
"""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_codec import cases  # the generated cases of the round-trip property

from clientexit.core import recovery, store
from clientexit.core.model import Case, new_case
from clientexit.core.validate import load_case

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Names that have broken file-name code somewhere: paths, parents, drives, devices,
# control characters, invisible and right-to-left marks, and names a shell would love.
HOSTILE_PIECES = st.sampled_from(
    [
        "..",
        "../",
        "../../etc/passwd",
        "/",
        "/etc/shadow",
        "\\",
        "..\\..\\windows\\system32",
        "C:\\",
        "~",
        "~/.ssh/id_rsa",
        ".",
        ".hidden",
        "\x00",
        "\x1b[2J",
        "\r\n",
        "\t",
        "\u202e",
        "\u2066",
        "\u200f",
        "\u200b",
        "\ufeff",
        "CON",
        "nul",
        "LPT1",
        "com9",
        "$(rm -rf ~)",
        "`id`",
        "*",
        "?",
        "|",
        ":",
        "%s%n",
        "Łódź",
        "שלום",
        "مرحبا",
        "🙂",
        " ",
        "-",
        ".toml",
        ".bak",
        ".recovery",
        ".trash",
    ]
)
HOSTILE_NAMES = st.one_of(
    st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=6)), max_size=8).map("".join),
    st.text(max_size=60),
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().parent == folder.resolve()


@SETTINGS
@given(case=cases())
def test_save_then_load_from_disk_is_identity(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        path = store.save_new(case, library)
        assert load_case(path) == case
        # Saving what was loaded writes the very same bytes: nothing drifts.
        first = path.read_bytes()
        store.save_case(load_case(path), path, touch=False)
        assert path.read_bytes() == first
        assert _mode(path) == 0o600


@SETTINGS
@given(case=cases())
def test_recovery_copy_then_read_is_identity(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder)
        for where in (None, library / "acme.toml"):
            path = recovery.write_recovery(case, library, where, "k1")
            found = recovery.read_recovery(path)
            assert found.case == case
            assert _mode(path) == 0o600


@SETTINGS
@given(name=HOSTILE_NAMES, contact=HOSTILE_NAMES)
def test_no_client_name_escapes_the_library(name: str, contact: str) -> None:
    case = new_case()
    case.client.name = name
    case.client.contact = contact
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        first = store.save_new(case, library)
        second = store.save_new(case, library)
        for path in (first, second):
            assert _inside(path, library), path
            assert not path.name.startswith("."), path
            assert path.name.endswith(".toml")
            assert path.name.isascii() and path.name.isprintable()
            assert not path.is_symlink()
        assert first != second
        # Everything that was written is in the library, under a visible name.
        written = {p.name for p in library.iterdir()}
        assert written == {first.name, second.name}
        assert [s.path for s in store.list_library(library).cases] == sorted([first, second])
        # The recovery copies too: in the hidden recovery folder, never beside the cases.
        folder_of_copies = recovery.recovery_dir(library)
        for path in (first, second, library / "elsewhere" / first.name):
            copy = recovery.write_recovery(case, library, path)
            assert _inside(copy, folder_of_copies)
        copy = recovery.write_recovery(case, library, None, recovery.new_key())
        assert _inside(copy, folder_of_copies)
        assert len(list(folder_of_copies.iterdir())) == 4


@SETTINGS
@given(name=HOSTILE_NAMES)
def test_moving_to_the_trash_stays_in_the_library(name: str) -> None:
    case = new_case()
    case.client.name = name
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library"
        path = store.save_new(case, library)
        moved = store.move_to_trash(path, library)
        assert _inside(moved, library / ".trash")
        assert store.trash_files(library) == [moved]
        assert store.list_library(library).cases == []
