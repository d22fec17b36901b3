"""The ``clientexit`` command: open the app, or list, show, check and export cases.

With no command it opens the app on the case library. The other commands work
without the app, for scripts and quick looks::

    clientexit                      the app, on the library
    clientexit new                  the app, with a new case
    clientexit open PATH            the app, on one case
    clientexit rehearse PATH        the app, rehearsing one case's script
    clientexit list [--json]        every case in the library
    clientexit show PATH            one case, summarised
    clientexit validate PATH...     check case files (and folders of them)
    clientexit export PATH          the documents as text, email drafts or calendar events
    clientexit done PATH            record that the call took place (date, what was agreed)
    clientexit trash [--empty]      what is in the library's trash; empty it
    clientexit serve [--port N]     the app in a browser tab, on 127.0.0.1 only

Results go to stdout, messages and errors to stderr. Exit status: 0 on success,
1 when a file has problems or cannot be read or written, 2 on a usage error, and
3 from ``validate`` when every file is valid but a private note appears in
client-facing text (a leak warning).

Text from case files (names, notes, file names) is printed with control
characters and bidirectional overrides escaped, so a file cannot drive the
terminal or disguise what is shown.

Startup matters (``clientexit`` alone must open the app as fast as a bare
Textual app), so this module imports only the standard library at the top;
Rich, JSON and the core are imported by the commands that use them.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from clientexit import __version__

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date, datetime

    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

    from clientexit.core.model import Case
    from clientexit.core.store import CaseSummary
    from clientexit.core.validate import Problem

PROG = "clientexit"

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
EXIT_LEAK = 3
"""``validate``: every file is valid, but a private note appears in client-facing text."""

WHATS = ("letter", "script", "referral", "handover", "followup", "all")
"""What ``export`` can produce; the same as ``clientexit.core.render.WHATS``."""
TEXT_FORMATS = ("md", "txt")
"""The text formats ``export`` writes; the same as ``clientexit.core.render.FORMATS``."""
EMAIL_WHATS = ("letter", "referral", "followup")
"""What ``export --format eml`` writes as a draft; the same as ``clientexit.core.mail.DRAFTS``."""
FORMATS = (*TEXT_FORMATS, "eml", "ics")
"""Every format ``export`` writes: text, an email draft, calendar events."""

APP_MISSING = f"{PROG}: the app is not available in this build"
NONE_SHOWN = "—"

_EPILOG = """\
examples:
  clientexit                         open the app on your case library
  clientexit list                    what is in the library
  clientexit show cases/acme.toml    one case at a glance
  clientexit validate cases/         check every case file in a folder
  clientexit export acme.toml --what letter --format txt -o letter.txt
  clientexit export acme.toml --what letter --format eml -o letter.eml
  clientexit export acme.toml --format ics -o acme-dates.ics
  clientexit done acme.toml --objections 1,3 --agreed "Handover by Friday"

