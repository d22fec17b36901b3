"""The command line: every command, its exit status, and where its output goes.

Most tests call ``main([...])`` and read stdout and stderr with ``capsys``; a few
run ``python -m clientexit`` in a subprocess to check the real exit status and
that no traceback ever reaches the user.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import stat
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from clientexit import __version__, cli
from clientexit.core import codec, rules
from clientexit.core.model import Case, NoticeRule
from clientexit.core.paths import HOME_ENV
from clientexit.core.validate import load_case

COMMANDS = ["new", "open", "rehearse", "list", "show", "validate", "export"]
SECRET_NOTE = "Paid half, no date for the rest."
OTHER_SECRET = 'Asked for a "quick" shop'

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Plain, wide output; never the user's real library; relative paths from tmp_path."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "default-home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("list", "--json")`` gives (exit status, stdout, stderr)."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def run_module(*argv: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m clientexit ARGV`` in a real process."""
    environment = {**os.environ, **(env or {})}
    environment.pop("COLUMNS", None)
    root = str(Path(cli.__file__).resolve().parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(
        part for part in (root, environment.get("PYTHONPATH", "")) if part
    )
    done = subprocess.run(
        [sys.executable, "-m", "clientexit", *argv],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def samples(tmp_path: Path, sample_paths: list[Path]) -> Path:
    """A copy of the sample library (``sample_data/*.toml``), so nothing writes into it."""
    assert sample_paths, "sample_data/*.toml is missing"
    folder = tmp_path / "samples"
    folder.mkdir()
    for path in sample_paths:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def case_file(tmp_path: Path, make_case: Callable[[], Case]) -> Path:
    """A complete case, with incident notes, written where the tests run."""
    path = tmp_path / "acme.toml"
    path.write_text(codec.dumps(make_case()), encoding="utf-8")
    return path


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text('format = 1\nstatus = "maybe"\n', encoding="utf-8")
    return path


class FakeApp:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.ran = False
        self.return_code = 0

    def run(self) -> None:
        self.ran = True


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[FakeApp]:
    """Stands in for ``clientexit.tui.app``; the list collects every app built."""
    built: list[FakeApp] = []
    module = types.ModuleType("clientexit.tui.app")

    def build_app(**kwargs: Any) -> FakeApp:
        app = FakeApp(**kwargs)
        built.append(app)
        return app

    module.build_app = build_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "clientexit.tui.app", module)
    return built


# ---------------------------------------------------------------- basics


def test_version(run: Run) -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"clientexit {__version__}" == "clientexit 0.1.0"


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_help_for_every_command(run: Run, command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert out.startswith(f"usage: clientexit {' '.join(command)}".rstrip())
    assert "--home DIR" in out


def test_main_help_lists_every_command(run: Run) -> None:
    _, out, _ = run("--help")
    for name in COMMANDS:
        assert name in out


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["show"],
        ["validate"],
        ["export"],
        ["list", "--bogus"],
        ["export", "x.toml", "--what", "memo"],
        ["export", "x.toml", "--format", "pdf"],
    ],
)
def test_usage_errors_exit_2(run: Run, argv: list[str]) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert "usage: clientexit" in err


def test_export_choices_match_render() -> None:
    from clientexit.core import mail, render

    assert tuple(render.WHATS) == cli.WHATS
    assert tuple(render.FORMATS) == cli.TEXT_FORMATS
    assert mail.DRAFTS == cli.EMAIL_WHATS
    assert cli.FORMATS == ("md", "txt", "eml", "ics")


def test_cli_import_is_light() -> None:
    """``clientexit`` alone must start the app quickly: no Rich, JSON or core at import."""
    code = (
        "import sys, clientexit.cli; "
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('rich', 'json', 'textual') "
        "or m.startswith('clientexit.core')]; "
        "print(heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- real processes


def test_module_runs_version(tmp_path: Path) -> None:
    code, out, err = run_module("--version", cwd=tmp_path)
    assert (code, out.strip(), err) == (0, "clientexit 0.1.0", "")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export", "nowhere.toml"], 1),
        (["show", "nowhere.toml"], 1),
        (["show", "."], 1),
        (["open", "broken.toml"], 1),
        (["validate", "broken.toml", "nowhere.toml"], 1),
        (["list", "--home", "broken.toml"], 1),
        (["export", "broken.toml", "--what", "memo"], 2),
        (["bogus"], 2),
    ],
)
def test_module_exit_status_without_traceback(
    tmp_path: Path, broken_file: Path, argv: list[str], expected: int
) -> None:
    code, _, err = run_module(*argv, cwd=tmp_path)
    assert code == expected
    assert "Traceback" not in err
    assert err.strip()


