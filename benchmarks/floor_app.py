"""The floor: a bare Textual app that draws one Static, to compare start-up against.

Run as a script (``python benchmarks/floor_app.py``) it shows ``FLOOR_TEXT``; with
``--keys`` each press of space redraws the Static, for the key-to-frame floor.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static

FLOOR_TEXT = "clientexit floor app ready"


class FloorApp(App[None]):
    """One Static; space counts presses in it."""

    BINDINGS = [("space", "count", "Count")]

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def compose(self) -> ComposeResult:
        yield Static(FLOOR_TEXT, id="floor")

    def action_count(self) -> None:
        self.presses += 1
        self.query_one("#floor", Static).update(f"{FLOOR_TEXT} {self.presses}")


if __name__ == "__main__":
    FloorApp().run()
    sys.exit(0)
