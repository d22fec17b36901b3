"""Measure clientexit against floors measured in the same run; print a table, write JSON.

Usage: ``scripts/bench [--quick] [--reps N] [--cases N] [--json PATH]``.

Every goal of issue 8 is a ratio against a floor measured here, never a constant:

- start-up is timed in a real pseudo-terminal (80x24, TERM=xterm-256color) from
  process launch until the output contains the expected text, against the bare
  floor app (``benchmarks/floor_app.py``, one Static) launched in the same rounds:
  each round launches the floor app and each program once, in turn, after a first
  round that is not counted;
- ``clientexit list --json`` against parsing the same files with tomllib in one process;
- keystrokes are timed in-process (``App.run_test``): the key event is posted and the
  clock stops at the next frame the app composes, against the floor app's key-to-frame
  timed just before each scenario.
  clientexit's app is started as its command line starts it (the garbage collector
  off until the first frame), and in the wizard the keys start once it has made its
  other steps (within about a second of opening);
- saving is ``store.save_case`` against a bare write, fsync and rename of the same bytes;
- memory is the child's peak RSS (``wait4``) against the floor app's.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import json
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "results.json"
BIN = Path(sys.executable).parent
MARK = "Bench"
"""Every generated client name starts with this and five digits: the library rows' text."""

_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"
    r"|\x1b[()][0-9A-Za-z]"
)


@dataclass
class Row:
    """One measured goal: the app's numbers, the floor's, and whether the goal holds."""

    goal: str
    what: str
    unit: str
    median: float
    min: float
    max: float
    p99: float | None
    floor: float | None
    floor_what: str
    ratio: float | None
    limit: float
    limit_kind: str  # "ratio" or "absolute" (compares median with limit)
    met: bool
    samples: list[float] = field(default_factory=list)
    floor_samples: list[float] = field(default_factory=list)
    note: str = ""


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * (len(ordered) - 1))))]


def make_row(  # noqa: PLR0917 - one row's fields, in table order
    goal: str,
    what: str,
    unit: str,
    samples: list[float],
    floor_samples: list[float] | None,
    floor_what: str,
    limit: float,
    *,
    limit_kind: str = "ratio",
    p99_limit: float | None = None,
    note: str = "",
) -> Row:
    median = statistics.median(samples)
    floor = statistics.median(floor_samples) if floor_samples else None
    ratio = median / floor if floor else None
    met = (ratio is not None and ratio <= limit) if limit_kind == "ratio" else median <= limit
    tail = p99(samples) if len(samples) >= 2 else None
    if p99_limit is not None and tail is not None:
        met = met and tail <= p99_limit
    return Row(
        goal=goal,
        what=what,
        unit=unit,
        median=median,
        min=min(samples),
        max=max(samples),
        p99=tail,
        floor=floor,
        floor_what=floor_what,
        ratio=ratio,
        limit=limit,
        limit_kind=limit_kind,
        met=met,
        samples=samples,
        floor_samples=floor_samples or [],
        note=note,
    )


# ---------------------------------------------------------------- case files


def _client_block(text: str, name: str) -> str:
    """The sample's text with the client's name replaced (the first name under [client])."""
    head, sep, rest = text.partition("[client]\n")
    lines = rest.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("name = "):
            lines[i] = "name = " + json.dumps(name, ensure_ascii=False)
            break
    return head + sep + "\n".join(lines)


def generate_library(folder: Path, count: int) -> Path:
    """``count`` case files made from the samples, each client named ``Bench00042 ...``."""
    folder.mkdir(parents=True, exist_ok=True)
    import tomllib

    samples = sorted(SAMPLES.glob("*.toml"))
    texts = [s.read_text(encoding="utf-8") for s in samples]
    names = [tomllib.loads(t)["client"]["name"] for t in texts]
    for i in range(count):
        j = i % len(texts)
        name = f"{MARK}{i:05d} {names[j]}"
        (folder / f"bench-{i:05d}-{samples[j].name}").write_text(
            _client_block(texts[j], name), encoding="utf-8"
        )
    return folder