def test_module_list_with_broken_file(samples: Path, broken_file: Path) -> None:
    shutil.copy(broken_file, samples / "zz-broken.toml")
    code, out, err = run_module("list", "--home", str(samples), cwd=samples.parent)
    assert code == 0
    assert "Traceback" not in err
    assert "zz-broken.toml" in out
    assert "1 file could not be read" in err


def test_module_export_to_unwritable_place(tmp_path: Path, case_file: Path) -> None:
    code, _, err = run_module("export", str(case_file), "-o", "no/such/dir/x.md", cwd=tmp_path)
    assert code == 1
    assert "Traceback" not in err
    assert err.startswith("clientexit: no/such/dir/x.md:")


# ---------------------------------------------------------------- list


def test_list_shows_every_sample_case(run: Run, samples: Path, sample_paths: list[Path]) -> None:
    code, out, err = run("list", "--home", str(samples))
    assert code == 0
    assert err == ""
    assert "\x1b[" not in out, "no colour when stdout is not a terminal"
    for path in sample_paths:
        case = load_case(path)
        assert case.client.name in out
        assert f"samples/{path.name}" in out, "paths are relative to the current folder"
    assert "Problems" not in out


def test_list_row_has_every_column(run: Run, case_file: Path) -> None:
    library = case_file.parent / "lib"
    library.mkdir()
    case_file.rename(library / "acme.toml")
    case = load_case(library / "acme.toml")
    _, out, _ = run("list", "--home", str(library))
    row = next(line for line in out.splitlines() if "Acme Corp" in line)
    updated = case.updated.astimezone().strftime("%Y-%m-%d %H:%M")
    for cell in ("ready", "2026-11-28", "2026-11-30", "0.00 EUR", updated, "lib/acme.toml"):
        assert cell in row
    assert row == row.rstrip()


def test_list_fits_80_columns(
    run: Run, samples: Path, sample_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run("list", "--home", str(samples))
    assert code == 0
    table = out.split("\nFiles\n")[0]
    assert max(cell_len(line) for line in table.splitlines()) <= 80
    for path in sample_paths:
        assert f"samples/{path.name}" in out, "file paths are printed whole"


def test_list_on_a_very_narrow_terminal(
    run: Run, samples: Path, sample_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = run("list", "--home", str(samples))
    assert code == 0
    for path in sample_paths:
        assert load_case(path).client.name in out


def test_list_json(run: Run, samples: Path, sample_paths: list[Path]) -> None:
    code, out, err = run("list", "--json", "--home", str(samples))
    assert code == 0
    assert err == ""
    document = json.loads(out)
    assert set(document) == {"cases", "problems"}
    assert document["problems"] == []
    assert {c["client"] for c in document["cases"]} == {
        load_case(p).client.name for p in sample_paths
    }
    first = document["cases"][0]
    assert set(first) >= {
        "client",
        "status",
        "call_date",
        "effective_date",
        "money_owed",
        "currency",
        "updated",
        "path",
    }


def test_list_json_prints_exactly_what_json_dumps_would(
    run: Run, samples: Path, broken_file: Path
) -> None:
    shutil.copy(broken_file, samples / "broken.toml")
    (samples / "odd.toml").write_text(
        "format = 1\n[client]\n"
        'name = "Caf\u00e9 \\"Z\u00fcrich\\" \\u0007 \U0001f600 \\\\ \u2028 /"\n'
        '[[contract.invoices]]\nnumber = "A"\namount = "10.00"\ndue = 2026-12-01\n'
        '[[contract.invoices]]\nnumber = "B"\namount = "5"\ndue = 2026-12-02\n',
        encoding="utf-8",
    )
    code, out, _ = run("list", "--json", "--home", str(samples))
    assert code == 0
    document = json.loads(out)
    assert out == json.dumps(document, indent=2) + "\n"
    odd = next(c for c in document["cases"] if c["path"].endswith("odd.toml"))
    assert odd["client"] == 'Caf\u00e9 "Z\u00fcrich" \u0007 \U0001f600 \\ \u2028 /'
    assert len(odd["payments_due"]) == 2
    assert document["problems"]


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": [], "b": {}, "c": [{}], "d": [[]]},
        {"cases": [{"n": 1, "f": 1.5, "t": True, "x": False, "z": None, "s": '\x00\n\t"\\'}]},
        {"tuple": ("a", 2, ("b",)), "neg": -3, "big": 10**30, "e": 1e-7, "u": "\u00e9\ud83d"},
        ["only", "text"],
        "text",
        None,
    ],
)
def test_json_indented_is_json_dumps_with_an_indent(value: object) -> None:
    assert cli._json_indented(value) == json.dumps(value, indent=2)


