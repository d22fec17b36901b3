"""A small form in a modal: add or edit one row of a table (an invoice, an incident...).

Each field is described by a :class:`Field`; the dialog checks every value
when the user saves and names the field that is wrong, so nothing typed is
ever lost to a silent rejection. The result is a dict of parsed values (dates
as ``date``, money as ``Decimal``), or None when the user cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from clientexit.core.validate import MAX_YEAR, MIN_YEAR, parse_money

Kind = Literal["text", "long", "date", "money", "int", "choice", "bool"]


@dataclass(frozen=True)
class Field:
    """One field of a record form."""

    key: str
    label: str
    kind: Kind = "text"
    required: bool = False
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs for a ``choice`` field."""
    maximum: int | None = None
    """The largest number an ``int`` field takes."""


def parse_date(text: str) -> date:
    """A date typed by a person: ISO ``2026-11-28``; raises ValueError with a plain message."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"expected a date like 2026-11-28, got {text.strip()!r}") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"expected a year between {MIN_YEAR} and {MAX_YEAR}")
    return day


def parse_field(field: Field, raw: Any) -> Any:
    """The typed value of one form field; raises ValueError with a message for the user."""
    if field.kind in ("bool", "choice"):
        return raw
    text = str(raw)
    if not text.strip():
        if field.required:
            raise ValueError("required")
        return {"date": None, "money": parse_money("0"), "int": 0}.get(field.kind, text.strip())
    if field.kind == "date":
        return parse_date(text)
    if field.kind == "money":
        amount = parse_money(text)
        if amount is None:
            raise ValueError(f"expected an amount like 1200.00, got {text.strip()!r}")
        if amount < 0:
            raise ValueError("must not be negative")
        return amount
    if field.kind == "int":
        try:
            number = int(text.strip())
        except ValueError:
            raise ValueError(f"expected a whole number, got {text.strip()!r}") from None
        if number < 0:
            raise ValueError("must not be negative")
        if field.maximum is not None and number > field.maximum:
            raise ValueError(f"must be at most {field.maximum}")
        return number
    if field.kind == "long":
        return text.strip("\n")
    return text.strip()


def show_value(field: Field, value: Any) -> Any:
    """A stored value as the form shows it."""
    if field.kind in ("bool", "choice"):
        return value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RecordDialog(ModalScreen[dict[str, Any] | None]):
    """Add or edit one record; ``ctrl+s`` or the Save button checks and returns it."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="record.cancel"),
        Binding("ctrl+s", "save", "Save", priority=True, id="record.save"),
    ]

    def __init__(
        self, title: str, fields: list[Field], values: dict[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.values = values or {}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog record-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="record-fields"):
                for field in self.fields:
                    yield from self._compose_field(field)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save  ctrl+s", id="save", variant="primary")

    def _compose_field(self, field: Field) -> ComposeResult:
        value = show_value(field, self.values.get(field.key))
        widget_id = f"field-{field.key}"
        if field.kind == "bool":
            yield Checkbox(field.label, bool(value), id=widget_id)
            return
        label = field.label + (" *" if field.required else "")
        yield Label(label, classes="field-label")
        if field.kind == "choice":
            yield Select(
                field.choices,
                value=value if value is not None else field.choices[0][1],
                allow_blank=False,
                id=widget_id,
            )
        elif field.kind == "long":
            # Loaded with the first long field: the steps that use this dialog import
            # this module as they open, and the text area is the heaviest widget here.
            from textual.widgets import TextArea

            area = TextArea(value, id=widget_id, soft_wrap=True, show_line_numbers=False)
            area.tab_behavior = "focus"
            yield area
        else:
            yield Input(value, placeholder=field.placeholder, id=widget_id)
        yield Static("", id=f"error-{field.key}", classes="field-error")

    def on_mount(self) -> None:
        first = self.query(
            ".record-fields > Input, .record-fields > TextArea, .record-fields > Select"
        )
        if first:
            first.first().focus()

    def _raw(self, field: Field) -> Any:
        widget = self.query_one(f"#field-{field.key}")
        if isinstance(widget, Checkbox):
            return widget.value
        if isinstance(widget, Select):
            return widget.value
        if isinstance(widget, Input):
            return widget.value
        from textual.widgets import TextArea  # a long field's: loaded with the form

        assert isinstance(widget, TextArea)
        return widget.text

    def action_save(self) -> None:
        result: dict[str, Any] = {}
        first_bad = None
        for field in self.fields:
            error_box = self.query(f"#error-{field.key}")
            try:
                result[field.key] = parse_field(field, self._raw(field))
            except ValueError as error:
                if error_box:
                    box = error_box.first(Static)
                    box.update(f"{field.label}: {error}")
                    box.set_class(True, "-shown")
                first_bad = first_bad or field
            else:
                if error_box:
                    error_box.first(Static).update("")
                    error_box.first(Static).set_class(False, "-shown")
        if first_bad is not None:
            self.query_one(f"#field-{first_bad.key}").focus()
            self.notify(f"Check {first_bad.label.lower()}.", severity="warning")
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter in the last one-line field saves; elsewhere it moves on, like a paper form.
        event.stop()
        inputs = [f for f in self.fields if f.kind not in ("bool", "choice", "long")]
        if inputs and event.input.id == f"field-{inputs[-1].key}":
            self.action_save()
        else:
            self.focus_next()
