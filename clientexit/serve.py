"""``clientexit serve``: the same app in a browser tab, on this computer only.

textual-serve runs a small web server; every browser tab that connects starts its
own ``clientexit`` process on the same library and shows its screen through
xterm.js. What we add around it:

- It listens on 127.0.0.1 only. There is no option to change that: the app shows
  private notes, and a case library is nobody else's business.
- Requests must name this server (``Host``) and web sockets must come from its own
  page (``Origin``). Otherwise any web page open in the same browser could open a
  socket to 127.0.0.1 and drive the app, and a rebound DNS name could read it.
- The page is our own copy of textual-serve's, without the Google Fonts link, so it
  loads with no network at all (the fonts it needs are in textual-serve's static
  folder).
- A busy port is a one-line message, not a traceback; Ctrl+C stops it cleanly.

Imported only when the command runs: aiohttp and textual-serve are not small.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from textual_serve.server import Server

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

HOST = "127.0.0.1"
"""The only address the server listens on."""
DEFAULT_PORT = 8000
PORTS_TO_TRY = 20
"""Without ``--port``, the first free port of 8000-8019 is used."""
PAGE_DIR = Path(__file__).resolve().parent / "serve_page"
"""Our copy of textual-serve's page template (``app_index.html``)."""
TITLE = "clientexit"
TAB_QUIT_SECONDS = 10.0
"""On Ctrl+C, how long the apps in open tabs get to quit before the server stops."""


def app_command(library: Path) -> str:
    """The shell command each browser tab runs: this interpreter, this library."""
    # sys.executable, not "clientexit": the tab must run the same install as the
    # server, whatever PATH says.
    return shlex.join([sys.executable, "-m", "clientexit", "--home", str(library)])


def allowed_hosts(port: int) -> frozenset[str]:
    """``Host`` values a request to this server may carry (what the user can type)."""
    suffix = "" if port == 80 else f":{port}"  # browsers leave out http's own port
    return frozenset({f"{HOST}{suffix}", f"localhost{suffix}"})


def allowed_origins(port: int) -> frozenset[str]:
    """Pages allowed to open the app's web socket: only this server's own."""
    return frozenset(f"http://{host}" for host in allowed_hosts(port))


class PortInUse(Exception):
    """The port cannot be listened on; the message says why, in the user's words."""


def check_port(port: int) -> None:
    """Raise :class:`PortInUse` unless the server could listen on ``port`` now."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # The same option aiohttp sets, so a port a stopped server left in
        # TIME_WAIT counts as free, as it is for aiohttp.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((HOST, port))
    except OSError as error:
        raise PortInUse(_port_problem(port, error)) from None
    finally:
        probe.close()


def _port_problem(port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {HOST}; choose another with --port"
    if error.errno == errno.EACCES:
        return f"port {port} needs administrator rights; choose one from 1024 up with --port"
    return f"cannot listen on {HOST} port {port}: {error.strerror or error}"


def choose_port(wanted: int | None) -> int:
    """``wanted`` if it is free; without one, the first free port from 8000."""
    if wanted is not None:
        check_port(wanted)
        return wanted
    for port in range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TO_TRY):
        try:
            check_port(port)
        except PortInUse:
            continue
        return port
    last = DEFAULT_PORT + PORTS_TO_TRY - 1
    raise PortInUse(f"ports {DEFAULT_PORT}-{last} are all in use; choose one with --port")


class LocalServer(Server):
    """textual-serve's server, for this computer only, with our page and messages."""

    def __init__(self, command: str, port: int) -> None:
        super().__init__(
            command,
            host=HOST,
            port=port,
            title=TITLE,
            templates_path=PAGE_DIR,  # absolute: textual-serve's own path is ignored
        )
        self.tabs: dict[asyncio.Task[object], asyncio.Event] = {}
        """The open browser tabs: the task serving each, and an event set when it ends."""
        self.hosts = allowed_hosts(port)
        self.origins = allowed_origins(port)

    def initialize_logging(self) -> None:
        # Only problems (an app that failed to start), not a line per request.
        logging.basicConfig(level=logging.WARNING, format="clientexit serve: %(message)s")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._only_this_server)
        return app

    @web.middleware
    async def _only_this_server(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        # The header itself: aiohttp's request.host looks up this machine's name
        # (a DNS query) when a request has none.
        if request.headers.get("Host") not in self.hosts:
            raise web.HTTPForbidden(text="clientexit serves this computer's own browser only.\n")
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin not in self.origins:
            raise web.HTTPForbidden(text="clientexit answers its own page only.\n")
        return await handler(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: its own app process, for as long as the tab is open."""
        task = asyncio.current_task()
        if task is None:  # not in a task: nothing to stop it with later
            return await super().handle_websocket(request)
        ended = self.tabs[task] = asyncio.Event()
        try:
            return await super().handle_websocket(request)
        finally:
            ended.set()
            del self.tabs[task]

    async def on_shutdown(self, app: web.Application) -> None:
        """End every tab's app (each is told to quit) before the server goes."""
        # Without this, aiohttp waits up to a minute for open tabs to close
        # themselves. Cancelling a tab makes textual-serve send its app "quit" and
        # wait for it to end; its unsaved typing is in the library's .recovery/.
        waits = list(self.tabs.values())
        for task in list(self.tabs):
            task.cancel()
        if waits:
            await asyncio.wait(
                [asyncio.create_task(ended.wait()) for ended in waits], timeout=TAB_QUIT_SECONDS
            )

    async def on_startup(self, app: web.Application) -> None:
        print(f"clientexit is at {self.public_url} (this computer only)", flush=True)
        print("Open it in your browser; press Ctrl+C here to stop.", flush=True)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C (or SIGTERM); raises OSError if the port cannot be used."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # GracefulExit from the signal handler makes aiohttp close the sockets, end
        # each tab's app (it is sent "quit") and return, instead of a traceback.
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Not on Windows, nor outside the main thread: Ctrl+C is then a
            # KeyboardInterrupt, which the command line turns into exit status 130.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            access_log=None,
            print=None,
        )


def serve(library: Path, port: int | None) -> int:
    """Serve the app on ``library`` until stopped; the exit status."""
    try:
        chosen = choose_port(port)
    except PortInUse as problem:
        print(f"clientexit: {problem}", file=sys.stderr)
        return 1
    try:
        LocalServer(app_command(library), chosen).serve()
    except OSError as error:  # taken between the check and the start
        print(f"clientexit: {_port_problem(chosen, error)}", file=sys.stderr)
        return 1
    print("Stopped.", flush=True)
    return 0