def tomllib_parse_script(folder: Path) -> list[str]:
    """A one-process floor: parse every case file in ``folder`` with tomllib."""
    code = (
        "import os, sys, tomllib\n"
        "n = 0\n"
        "for e in sorted(os.scandir(sys.argv[1]), key=lambda e: e.name):\n"
        "    if e.name.endswith('.toml') and not e.name.startswith('.'):\n"
        "        with open(e.path, 'rb') as f:\n"
        "            tomllib.load(f)\n"
        "        n += 1\n"
        "print(n)\n"
    )
    return [sys.executable, "-c", code, str(folder)]


def script_case(folder: Path, lines: int) -> Path:
    """A sample case whose script has ``lines`` lines and no objections (no drill stops)."""
    from clientexit.core.model import ScriptLine, ScriptPart
    from clientexit.core.store import save_case
    from clientexit.core.validate import load_case

    source = SAMPLES / "tidewater-outfitters-llc-2026-12-01.toml"
    case = load_case(source)
    parts = list(ScriptPart)
    case.script.lines = [
        ScriptLine(
            part=parts[min(len(parts) - 1, i * len(parts) // lines)],
            text=f"Line {i + 1} of {lines}: we talk through this part of the call calmly.",
        )
        for i in range(lines)
    ]
    case.script.objections = []
    path = folder / f"script-{lines}.toml"
    save_case(case, path, touch=False)
    return path


# ---------------------------------------------------------------- the pty


@dataclass
class Launch:
    seconds: float | None
    peak_rss_kb: int
    tail: str


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        CLIENTEXIT_HOME=str(home / "library-unused"),
    )
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


def launch(
    argv: list[str], expect: str, home: Path, *, timeout: float, settle: float = 0.0
) -> Launch:
    """Start ``argv`` in an 80x24 pty; seconds until ``expect`` is on screen, and peak RSS.

    With ``settle`` the process runs that much longer after the text appears (so the
    memory figure includes what it loads just after its first frame).
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(home),
        cwd=home,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    buffer = bytearray()
    found: float | None = None
    deadline = start + timeout
    try:
        while True:
            now = time.perf_counter()
            if found is not None and now >= found + start + settle:
                break
            if now >= deadline:
                break
            ready, _, _ = select.select([master], [], [], 0.005)
            if not ready:
                if proc.poll() is not None and found is None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            if found is None:
                text = _ANSI.sub("", buffer.decode("utf-8", errors="ignore"))
                if expect in text:
                    found = time.perf_counter() - start
                    if not settle:
                        break
    finally:
        # The high-water mark of the process since exec (ru_maxrss from wait4 would
        # also count the pages it shared with this process before exec).
        peak_kb = _peak_rss_kb(proc.pid)
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = -9
        os.close(master)
    tail = _ANSI.sub("", buffer.decode("utf-8", errors="replace"))[-400:]
    return Launch(found, peak_kb or int(usage.ru_maxrss), tail)


def _peak_rss_kb(pid: int) -> int:
    """VmHWM of ``pid`` in KiB from /proc, or 0 where there is no /proc."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def interleaved_launches(
    programs: list[tuple[list[str], str, Callable[[], object] | None]],
    home: Path,
    reps: int,
    timeout: float,
) -> list[list[float]]:
    """Launch each program (argv, the text that ends it, what to do before each launch)
    once per round, in turn, after one round that is not counted: the machine's speed
    drifts over a run (writing back what was just generated, other work), and a drift
    then lands on the floor and the app alike instead of on one block of launches."""
    seconds: list[list[float]] = [[] for _ in programs]
    for round_number in range(reps + 1):
        for (argv, expect, prepare), samples in zip(programs, seconds, strict=True):
            if prepare is not None:
                prepare()
            result = launch(argv, expect, home, timeout=timeout)
            if result.seconds is None:
                raise RuntimeError(
                    f"{' '.join(argv)}: {expect!r} not on screen within {timeout} s; "
                    f"last output: {result.tail!r}"
                )
            if round_number:  # the first round only warms the file cache
                samples.append(result.seconds)
    return seconds


