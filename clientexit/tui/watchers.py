"""Let go of the watchers that widgets no longer on screen left behind.

A widget that watches another object's reactive (``self.watch(app, "title", ...)``, or
``data_bind`` in a parent's ``compose``) leaves an entry on the watched object, and
Textual drops the entries of removed widgets only when the watched value next changes
(Textualize/textual#6666). For values that never change here (the footer's
``compact``, the app's title and theme) every removed widget stayed alive with all it
held: the footer's keys, rebuilt when the keys shown change (about 500 objects a step
move, and full collections slower with each), and the header and text areas of every
case closed.
"""

from __future__ import annotations

WATCHERS = "__watchers"
"""Where Textual keeps the watchers of an object's reactives (see textual.reactive._watch)."""


def prune_watchers(watched: object) -> int:
    """Drop the watchers on ``watched`` whose widget is closing or closed, as Textual
    itself does when the value changes; how many were dropped."""
    watchers: dict[str, list[tuple[object, object]]] | None = getattr(watched, WATCHERS, None)
    if not watchers:
        return 0
    dropped = 0
    for entries in watchers.values():
        kept = [entry for entry in entries if not getattr(entry[0], "_closing", False)]
        dropped += len(entries) - len(kept)
        entries[:] = kept
    return dropped
