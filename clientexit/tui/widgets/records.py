"""An editable table of case rows (invoices, incidents, script lines...) with keys to change them.

The table itself only shows rows and says what the user asked for, through its
nested messages; the step that owns it changes the case and hands back fresh
rows. That keeps every table the same to use: ``a`` adds, ``enter`` edits,
``delete`` removes, ``ctrl+up``/``ctrl+down`` reorder, ``space`` ticks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Static

from clientexit.tui.keys import KeysInOrderApp

Cell = str | Text


class RecordTable(Widget, can_focus=False):
    """A titled DataTable whose rows stand for records the owner can add, edit and remove."""

    DEFAULT_CSS = """
    RecordTable {
        height: auto;
        margin: 1 0 0 0;
        & > .records-title { color: $text-muted; text-style: bold; }
        & > DataTable { height: auto; max-height: 12; }
        & > .records-empty { color: $text-muted; padding: 0 1; }
    }
    """

    BINDINGS = [
        Binding("a", "add", "Add", id="records.add"),
        Binding("enter", "edit", "Edit", id="records.edit"),
        Binding("delete,backspace", "remove", "Remove", id="records.remove"),
        Binding("ctrl+up", "move(-1)", "Move up", show=False, id="records.up"),
        Binding("ctrl+down", "move(1)", "Move down", show=False, id="records.down"),
        Binding("space", "tick", "Tick", show=False, id="records.toggle"),
    ]

    @dataclass
    class Request(Message):
        """Something the user asked of a row; the step that owns the table does it."""

        table: RecordTable

        @property
        def control(self) -> RecordTable:
            """The table, so handlers can use ``@on(RecordTable.Add, "#id")``."""
            return self.table

    @dataclass
    class Add(Request):
        pass

    @dataclass
    class Edit(Request):
        index: int

    @dataclass
    class Remove(Request):
        index: int

    @dataclass
    class Move(Request):
        index: int
        delta: int

    @dataclass
    class Toggle(Request):
        index: int

    def __init__(
        self,
        title: str,
        columns: Sequence[str],
        *,
        empty: str = "Nothing yet.",
        noun: str = "row",
        reorderable: bool = False,
        tickable: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.columns = list(columns)
        self.empty = empty
        self.noun = noun
        self.reorderable = reorderable
        self.tickable = tickable

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="records-title")
        table: DataTable[Cell] = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns(*self.columns)
        yield table
        yield Static(f"{self.empty}  Press a to add.", classes="records-empty")

    @property
    def table(self) -> DataTable[Cell]:
        return self.query_one(DataTable)

    @property
    def cursor(self) -> int:
        return self.table.cursor_row

    def set_rows(self, rows: Sequence[Sequence[Cell]], *, cursor: int | None = None) -> None:
        """Show these rows, keeping the cursor where it was (or at ``cursor``)."""
        table = self.table
        keep = table.cursor_row if cursor is None else cursor
        # Columns are rebuilt too: a DataTable's columns only ever widen, so one long
        # value, once removed, would otherwise leave the table scrolling sideways.
        table.clear(columns=True)
        table.add_columns(*self.columns)
        for row in rows:
            # A str cell would be read as markup: "[draft]" would vanish, "[/]" would fail.
            table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in row))
        # The table stays visible when empty so it can still take the focus and the "a" key.
        self.query_one(".records-empty").display = not rows
        if rows:
            table.move_cursor(row=max(0, min(keep, len(rows) - 1)), animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        has_rows = self.table.row_count > 0
        if action in ("edit", "remove"):
            return has_rows
        if action == "move":
            return self.reorderable and has_rows
        if action == "tick":
            return self.tickable and has_rows
        return True

    def action_add(self) -> None:
        self.hold_keys()
        self.post_message(self.Add(self))

    def action_edit(self) -> None:
        if self.table.row_count:
            self.hold_keys()
            self.post_message(self.Edit(self, self.cursor))

    def hold_keys(self) -> None:
        # The form opens once the step has the message: keys typed behind this one go to it.
        if isinstance(self.app, KeysInOrderApp):
            self.app.hold_keys()

    def action_remove(self) -> None:
        if self.table.row_count:
            self.post_message(self.Remove(self, self.cursor))

    def action_move(self, delta: int) -> None:
        index = self.cursor
        if self.reorderable and 0 <= index + delta < self.table.row_count:
            self.post_message(self.Move(self, index, delta))

    def action_tick(self) -> None:
        if self.tickable and self.table.row_count:
            self.post_message(self.Toggle(self, self.cursor))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # A click or enter on a row edits it.
        event.stop()
        self.hold_keys()
        self.post_message(self.Edit(self, event.cursor_row))