def test_list_with_a_broken_file(
    run: Run, samples: Path, sample_paths: list[Path], broken_file: Path
) -> None:
    shutil.copy(broken_file, samples / "broken.toml")
    code, out, err = run("list", "--home", str(samples))
    assert code == 0
    problems = out.split("Problems\n", 1)[1]
    assert 'samples/broken.toml: status: expected one of draft | ready | done, got "maybe"' in (
        problems
    )
    for path in sample_paths:
        assert load_case(path).client.name in out
    assert err == "clientexit: 1 file could not be read\n"


def test_list_json_with_a_broken_file(run: Run, samples: Path, broken_file: Path) -> None:
    (samples / "broken.toml").write_text("format = 1\nstatus = 3\n[call]\ndate = 5\n")
    (samples / "syntax.toml").write_text("format = [\n")
    code, out, err = run("list", "--json", "--home", str(samples))
    assert code == 0
    problems = json.loads(out)["problems"]
    assert problems[0] == {
        "path": str(samples / "broken.toml"),
        "error": "status: expected one of draft | ready | done, got 3",
    }
    assert problems[1]["path"] == str(samples / "broken.toml")
    assert problems[1]["error"].startswith("call.date: ")
    assert problems[2]["path"] == str(samples / "syntax.toml")
    assert problems[2]["error"].startswith("line 1, column 1: ")
    assert all(not p["error"].startswith(p["path"]) for p in problems)
    assert "2 files could not be read" in err


def test_list_only_broken_files(run: Run, tmp_path: Path, broken_file: Path) -> None:
    code, out, _ = run("list", "--home", str(tmp_path))
    assert code == 0
    assert "No readable cases" in out
    assert "broken.toml" in out


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_list_empty_or_missing_library(run: Run, tmp_path: Path, folder: str) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run("list", "--home", folder)
    assert code == 0
    assert out == f"No cases yet in {folder}. Start one with: clientexit new\n"
    assert err == ""
    code, out, _ = run("list", "--json", "--home", folder)
    assert code == 0
    assert json.loads(out) == {"cases": [], "problems": []}


def test_list_library_that_is_a_file(run: Run, case_file: Path) -> None:
    code, out, err = run("list", "--home", str(case_file))
    assert code == 1
    assert out == ""
    assert err.startswith("clientexit: ")


# ---------------------------------------------------------------- --home and the environment


def test_home_before_and_after_the_command(run: Run, samples: Path) -> None:
    before = run("--home", str(samples), "list", "--json")
    after = run("list", "--json", "--home", str(samples))
    assert before == after
    assert before[0] == 0
    assert json.loads(before[1])["cases"]


def test_home_after_the_command_wins(run: Run, samples: Path, tmp_path: Path) -> None:
    _, out, _ = run("--home", str(tmp_path / "nowhere"), "list", "--home", str(samples))
    assert "Cases in samples" in out