The case library is --home DIR, else $CLIENTEXIT_HOME, else your user data
folder; templates in its templates/ folder override the built-in ones.
Exit status: 0 success, 1 a file has problems or cannot be read or written (or
export refused because a private note would leak), 2 a usage error, 3 (from
validate) every file is valid but a private note appears in client-facing text.
"""


# ---------------------------------------------------------------- arguments


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; ``--home`` is accepted before and after the command."""
    # SUPPRESS as the default means "not given" leaves no attribute at all, so a
    # --home given before the command is not overwritten by the subcommand's
    # parser, and one given after it is kept.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the case library folder (default: $CLIENTEXIT_HOME, else your user data folder)",
    )

    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[common],
        description="Prepare the call that ends a client relationship.\n"
        "With no command, opens the app on your case library.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=summary, description=description)

    command("new", "open the app with a new case", "Open the app and start a new case.")

    sub = command(
        "open",
        "open the app on one case",
        "Open the app on one case file. The file is checked first: if it cannot be "
        "read, its problems are printed and the app does not start.",
    )
    sub.add_argument("path", metavar="PATH", help="the case file (.toml)")

    sub = command(
        "rehearse",
        "rehearse a case's call script in the app",
        "Open the app in rehearsal mode on one case's call script. The file is "
        "checked first, as with open.",
    )
    sub.add_argument("path", metavar="PATH", help="the case file (.toml)")

    sub = command(
        "list",
        "list the cases in the library",
        "List every case in the library: client, status, call date, end date, money "
        "owed, last change and file. Files that cannot be read are listed under "
        "Problems; the listing itself still succeeds.",
    )
    sub.add_argument("--json", action="store_true", help="print JSON instead of a table")

    sub = command(
        "show",
        "summarise one case",
        "Summarise one case: call, contract and dates, money, work, tone, referral, "
        "handover, script, rehearsals and what is left to prepare. Internal notes "
        "are counted, not shown, unless --internal is given.",
    )
    sub.add_argument("path", metavar="PATH", help="the case file (.toml)")
    sub.add_argument(
        "--internal",
        action="store_true",
        help="also show the internal reasons: red flags and incident notes",
    )

    sub = command(
        "validate",
        "check case files",
        "Check case files and report every problem, one per line. A folder checks "
        "every .toml file directly inside it. Valid files are also checked for leaks: "
        "words from a private incident note that appear in the letter, script, referral "
        "email or handover list are reported as warnings. Exit status: 0 all ok, 1 a "
        "file has problems, 3 every file is valid but at least one has a leak warning.",
    )
    sub.add_argument(
        "paths", metavar="PATH", nargs="+", help="a case file, or a folder of case files"
    )

    sub = command(
        "export",
        "write the documents as text, email drafts or calendar events",
        "Write what one case produces, to stdout or to a file (created readable by you "
        "only). md and txt: the letter, call script, referral email, handover list or "
        "follow-up email (or all of them) as Markdown or plain text. eml: one email "
        "draft (the letter, the referral or the follow-up) from you to the client's "
        "contact, which your mail client opens ready to check and send. ics: calendar "
        "events for the call, the last day of work, the deletion date and each unpaid "
        "invoice's due date; it takes no --what. Before anything is written, the text "
        "is checked for words from your private incident notes; if any are found, "
        "nothing is exported, the places are listed, and the exit status is 1, unless "
        "--allow-leak is given for this export. A usage error (such as --format eml "
        "with --what script) exits with status 2.",
    )
    sub.add_argument("path", metavar="PATH", help="the case file (.toml)")
    sub.add_argument(
        "--what",
        choices=WHATS,
        default=None,
        help="which document: letter, script, referral, handover, followup (the email "
        "after the call) or all (default: all; eml needs letter, referral or followup)",
    )
    sub.add_argument(
        "--format",
        choices=FORMATS,
        default="md",
        help="md Markdown, txt plain text, eml an email draft, ics calendar events (default: md)",
    )
    sub.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write to this file instead of stdout (replaced atomically, mode 0600)",
    )
    sub.add_argument(
        "--allow-leak",
        action="store_true",
        help="export even though words from a private note appear in the text (this export only)",
    )

    sub = command(
        "done",
        "record that the call took place",
        "Record the call's outcome in the case and mark it done: the day it took place, "
        "which prepared answers (objections) came up, and what was agreed, in your words "
        "(what was agreed goes into the follow-up email, so write it for the client). "
        "Options left out keep what the case already says; the date defaults to the "
        "call's date (today if that is still to come). "
        "The case is saved in place (the previous version is kept as PATH.bak). Then "
        "write the follow-up: clientexit export PATH --what followup --format eml -o OUT",
    )
    sub.add_argument("path", metavar="PATH", help="the case file (.toml)")
    sub.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the day the call took place (default: the date already recorded, else "
        "the call's date, else today)",
    )
    sub.add_argument(
        "--objections",
        type=_numbers,
        metavar="N,N",
        help="which prepared answers' objections came up, by their number in the "
        'script counting from 1, e.g. 1,3 ("" for none)',
    )
    sub.add_argument(
        "--agreed",
        metavar="TEXT",
        help="what was agreed, one point per line; - reads it from stdin",
    )

    sub = command(
        "trash",
        "list or empty the library's trash",
        "List what is in the library's trash: cases deleted in the app and recovered "
        "changes you chose not to keep. They stay there until you empty it with --empty, "
        "which deletes them for good.",
    )
    sub.add_argument("--empty", action="store_true", help="delete everything in the trash")

    sub = command(
        "serve",
        "open the app in a browser tab",
        "Serve the app to your web browser, on this computer only (127.0.0.1): each "
        "browser tab runs the app on the same library. Press Ctrl+C to stop.",
    )
    sub.add_argument(
        "--port",
        type=_port,
        metavar="N",
        help="the port to listen on (default: the first free one from 8000)",
    )
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {port} (use 1024-65535)")
    return port


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version and usage errors
        return _status(stop.code)
    handler = _COMMANDS[args.command or ""]
    try:
        status = handler(args)
        sys.stdout.flush()  # here, so a closed pipe is caught below, not at exit
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``clientexit list | head``): not an error worth a trace.
        _drop_stdout()
        return 1
    return status


