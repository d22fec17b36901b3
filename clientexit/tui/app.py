"""The clientexit application: a case library, and a wizard per case."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.messages import ExitApp
from textual.screen import Screen

from clientexit.core.base import Step
from clientexit.tui.keys import KeysInOrderApp
from clientexit.tui.watchers import prune_watchers

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.dom import DOMNode

    from clientexit.core.model import Case
    from clientexit.core.recovery import Recovery
    from clientexit.tui.screens.wizard import WizardScreen

RECOVERY_FOLDER = ".recovery"
"""``clientexit.core.recovery.RECOVERY_DIR``, looked at before that module is imported."""


class ClientExitApp(KeysInOrderApp):
    """Prepare the call that ends a client relationship."""

    CSS_PATH = "app.tcss"
    TITLE = "clientexit"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        *,
        library: Path,
        open_path: Path | None = None,
        new: bool = False,
        rehearse: Path | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.open_path = open_path or rehearse
        self.rehearse_on_open = rehearse is not None and open_path is None
        self.open_step = Step.SCRIPT if self.rehearse_on_open else Step.CONTRACT
        self.start_new = new
        self.library_later = False
        """Whether the library is still to be made, when the case opened first is closed."""
        self.wizard_below: Callable[[], WizardScreen] | None = None
        """Makes the wizard of `rehearse` and puts it under the rehearsal (until done)."""
        self.editor_runner: Callable[[list[str]], int] = self.run_editor_suspended
        """Runs the user's editor on a file and returns its exit status; tests replace it."""
        self.exit_after_mounts: asyncio.Task[None] | None = None
        """Exits the app once nothing is being mounted any more (see after_mounts)."""
        # The user's look is applied here, before the first frame is drawn.
        self.apply_settings()

    def on_mount(self) -> None:
        # A screen taken down leaves watchers on the app (its header's on the title, its
        # text areas' on the theme): let go of them at the next change of screen.
        self.screen_change_signal.subscribe(self, self.screen_changed)
        if self.settings_warning:
            self.notify(self.settings_warning, title="Settings", severity="warning", timeout=10)
        if self.open_path is None and not self.start_new:
            self.push_screen(self.make_library())
            # Start-up: the recovery check (and what it imports) is not needed for the
            # first frame, so it runs just after it.
            self.call_after_refresh(self.after_first_frame)
            return
        # `open`, `rehearse` and `new` start on the case itself: the library is made
        # when the case is closed (see pop_screen), not drawn first underneath.
        self.library_later = True
        found = self.pending_recoveries()
        if found:
            # Unsaved work from last time is asked about before anything can be typed:
            # the case asked for shows, unchanged, under the first question.
            self.open_first(rehearse=False)
            self.offer_recoveries(found, self.ask_now(found[0]))
        else:
            self.open_first(rehearse=self.rehearse_on_open)
        self.call_after_refresh(self.after_case_frame)

    def screen_changed(self, screen: Screen[object]) -> None:
        prune_watchers(self)

    def make_library(self, *, select: Path | None = None) -> Screen:
        """The library screen; ``select`` is the case its cursor starts on, once read."""
        from clientexit.tui.screens.library import LibraryScreen

        return LibraryScreen(self.library, select=select)

    def pop_screen(self) -> AwaitComplete:
        # Leaving the rehearsal of `rehearse` before its wizard was put under it.
        self.place_wizard_below()
        if self.library_later and len(self.screen_stack) == 2:
            # The case opened from the command line is closing, and the library it
            # lands on has not been made yet: it takes the case's place now.
            self.library_later = False
            # The cursor lands on the case just closed (saved, perhaps under a new name).
            closing = getattr(self.screen, "path", None)
            return self.switch_screen(self.make_library(select=closing))
        return super().pop_screen()

    def open_wizards(self) -> list[WizardScreen]:
        """The wizards open in the app, shown or under another screen (any of them may
        be making a step: see WizardScreen.steps_made)."""
        # Not imported for this: a session that never opened a case has none.
        wizard = sys.modules.get("clientexit.tui.screens.wizard")
        if wizard is None:
            return []
        return [
            screen
            for screen in self.screen_stack
            if isinstance(screen, wizard.WizardScreen) and screen.is_running
        ]

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        if not self.after_mounts(
            lambda: super(ClientExitApp, self).exit(result, return_code, message)
        ):
            super().exit(result, return_code, message)

    @on(ExitApp)
    def exit_requested(self, message: ExitApp) -> None:
        # How the served app's driver quits it (on the server's word, or a signal): the
        # message itself, not through exit. The same wait; Textual's own handler (App's)
        # runs after this one unless it is prevented.
        if self.after_mounts(lambda: self.post_message(ExitApp())):
            message.prevent_default()

    def after_mounts(self, then: Callable[[], object]) -> bool:
        """Before the app exits: if anything is still being mounted, ``then`` is run
        once it is (five seconds at most), and this says so; else False.

        Textual mounts nothing once the app is exiting (exit) or its message loop has
        ended (ExitApp), and takes its screens down child first: a widget being
        composed then is left without its children and fails in its mount handler (a
        traceback on the way out). Both happened: a step made ahead when the served
        app was told to quit, and the wizard put under the rehearsal of `rehearse`
        when the app was closed at once.
        """
        if self.exit_after_mounts is not None:
            return not self.exit_after_mounts.done()  # waited once already: not again
        building = [wizard for wizard in self.open_wizards() if wizard.stop_building()]
        if not (building or self.still_mounting()):
            return False
        self.exit_after_mounts = asyncio.create_task(self.run_after_mounts(then))
        return True

    async def run_after_mounts(self, then: Callable[[], object]) -> None:
        await self.mounts_finished()
        then()

    async def _shutdown(self) -> None:
        # Also the way out of a test's app (not through exit): the same wait.
        await self.mounts_finished()
        await super()._shutdown()

    def still_mounting(self) -> list[DOMNode]:
        """The widgets whose mounting has started and not finished."""
        return [
            widget
            for widget in self._registry
            if not widget._mounted_event.is_set()
            and widget._task is not None
            and not widget._task.done()
        ]

    async def mounts_finished(self, timeout: float = 5.0) -> None:
        """Wait until no wizard is making a step and no widget is still being mounted
        (``timeout`` seconds at most)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        for wizard in self.open_wizards():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wizard.steps_made(), max(deadline - loop.time(), 0))
        # Mounting one widget mounts others: looked at again until none is left.
        while (pending := self.still_mounting()) and (left := deadline - loop.time()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*(widget._mounted_event.wait() for widget in pending)), left
                )

    def pending_recoveries(self) -> list[Recovery]:
        """Recovery files with work in them; after a clean exit, one look at an empty folder
        (the recovery module, with its diff and hash libraries, is not even imported)."""
        try:
            with os.scandir(self.library / RECOVERY_FOLDER) as entries:
                if not any(entry.name.endswith(".toml") for entry in entries):
                    return []
        except OSError:
            return []
        from clientexit.core import recovery

        return recovery.find_recoveries(self.library)

    def open_first(self, *, rehearse: bool) -> None:
        """The first screen of `open`, `rehearse` and `new`: the case's wizard or its rehearsal.

        A case that cannot be read (it changed since the command line read it) is
        reported over the library.
        """
        if self.open_path is None:
            self.new_case()
            return
        case = self.read_case(self.open_path)
        if case is None:
            self.library_later = False
            self.push_screen(self.make_library())
        elif rehearse:
            self.rehearse_first(case, self.open_path)
        else:
            self.push_screen(self.make_wizard(case, self.open_path, step=self.open_step))

    def rehearse_first(self, case: Case, path: Path) -> None:
        """`rehearse`: the rehearsal alone makes the first frame. Its wizard, on the
        Script step (where leaving the rehearsal lands, and which saves its runs), is
        made and put under it just after that frame."""
        from clientexit.tui.messages import CaseEdited
        from clientexit.tui.screens.rehearsal import RehearsalScreen

        wizard: list[WizardScreen] = []

        def below() -> WizardScreen:
            if not wizard:
                wizard.append(self.make_wizard(case, path, step=Step.SCRIPT))
                self.place_under(wizard[0], rehearsal)
            return wizard[0]

        def save() -> bool:
            return below().action_save()

        def edited(source: str) -> None:
            below().post_message(CaseEdited(source))

        def back(_: None = None) -> None:
            self.wizard_back(below())

        rehearsal = RehearsalScreen(case=case, save=save, edited=edited)
        self.push_screen(rehearsal, back)
        self.wizard_below = below

    def after_case_frame(self) -> None:
        """After the first frame of `open`, `rehearse` or `new`: what that frame did not need."""
        from clientexit.core import render

        self.start_collecting()
        render.use_library(self.library)
        self.place_wizard_below()

    def start_collecting(self) -> None:
        """After the first frame: the garbage collector back on, if start-up turned it off.

        The command line runs the app with the collector off until its first frame
        (see ``clientexit.cli._run_app``). What exists then lives as long as the app:
        it is frozen (``gc.freeze``), so later full collections skip it, until a
        wizard closes (that thaws everything, so that its widgets can be collected).
        The few cycles start-up left behind (well under 1 MiB) are kept with it.
        """
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def place_wizard_below(self) -> None:
        """Make the wizard of `rehearse` and put it under its rehearsal, if still to do."""
        below, self.wizard_below = self.wizard_below, None
        if below is not None:
            below()

    def place_under(self, screen: Screen, above: Screen) -> None:
        """Put ``screen`` in the screen stack just under ``above``: mounted now, shown
        when ``above`` is dismissed (as if ``screen`` had been pushed before it)."""
        # Textual pushes screens on top only; this does what push_screen does for a
        # screen that is not the active one (as push_screen to another mode does).
        stack = self._screen_stack
        self._get_screen(screen)  # registers and mounts it
        screen._push_result_callback(self, None)
        self._load_screen_css(screen)
        stack.insert(stack.index(above), screen)

    def after_first_frame(self) -> None:
        """Offer unsaved work from last time, if any (the library is on screen)."""
        from clientexit.core import render

        self.start_collecting()
        # The library's own templates (LIBRARY/templates/<lang>/<tone>/) override ours.
        # Here, after the first frame: the template engine is not needed for it.
        render.use_library(self.library)

        found = self.pending_recoveries()
        if found:
            self.offer_recoveries(found)

    def open_requested(self) -> None:
        """After the questions about unsaved work: the rehearsal asked for, on its wizard."""
        from clientexit.tui.screens.wizard import WizardScreen

        if self.rehearse_on_open and isinstance(self.screen, WizardScreen):
            self.action_rehearse()

    def ask_now(self, found: Recovery) -> asyncio.Future[str]:
        """Show the question about one recovery at once (before the next frame); its answer."""
        from clientexit.tui.screens.recovery import RecoveryDialog

        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

        def answered(result: str | None) -> None:
            if not answer.done():
                answer.set_result(result or "")

        self.push_screen(RecoveryDialog(found), answered)
        return answer

    @work(exclusive=True, group="recovery")
    async def offer_recoveries(
        self, found: list[Recovery], first: asyncio.Future[str] | None = None
    ) -> None:
        """Offer each recovery file in turn; restoring one opens it and ends the questions.

        ``first`` is the answer to a question about ``found[0]`` already on screen.
        """
        from clientexit.tui.screens.recovery import RESTORE, ask_about

        for number, one in enumerate(found):
            shown = first if number == 0 else None
            if await ask_about(self, one, self.library, shown) == RESTORE:
                self.open_recovered(one)
                return
        self.open_requested()

    def open_recovered(self, found: Recovery) -> None:
        """Open a recovered case in the wizard, unsaved: its file changes only on ctrl+s."""
        from clientexit.tui.screens.wizard import WizardScreen

        recovered = WizardScreen(
            found.case,
            path=found.case_path,
            library=self.library,
            recovery_key=found.key,
            recovered_from=found.path,
        )
        if self.library_later and isinstance(self.screen, WizardScreen):
            # Asked before anything could be typed: the case opened from the command
            # line has no changes, and the restored one takes its place.
            self.switch_screen(recovered)
        else:
            self.push_screen(recovered)

    def open_case(self, path: Path, *, step: Step = Step.CONTRACT) -> None:
        """Open a case file in the wizard; a file that cannot be read is reported, not opened."""
        case = self.read_case(path)
        if case is not None:
            self.push_screen(self.make_wizard(case, path, step=step))

    def read_case(self, path: Path) -> Case | None:
        """The case in a file; None, after saying why, when it cannot be read."""
        from clientexit.core.validate import CaseFileError, load_case

        try:
            return load_case(path)
        except CaseFileError as error:
            self.notify(str(error), title="Cannot open this case", severity="error", timeout=15)
            return None

    def make_wizard(self, case: Case, path: Path, *, step: Step) -> WizardScreen:
        from clientexit.tui.screens.wizard import WizardScreen

        return WizardScreen(case, path=path, library=self.library, start=step)

    def new_case(self) -> None:
        from clientexit.core.model import new_case
        from clientexit.tui.screens.wizard import WizardScreen

        self.push_screen(WizardScreen(new_case(), path=None, library=self.library))

    def action_rehearse(self) -> None:
        """Rehearse the script of the case open in the wizard; the wizard saves each run."""
        from clientexit.tui.messages import CaseEdited
        from clientexit.tui.screens.rehearsal import RehearsalScreen
        from clientexit.tui.screens.wizard import WizardScreen

        wizard = self.screen
        if not isinstance(wizard, WizardScreen):
            self.notify("Open a case first: rehearsal works on a case's script.")
            return

        def edited(source: str) -> None:
            wizard.post_message(CaseEdited(source))

        self.push_screen(
            RehearsalScreen(case=wizard.case, save=wizard.action_save, edited=edited),
            lambda _: self.wizard_back(wizard),
        )

    @staticmethod
    def wizard_back(wizard: WizardScreen) -> None:
        """Back from a rehearsal: the run it added, or a line it changed, show on the step."""
        if not wizard.is_mounted:
            return  # made just now: it shows the case as it is when it mounts
        wizard.pane(wizard.current).refresh_from_case()
        wizard.refresh_steps()

    async def action_quit(self) -> None:
        """Quit; with unsaved changes in a case, ask first (save, discard or stay)."""
        from clientexit.tui.screens.confirm import UnsavedChangesDialog
        from clientexit.tui.screens.wizard import WizardScreen

        if isinstance(self.screen, UnsavedChangesDialog):
            return  # already asking
        unsaved = [s for s in self.screen_stack if isinstance(s, WizardScreen) and s.dirty]
        if unsaved:
            self.confirm_quit(unsaved[-1])
        else:
            self.exit()

    @work(exclusive=True, group="quit")
    async def confirm_quit(self, wizard: WizardScreen) -> None:
        from clientexit.tui.screens.confirm import UnsavedChangesDialog

        answer = await self.push_screen_wait(UnsavedChangesDialog(wizard.case.title))
        if answer == "stay" or (answer == "save" and not wizard.action_save()):
            return
        if answer == "discard":
            wizard.discard_changes()
        await wizard.autosaver.wait()  # the recovery copy removed, or in the trash
        self.exit()

    def action_help(self) -> None:
        from clientexit.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # -- looks -------------------------------------------------------------------

    def apply_settings(self) -> None:
        """Use the theme remembered in ``LIBRARY/.settings.toml``; a bad file only warns."""
        from clientexit.core import settings

        self.settings, self.settings_warning = settings.load(self.library)
        name = self.settings.theme
        if name in self.available_themes:
            self.theme = name
        elif name:
            self.settings_warning = (
                f"{settings.settings_path(self.library)}: there is no theme called "
                f"{name!r}; using the default theme."
            )

    def watch_theme(self, name: str) -> None:
        # Remember the user's own choice (the command palette's "Change theme"), not
        # the one applied from the settings at start.
        remembered = getattr(self, "settings", None)
        if remembered is None or not self.is_running or name == remembered.theme:
            return
        from clientexit.core import settings
        from clientexit.core.store import StoreError

        remembered.theme = name
        try:
            settings.save(remembered, self.library)
        except StoreError as error:
            self.notify(str(error), title="Theme not remembered", severity="warning")

    # -- the user's editor ----------------------------------------------------------

    def run_editor_suspended(self, command: list[str]) -> int:
        """Hand the terminal to the editor until it exits; its exit status."""
        import subprocess

        with self.suspend():
            return subprocess.run(command, check=False).returncode

    def edit_text(self, text: str, *, name: str, what: str) -> str | None:
        """Open ``text`` in the user's editor ($VISUAL, $EDITOR, else vi) and return the result.

        The text is written to ``name`` in a fresh private folder (0700, random
        name) as a file only the user can read (0600); both are removed when the
        editor exits. Returns None, after telling the user why, when the editor
        cannot start, fails, or leaves the text unchanged. ``what`` names the text
        in those messages ("the letter").
        """
        import os
        import shlex
        import shutil
        import tempfile

        from textual.app import SuspendNotSupported

        setting = (
            os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip() or "vi"
        )
        title = "Cannot open your editor"
        try:
            command = shlex.split(setting)
        except ValueError as error:
            self.notify(f"$EDITOR is {setting!r}, which cannot be read: {error}.", title=title)
            return None
        if not command or shutil.which(command[0]) is None:
            self.notify(
                f"There is no editor called {command[0] if command else setting!r} on this "
                "computer. Set $EDITOR to the one you use, e.g. EDITOR=nano.",
                title=title,
                severity="error",
                timeout=10,
            )
            return None
        folder = Path(tempfile.mkdtemp(prefix="clientexit-"))
        try:
            path = folder / name
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text if text.endswith("\n") else text + "\n")
            try:
                status = self.editor_runner([*command, str(path)])
            except SuspendNotSupported:
                self.notify(
                    "This screen cannot hand the terminal to an editor (in a browser tab, "
                    "for one). Edit the text in the app instead.",
                    title=title,
                    severity="error",
                )
                return None
            except OSError as error:
                self.notify(
                    f"{command[0]} could not start: {error.strerror or error}.",
                    title=title,
                    severity="error",
                )
                return None
            if status != 0:
                self.notify(
                    f"The editor ended with an error (status {status}), so {what} was "
                    "left as it was.",
                    severity="warning",
                    timeout=8,
                )
                return None
            try:
                edited = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                self.notify(
                    f"The edited text could not be read back ({error}), so {what} was "
                    "left as it was.",
                    severity="error",
                )
                return None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if edited.strip() == text.strip():
            self.notify(f"No change to {what}.", timeout=3)
            return None
        return edited

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from clientexit.tui.commands import commands_for

        yield from commands_for(self, screen)
        yield from super().get_system_commands(screen)


def build_app(
    *,
    library: Path,
    open_path: Path | None = None,
    new: bool = False,
    rehearse: Path | None = None,
) -> ClientExitApp:
    """The one way the command line and the tests make the app."""
    return ClientExitApp(library=library, open_path=open_path, new=new, rehearse=rehearse)