def timed_commands(argv: list[str], reps: int, timeout: float, cwd: Path) -> list[float]:
    seconds: list[float] = []
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run(
            argv, check=True, stdout=subprocess.DEVNULL, timeout=timeout, cwd=cwd, env=_env(cwd)
        )
        seconds.append(time.perf_counter() - start)
    return seconds


# ---------------------------------------------------------------- keystrokes


async def key_to_frame(
    app: Any,
    keys: Callable[[int], str],
    count: int,
    *,
    prepare: Callable[[Any], Any] | None = None,
    between: Callable[[int, Any], Any] | None = None,
) -> list[float]:
    """Post ``count`` key events to ``app``; seconds from each post to the next frame drawn.

    The app's ``_display`` (called with each composed frame) is wrapped to mark frames;
    Pilot's ``press`` is not used because it sleeps by design.
    """
    from textual import events

    frame = asyncio.Event()
    samples: list[float] = []
    misses = [0]
    async with app.run_test(size=(80, 24)) as pilot:
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                frame.set()

        app._display = display
        await pilot.pause()
        if prepare is not None:
            await prepare(pilot)
        await pilot.pause()
        for i in range(count):
            if between is not None:
                await between(i, pilot)
                await pilot.pause()
            key = keys(i)
            await pilot.pause()
            frame.clear()
            start = time.perf_counter()
            app.post_message(events.Key(key, key if len(key) == 1 else None))
            try:
                await asyncio.wait_for(frame.wait(), 2.0)
            except TimeoutError:
                misses[0] += 1  # no frame: the key changed nothing on screen
                continue
            samples.append(time.perf_counter() - start)
        app._display = original
    if misses[0]:
        log(f"{misses[0]} of {count} keys drew no frame within 2 s (left out)")
    if not samples:
        raise RuntimeError("no key drew a frame")
    return samples


def as_started(main: Coroutine[Any, Any, list[float]]) -> list[float]:
    """Run ``main`` (one of clientexit's key timings) with the app started as the
    command line starts it: the garbage collector off until the first frame, when the
    app freezes what start-up made and turns it back on. Thawed and collected after."""
    gc.collect()
    gc.disable()
    try:
        return asyncio.run(main)
    finally:
        gc.unfreeze()
        gc.enable()
        gc.collect()


async def wizard_idle(app: Any, pilot: Any) -> None:
    """Wait until the wizard has made its other steps (in idle time, once it opened):
    keys are timed in the wizard as it is a moment after opening, not while it is
    still making them."""
    from clientexit.tui.screens.wizard import WizardScreen

    await pilot.pause(0.1)
    screen = app.screen
    assert isinstance(screen, WizardScreen), f"no wizard: {screen!r}"
    for _ in range(500):
        if not (screen.building or screen.mounting):
            return
        await pilot.pause(0.01)
    raise RuntimeError("the wizard did not finish making its steps")


def keys_floor(count: int) -> list[float]:
    sys.path.insert(0, str(FLOOR_APP.parent))
    from floor_app import FloorApp

    return asyncio.run(key_to_frame(FloorApp(), lambda i: "space", count))


def keys_rehearsal(path: Path, count: int) -> list[float]:
    from clientexit.core.validate import load_case
    from clientexit.tui.app import build_app
    from clientexit.tui.screens.rehearsal import Mode, RehearsalScreen

    lines = len(load_case(path).script.lines)
    steps = max(1, min(lines - 2, 8))
    app = build_app(library=path.parent, rehearse=path)

    async def prepare(pilot: Any) -> None:
        for _ in range(20):
            if isinstance(app.screen, RehearsalScreen):
                break
            await pilot.pause(0.05)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen), f"no rehearsal screen: {screen!r}"
        if screen.mode is Mode.COUNTDOWN:
            await pilot.press("space")

    async def between(i: int, pilot: Any) -> None:
        if i and i % steps == 0:
            await pilot.press("home")  # back to the first line, untimed

    return as_started(key_to_frame(app, lambda i: "right", count, prepare=prepare, between=between))