def _status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _drop_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---------------------------------------------------------------- helpers


def _error(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 1


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text from a file, made safe to print: control characters and bidi overrides escaped.

    An escape sequence in a client's name could clear or recolour the terminal, and a
    right-to-left override could make a line read differently from what it says.
    Letters of every script, right-to-left ones included, stay as written; so do
    newlines and tabs.
    """
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def displayable(value: T) -> T:
    """A copy of a case (or any part of it) with every text made :func:`safe`."""
    import dataclasses

    if isinstance(value, str) and type(value) is str:  # not an enumeration
        return safe(value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: displayable(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [displayable(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {key: displayable(item) for key, item in value.items()}  # type: ignore[return-value]
    return value


def _print_problems(problems: Iterable[Problem], *, to_stdout: bool = False) -> None:
    stream = sys.stdout if to_stdout else sys.stderr
    for problem in problems:
        print(safe(str(problem)), file=stream)


def _library(args: argparse.Namespace) -> Path:
    from clientexit.core.paths import library_dir

    return library_dir(getattr(args, "home", None))


def _use_templates(args: argparse.Namespace) -> None:
    """Let the library's own templates (``LIBRARY/templates/``) override the built-in ones."""
    from clientexit.core import render

    render.use_library(_library(args))


def shown_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    import os

    try:
        here = Path.cwd()
    except OSError:  # the current folder was deleted
        return safe(str(path))
    full = Path(os.path.normpath(here / path))
    try:
        relative = full.relative_to(here)
    except ValueError:
        return safe(str(full))
    return safe(str(relative)) if relative.parts else "."


def _load(path: str) -> Case | None:
    """The case at ``path``, or None after printing its problems to stderr."""
    from clientexit.core.validate import CaseFileError, load_case

    try:
        return load_case(path)
    except CaseFileError as error:
        _print_problems(error.problems)
        return None


def _console(*, width: int | None = None) -> Console:
    from rich.console import Console

    # Colour only on a terminal (Rich's own rule), no guessing at "highlights" in
    # user text, and no emoji codes: a client named ":smile: Ltd" stays as written.
    return Console(width=width, highlight=False, emoji=False)


def _day(value: date | None) -> str:
    return value.isoformat() if value else NONE_SHOWN


def _local(value: datetime) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _duration(seconds: int) -> str:
    minutes, rest = divmod(max(seconds, 0), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


# ---------------------------------------------------------------- the app


def _run_app(
    args: argparse.Namespace,
    *,
    open_path: Path | None = None,
    new: bool = False,
    rehearse: Path | None = None,
) -> int:
    library = _library(args)
    # Start-up makes tens of thousands of objects that live as long as the app
    # (modules, classes, parsed styles), and the garbage collector would walk them
    # again and again before the first frame: one full collection there took 30-40 ms.
    # It is off until that frame; then the app freezes what start-up made and turns
    # it back on (ClientExitApp.start_collecting).
    gc.disable()
    try:
        try:
            # Here, not at the top: Textual is only loaded when the app is wanted.
            from clientexit.tui.app import build_app
        except ImportError as error:
            print(APP_MISSING, file=sys.stderr)
            if error.name not in ("clientexit.tui", "clientexit.tui.app", None):
                # Something the app needs is missing: say what, to help fix the build.
                print(f"{PROG}: ({error})", file=sys.stderr)
            return 1
        app = build_app(library=library, open_path=open_path, new=new, rehearse=rehearse)
        app.run()
    finally:
        gc.enable()  # an app that ended before its first frame
    code = getattr(app, "return_code", 0)
    return code if isinstance(code, int) else 0


def _cmd_app(args: argparse.Namespace) -> int:
    return _run_app(args)


def _cmd_new(args: argparse.Namespace) -> int:
    return _run_app(args, new=True)


def _cmd_open(args: argparse.Namespace) -> int:
    if _load(args.path) is None:
        return 1
    return _run_app(args, open_path=Path(args.path))


def _cmd_rehearse(args: argparse.Namespace) -> int:
    if _load(args.path) is None:
        return 1
    return _run_app(args, rehearse=Path(args.path))


# ---------------------------------------------------------------- list


def _problem_json(problem: Problem) -> dict[str, str]:
    where = ""
    if problem.line is not None:
        where = f"line {problem.line}, column {problem.column or 1}: "
    key = f"{problem.key}: " if problem.key else ""
    return {"path": problem.path, "error": f"{where}{key}{problem.message}"}


def _json_indented(value: object, indent: str = "") -> str:
    """``json.dumps(value, indent=2)``, exactly, for what ``list --json`` prints, 4x as fast.

    With an indent the json module encodes in Python, generator within generator; a
    listing of 10,000 cases took 0.4 s to print. Keys are text; strings go through
    json's own (C) escaping; numbers and booleans are left to ``json.dumps``.
    """
    from json import dumps
    from json.encoder import encode_basestring_ascii as text

    if isinstance(value, str):
        return text(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + "  "
        items = [f"{inner}{text(k)}: {_json_indented(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = indent + "  "
        lines = [inner + _json_indented(v, inner) for v in value]
        return "[\n" + ",\n".join(lines) + f"\n{indent}]"
    return dumps(value)


def _cmd_list(args: argparse.Namespace) -> int:
    from clientexit.core.store import StoreError, list_library

    library = _library(args)
    try:
        listing = list_library(library)
    except (StoreError, OSError) as error:
        return _error(str(error))

    if args.json:
        document = {
            "cases": [summary.to_json() for summary in listing.cases],
            "problems": [_problem_json(problem) for problem in listing.problems],
        }
        sys.stdout.write(_json_indented(document) + "\n")
    else:
        _print_listing(library, [displayable(s) for s in listing.cases], listing.problems)

    broken = len({problem.path for problem in listing.problems})
    if broken:
        print(
            f"{PROG}: {_plural(broken, 'file')} could not be read",
            file=sys.stderr,
        )
    return 0


_STATUS_STYLE = {"draft": "yellow", "ready": "green", "done": "dim"}


class _Layout:
    """How the library table fits the width: tried in order, the first that fits wins."""

    def __init__(self, *, file_column: bool, split_time: bool) -> None:
        self.file_column = file_column
        self.split_time = split_time


_LAYOUTS = (
    # One line per case with the file last: wide terminals, files and pipes.
    _Layout(file_column=True, split_time=False),
    # Files listed by number under the table, whole, so they can still be copied.
    _Layout(file_column=False, split_time=False),
    # 80 columns: the time goes under its date and the client may take two lines.
    _Layout(file_column=False, split_time=True),
)


def _list_table(summaries: list[CaseSummary], layout: _Layout) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from clientexit.core.rules import format_money

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
    )
    if not layout.file_column:
        table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Client", overflow="fold", min_width=10, ratio=1)
    table.add_column("Status", no_wrap=True)
    table.add_column("Call", no_wrap=True)
    table.add_column("Ends", no_wrap=True)
    table.add_column("Owed", justify="right", no_wrap=True)
    table.add_column("Updated", no_wrap=True)
    if layout.file_column:
        table.add_column("File", overflow="fold")

    for number, summary in enumerate(summaries, start=1):
        updated = _local(summary.updated)
        cells: list[Text] = [
            Text(summary.client),
            Text(summary.status.value, style=_STATUS_STYLE.get(summary.status.value, "")),
            Text(_day(summary.call_date)),
            Text(_day(summary.effective_date)),
            Text(
                format_money(summary.money_owed, summary.currency),
                style="" if summary.money_owed else "dim",
            ),
            Text(updated.replace(" ", "\n") if layout.split_time else updated),
        ]
        if layout.file_column:
            cells.append(Text(shown_path(summary.path)))
        else:
            cells.insert(0, Text(str(number)))
        table.add_row(*cells)
    return table


def _list_stacked(summaries: list[CaseSummary]) -> Table:
    """The library for a very narrow terminal: one short block per case."""
    from rich.table import Table
    from rich.text import Text

    from clientexit.core.rules import format_money

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for number, summary in enumerate(summaries, start=1):
        block = Text(summary.client, style="bold")
        block.append(f"  {summary.status.value}", style=_STATUS_STYLE.get(summary.status.value, ""))
        block.append(
            f"\ncall {_day(summary.call_date)}, ends {_day(summary.effective_date)}"
            f"\nowed {format_money(summary.money_owed, summary.currency)}"
            f"\nupdated {_local(summary.updated)}"
            f"\n{shown_path(summary.path)}"
        )
        if number > 1:
            grid.add_row("", "")
        grid.add_row(Text(str(number)), block)
    return grid


def _print_listing(library: Path, summaries: list[CaseSummary], problems: list[Problem]) -> None:
    import dataclasses
    import os

    from rich.measure import Measurement
    from rich.text import Text

    where = shown_path(library)
    if not summaries and not problems:
        print(f"No cases yet in {where}. Start one with: {PROG} new")
        return

    console = _console()
    parts: list[RenderableType] = []
    if summaries:
        parts += [Text(f"Cases in {where}", style="bold"), Text()]
        unbounded = console.options.update_width(100_000)
        tables = [(layout, _list_table(summaries, layout)) for layout in _LAYOUTS]
        if not console.is_terminal and not os.environ.get("COLUMNS"):
            # For a file or a pipe: one line per case, nothing cut or folded.
            needed = Measurement.get(console, unbounded, tables[0][1]).maximum
            console = _console(width=max(needed, 80))
        for layout, table in tables:
            measured = Measurement.get(console, unbounded, table)
            # The last table layout may wrap the client's name; the others must fit whole.
            fits = measured.minimum if layout is _LAYOUTS[-1] else measured.maximum
            if fits <= console.width:
                parts.append(table)
                if not layout.file_column:
                    parts += [Text(), Text("Files", style="bold")]
                    digits = len(str(len(summaries)))
                    for number, summary in enumerate(summaries, start=1):
                        parts.append(Text(f"{number:>{digits}}  {shown_path(summary.path)}"))
                break
        else:
            parts.append(_list_stacked(summaries))
    else:
        parts.append(Text(f"No readable cases in {where}.", style="bold"))

    if problems:
        parts += [Text(), Text("Problems", style="bold red")]
        for problem in problems:
            parts.append(
                Text(safe(str(dataclasses.replace(problem, path=shown_path(problem.path)))))
            )

    _emit(console, *parts)


def _emit(console: Console, *parts: RenderableType) -> None:
    """Print to the terminal, or as plain text with no padding at the ends of lines.

    Lines of plain text (a file's path, a problem) are never folded by Rich: a
    terminal wraps them itself, and a file or a pipe gets them whole.
    """
    from rich.text import Text

    def show() -> None:
        for part in parts:
            console.print(part, soft_wrap=isinstance(part, Text))

    if console.is_terminal:
        show()
        return
    with console.capture() as capture:
        show()
    text = capture.get()
    sys.stdout.write("".join(line.rstrip() + "\n" for line in text.splitlines()))


# ---------------------------------------------------------------- show


def notice_in_words(case: Case) -> str:
    """The contract's notice rule as a phrase: when the service ends, counted from the call."""
    contract = case.contract
    rule = contract.notice_rule.value
    days = contract.notice_days
    notice = "1 day's notice" if days == 1 else f"{days} days' notice"
    if rule == "fixed":
        return "a fixed end date"
    if rule == "end_of_month":
        if days == 0:
            return "the end of the month of the call"
        return f"the end of the month, after {notice} from the call"
    if days == 0:
        return "the day of the call"
    return f"{notice} from the call"


def _cmd_show(args: argparse.Namespace) -> int:
    case = _load(args.path)
    if case is None:
        return 1
    _use_templates(args)
    _emit(_console(), render_summary(displayable(case), Path(args.path), internal=args.internal))
    return 0


def render_summary(case: Case, path: Path, *, internal: bool = False) -> RenderableType:
    """One case as a two-column sheet: labels on the left, facts on the right.

    Incident notes appear only with ``internal``; otherwise the internal reasons
    are counted and labelled as internal.
    """
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from clientexit.core import rules
    from clientexit.core.model import RED_FLAG_HINTS

    sheet = Table.grid(padding=(0, 2))
    sheet.add_column(style="bold", no_wrap=True)
    sheet.add_column(overflow="fold")

    def section(title: str) -> None:
        if sheet.row_count:
            sheet.add_row("", "")
        sheet.add_row(Text(title, style="bold underline"), "")

    def row(label: str, value: Text | Table | str, style: str = "") -> None:
        sheet.add_row(
            Text(f"  {label}"), value if not isinstance(value, str) else Text(value, style=style)
        )

    def grid(*justify: str) -> Table:
        inner = Table.grid(padding=(0, 2))
        for how in justify:
            inner.add_column(justify=how)  # type: ignore[arg-type]
        return inner

    c = case.contract
    money = rules.format_money

    title = Text(case.title, style="bold")
    title.append(f"  {case.status.value}", style=_STATUS_STYLE.get(case.status.value, ""))
    who = " · ".join(part for part in (case.client.contact, case.client.email) if part)
    row("Contact", who or NONE_SHOWN)
    row("File", shown_path(path))

    section("Call")
    when = _day(case.call.date)
    if case.call.date and case.call.time:
        when += f" at {case.call.time}"
    row("When", f"{when}, by {case.call.medium.value.replace('_', ' ')}")

    section("Contract")
    row("Title", c.title or NONE_SHOWN)
    if c.termination_clause.strip():
        row("Clause", c.termination_clause)
    else:
        row("Clause", "no written contract")
    row("Notice", notice_in_words(case))
    row("Ends", _day(rules.effective_date(case)))
    deletion = rules.deletion_date(case)
    row(
        "Deletion",
        f"{_day(deletion)} ({case.handover.delete_after_days} days after the end)"
        if deletion
        else NONE_SHOWN,
    )

    section("Money")
    refundable = "refundable" if c.deposit_refundable else "not refundable"
    row("Deposit", f"{money(c.deposit, c.currency)}, {refundable}" if c.deposit else "none")
    if c.invoices:
        invoices = grid("left", "right", "left")
        for inv in c.invoices:
            if inv.balance:
                state = Text(f"{money(inv.balance, c.currency)} owed", style="yellow")
                if inv.due:
                    state.append(f", due {inv.due.isoformat()}")
            else:
                state = Text("paid", style="dim")
            invoices.add_row(
                Text(inv.number or "(no number)"), money(inv.amount, c.currency), state
            )
        row("Invoices", invoices)
    else:
        row("Invoices", "none")
    owed = rules.money_owed(case)
    row("Owed", money(owed, c.currency), style="bold yellow" if owed else "")

    section("Work")
    if c.deliverables:
        work = grid("left", "left")
        for item in c.deliverables:
            status = item.status.value.replace("_", " ")
            if item.due and item.unfinished:
                status += f", due {item.due.isoformat()}"
            work.add_row(
                Text(item.name or "(unnamed)"),
                Text(status, style="yellow" if item.unfinished else "dim"),
            )
        row("Deliverables", work)
    else:
        row("Deliverables", "none listed")

    section("Conversation")
    row("Tone", case.tone.choice.value)
    reason = case.tone.reason_text.strip() or f"({case.tone.reason.value})"
    row("Reason", reason)
    mode = case.referral.mode.value
    if mode == "named":
        names = [x for x in case.referral.contacts if x.name.strip()]
        if names:
            people = grid("left")
            for person in names:
                line = Text(person.name)
                if person.email:
                    line.append(f" <{person.email}>", style="dim")
                people.add_row(line)
            row("Referral", people)
        else:
            row("Referral", "a named colleague (no one named yet)")
    elif mode == "provider_type":
        row("Referral", case.referral.provider_type or "a kind of provider (not said yet)")
    else:
        row("Referral", "none")
    items = case.handover.items
    done = sum(1 for item in items if item.done)
    row("Handover", f"{done} of {len(items)} done" if items else "no checklist yet")
    if case.handover.paid_support.strip():
        row("Support", case.handover.paid_support)
    lines = len(case.script.lines)
    speaking = _duration(rules.speaking_seconds(rules.script_words(case)))
    script = f"{_plural(lines, 'line')}, about {speaking} to say" if lines else "not written yet"
    if case.script.objections:
        script += f"; {_plural(len(case.script.objections), 'prepared answer')} to pushback"
    row("Script", script)
    if case.rehearsals:
        last = max(case.rehearsals, key=lambda r: r.at)
        rehearsed = (
            f"{_plural(len(case.rehearsals), 'time')}; last {_local(last.at)}, "
            f"{_duration(last.seconds)}"
        )
        if last.flagged:
            rehearsed += f", stumbled on line{'s' if len(last.flagged) > 1 else ''} " + ", ".join(
                str(n) for n in last.flagged
            )
        row("Rehearsed", rehearsed)
    else:
        row("Rehearsed", "not yet")

    section("Internal")
    reasons = case.reasons
    counts = Text(
        f"{_plural(len(reasons.red_flags), 'red flag')}, "
        f"{_plural(len(reasons.incidents), 'incident')}"
    )
    counts.append("  internal", style="bold magenta")
    if reasons.first_noted:
        counts.append(f"\nfirst noted {reasons.first_noted.isoformat()}")
    if not internal and reasons.incidents:
        counts.append("\n(notes not shown; add --internal to see them)", style="dim")
    row("Reasons", counts)
    if internal:
        if reasons.red_flags:
            row("Red flags", ", ".join(RED_FLAG_HINTS[flag][0] for flag in reasons.red_flags))
        if reasons.incidents:
            log = grid("left", "left")
            for incident in reasons.incidents:
                log.add_row(
                    Text(_day(incident.date)),
                    Text(f"{RED_FLAG_HINTS[incident.category][0]}: ", style="bold").append(
                        Text(incident.note)
                    ),
                )
            row("Incidents", log)

    section("Readiness")
    found = rules.findings(case)
    warnings = sum(1 for f in found if f.level.value == "warning")
    if not found:
        row("Ready", "nothing left to prepare", style="green")
    else:
        advice = len(found) - warnings
        summary = ", ".join(
            part
            for part in (
                _plural(warnings, "warning") if warnings else "",
                f"{advice} advice" if advice else "",
            )
            if part
        )
        row("To do", summary, style="yellow" if warnings else "")
        checklist = grid("left", "left")
        for finding in found:
            level = finding.level.value
            marker = Text(
                "! warning" if level == "warning" else "· advice",
                style="bold yellow" if level == "warning" else "cyan",
            )
            checklist.add_row(marker, Text(f"{finding.message} ({finding.step.value})"))
        sheet.add_row("", checklist)
    return Group(title, sheet)


# ---------------------------------------------------------------- validate


def _cmd_validate(args: argparse.Namespace) -> int:
    from clientexit.core import leak, render
    from clientexit.core.store import StoreError, case_files
    from clientexit.core.validate import CaseFileError, load_case

    _use_templates(args)
    checked = 0
    failed = 0
    leaking = 0
    for argument in args.paths:
        folder = Path(argument)
        if folder.is_dir():
            try:
                files = [str(path) for path in case_files(folder)]
            except StoreError as error:
                print(safe(str(error)))
                checked += 1
                failed += 1
                continue
            if not files:
                print(
                    f"{PROG}: {safe(argument)}: no case files (*.toml) in this folder",
                    file=sys.stderr,
                )
        else:
            files = [argument]
        for name in files:
            checked += 1
            try:
                case = load_case(name)
            except CaseFileError as error:
                failed += 1
                _print_problems(error.problems, to_stdout=True)
                continue
            try:
                leaks = leak.scan(case)
            except render.TemplateProblem as problem:
                return _error(safe(str(problem)))
            if leaks:
                leaking += 1
                for found in leaks:
                    print(f"{safe(name)}: warning: {safe(str(found))}")
            else:
                print(f"{safe(name)}: ok")
    outcome = f"{failed} with problems" if failed else "all valid"
    if leaking:
        outcome += (
            f", {_plural(leaking, 'file')} with private notes in client-facing text"
            f" (exit status {EXIT_LEAK})"
            if not failed
            else f", {leaking} with private notes in client-facing text"
        )
    elif not failed:
        outcome = "all ok"
    print(f"{_plural(checked, 'file')} checked, {outcome}", file=sys.stderr)
    if failed:
        return EXIT_PROBLEM
    return EXIT_LEAK if leaking else EXIT_OK


# ---------------------------------------------------------------- export


def _usage(command: str, message: str) -> int:
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format
    what = args.what or "all"
    # Usage first, before the case is read: a wrong combination costs nothing.
    if fmt == "eml" and what not in EMAIL_WHATS:
        return _usage(
            "export",
            f"--format eml writes one email draft: choose --what {', '.join(EMAIL_WHATS)}",
        )
    if fmt == "ics" and what != "all":
        return _usage(
            "export",
            "--format ics writes the case's dates as calendar events, not a document: "
            "leave out --what",
        )
    case = _load(args.path)
    if case is None:
        return 1
    out = None if args.output in (None, "-") else Path(args.output)
    if out is not None:
        # Checked before the text is made, so a wrong -o costs nothing.
        problem = _output_problem(out, Path(args.path))
        if problem:
            return _error(f"{safe(str(out))}: {problem}")

    from clientexit.core import leak, render

    _use_templates(args)
    notes: list[str] = []
    try:
        # The leak guard comes first: nothing is written until it passes.
        leaks = leak.scan(case, leak.parts_of(what, fmt))
        if fmt == "eml":
            from clientexit.core import mail

            notes = mail.warnings(case, what)
            data = mail.draft_bytes(case, what)
        elif fmt == "ics":
            from clientexit.core import ical

            data = ical.calendar_bytes(case)
        else:
            text = render.export(case, what, fmt)
            data = text.encode("utf-8")
    except render.TemplateProblem as problem:
        return _error(safe(str(problem)))
    except ValueError as error:
        return _error(str(error))
    if leaks and not args.allow_leak:
        print(
            f"{PROG}: {shown_path(args.path)}: not exported: words from your private "
            "incident notes appear in the text:",
            file=sys.stderr,
        )
        for found in leaks:
            print(f"  {safe(str(found))}", file=sys.stderr)
        print(
            f"Reword them (in the app: {PROG} open {shown_path(args.path)}), or export "
            "anyway with --allow-leak.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    if leaks:
        print(
            f"{PROG}: exporting with {_plural(len(leaks), 'leak')} allowed by --allow-leak",
            file=sys.stderr,
        )
    for note in notes:
        print(f"{PROG}: note: {safe(note)}", file=sys.stderr)

    if out is None:
        if fmt in TEXT_FORMATS:
            if sys.stdout.isatty():
                text = safe(text)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        elif sys.stdout.isatty():
            # On a terminal, readable text; in a pipe or a file, the exact bytes (CRLF).
            shown = data.decode("utf-8", "replace").replace("\r\n", "\n")
            sys.stdout.write(safe(shown))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
        return 0

    from clientexit.core.store import write_atomic

    try:
        write_atomic(out, data, backup=False)
    except OSError as error:
        return _error(f"{safe(str(out))}: cannot write: {error.strerror or error}")
    print(f"wrote {safe(str(out))}", file=sys.stderr)
    return 0


def _output_problem(out: Path, case_path: Path) -> str:
    """Why ``out`` cannot take an export, or "" when it can."""
    try:
        if out.is_dir():
            return "is a folder; give a file name to write to"
        if not out.parent.is_dir():
            return f"cannot write: the folder {out.parent} does not exist"
        if out.exists() and out.samefile(case_path):
            return "is the case file itself; choose another file name"
    except OSError as error:
        return f"cannot write: {error.strerror or error}"
    return ""


# ---------------------------------------------------------------- done


def _iso_date(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-11-28: {safe(text)!r}") from None


def _numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for piece in text.replace(" ", ",").split(","):
        if not piece:
            continue
        if not piece.isdigit() or int(piece) < 1:
            raise argparse.ArgumentTypeError(
                f"expected numbers from 1 up, separated by commas (like 1,3), got {safe(piece)!r}"
            )
        if int(piece) not in numbers:
            numbers.append(int(piece))
    return numbers


def _cmd_done(args: argparse.Namespace) -> int:
    from datetime import date

    from clientexit.core.model import Status
    from clientexit.core.store import StoreError, save_case

    case = _load(args.path)
    if case is None:
        return 1
    outcome = case.outcome
    if args.objections is not None:
        count = len(case.script.objections)
        beyond = [n for n in args.objections if n > count]
        if beyond:
            return _usage(
                "done",
                f"--objections: no prepared answer {', '.join(map(str, beyond))}; "
                f"the script has {_plural(count, 'prepared answer')}",
            )
        outcome.objections = list(args.objections)
    if args.agreed is not None:
        agreed = sys.stdin.read() if args.agreed == "-" else args.agreed
        outcome.agreed = agreed.strip("\n")
    today = date.today()
    planned = case.call.date if case.call.date and case.call.date <= today else None
    outcome.date = args.date or outcome.date or planned or today
    case.status = Status.DONE
    try:
        save_case(case, Path(args.path))
    except StoreError as error:
        return _error(safe(str(error)))
    print(
        f"{safe(case.title)}: call recorded on {outcome.date.isoformat()}; the case is done.",
        file=sys.stderr,
    )
    print(
        f"Write the follow-up email: {PROG} export {shown_path(args.path)} --what followup "
        "--format eml -o followup.eml",
        file=sys.stderr,
    )
    return 0


# ---------------------------------------------------------------- trash


def _cmd_trash(args: argparse.Namespace) -> int:
    from clientexit.core.store import StoreError, empty_trash, trash_files

    library = _library(args)
    files = trash_files(library)
    if not args.empty:
        if not files:
            print(f"The trash in {shown_path(library)} is empty.")
            return 0
        print(f"In the trash of {shown_path(library)} (kept until you empty it):")
        for path in files:
            print(f"  {safe(path.name)}")
        print(f"Delete them for good with: {PROG} trash --empty", file=sys.stderr)
        return 0
    try:
        removed = empty_trash(library)
    except StoreError as error:
        return _error(safe(str(error)))
    print(f"Deleted {_plural(removed, 'file')} from the trash for good.", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- serve


def _cmd_serve(args: argparse.Namespace) -> int:
    # Here, not at the top: aiohttp and textual-serve load only for this command.
    from clientexit.serve import serve

    return serve(_library(args), args.port)


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "": _cmd_app,
    "new": _cmd_new,
    "open": _cmd_open,
    "rehearse": _cmd_rehearse,
    "list": _cmd_list,
    "show": _cmd_show,
    "validate": _cmd_validate,
    "export": _cmd_export,
    "done": _cmd_done,
    "trash": _cmd_trash,
    "serve": _cmd_serve,
}
