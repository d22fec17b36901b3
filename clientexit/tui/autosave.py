"""Autosave: a recovery copy of the open case, a second or two behind the typing.

The case itself is only written when the user saves. What they typed since is
kept in a recovery file (see :mod:`clientexit.core.recovery`), so a crash, a
closed terminal or a flat battery loses at most the last couple of seconds.

An edit undone by hand (a word typed, then deleted) leaves the case as its file
holds it: then no recovery copy is kept, and the owner is told the case is back
to what is saved.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from pathlib import Path
from time import monotonic
from typing import Any

from textual.message_pump import MessagePump
from textual.timer import Timer

from clientexit.core import codec, recovery
from clientexit.core.base import CaseFileError
from clientexit.core.model import Case
from clientexit.core.store import StoreError

DELAY = 1.0
"""Seconds of quiet after the last change before the recovery copy is written."""

LONGEST = 2.0
"""However fast the typing, the copy is never further behind than this (seconds)."""


class Autosaver:
    """Keeps the recovery file of one open case up to date, without ever blocking typing.

    The case is turned into text on the app's thread (a few milliseconds, and a
    consistent snapshot), and the file is written and synced in a worker thread.
    Writes happen one at a time, in order; a write that was overtaken by a save
    or a discard is dropped.

    The wizard calls :meth:`changed` on every edit, :meth:`saved` after every real
    save, :meth:`discard` when the user throws their changes away, and :meth:`stop`
    when the case closes. ``on_saved_state`` is called when the case, at a write,
    turned out to be just what its file holds (and no edit came since).
    """

    def __init__(
        self,
        owner: MessagePump,
        library: Path,
        case: Case,
        path: Path | None,
        *,
        key: str = "",
        restored_from: Path | None = None,
        delay: float = DELAY,
        longest: float = LONGEST,
        on_error: Callable[[str], None] | None = None,
        on_saved_state: Callable[[], None] | None = None,
    ) -> None:
        self.owner = owner
        """Whose timers run the debounce (the wizard screen)."""
        self.library = library
        self.case = case
        self.path = path
        """The case file; None until the case is first saved."""
        self.key = key or recovery.new_key()
        """Names the recovery file of a case that was never saved."""
        self.delay = delay
        self.longest = longest
        self.on_error = on_error
        self.on_saved_state = on_saved_state
        self.writes = 0
        """How many recovery copies were written (for tests and the curious)."""
        self.last_written: float | None = None
        """When the last copy was written, by ``time.monotonic()``."""
        self.error = ""
        """Why the last write failed; "" after one succeeds."""
        self._timer: Timer | None = None
        self._first_change: float | None = None
        self._generation = 0
        self._edits = 0
        """Counts :meth:`changed` calls: a write knows whether an edit came after it."""
        self._file_text: tuple[tuple[int, int, int], str] | None = None
        """The case file's size and times when last read, and the case it held as text."""
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False
        self.restored_from = restored_from
        """The recovery file the case was restored from, while it holds work no other
        file does: removed once a copy of this session is written, or the case saved."""
        self.owned: set[Path] = {restored_from} if restored_from is not None else set()
        """Recovery files this case may overwrite or remove: those it wrote, and the one
        it was restored from. Any other file already at its recovery path is other
        work of the same case, left for later: it is moved aside first, never
        overwritten or removed."""

    @property
    def recovery_path(self) -> Path:
        """Where this case's recovery copy is written."""
        return recovery.recovery_path(self.library, self.path, self.key)

    @property
    def pending(self) -> bool:
        """Whether a change is waiting to be written, or a write is under way."""
        return self._timer is not None or any(not task.done() for task in self._tasks)

    def changed(self) -> None:
        """The case changed: write it within :attr:`delay` of quiet, :attr:`longest` at most."""
        if self._stopped:
            return
        self._edits += 1
        now = monotonic()
        if self._first_change is None:
            self._first_change = now
        due = min(now + self.delay, self._first_change + self.longest)
        if self._timer is not None:
            self._timer.stop()
        # Textual timers need a delay above zero.
        self._timer = self.owner.set_timer(max(due - now, 0.001), self._fire, name="autosave")

    def saved(self, path: Path) -> None:
        """The case is safely in ``path``: its recovery copy holds nothing more, remove it."""
        stale = [self.recovery_path]
        self._cancel()
        self.path = path
        stale.append(self.recovery_path)
        if self.restored_from is not None:
            stale.append(self.restored_from)
            self.restored_from = None

        # Now, and once more after any write still under way has finished.
        def remove_all() -> None:
            for old in stale:
                self._own(old)
                recovery.remove(old)

        try:
            remove_all()
        except StoreError as error:
            self._report(str(error))
        self._spawn(self._after_writes(remove_all))

    def discard(self) -> None:
        """The user threw their unsaved changes away: the recovery copy goes to the trash."""
        targets = [self.recovery_path]
        if self.restored_from is not None and self.restored_from != targets[0]:
            targets.append(self.restored_from)
        self.restored_from = None
        self._cancel()

        def throw_away() -> None:
            for target in targets:
                self._own(target)
                recovery.discard(target, self.library)

        self._spawn(self._after_writes(throw_away))

    def stop(self) -> None:
        """The case is closing: no more writes (a write under way still finishes)."""
        self._cancel()
        self._stopped = True

    async def flush(self) -> None:
        """Write a waiting change now, and wait until every write has finished."""
        if self._timer is not None:
            self._timer.stop()
            self._fire()
        await self.wait()

    async def wait(self) -> None:
        """Wait for writes, removals and discards under way."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- inside ----------------------------------------------------------------

    def _fire(self) -> None:
        self._timer = None
        self._first_change = None
        if self._stopped:
            return
        text = codec.dumps(self.case)
        data = recovery.recovery_bytes(self.case, self.path, text=text)
        self._spawn(self._write(self.recovery_path, data, self._generation, text, self._edits))

    async def _write(
        self, target: Path, data: bytes, generation: int, text: str, edits: int
    ) -> None:
        async with self._lock:
            if generation != self._generation:
                return  # a save or a discard came after this change was taken
            try:
                self._own(target)
                if self.path is not None and await asyncio.to_thread(
                    self._file_holds, self.path, text
                ):
                    if generation != self._generation:
                        return  # saved or discarded meanwhile: that has done the rest
                    # Edits undone: the file holds all of it, a copy would hold nothing more.
                    try:
                        await asyncio.to_thread(recovery.remove, target)
                    except OSError as error:
                        self._report(f"{target}: could not remove: {error.strerror or error}")
                        return
                    self._forget_restored(target)
                    self.error = ""
                    if edits == self._edits and self.on_saved_state is not None:
                        self.on_saved_state()
                    return
                await asyncio.to_thread(recovery.write_bytes, target, data)
                self._forget_restored(target)
            except StoreError as error:
                self._report(str(error))
                return
            self.writes += 1
            self.last_written = monotonic()
            self.error = ""

    async def _after_writes(self, action: Callable[[], object]) -> None:
        async with self._lock:
            try:
                action()
            except StoreError as error:
                self._report(str(error))

    def _forget_restored(self, written: Path) -> None:
        """After a copy at ``written`` (or none needed): the file the case was restored
        from, if another, holds nothing this session does not, and is removed."""
        restored, self.restored_from = self.restored_from, None
        if restored is not None and restored != written:
            try:
                recovery.remove(restored)
            except OSError as error:  # left where it is: offered again, nothing lost
                self._report(f"{restored}: could not remove: {error.strerror or error}")

    def _file_holds(self, path: Path, text: str) -> bool:
        """Whether the case file at ``path`` holds the case ``text`` is (as written).

        The file is read again only when its size or times changed since it was last
        read here (a save, or an edit elsewhere): a write is not held up by a parse.
        """
        from clientexit.core.validate import load_case

        try:
            info = path.stat()
            stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            if self._file_text is None or self._file_text[0] != stamp:
                self._file_text = (stamp, codec.dumps(load_case(path)))
        except (CaseFileError, OSError):
            return False  # unreadable, or not a case any more: keep the copy
        return self._file_text[1] == text

    def _own(self, path: Path) -> None:
        """Before the first write or removal at ``path``: move earlier work there aside."""
        if path in self.owned:
            return
        moved = recovery.set_aside(path)  # raises StoreError: then retried next time
        self.owned.add(path)
        if moved is not None:
            self._tell(
                f"Unsaved changes from an earlier session of this case were in its "
                f"recovery file; they are kept apart, in {moved}.",
                title="Earlier changes kept",
                timeout=12,
            )

    def _tell(self, message: str, **options: Any) -> None:
        """Show a notice through the owner (the wizard), if it can show one."""
        notify = getattr(self.owner, "notify", None)
        if notify is not None:
            with contextlib.suppress(Exception):
                notify(message, **options)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._first_change = None
        self._generation += 1

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _report(self, message: str) -> None:
        first = not self.error
        self.error = message
        if not first:
            return  # one notice per run of failures, not one per keystroke
        if self.on_error is not None:
            self.on_error(message)
            return
        self._tell(message, title="Autosave failed", severity="warning", timeout=10)
