"""``clientexit serve``: the app in a browser tab, on 127.0.0.1 only.

The browser test starts the real command, loads its page in Debian's Chromium
(driven by Playwright, which never downloads a browser of its own here) and reads
what xterm.js drew from the terminal's buffer. Without Chromium that test is
skipped with a message saying how to enable it; with ``CI=true`` (``.ci/run``
sets it) a missing browser fails instead, so CI cannot pass without running it.
"""

from __future__ import annotations

import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from clientexit import cli
from clientexit.serve import app_command

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
SERVED_SAMPLES = (
    "brandt-sohne-events-gmbh-2026-11-26.toml",
    "the-copper-kettle-cafe-2026-11-10.toml",
)

CHROMIUM = Path("/usr/bin/chromium")
HOW_TO_ENABLE = (
    "Chromium not found at /usr/bin/chromium: install Debian's chromium package "
    "(apt-get install chromium) to run the browser test"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name is looked up at all: the page is at an address, not a name.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

WAIT_SECONDS = 60
"""Patience on a busy machine (two shared cores), not a measurement."""

# textual.js keeps its xterm.js Terminal to itself, in `this.terminal` of an
# object it makes on load. This script runs before the page's own: the first
# `.terminal = ...` assignment lands in the setter below, which removes itself,
# stores the value where it was meant to go, and keeps a handle for the test.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    delete Object.prototype.terminal;
    this.terminal = value;
    window.__clientexitTerminal = value;
  },
});
"""

# What the terminal shows: its visible rows, as text.
READ_SCREEN = """() => {
  const terminal = window.__clientexitTerminal;
  if (!terminal) return "";
  const buffer = terminal.buffer.active;
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
}"""


# ---------------------------------------------------------------- Chromium or not


def in_ci(environ: Mapping[str, str]) -> bool:
    """CI systems set ``CI=true``; ``.ci/run`` does too."""
    return environ.get("CI", "").strip().lower() in ("true", "1")


def require_chromium(path: Path, environ: Mapping[str, str]) -> Path:
    """``path`` if it is a browser we can run; else skip, or fail under CI."""
    if path.is_file() and os.access(path, os.X_OK):
        return path
    if in_ci(environ):
        pytest.fail(HOW_TO_ENABLE)
    pytest.skip(HOW_TO_ENABLE)


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Path:
    # Playwright must only ever drive the system's Chromium, never fetch one.
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    return require_chromium(CHROMIUM, os.environ)


def test_missing_chromium_is_skipped_with_the_way_to_enable_it(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_chromium(tmp_path / "chromium", {"CI": "false"})


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_missing_chromium_fails_under_ci(tmp_path: Path, value: str) -> None:
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_chromium(tmp_path / "chromium", {"CI": value})


def test_chromium_that_is_there_is_used(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o700)
    assert require_chromium(browser, {"CI": "true"}) == browser
    browser.chmod(0o600)  # there, but not a program
    with pytest.raises(pytest.skip.Exception):
        require_chromium(browser, {})


# ---------------------------------------------------------------- the server


@dataclass
class Served:
    """A running ``clientexit serve``: its process (leading its own group) and port."""

    process: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(served: Served) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            out, err = served.process.communicate()
            pytest.fail(f"clientexit serve ended with {served.process.returncode}:\n{out}{err}")
        try:
            socket.create_connection(("127.0.0.1", served.port), timeout=1).close()
        except OSError:
            time.sleep(0.1)
        else:
            return
    pytest.fail(f"clientexit serve did not listen on port {served.port}")


@pytest.fixture
def served_library(library: Path) -> Path:
    """A library holding copies of two sample cases (the samples stay untouched)."""
    library.chmod(0o700)
    for name in SERVED_SAMPLES:
        shutil.copy(SAMPLES / name, library / name)
    return library


@pytest.fixture
def server(served_library: Path) -> Iterator[Served]:
    """``clientexit serve`` on a free port, in its own process group (its tabs' apps too)."""
    port = free_port()
    command = [sys.executable, "-m", "clientexit", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--home", str(served_library)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    served = Served(process, port)
    try:
        wait_for_port(served)
        yield served
    finally:
        # Whatever happened: the server and every app it started go.
        if served.group_alive():
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def client_names(library: Path) -> list[str]:
    return [
        tomllib.loads((library / name).read_text(encoding="utf-8"))["client"]["name"]
        for name in SERVED_SAMPLES
    ]


# ---------------------------------------------------------------- in the browser


def test_library_is_drawn_in_the_browser(
    chromium: Path, server: Served, served_library: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import Request, Route, sync_playwright

    names = client_names(served_library)
    outside: list[str] = []
    page_errors: list[str] = []

    def only_this_server(route: Route, request: Request) -> None:
        if request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",  # fresh: nothing from another run
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.route("**/*", only_this_server)
            page.add_init_script(CATCH_TERMINAL)
            page.goto(server.url)

            def wait_for_screen(condition: str, arg: object, what: str) -> str:
                try:
                    page.wait_for_function(
                        f"(arg) => {{ const screen = ({READ_SCREEN})(); return {condition}; }}",
                        arg=arg,
                        timeout=WAIT_SECONDS * 1000,
                    )
                except PlaywrightError:
                    page.screenshot(path=tmp_path / "screen.png")
                    pytest.fail(f"{what}; the screen shows:\n{page.evaluate(READ_SCREEN)}")
                return str(page.evaluate(READ_SCREEN))

            library_screen = wait_for_screen(
                "arg.every((name) => screen.includes(name))",
                names,
                f"the library never showed {names}",
            )
            assert "Case library" in library_screen
            assert "Review & save" not in library_screen

            # Keys reach the app: enter opens the highlighted case in the wizard.
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("Enter")
            case_screen = wait_for_screen(
                "screen.includes(arg)", "Review & save", "enter did not open the case"
            )
            assert "Case library" not in case_screen

            # Everything came from the server: the page, its script and its font.
            loaded_fonts = page.evaluate(
                "() => [...document.fonts].filter((f) => f.status === 'loaded')"
                ".map((f) => f.family)"
            )
            assert any("Roboto Mono" in family for family in loaded_fonts)
            assert outside == []
            assert page_errors == []

            # Ctrl+C with a tab still open: the server tells the tab's app to quit,
            # and nothing of it is left running.
            server.process.send_signal(signal.SIGINT)
            out, err = server.process.communicate(timeout=WAIT_SECONDS)
            assert server.process.returncode == 0, err
            assert f"clientexit is at http://127.0.0.1:{server.port}" in out
            assert "Ctrl+C" in out
            assert "Traceback" not in out + err
            deadline = time.monotonic() + WAIT_SECONDS
            while server.group_alive() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not server.group_alive(), "an app the server started is still running"
        finally:
            browser.close()


# ---------------------------------------------------------------- without a browser


def _get(served: Served, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """The status of a GET, and the body of a 200."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=WAIT_SECONDS)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace") if response.status == 200 else ""
        return response.status, body
    finally:
        connection.close()


def _socket_headers(origin: str) -> dict[str, str]:
    return {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
        "Origin": origin,
    }


def test_page_and_socket_answer_this_server_only(server: Served) -> None:
    here = f"127.0.0.1:{server.port}"

    # A name that rebinds to 127.0.0.1 gets nothing.
    assert _get(server, "/", {"Host": f"evil.example:{server.port}"})[0] == 403
    # No Host at all is refused too.
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_SECONDS) as bare:
        bare.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert bare.recv(64).startswith(b"HTTP/1.0 403")

    # Another web page cannot open the socket that drives the app ...
    refused, _ = _get(server, "/ws", {"Host": here, **_socket_headers("http://evil.example")})
    assert refused == 403
    # ... while the page the server itself gave out can.
    accepted, _ = _get(server, "/ws", {"Host": here, **_socket_headers(f"http://{here}")})
    assert accepted == 101


def test_page_links_nothing_outside_the_server(server: Served) -> None:
    here = f"127.0.0.1:{server.port}"
    status, page = _get(server, "/", {"Host": here})
    assert status == 200

    addresses = re.findall(r"[a-z]+://[^\s\"'<>)]+", page)
    assert addresses, "the page should name its script, style sheet and font"
    for address in addresses:
        assert address.startswith((f"http://{here}/", f"ws://{here}/")), address
    for address in addresses:
        if address.startswith("http://"):
            # Every file the page needs is there (the font too, so none is fetched).
            path = address.removeprefix(f"http://{here}")
            assert _get(server, path, {"Host": here})[0] == 200, path


def test_busy_port_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = cli.main(["serve", "--port", str(port), "--home", str(tmp_path)])
    assert status == 1
    captured = capsys.readouterr()
    assert f"port {port} is already in use" in captured.err
    assert "--port" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_port_that_is_not_a_port_is_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--port", port]) == 2
    assert "not a port number" in capsys.readouterr().err


def test_each_tab_runs_this_interpreter_on_this_library() -> None:
    library = Path("/tmp/a library with spaces")
    command = shlex.split(app_command(library))
    assert command == [sys.executable, "-m", "clientexit", "--home", str(library)]
