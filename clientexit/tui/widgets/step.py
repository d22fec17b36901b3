"""What every wizard step shares: the case it edits, and form fields linked to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import AwaitMount
from textual.widgets import Input, Static

from clientexit.core.model import Case
from clientexit.core.rules import Step
from clientexit.tui.messages import CaseEdited


@dataclass(frozen=True)
class Link:
    """An input tied to one value of the case; ``write`` raises ValueError for a bad value."""

    read: Callable[[], str]
    write: Callable[[str], None]
    label: str


class StepPane(VerticalScroll):
    """One step of the wizard. Subclasses compose their fields and link them to the case.

    A linked input writes to the case on every change when the value is valid;
    when it is not, the text stays in the field (nothing typed is lost), the
    field is marked, and a message under it says what is expected.

    A step with many widgets can put those below its first screenful in
    ``compose_later``. Told to ``hold_back`` before it is mounted (the step a wizard
    opens on), it mounts them only when asked (``mount_held_back``, after the wizard's
    first frame) and is filled in two parts; otherwise its ``compose`` yields them too.
    """

    step: ClassVar[Step]
    heading: ClassVar[str]

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="step-pane")
        self.case = case
        self.links: dict[str, Link] = {}
        self._error_boxes: dict[str, Static | None] = {}
        """Each field's message line (or None): looked up once, not on every key."""
        self.held_back = False
        """Whether the widgets of compose_later are still to be mounted and filled."""
        self._not_filled: list[str] = []
        """The linked inputs a load found held back."""

    def hold_back(self) -> StepPane:
        """Compose only the first screenful when mounted (if the step has more)."""
        self.held_back = type(self).compose_later is not StepPane.compose_later
        return self

    def compose_later(self) -> ComposeResult:
        """The widgets below the step's first screenful (see the class's docstring)."""
        yield from ()

    def mount_held_back(self) -> AwaitMount:
        """Mount the widgets held back; ``fill_held_back`` once they are mounted."""
        return self.mount_compose(self.compose_later())

    def fill_held_back(self) -> None:
        """Once they are mounted: fill the widgets held back from the case (those shown
        from the start keep what may have been typed since), and all that derives."""
        if self.held_back:
            self.held_back = False
            self._fill(self._not_filled)
            self._not_filled = []
            self.refresh_from_case()

    def link(
        self,
        input_id: str,
        read: Callable[[], str],
        write: Callable[[str], None],
        label: str,
    ) -> None:
        self.links[input_id] = Link(read, write, label)

    def edited(self, source: str = "") -> None:
        """Tell the screen the case changed (marks it unsaved, refreshes other steps)."""
        self.post_message(CaseEdited(source or self.step.value))

    def load(self) -> None:
        """Fill every linked input from the case, then let the subclass refresh the rest.

        While widgets are held back, only those mounted: fill_held_back does the others.
        """
        if self.held_back:
            mounted = {widget.id for widget in self.query(Input)}
            self._not_filled = [key for key in self.links if key not in mounted]
        self._fill(key for key in self.links if key not in self._not_filled)
        self.refresh_from_case()

    def _fill(self, input_ids: Iterable[str]) -> None:
        for input_id in input_ids:
            link = self.links[input_id]
            widget = self.query_one(f"#{input_id}", Input)
            # Input's own validation would clear our "-invalid" mark on blur.
            widget.validate_on = set()
            value = link.read()
            if widget.value != value:
                widget.value = value
            self._mark(widget, "")

    def refresh_from_case(self) -> None:
        """Update what is derived from the case (dates, warnings, previews)."""

    def shown(self) -> None:
        """The step is being shown again: bring up to date what it left until then."""

    @property
    def invalid_fields(self) -> list[str]:
        """Labels of the linked fields whose text is not a valid value right now."""
        return [
            link.label
            for input_id, link in self.links.items()
            # One held back is not mounted yet: it will show what the case holds.
            if input_id not in self._not_filled
            and self.query_one(f"#{input_id}", Input).has_class("-invalid")
        ]

    def _mark(self, widget: Input, error: str) -> None:
        widget.set_class(bool(error), "-invalid")
        key = widget.id or ""
        if key not in self._error_boxes:
            boxes = self.query(f"#{key}-error")
            self._error_boxes[key] = boxes.first(Static) if boxes else None
        box = self._error_boxes[key]
        # Only when the message changes: an update costs a new layout of the step.
        if box is not None and getattr(box, "shown_error", None) != error:
            box.shown_error = error  # type: ignore[attr-defined]
            box.update(error)
            box.set_class(bool(error), "-shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        link = self.links.get(event.input.id or "")
        if link is None:
            return
        event.stop()
        if event.value == link.read():
            # Filled in by load(), or typed back to what the case holds: no change.
            self._mark(event.input, "")
            return
        try:
            link.write(event.value)
        except ValueError as error:
            self._mark(event.input, f"{link.label}: {error}")
            return
        self._mark(event.input, "")
        self.edited(event.input.id or "")
        self.refresh_from_case()