def keys_typing(path: Path, count: int) -> list[float]:
    from textual.widgets import Input

    from clientexit.tui.app import build_app

    app = build_app(library=path.parent, open_path=path)

    async def prepare(pilot: Any) -> None:
        await wizard_idle(app, pilot)
        focused = app.focused
        assert isinstance(focused, Input), f"the wizard's first field is {focused!r}"
        focused.cursor_blink = False

    letters = "abcdefghij"
    return as_started(
        key_to_frame(app, lambda i: letters[i % len(letters)], count, prepare=prepare)
    )


def keys_steps(path: Path, count: int) -> list[float]:
    from clientexit.tui.app import build_app

    app = build_app(library=path.parent, open_path=path)

    async def prepare(pilot: Any) -> None:
        await wizard_idle(app, pilot)

    # Forward through the six steps, then back: f6 is next, shift+f6 previous.
    def key(i: int) -> str:
        return "f6" if (i // 5) % 2 == 0 else "shift+f6"

    return as_started(key_to_frame(app, key, count, prepare=prepare))


# ---------------------------------------------------------------- the library at scale


def forget_index(library: Path) -> None:
    """Remove the library's index, so the next listing reads every file (a first start)."""
    from clientexit.core.store import INDEX_NAME

    (library / INDEX_NAME).unlink(missing_ok=True)


def list_library_once(library: Path) -> None:
    from clientexit.core.store import list_library

    list_library(library)


def full_load(library: Path, count: int, timeout: float) -> float:
    """Seconds from the app's start until all ``count`` cases are rows of its table."""
    from clientexit.tui.app import build_app
    from clientexit.tui.screens.library import LibraryScreen
    from clientexit.tui.widgets.case_table import CaseTable

    app = build_app(library=library)

    async def measure() -> float:
        start = time.perf_counter()
        async with app.run_test(size=(80, 24)) as pilot:
            while time.perf_counter() - start < timeout:
                screen = app.screen
                if (
                    isinstance(screen, LibraryScreen)
                    and screen.query_one("#cases", CaseTable).row_count == count
                ):
                    return time.perf_counter() - start
                await pilot.pause(0.01)
        raise RuntimeError(f"the app did not load {count} cases within {timeout} s")

    return asyncio.run(measure())


# ---------------------------------------------------------------- saving


def save_times(folder: Path, count: int) -> tuple[list[float], list[float]]:
    from clientexit.core import codec
    from clientexit.core.store import save_case
    from clientexit.core.validate import load_case

    case = load_case(SAMPLES / "tidewater-outfitters-llc-2026-12-01.toml")
    path = folder / "save-me.toml"
    saves: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        save_case(case, path)
        saves.append(time.perf_counter() - start)
    data = codec.dumps(case).encode("utf-8")
    raw = folder / "raw.toml"
    floors: list[float] = []
    for _ in range(count):
        start = time.perf_counter()
        tmp = folder / ".raw.toml.tmp"
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(raw)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        floors.append(time.perf_counter() - start)
    return saves, floors


# ---------------------------------------------------------------- the run


@contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="clientexit-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh(case: Path, home: Path) -> Path:
    """A copy of ``case`` alone in a new library folder under ``home``."""
    folder = Path(tempfile.mkdtemp(prefix="lib-", dir=home))
    return Path(shutil.copy2(case, folder / case.name))


def log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> list[Row]:
    reps = args.reps
    timeout = args.timeout
    rows: list[Row] = []
    clientexit = str(BIN / "clientexit")
    with workspace() as home:
        small = generate_library(home / "small", 7)
        log(f"generating {args.cases} case files ...")
        big = generate_library(home / "big", args.cases)
        os.sync()  # the new files on disk now, not written back during the timings
        one = small / sorted(p.name for p in small.glob("*.toml"))[0]
        floor_argv = [sys.executable, str(FLOOR_APP)]
        from floor_app import FLOOR_TEXT

        # Each start-up against the floor launched in the same rounds: (what, arguments,
        # the text that ends it, note).
        starts: list[tuple[str, list[str], str, str]] = [
            ("clientexit --home LIB (7 cases) to rows", [], MARK, ""),
            (
                "clientexit open PATH to the first step",
                ["open", str(one)],
                "Reasons (internal)",
                "",
            ),
            (
                "clientexit rehearse PATH to the first line",
                ["rehearse", str(one)],
                "First line:",
                "to the countdown's 'First line:' preview",
            ),
        ]
        log("start-up: the floor app and clientexit three ways, in turn ...")
        floor_s, *start_s = interleaved_launches(
            [(floor_argv, FLOOR_TEXT, None)]
            + [
                ([clientexit, "--home", str(small), *extra], text, None)
                for _, extra, text, _ in starts
            ],
            home,
            reps,
            timeout,
        )
        floor_ms = [s * 1000 for s in floor_s]
        for (what, _, _, note), seconds in zip(starts, start_s, strict=True):
            rows.append(
                make_row(
                    "1 start-up",
                    what,
                    "ms",
                    [s * 1000 for s in seconds],
                    floor_ms,
                    "floor app to its Static",
                    1.3,
                    note=note,
                )
            )

        log(f"scale: list --json over {args.cases} files vs tomllib ...")
        parse_ms = [
            s * 1000
            for s in timed_commands(tomllib_parse_script(big), reps, args.long_timeout, home)
        ]
        list_argv = [clientexit, "--home", str(big), "list", "--json"]
        cold: list[float] = []
        for _ in range(reps):
            forget_index(big)  # every file read and validated, as on the very first listing
            cold += timed_commands(list_argv, 1, args.long_timeout, home)
        rows.append(
            make_row(
                "2 scale",
                f"list --json, {args.cases} cases, no index",
                "ms",
                [s * 1000 for s in cold],
                parse_ms,
                "tomllib parse of the same files",
                1.2,
            )
        )
        warm = timed_commands(list_argv, reps, args.long_timeout, home)
        rows.append(
            make_row(
                "2 scale",
                f"list --json, {args.cases} cases, with index",
                "ms",
                [s * 1000 for s in warm],
                parse_ms,
                "tomllib parse of the same files",
                1.2,
            )
        )
        log(f"scale: the app's first rows on {args.cases} cases, and the floor app, in turn ...")
        app_argv = [clientexit, "--home", str(big)]
        floor_cold, first_s = interleaved_launches(
            [(floor_argv, FLOOR_TEXT, None), (app_argv, MARK, lambda: forget_index(big))],
            home,
            reps,
            args.long_timeout,
        )
        rows.append(
            make_row(
                "2 scale",
                f"app first rows, {args.cases} cases, no index",
                "ms",
                [s * 1000 for s in first_s],
                [s * 1000 for s in floor_cold],
                "floor app to its Static",
                2.0,
            )
        )
        list_library_once(big)  # the index, as the first start leaves it once loaded
        floor_warm, again_s = interleaved_launches(
            [(floor_argv, FLOOR_TEXT, None), (app_argv, MARK, None)],
            home,
            reps,
            args.long_timeout,
        )
        rows.append(
            make_row(
                "2 scale",
                f"app first rows, {args.cases} cases, with index",
                "ms",
                [s * 1000 for s in again_s],
                [s * 1000 for s in floor_warm],
                "floor app to its Static",
                2.0,
            )
        )
        log(f"scale: the app loading all {args.cases} cases, first and second start ...")
        loads = max(1, min(reps, 3))
        cold_load: list[float] = []
        for _ in range(loads):
            forget_index(big)
            cold_load.append(full_load(big, args.cases, args.long_timeout) * 1000)
        warm_load = [full_load(big, args.cases, args.long_timeout) * 1000 for _ in range(loads)]
        rows.append(
            make_row(
                "2 scale",
                f"second start, all {args.cases} rows loaded (vs first)",
                "ms",
                warm_load,
                cold_load,
                "first start (no index), all rows",
                0.2,
                note="in-process, from app start to every row in the table",
            )
        )

        log("keystrokes ...")
        keys = args.keys
        frame = 1000 / 60
        short = script_case(home / "scripts", 10)
        long = script_case(home / "scripts", 1000)
        # Each scenario gets its own library: typing leaves an autosaved recovery
        # file, which the next app would offer in a dialog before anything else.
        scenarios: list[tuple[str, Callable[[], list[float]]]] = [
            (
                "rehearsal advance, 10-line script",
                lambda: keys_rehearsal(fresh(short, home), keys),
            ),
            (
                "rehearsal advance, 1,000-line script",
                lambda: keys_rehearsal(fresh(long, home), keys),
            ),
            ("typing in a wizard field", lambda: keys_typing(fresh(one, home), keys)),
            ("moving between wizard steps", lambda: keys_steps(fresh(one, home), keys)),
        ]
        for what, scenario in scenarios:
            # The floor app's keys just before each scenario's: in one process the
            # timings drift as apps come and go (Textual's caches fill, the collector
            # has more to walk), and the floor should drift with them.
            floor_keys = [s * 1000 for s in keys_floor(keys)]
            samples = scenario()
            rows.append(
                make_row(
                    "3 keys",
                    what,
                    "ms",
                    [s * 1000 for s in samples],
                    floor_keys,
                    "floor app key to frame, just before",
                    1.5,
                    p99_limit=frame,
                    note="and p99 <= 16.7 ms",
                )
            )

        log("saving ...")
        saves, raw = save_times(home / "save", args.saves)
        rows.append(
            make_row(
                "4 saving",
                "save_case, atomic and fsynced",
                "ms",
                [s * 1000 for s in saves],
                [s * 1000 for s in raw],
                "bare write+fsync+rename",
                5.0,
                limit_kind="absolute",
                note="median <= 5 ms",
            )
        )
        log("memory ...")
        mem = [
            launch(
                [clientexit, "--home", str(big)],
                MARK,
                home,
                timeout=args.long_timeout,
                settle=args.settle,
            ).peak_rss_kb
            / 1024
            for _ in range(max(1, min(reps, 3)))
        ]
        floor_mem = [
            launch(floor_argv, FLOOR_TEXT, home, timeout=timeout, settle=args.settle).peak_rss_kb
            / 1024
            for _ in range(max(1, min(reps, 3)))
        ]
        rows.append(
            make_row(
                "5 memory",
                f"peak RSS, {args.cases} cases",
                "MiB",
                mem,
                floor_mem,
                "floor app peak RSS",
                1.5,
            )
        )

    return rows


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(rows: list[Row]) -> str:
    head = (
        "goal",
        "measured",
        "median",
        "min",
        "max",
        "p99",
        "floor",
        "ratio",
        "limit",
        "met",
    )
    body = [
        (
            r.goal,
            f"{r.what} ({r.unit})",
            _num(r.median),
            _num(r.min),
            _num(r.max),
            _num(r.p99),
            _num(r.floor),
            f"{r.ratio:.2f}x" if r.ratio is not None else "-",
            (f"<= {r.limit}x" if r.limit_kind == "ratio" else f"<= {r.limit} {r.unit}")
            + (" p99<=16.7" if "p99" in r.note else ""),
            "yes" if r.met else "NO",
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(head, *body, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), rule, *(line(b) for b in body)])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--reps", type=int, help="start-up repetitions (default 7; quick 1)")
    parser.add_argument("--cases", type=int, help="library size (default 10000; quick 20)")
    parser.add_argument("--keys", type=int, help="keys per scenario (default 60; quick 5)")
    parser.add_argument("--saves", type=int, help="saves timed (default 200; quick 5)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per start-up")
    parser.add_argument("--long-timeout", type=float, help="seconds for the big library")
    parser.add_argument("--settle", type=float, help="seconds run after rows appear (memory)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "reps": 1 if quick else 7,
        "cases": 20 if quick else 10_000,
        "keys": 5 if quick else 60,
        "saves": 5 if quick else 200,
        "long_timeout": 30.0 if quick else 180.0,
        "settle": 0.2 if quick else 2.0,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(FLOOR_APP.parent))
    started = time.time()
    rows = run(args)
    print(table(rows))
    met = sum(r.met for r in rows)
    print(f"\n{met} of {len(rows)} goals met.")
    document = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "reps": args.reps,
        "cases": args.cases,
        "rows": [asdict(r) for r in rows],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