def test_clientexit_home_is_the_default(
    run: Run, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_ENV, str(samples))
    _, out, _ = run("list", "--json")
    assert json.loads(out)["cases"]
    _, out, _ = run("list", "--json", "--home", "elsewhere")
    assert json.loads(out)["cases"] == []


# ---------------------------------------------------------------- show


def test_show_summarises_a_case(run: Run, case_file: Path) -> None:
    code, out, err = run("show", str(case_file))
    assert code == 0
    assert err == ""
    case = load_case(case_file)
    for expected in (
        "Acme Corp",
        "Jordan Blake",
        "2026-11-28 at 10:00, by phone",
        "Website retainer",
        "Clause",
        "2.9",
        "the end of the month of the call",
        str(rules.effective_date(case)),
        str(rules.deletion_date(case)),
        "1,500.00 EUR, refundable",
        "INV-104",
        "Homepage redesign",
        "warm",
        "The Good Business",
        "1 of 2 done",
        "4 lines",
        "1 time; last",
        "2 red flags, 2 incidents  internal",
    ):
        assert expected in out, expected


def test_show_hides_incident_notes_unless_internal(run: Run, case_file: Path) -> None:
    _, out, _ = run("show", str(case_file))
    assert SECRET_NOTE not in out
    assert OTHER_SECRET not in out
    assert "--internal" in out
    _, out, _ = run("show", "--internal", str(case_file))
    assert SECRET_NOTE in out
    assert OTHER_SECRET in out
    assert "Pays late" in out


def test_show_sample_with_findings(run: Run, sample_paths: list[Path]) -> None:
    for path in sample_paths:
        case = load_case(path)
        code, out, _ = run("show", str(path))
        assert code == 0
        assert case.client.name in out
        assert (rules.effective_date(case) or "—").__str__() in out
        for incident in case.reasons.incidents:
            assert incident.note[:30] not in out
        if rules.findings(case):
            assert "warning" in out or "advice" in out


def test_show_no_written_contract(run: Run, tmp_path: Path, make_case: Callable[[], Case]) -> None:
    case = make_case()
    case.contract.termination_clause = ""
    case.contract.notice_rule = NoticeRule.DAYS
    case.contract.notice_days = 14
    path = tmp_path / "loose.toml"
    path.write_text(codec.dumps(case), encoding="utf-8")
    _, out, _ = run("show", str(path))
    assert "no written contract" in out
    assert "14 days' notice from the call" in out
    assert "2026-12-12" in out


def test_show_broken_file(run: Run, broken_file: Path) -> None:
    code, out, err = run("show", str(broken_file))
    assert code == 1
    assert out == ""
    assert err == f'{broken_file}: status: expected one of draft | ready | done, got "maybe"\n'


def test_show_missing_file(run: Run) -> None:
    code, _, err = run("show", "nowhere.toml")
    assert (code, err) == (1, "nowhere.toml: no such file\n")


# ---------------------------------------------------------------- validate


def test_validate_ok(run: Run, case_file: Path) -> None:
    code, out, err = run("validate", "acme.toml")
    assert code == 0
    assert out == "acme.toml: ok\n"
    assert err == "1 file checked, all ok\n"


def test_validate_broken(run: Run, broken_file: Path) -> None:
    code, out, err = run("validate", "broken.toml")
    assert code == 1
    assert out == 'broken.toml: status: expected one of draft | ready | done, got "maybe"\n'
    assert err == "1 file checked, 1 with problems\n"


def test_validate_mixed(run: Run, case_file: Path, broken_file: Path, tmp_path: Path) -> None:
    (tmp_path / "newer.toml").write_text("format = 2\n")
    code, out, err = run("validate", "acme.toml", "broken.toml", "newer.toml", "gone.toml")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "acme.toml: ok"
    assert lines[1].startswith("broken.toml: status:")
    assert lines[2].startswith("newer.toml: format: written in case-file format 2")
    assert lines[3] == "gone.toml: no such file"
    assert err == "4 files checked, 3 with problems\n"


