"""Hostile input: broken and malicious case files get a clear message, never a traceback.

The corpus is ``tests/data/hostile/``: one file per way a case file can go wrong,
and ``expected.toml`` with the exact messages each must produce. Files too large
or too binary to keep in the repository are made here, at test time.

Every file goes through ``clientexit validate``, ``list`` and ``show``, the
library listing (``store.list_library``), and the app's library screen.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from clientexit import cli
from clientexit.core.paths import HOME_ENV
from clientexit.core.store import list_library, save_new
from clientexit.core.validate import load_case

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
EXPECTED: dict[str, dict[str, object]] = tomllib.loads(
    (CORPUS / "expected.toml").read_text(encoding="utf-8")
)
REPO_ROOT = Path(__file__).resolve().parents[2]
# What must never reach the terminal raw: escape, bell, NUL, backspace, carriage
# return, and the bidi overrides that make text read differently from what it is.
RAW = ["\x1b", "\x07", "\x00", "\x08", "\r", "\u202e", "\u2067"]

Run = Callable[..., tuple[int, str, str]]


def _binary_garbage(path: Path) -> None:
    chance = random.Random(7)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(chance.randrange(256) for _ in range(4096)))


def _nul_bytes(path: Path) -> None:
    path.write_bytes(b'format = 1\n[client]\nname = "Acme"\x00\x00\x00\n')


def _utf16(path: Path) -> None:
    path.write_bytes('format = 1\n[client]\nname = "Acme"\n'.encode("utf-16"))


def _invalid_utf8(path: Path) -> None:
    path.write_bytes(b'format = 1\n[client]\nname = "Caf\xe9"\n')


def _huge_note(path: Path) -> None:
    note = "All work and no play makes Jack a dull boy. " * (20 * 1024 * 1024 // 44)
    path.write_text(
        f'format = 1\n\n[[reasons.incidents]]\ncategory = "other"\nnote = "{note}"\n',
        encoding="utf-8",
    )


def _pipe(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "nowhere" / "case.toml")


GENERATED: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "binary-garbage.toml": (
        _binary_garbage,
        ["binary-garbage.toml:1:1: is not UTF-8 text (is it a case file?)"],
    ),
    "nul-bytes.toml": (_nul_bytes, ["nul-bytes.toml: contains binary data, not a TOML case file"]),
    "utf-16.toml": (_utf16, ["utf-16.toml:1:1: is not UTF-8 text (is it a case file?)"]),
    "invalid-utf8.toml": (
        _invalid_utf8,
        ["invalid-utf8.toml:3:12: is not UTF-8 text (is it a case file?)"],
    ),
    "huge-note.toml": (
        _huge_note,
        ["huge-note.toml: is 20.0 MB, too large for a case file (the limit is 8 MB)"],
    ),
    "pipe.toml": (
        _pipe,
        ["pipe.toml: is not a regular file (a device, pipe or socket), not a case file"],
    ),
    "device.toml": (
        _device,
        ["device.toml: is not a regular file (a device, pipe or socket), not a case file"],
    ),
    "dangling-link.toml": (_dangling_link, ["dangling-link.toml: no such file"]),
}

VALID = sorted(name for name, e in EXPECTED.items() if e["status"] == 0)
BROKEN = sorted(name for name, e in EXPECTED.items() if e["status"] != 0)
ALL_BROKEN = BROKEN + sorted(GENERATED)
ODD_NAMES = ["control-characters-in-names.toml", "right-to-left-names.toml", "path-like-names.toml"]


def _messages(name: str) -> list[str]:
    if name in GENERATED:
        return GENERATED[name][1]
    return list(EXPECTED[name]["messages"])  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def built_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus plus the files made at test time (made once: one is 20 MB)."""
    folder = tmp_path_factory.mktemp("hostile")
    for path in CORPUS.glob("*.toml"):
        if path.name != "expected.toml":
            shutil.copy(path, folder / path.name)
    for name, (make, _) in GENERATED.items():
        make(folder / name)
    return folder


