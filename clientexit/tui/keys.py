"""Keys handled one at a time, in the order they were read.

Textual hands a key to the focused widget's own queue, and the keys bound to an
action (backspace, the arrows, tab, a table's ``a``) act only once the key has
come back up to the app, a queue at a time. Keys read together (typed while the
app was busy for a moment, sent by a typing tool, bunched by a slow SSH link) then
overtake each other: "b", "a", backspace, "c" typed in a field gave "bac", and
"Acme", tab, "Jordan" put "AcmeJordan" in the first field.

Here the app hands on the next key only once the one before it is done: taken by
a widget, or back at the app and its binding run. Keys read meanwhile wait, in
order. A key that opens a form (or a wizard step) can also hold the keys behind it
until the focus is there (``hold_keys``), so they are typed into the form and do not
act on the screen below it.
"""

from __future__ import annotations

import asyncio
import sys
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.widgets import Input

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

KEY_LOST_AFTER = 0.5
"""Seconds after which a key handed on and never seen done stops holding up the next
(its widget was taken off the screen before it got to the key)."""

HOLD_AT_MOST = 0.5
"""Seconds a form that is opening may take before the keys held for it go on anyway."""

InputEvent = events.Key | events.Paste


def takes_typing(node: MessagePump) -> bool:
    """Whether ``node`` is a text field, which takes every character typed into it."""
    if isinstance(node, Input):
        return True
    # Not imported for this: a TextArea exists only once its module is loaded.
    text_area = sys.modules.get("textual.widgets._text_area")
    return text_area is not None and isinstance(node, text_area.TextArea) and not node.read_only


class KeysInOrderApp(App[None]):
    """An app whose keys (and pastes) are handled one after another, in order."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.waiting_keys: deque[InputEvent] = deque()
        """Keys read while another was being handled, or while a form opens."""
        self.key_in_flight: InputEvent | None = None
        """The key handed on last, until it is known to be done."""
        self.key_went_to: MessagePump | None = None
        """Where it went (the focused widget, else the screen)."""
        self.key_typed = False
        """Whether it is a character typed into a text field (which takes it there)."""
        self.key_followed = False
        """Whether it is being followed up from where it went (see follow_key)."""
        self.key_lost: asyncio.TimerHandle | None = None
        self.held_for: Screen[object] | None = None
        """The screen the keys were held on (see hold_keys)."""
        self.held_until: Callable[[Widget], bool] | None = None
        self.hold_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if not self.waiting_keys and self.may_hand_on(event):
                await self.hand_on(event)
            else:
                self.waiting_keys.append(event)
                self.follow_key()
            return
        await super().on_event(event)

    def may_hand_on(self, event: InputEvent) -> bool:
        """Whether ``event`` can be handed on now, while the key before it may not be done.

        Only a character for the field the character before it went to: that field
        takes them in the order they reach its queue. Anything else might act before
        the field has got to the characters (ctrl+s saving the form without them).
        """
        if self.held_for is not None:
            return False
        if self.key_in_flight is None:
            return True
        return (
            self.key_typed
            and not self.key_followed
            and isinstance(event, events.Key)
            and event.is_printable
            and self.focused is self.key_went_to
        )

    async def hand_on(self, event: InputEvent) -> None:
        """Handle ``event`` as Textual does; it is in flight until known to be done."""
        self.key_in_flight = event
        self.key_went_to = None
        self.key_typed = self.key_followed = False
        await super().on_event(event)
        if not event.is_forwarded:
            self.key_done(event)  # a priority binding took it (or nothing could)
            return
        # It went to the focused widget (or the screen, if none has the focus): it is
        # followed from there only once another key has to wait for it.
        node: MessagePump = self.focused or self.screen
        self.key_went_to = node
        self.key_typed = isinstance(event, events.Key) and event.is_printable and takes_typing(node)

    async def next_key(self) -> None:
        while self.waiting_keys and self.may_hand_on(self.waiting_keys[0]):
            await self.hand_on(self.waiting_keys.popleft())
        if self.waiting_keys:
            self.follow_key()

    def on_key(self, event: events.Key) -> None:
        # Back at the app, not taken on the way: its binding runs now. The key is done
        # once the binding has run, and what it left in the app's queue (a focus() call,
        # say) has gone ahead of the next key.
        if event is self.key_in_flight:
            self.call_later(self.key_done, event)

    def follow_key(self) -> None:
        """Another key waits: follow the one in flight up from where it went, a queue
        at a time, to learn when it is done (taken on the way, or back at the app)."""
        node, event = self.key_went_to, self.key_in_flight
        if node is None or event is None or self.key_followed:
            return
        self.key_followed = True
        self.key_lost = asyncio.get_running_loop().call_later(KEY_LOST_AFTER, self.key_done, event)
        if not node.call_later(self.key_passed, event, node):
            self.key_done(event)

    def key_passed(self, event: InputEvent, node: MessagePump) -> None:
        """Runs in ``node``'s queue after ``event``: done there, or gone up a level."""
        if event is not self.key_in_flight:
            return
        parent = node._parent
        # Stopped: a widget took it. But the screen stops the keys it hands up to the
        # app too: from there, it is followed into the app's queue, so that what its
        # binding leaves in that queue goes ahead of the next key.
        taken = event._stop_propagation and parent is not self
        if node is self or taken or parent is None:
            self.key_done(event)
            return
        if not parent.call_later(self.key_passed, event, parent):
            self.key_done(event)

    def key_done(self, event: InputEvent) -> None:
        if event is not self.key_in_flight:
            return
        self.key_in_flight = self.key_went_to = None
        self.key_typed = self.key_followed = False
        if self.key_lost is not None:
            self.key_lost.cancel()
            self.key_lost = None
        if self.waiting_keys and self.held_for is None:
            self.call_later(self.next_key)

    # -- a form opening ------------------------------------------------------------

    def hold_keys(self, until: Callable[[Widget], bool] | None = None) -> None:
        """Hold the keys read from now on until the focus lands where they are meant to go.

        By default, on another screen: for a key that opens a form through a message
        or a worker, the keys typed behind it are meant for the form, but would reach
        the screen below it first, where they act (c copies a line, e opens the
        editor). ``until`` says where else (the wizard: in the step being opened).
        Held, they go on once the focus is there, or after HOLD_AT_MOST seconds to
        whatever has it.
        """
        if self.held_for is None:
            self.held_for = self.screen
            self.held_until = until
            self.hold_timer = self.set_timer(HOLD_AT_MOST, self.release_keys)

    def release_keys(self) -> None:
        self.held_for = self.held_until = None
        if self.hold_timer is not None:
            self.hold_timer.stop()
            self.hold_timer = None
        if self.waiting_keys:
            self.call_later(self.next_key)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.held_for is None:
            return
        widget = event.widget
        if self.held_until is not None:
            arrived = self.held_until(widget)
        else:  # on another screen: the form's
            arrived = self.screen is not self.held_for and widget.screen is self.screen
        if arrived:
            self.release_keys()