def test_validate_folder(run: Run, samples: Path, sample_paths: list[Path]) -> None:
    code, out, err = run("validate", "samples")
    assert code == 0
    assert out.splitlines() == [f"samples/{p.name}: ok" for p in sample_paths]
    assert err == f"{len(sample_paths)} files checked, all ok\n"
    (samples / "sub").mkdir()
    (samples / "sub" / "broken.toml").write_text("nope")
    assert run("validate", "samples")[0] == 0, "folders are not searched recursively"
    (samples / "broken.toml").write_text("format = 1\nstatus = 1\n")
    code, out, err = run("validate", "samples")
    assert code == 1
    assert "samples/broken.toml: status:" in out
    assert err.endswith("1 with problems\n")


def test_validate_empty_folder(run: Run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run("validate", "empty")
    assert code == 0
    assert out == ""
    assert "no case files" in err


# ---------------------------------------------------------------- the app


def test_no_command_opens_the_app(run: Run, fake_app: list[FakeApp], tmp_path: Path) -> None:
    code, _, _ = run()
    assert code == 0
    [app] = fake_app
    assert app.ran
    assert app.kwargs == {
        "library": tmp_path / "default-home",
        "open_path": None,
        "new": False,
        "rehearse": None,
    }


def test_new_opens_the_app_with_a_new_case(run: Run, fake_app: list[FakeApp]) -> None:
    assert run("--home", "lib", "new")[0] == 0
    assert fake_app[0].kwargs["new"] is True
    assert fake_app[0].kwargs["library"] == Path("lib")


def test_open_and_rehearse(run: Run, fake_app: list[FakeApp], case_file: Path) -> None:
    assert run("open", str(case_file))[0] == 0
    assert run("rehearse", str(case_file), "--home", "lib")[0] == 0
    opened, rehearsing = fake_app
    assert opened.kwargs["open_path"] == case_file
    assert opened.kwargs["rehearse"] is None
    assert rehearsing.kwargs["rehearse"] == case_file
    assert rehearsing.kwargs["library"] == Path("lib")


def test_the_app_starts_with_the_garbage_collector_off(
    run: Run, fake_app: list[FakeApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Off while the app starts (the app turns it on after its first frame), and on
    # again however the app ends.
    seen: list[bool] = []
    monkeypatch.setattr(FakeApp, "run", lambda self: seen.append(gc.isenabled()))
    assert gc.isenabled()
    assert run("--home", "lib")[0] == 0
    assert seen == [False]
    assert gc.isenabled()

    def crash(self: FakeApp) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("the app failed")

    monkeypatch.setattr(FakeApp, "run", crash)
    with pytest.raises(RuntimeError):
        run("--home", "lib")
    assert seen == [False, False]
    assert gc.isenabled()


@pytest.mark.parametrize("command", ["open", "rehearse"])
def test_open_broken_file_does_not_start_the_app(
    run: Run, fake_app: list[FakeApp], broken_file: Path, command: str
) -> None:
    code, out, err = run(command, str(broken_file))
    assert code == 1
    assert out == ""
    assert "status: expected one of" in err
    assert fake_app == []


def test_app_exit_code_is_passed_on(run: Run, fake_app: list[FakeApp]) -> None:
    original = FakeApp.run

    def failing(self: FakeApp) -> None:
        original(self)
        self.return_code = 3

    FakeApp.run = failing  # type: ignore[method-assign]
    try:
        assert run()[0] == 3
    finally:
        FakeApp.run = original  # type: ignore[method-assign]


def test_app_not_available(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "clientexit.tui.app", None)
    code, out, err = run()
    assert code == 1
    assert out == ""
    assert err.splitlines()[0] == "clientexit: the app is not available in this build"


# ---------------------------------------------------------------- export


def test_export_to_stdout(run: Run, case_file: Path) -> None:
    from clientexit.core import render

    code, out, err = run("export", str(case_file), "--what", "letter", "--format", "txt")
    assert code == 0
    assert err == ""
    expected = render.export(load_case(case_file), "letter", "txt")
    assert out.rstrip("\n") == expected.rstrip("\n")
    assert SECRET_NOTE not in out


def test_export_defaults_to_all_as_markdown(run: Run, case_file: Path) -> None:
    from clientexit.core import render

    code, out, _ = run("export", str(case_file))
    assert code == 0
    assert out.rstrip("\n") == render.export(load_case(case_file), "all", "md").rstrip("\n")
    assert SECRET_NOTE not in out
    assert OTHER_SECRET not in out


def test_export_to_a_file(run: Run, case_file: Path, tmp_path: Path) -> None:
    from clientexit.core import render

    code, out, err = run("export", str(case_file), "--what", "script", "-o", "script.md")
    assert code == 0
    assert out == ""
    assert err == "wrote script.md\n"
    written = tmp_path / "script.md"
    assert written.read_text(encoding="utf-8") == render.export(
        load_case(case_file), "script", "md"
    )
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert not (tmp_path / "script.md.bak").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_replaces_an_existing_file(run: Run, case_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "letter.txt"
    target.write_text("old")
    target.chmod(0o644)
    assert (
        run("export", str(case_file), "--what", "letter", "--format", "txt", "-o", "letter.txt")[0]
        == 0
    )
    assert target.read_text(encoding="utf-8") != "old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            "no/such/x.md",
            "clientexit: no/such/x.md: cannot write: the folder no/such does not exist",
        ),
        (".", "clientexit: .: is a folder; give a file name to write to"),
        ("acme.toml", "clientexit: acme.toml: is the case file itself; choose another file name"),
    ],
)
def test_export_bad_output(run: Run, case_file: Path, out: str, message: str) -> None:
    before = case_file.read_bytes()
    code, stdout, err = run("export", str(case_file), "-o", out)
    assert code == 1
    assert stdout == ""
    assert err == message + "\n"
    assert case_file.read_bytes() == before


def test_export_unreadable_case(run: Run, broken_file: Path) -> None:
    code, out, err = run("export", str(broken_file), "-o", "letter.md")
    assert code == 1
    assert out == ""
    assert "status: expected one of" in err
    assert not Path("letter.md").exists()


# ---------------------------------------------------------------- export: eml, ics, followup

NOTE = "Jordan shouted at my designer in the kickoff and called the mockups amateurish garbage."


def _leaky(path: Path, make_case: Callable[[], Case]) -> Path:
    """A case whose reason (in the letter and the script) and outcome quote a private note."""
    from datetime import date

    from clientexit.core.model import Incident, Reason, RedFlag

    case = make_case()
    case.reasons.incidents.append(
        Incident(date=date(2026, 11, 5), category=RedFlag.DISRESPECT, note=NOTE)
    )
    case.tone.reason = Reason.CUSTOM
    case.tone.reason_text = "The mockups were amateurish garbage."
    case.outcome.agreed = "We redo the mockups you called amateurish garbage."
    path.write_text(codec.dumps(case), encoding="utf-8")
    return path


def test_export_eml_to_a_file_is_a_draft_mail_clients_read(
    run: Run, case_file: Path, tmp_path: Path
) -> None:
    import email.policy
    from email.parser import BytesParser

    code, out, err = run(
        "export", str(case_file), "--what", "letter", "--format", "eml", "-o", "letter.eml"
    )
    assert (code, out, err) == (0, "", "wrote letter.eml\n")
    written = tmp_path / "letter.eml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    data = written.read_bytes()
    assert b"\r\n" in data
    message = BytesParser(policy=email.policy.default).parsebytes(data)
    assert message["To"] == "Jordan Blake <jordan@acme.example>"
    assert message["From"] == "Sam Rivera <sam@rivera.example>"
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == "Website retainer: end of service on 30 November 2026"
    text = message.get_content()
    assert "30 November 2026" in text
    assert "Paid half" not in text and SECRET_NOTE not in text


def test_export_eml_to_stdout_writes_the_bytes(run: Run, case_file: Path) -> None:
    code, out, err = run("export", str(case_file), "--what", "referral", "--format", "eml")
    assert code == 0 and err == ""
    assert out.startswith("From: Sam Rivera <sam@rivera.example>\r\n")
    assert "\r\nSubject: Introduction: The Good Business\r\n" in out


def test_export_eml_says_what_the_draft_lacks(
    run: Run, tmp_path: Path, make_case: Callable[[], Case]
) -> None:
    case = make_case()
    case.client.email = ""
    path = tmp_path / "nomail.toml"
    path.write_text(codec.dumps(case), encoding="utf-8")
    code, out, err = run("export", str(path), "--what", "letter", "--format", "eml")
    assert code == 0
    assert "\r\nTo:\r\n" in out
    assert err == (
        "clientexit: note: the client has no email address, so the draft has no recipient (To)\n"
    )


@pytest.mark.parametrize("what", ["script", "handover", "all"])
def test_export_eml_of_a_document_that_is_no_email(run: Run, case_file: Path, what: str) -> None:
    code, out, err = run("export", str(case_file), "--what", what, "--format", "eml")
    assert (code, out) == (2, "")
    assert err == (
        "clientexit export: error: --format eml writes one email draft: "
        "choose --what letter, referral, followup\n"
    )


def test_export_eml_needs_a_what(run: Run, case_file: Path) -> None:
    assert run("export", str(case_file), "--format", "eml")[0] == 2


def test_export_ics_parses_as_a_calendar(run: Run, case_file: Path, tmp_path: Path) -> None:
    from datetime import date, datetime

    from icalendar import Calendar

    code, _, err = run("export", str(case_file), "--format", "ics", "-o", "dates.ics")
    assert (code, err) == (0, "wrote dates.ics\n")
    written = tmp_path / "dates.ics"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    calendar = Calendar.from_ical(written.read_bytes())
    starts = sorted((str(e["SUMMARY"]), e.decoded("DTSTART")) for e in calendar.walk("VEVENT"))
    assert starts == [
        ("Acme Corp: delete your copies of their files", date(2026, 12, 30)),
        ("Acme Corp: last day of work", date(2026, 11, 30)),
        ("Call with Jordan Blake (Acme Corp): end of service", datetime(2026, 11, 28, 10, 0)),
    ]
    # Same UIDs on a second export: a calendar app updates instead of duplicating.
    run("export", str(case_file), "--format", "ics", "-o", "again.ics")
    again = Calendar.from_ical((tmp_path / "again.ics").read_bytes())
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [
        str(e["UID"]) for e in calendar.walk("VEVENT")
    ]


def test_export_ics_takes_no_document(run: Run, case_file: Path) -> None:
    code, out, err = run("export", str(case_file), "--what", "letter", "--format", "ics")
    assert (code, out) == (2, "")
    assert "leave out --what" in err
    code, out, _ = run("export", str(case_file), "--what", "all", "--format", "ics")
    assert code == 0 and out.startswith("BEGIN:VCALENDAR\r\n")


@pytest.mark.parametrize(
    "argv",
    [
        ["--what", "letter", "--format", "eml"],
        ["--what", "followup", "--format", "eml"],
        ["--what", "followup", "--format", "md"],
        ["--what", "letter", "--format", "txt"],
    ],
)
def test_export_refuses_a_leak_in_every_format(
    run: Run, tmp_path: Path, make_case: Callable[[], Case], argv: list[str]
) -> None:
    path = _leaky(tmp_path / "leaky.toml", make_case)
    code, out, err = run("export", str(path), *argv, "-o", "out.file")
    assert (code, out) == (1, "")
    assert "not exported" in err and "amateurish garbage" in err
    assert not (tmp_path / "out.file").exists()
    code, _, err = run("export", str(path), *argv, "-o", "out.file", "--allow-leak")
    assert code == 0
    assert "allowed by --allow-leak" in err


def test_export_followup_markdown_renders(
    run: Run, tmp_path: Path, make_case: Callable[[], Case]
) -> None:
    from datetime import date

    from markdown_it import MarkdownIt

    from clientexit.core.model import Outcome

    case = make_case()
    case.outcome = Outcome(date=date(2026, 11, 28), agreed="Jordan sends the logins on Monday.")
    path = tmp_path / "done.toml"
    path.write_text(codec.dumps(case), encoding="utf-8")
    code, out, _ = run("export", str(path), "--what", "followup")
    assert code == 0
    tokens = MarkdownIt("commonmark").parse(out)
    items = [tokens[i + 2].content for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert "Jordan sends the logins on Monday." in items
    assert any(item.startswith("**End of service:**") for item in items)
    # Once the call is done, "all" holds the follow-up too.
    code, out, _ = run("export", str(path))
    headings = [
        tokens[i + 1].content
        for tokens in [MarkdownIt("commonmark").parse(out)]
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h1"
    ]
    assert headings[-1] == "Follow-up email: Acme Corp"


# ---------------------------------------------------------------- done


def test_done_records_the_outcome(
    run: Run, case_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    from datetime import date

    monkeypatch.setattr("sys.stdin", io.StringIO("Handover on Monday.\nLast invoice by Friday.\n"))
    code, out, err = run(
        "done", str(case_file), "--date", "2026-11-28", "--objections", "1", "--agreed", "-"
    )
    assert code == 0 and out == ""
    assert "call recorded on 2026-11-28" in err
    assert "--what followup --format eml" in err
    case = load_case(case_file)
    assert case.status.value == "done"
    assert case.outcome.date == date(2026, 11, 28)
    assert case.outcome.objections == [1]
    assert case.outcome.agreed == "Handover on Monday.\nLast invoice by Friday."
    assert stat.S_IMODE(case_file.stat().st_mode) == 0o600
    assert case_file.with_name("acme.toml.bak").exists()
    # Options left out keep what is there.
    assert run("done", str(case_file))[0] == 0
    again = load_case(case_file)
    assert again.outcome == case.outcome


@pytest.mark.parametrize("call", ["2026-01-15", "2999-01-01"])
def test_done_defaults_to_the_call_date_once_it_has_passed(
    run: Run, tmp_path: Path, make_case: Callable[[], Case], call: str
) -> None:
    from datetime import date

    case = make_case()
    case.call.date = date.fromisoformat(call)
    path = tmp_path / "call.toml"
    path.write_text(codec.dumps(case), encoding="utf-8")
    assert run("done", str(path))[0] == 0
    recorded = load_case(path).outcome.date
    assert recorded == (case.call.date if call < "2999" else date.today())


def test_done_refuses_an_objection_the_script_does_not_have(run: Run, case_file: Path) -> None:
    before = case_file.read_bytes()
    code, _, err = run("done", str(case_file), "--objections", "1,4")
    assert code == 2
    assert err == (
        "clientexit done: error: --objections: no prepared answer 4; "
        "the script has 1 prepared answer\n"
    )
    assert case_file.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--date", "28/11/2026"], "not a date like 2026-11-28"),
        (["--objections", "1,x"], "expected numbers from 1 up"),
        (["--objections", "0"], "expected numbers from 1 up"),
    ],
)
def test_done_usage_errors(run: Run, case_file: Path, argv: list[str], message: str) -> None:
    code, _, err = run("done", str(case_file), *argv)
    assert code == 2
    assert message in err


# ---------------------------------------------------------------- helpers


def test_shown_path(tmp_path: Path) -> None:
    assert cli.shown_path(tmp_path / "a" / "b.toml") == str(Path("a") / "b.toml")
    assert cli.shown_path("a/../b.toml") == "b.toml"
    assert cli.shown_path(tmp_path) == "."
    outside = tmp_path.parent / "elsewhere.toml"
    assert cli.shown_path(outside) == str(outside)


@pytest.mark.parametrize(
    ("rule", "days", "words"),
    [
        (NoticeRule.DAYS, 30, "30 days' notice from the call"),
        (NoticeRule.DAYS, 1, "1 day's notice from the call"),
        (NoticeRule.DAYS, 0, "the day of the call"),
        (NoticeRule.END_OF_MONTH, 0, "the end of the month of the call"),
        (NoticeRule.END_OF_MONTH, 14, "the end of the month, after 14 days' notice from the call"),
        (NoticeRule.FIXED, 0, "a fixed end date"),
    ],
)
def test_notice_in_words(
    make_case: Callable[[], Case], rule: NoticeRule, days: int, words: str
) -> None:
    case = make_case()
    case.contract.notice_rule = rule
    case.contract.notice_days = days
    assert cli.notice_in_words(case) == words