@pytest.fixture
def corpus(built_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus as the current folder (tests must not add files to it)."""
    monkeypatch.chdir(built_corpus)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return built_corpus


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def test_the_corpus_covers_the_issue() -> None:
    names = set(EXPECTED) | set(GENERATED)
    for kind in (
        "syntax-",  # TOML syntax errors
        "wrong-types",
        "unknown-enumerations",
        "impossible-date",
        "format-from-the-future",
        "empty",
        "binary-garbage",
        "huge-note",
        "deep-",
        "control-characters",
        "right-to-left",
        "path-like",
    ):
        assert any(name.startswith(kind) for name in names), kind
    assert len(BROKEN) + len(GENERATED) >= 25


# --- validate ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_corpus_file(corpus: Path, run: Run, name: str) -> None:
    code, out, err = run("validate", name)
    expected = EXPECTED[name]
    assert code == expected["status"]
    assert out.splitlines() == expected["messages"]
    outcome = "all ok" if code == 0 else "1 with problems"
    assert err == f"1 file checked, {outcome}\n"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_validate_generated_file(corpus: Path, run: Run, name: str) -> None:
    code, out, err = run("validate", name)
    assert (code, out.splitlines()) == (1, _messages(name))
    assert err == "1 file checked, 1 with problems\n"


def test_show_a_folder_that_is_named_like_a_case(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.toml").mkdir()
    assert run("show", "folder.toml") == (1, "", "folder.toml: is a folder, not a case file\n")


def test_validate_a_file_name_with_a_nul(corpus: Path, run: Run) -> None:
    assert run("validate", "a\x00b.toml")[:2] == (1, "a\\x00b.toml: is not a valid file name\n")


def test_validate_the_whole_folder(corpus: Path, run: Run) -> None:
    code, out, err = run("validate", ".")
    assert code == 1
    lines = out.splitlines()
    for name in ALL_BROKEN:
        for message in _messages(name):
            assert f"./{message}" in lines or message in lines, message
    for name in VALID:
        assert f"{name}: ok" in lines
    total = len(EXPECTED) + len(GENERATED)
    assert err == f"{total} files checked, {len(ALL_BROKEN)} with problems\n"


# --- show -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_BROKEN)
def test_show_broken_file(corpus: Path, run: Run, name: str) -> None:
    code, out, err = run("show", name)
    assert (code, out) == (1, "")
    assert err.splitlines() == _messages(name)


@pytest.mark.parametrize("name", VALID)
def test_show_odd_but_valid_file(corpus: Path, run: Run, name: str) -> None:
    code, out, err = run("show", name, "--internal")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith(f"{EXPECTED[name]['client']}  draft")
    for raw in RAW:
        assert raw not in out, f"{raw!r} reached the terminal"


def test_show_escapes_every_odd_text(corpus: Path, run: Run) -> None:
    _, out, _ = run("show", "control-characters-in-names.toml", "--internal")
    assert "Jo\\x00rdan\\r" in out
    assert "Line one\\x1b]0;pwned\\x07" in out  # a note that would retitle the terminal
    _, out, _ = run("show", "right-to-left-names.toml")
    assert "Contact       דוד כהן · \\u202egpj.exe@acme.example" in out


# --- list and the library ---------------------------------------------------------------


def test_list_the_corpus(corpus: Path, run: Run) -> None:
    code, out, err = run("list", "--home", ".")
    assert code == 0
    lines = out.splitlines()
    problems = lines[lines.index("Problems") + 1 :]
    expected = [message for name in sorted(ALL_BROKEN) for message in _messages(name)]
    assert sorted(problems) == sorted(expected)
    table = "\n".join(lines[: lines.index("Problems")])
    for name in VALID:
        assert str(EXPECTED[name]["client"]) in table
        assert name in table
    for raw in RAW:
        assert raw not in out
    assert err == f"clientexit: {len(ALL_BROKEN)} files could not be read\n"


def test_list_json_of_the_corpus(corpus: Path, run: Run) -> None:
    import json

    code, out, _ = run("list", "--json", "--home", ".")
    assert code == 0
    document = json.loads(out)
    assert len(document["cases"]) == len(VALID)
    assert {Path(p["path"]).name for p in document["problems"]} == set(ALL_BROKEN)


def test_library_listing_of_the_corpus(corpus: Path) -> None:
    listing = list_library(corpus)
    assert sorted(s.path.name for s in listing.cases) == VALID
    shown = [str(p).replace(f"{corpus}{os.sep}", "", 1) for p in listing.problems]
    expected = [message for name in ALL_BROKEN for message in _messages(name)]
    assert sorted(shown) == sorted(expected)


@pytest.mark.parametrize("name", VALID)
def test_odd_names_save_inside_the_library(corpus: Path, tmp_path: Path, name: str) -> None:
    library = tmp_path / "library"
    case = load_case(corpus / name)
    path = save_new(case, library)
    assert path == library / str(EXPECTED[name]["saved_as"])
    assert path.parent == library
    assert not path.name.startswith(".")
    again = load_case(path)
    # Everything comes back, except that a Windows line break inside a note reads back as
    # a plain one (TOML multi-line strings), and the end date is now written down.
    case.client.contact = case.client.contact.replace("\r\n", "\n")
    case.contract.effective_date = again.contract.effective_date
    assert again == case


# --- a real process ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["validate", "."], ["list", "--home", "."], ["show", "pipe.toml"]]
)
def test_no_traceback_in_a_real_process(corpus: Path, argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clientexit", *argv],
        cwd=corpus,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1)
    assert "Traceback" not in done.stderr
    assert "Error" not in done.stderr.replace("error", "")


# --- the app ----------------------------------------------------------------------------


async def test_the_app_keeps_running_on_the_corpus(corpus: Path) -> None:
    from textual.widgets import Static

    from clientexit.tui.app import build_app
    from clientexit.tui.screens.library import LibraryScreen
    from clientexit.tui.screens.wizard import WizardScreen
    from clientexit.tui.widgets.case_table import CaseTable

    app = build_app(library=corpus)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.query_one("#cases", CaseTable).row_count == len(VALID)
        problems = str(screen.query_one("#problems", Static).render())
        assert f"{len(ALL_BROKEN)} files could not be read" in problems
        # Walk down the list (the preview reads each case), then open the oddest cases.
        for _ in VALID:
            await pilot.press("down")
        for name in ODD_NAMES:
            app.open_case(corpus / name)
            await pilot.pause()
            assert isinstance(app.screen, WizardScreen), name
            app.screen.dismiss()
            await pilot.pause()
        for name in ALL_BROKEN:
            app.open_case(corpus / name)  # reported in a notification, not opened
            await pilot.pause()
            assert isinstance(app.screen, LibraryScreen), name
        assert app.is_running
        assert len(app._notifications) >= 1
