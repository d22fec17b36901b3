"""Step 4, referral and handover: who might serve the client better, and what you hand over.

The referral paragraph is generated from the contacts (or the kind of provider)
until the user edits it; from then on their wording is theirs, and it is never
replaced without asking. The handover checklist and the data-deletion date are
what the written confirmation after the call is built from.

Keys (besides the tables' own): ``ctrl+r`` regenerates the referral paragraph,
``ctrl+t`` fills an empty handover checklist with the usual items. ``ctrl+f``
was avoided: in a text field it deletes the next word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.widgets import Button, Label, RadioButton, RadioSet, Static, TextArea

from clientexit.core import render, rules
from clientexit.core.model import Case, HandoverItem, ReferralContact, ReferralMode
from clientexit.core.rules import Step
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.record import Field, RecordDialog
from clientexit.tui.widgets.records import RecordTable
from clientexit.tui.widgets.steady import SteadyInput
from clientexit.tui.widgets.step import StepPane

MODES: dict[ReferralMode, str] = {
    ReferralMode.NAMED: "A named colleague or agency",
    ReferralMode.PROVIDER_TYPE: "A kind of provider",
    ReferralMode.NONE: "No referral",
}

CONTACT_FIELDS = [
    Field("name", "Name", required=True, placeholder="e.g. The Good Business or Alex Moreno"),
    Field("email", "Email", placeholder="e.g. hello@goodbusiness.example"),
    Field(
        "why",
        "Why they fit",
        placeholder="e.g. a larger team that can take on the whole roadmap",
    ),
]

ITEM_FIELDS = [
    Field("text", "Item", kind="long", required=True),
    Field("done", "Done", kind="bool"),
]

NO_REFERRAL_ADVICE = (
    "A referral makes the ending easier to accept: it shows you want them looked after. "
    "Leave it out only for a client who has been abusive."
)
NO_REFERRAL_ABUSIVE = (
    "No referral is right here: you owe a client who has been abusive no introductions."
)
ABUSIVE_REFERRAL_ADVICE = (
    "Your notes mark this client as abusive. You do not have to refer them to anyone."
)


def _safely(make: Callable[[Case], str], case: Case) -> str:
    """Rendered text, or "" when a template cannot be rendered: the step must stay usable."""
    try:
        return str(make(case))
    except Exception:  # a broken template shows as no text, never as a crash
        return ""


def _safe_items(case: Case) -> list[HandoverItem]:
    try:
        return render.default_handover_items(case)
    except Exception:  # an empty list is reported to the user; a crash would lose their work
        return []


def fit_rows(
    headers: Sequence[str], rows: Sequence[Sequence[str]], width: int
) -> list[tuple[str, ...]]:
    """Rows cut with "…" so every column fits in ``width`` cells: no sideways scrolling.

    The widest columns give way first; ``enter`` on a row shows its full text.
    A width of 0 (not laid out yet) leaves the rows as they are. Widths are terminal
    cells, so wide characters (CJK, emoji) are measured as they are drawn.
    """
    cells = [[" ".join(cell.split()) for cell in row] for row in rows]
    natural = [
        max([cell_len(header), *(cell_len(row[i]) for row in cells)])
        for i, header in enumerate(headers)
    ]
    room = width - 2 * len(headers)  # each column has a cell of padding on both sides
    if width <= 0 or sum(natural) <= room:
        return [tuple(row) for row in cells]
    cap = max(natural)
    while cap > 6 and sum(min(w, cap) for w in natural) > room:
        cap -= 1
    return [tuple(_cut(cell, cap) for cell in row) for row in cells]


def _cut(cell: str, cap: int) -> str:
    if cell_len(cell) <= cap:
        return cell
    text = Text(cell)
    text.truncate(cap, overflow="ellipsis")
    return text.plain


def show(box: Static, text: str) -> None:
    """Put ``text`` in ``box`` only when it differs: every update re-lays out the step."""
    if box.content != text:
        box.update(text)


MAX_DELETE_DAYS = 3650
"""Ten years: more is a typing slip, and would overflow the calendar."""


def _parse_days(text: str) -> int:
    """The days until deletion as typed: digits only (no "1_000", no "+5")."""
    raw = text.strip()
    if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdecimal():
        raise ValueError("expected 0 or more days")
    if not (raw.isascii() and raw.isdecimal()):
        raise ValueError("expected a whole number of days, like 30")
    days = int(raw)
    if days > MAX_DELETE_DAYS:
        raise ValueError(f"expected at most {MAX_DELETE_DAYS} days (ten years)")
    return days


class ReferralStep(StepPane):
    """Choose the referral, shape its paragraph, and prepare the handover checklist."""

    step = Step.REFERRAL
    heading = "Referral & handover"

    BINDINGS = [
        Binding("ctrl+r", "regenerate", "Regenerate", id="referral.regenerate"),
        Binding("ctrl+t", "fill_handover", "Usual items", id="referral.fill_handover"),
    ]

    DEFAULT_CSS = """
    ReferralStep {
        RadioSet { width: 36; max-width: 100%; }
        .group-label { margin-top: 1; color: $text-muted; text-style: bold; }
        .section-heading {
            margin-top: 2;
            text-style: bold;
            color: $text-primary;
            border-top: hkey $primary 40%;
        }
        .field { height: auto; }
        #none-note { height: auto; margin-top: 1; }
        #referral-message { height: auto; min-height: 4; max-height: 14; }
        #paragraph-status { color: $text-muted; height: auto; }
        #paragraph-status.-edited { color: $text-accent; }
        #handover-progress { color: $text-muted; height: auto; }
        #handover-progress.-all-done { color: $text-success; }
        #fill-handover { margin-top: 1; }
        #delete-after-days { width: 16; }
        #deletion-date { height: auto; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        self.link("provider-type", self._read_provider, self._write_provider, "Kind of provider")
        self.link("delete-after-days", self._read_days, self._write_days, "Days until deletion")
        self.link("paid-support", self._read_support, self._write_support, "Paid support")
        self._shown: dict[str, tuple[int, list[tuple[str, ...]]]] = {}

    def compose(self) -> ComposeResult:
        mode = self.case.referral.mode
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "Point the client to someone who suits them better, and list what you will "
            "hand over in writing.",
            classes="step-intro",
        )
        yield Label("Who you will point them to", classes="group-label")
        with RadioSet(id="referral-mode"):
            for value, label in MODES.items():
                yield RadioButton(label, value=mode is value, id=f"mode-{value.value}")
        yield Static(ABUSIVE_REFERRAL_ADVICE, id="abusive-advice", classes="advice")

        with VerticalGroup(id="named-part"):
            yield RecordTable(
                "People you recommend",
                ["Name", "Email", "Why they fit"],
                empty="No one named yet.",
                noun="contact",
                reorderable=True,
                id="contacts",
            )
            yield Static("", id="named-warning", classes="warning", markup=False)
        with VerticalGroup(id="provider-part", classes="field"):
            yield Label("The kind of provider that would suit them", classes="group-label")
            yield SteadyInput(
                placeholder="e.g. a full-service agency, someone specialised in e-commerce",
                id="provider-type",
            )
            yield Static("", id="provider-type-error", classes="field-error")
            yield Static("", id="provider-warning", classes="warning", markup=False)
        yield Static("", id="none-note", markup=False)

        with VerticalGroup(id="paragraph-part"):
            yield Label("What you will say about the referral", classes="group-label")
            yield TextArea(id="referral-message", soft_wrap=True, tab_behavior="focus")
            yield Static("", id="paragraph-status")

        yield Static("Handover", classes="section-heading")
        yield Static(
            "What you will confirm in writing after the call, so nobody can say they did not know.",
            classes="step-intro",
        )
        yield Static("", id="handover-progress")
        yield RecordTable(
            "Handover checklist",
            ["Done", "Item"],
            empty="No handover items yet.",
            noun="item",
            reorderable=True,
            tickable=True,
            id="handover-items",
        )
        yield Button("Fill in the usual items  ctrl+t", id="fill-handover")
        yield Static("", id="handover-warning", classes="warning", markup=False)

        with VerticalGroup(classes="field"):
            yield Label("Delete your copies of their records after (days)", classes="group-label")
            yield SteadyInput(id="delete-after-days")
            yield Static("", id="delete-after-days-error", classes="field-error")
        yield Static("", id="deletion-date", markup=False)
        yield Static("", id="deletion-warning", classes="warning", markup=False)
        with VerticalGroup(classes="field"):
            yield Label("Paid support after the end (optional)", classes="group-label")
            yield SteadyInput(
                placeholder="e.g. Two hours of help a week until 31 January, at my usual rate",
                id="paid-support",
            )
            yield Static("", id="paid-support-error", classes="field-error")

    # -- linked fields -------------------------------------------------------------

    def _read_provider(self) -> str:
        return self.case.referral.provider_type

    def _write_provider(self, text: str) -> None:
        self.case.referral.provider_type = text

    def _read_days(self) -> str:
        return str(self.case.handover.delete_after_days)

    def _write_days(self, text: str) -> None:
        self.case.handover.delete_after_days = _parse_days(text)

    def _read_support(self) -> str:
        return self.case.handover.paid_support

    def _write_support(self, text: str) -> None:
        self.case.handover.paid_support = text

    # -- keeping the screen in step with the case ---------------------------------

    def refresh_from_case(self) -> None:
        case = self.case
        mode = case.referral.mode
        found = {f.code: f.message for f in rules.findings(case) if f.step is Step.REFERRAL}

        button = self.query_one(f"#mode-{mode.value}", RadioButton)
        if not button.value:
            button.value = True  # the handler ignores a press that matches the case
        self.query_one("#abusive-advice").display = case.abusive and mode is not ReferralMode.NONE
        self.query_one("#named-part").display = mode is ReferralMode.NAMED
        self.query_one("#provider-part").display = mode is ReferralMode.PROVIDER_TYPE
        self._warn("#named-warning", found.get("referral_unnamed", ""))
        self._warn("#provider-warning", found.get("referral_kind_missing", ""))
        none_note = self.query_one("#none-note", Static)
        none_note.display = mode is ReferralMode.NONE
        show(none_note, NO_REFERRAL_ABUSIVE if case.abusive else NO_REFERRAL_ADVICE)
        none_note.set_class(not case.abusive, "advice")

        self._show_contacts()
        self._show_paragraph()
        self._show_handover(found)
        self.refresh_bindings()

    def on_resize(self, event: events.Resize) -> None:
        # Table cells are cut to the width, so a new width needs them cut again.
        self._show_contacts()
        self._show_items()

    def _set_rows(self, table: RecordTable, rows: list[tuple[str, ...]]) -> None:
        # Refilled only when the rows or the width changed: a refresh follows every
        # key typed in a linked field, and rebuilding tables then would make typing lag.
        shown = (table.size.width, rows)
        if self._shown.get(table.id or "") == shown:
            return
        self._shown[table.id or ""] = shown
        # The pane's scrollbar may come and go; leave room for it.
        fitted = fit_rows(table.columns, rows, table.size.width - 2)
        # Text, not str: a DataTable reads a str cell as markup, and "[draft]" or "[/]"
        # in an item would vanish or fail to render.
        table.set_rows([[Text(cell) for cell in row] for row in fitted])

    def _show_contacts(self) -> None:
        table = self.query_one("#contacts", RecordTable)
        self._set_rows(table, [(x.name, x.email, x.why) for x in self.case.referral.contacts])

    def _show_items(self) -> None:
        table = self.query_one("#handover-items", RecordTable)
        rows: list[tuple[str, ...]] = [
            ("✓" if item.done else "", item.text) for item in self.case.handover.items
        ]
        self._set_rows(table, rows)

    def _warn(self, selector: str, message: str) -> None:
        box = self.query_one(selector, Static)
        show(box, message)
        box.display = bool(message)

    def _show_paragraph(self) -> None:
        referral = self.case.referral
        part = self.query_one("#paragraph-part")
        part.display = referral.mode is not ReferralMode.NONE
        if referral.mode is ReferralMode.NONE:
            return
        area = self.query_one("#referral-message", TextArea)
        status = self.query_one("#paragraph-status", Static)
        own = referral.message.strip()
        # Never reload the field under the user's cursor: what they type stays put,
        # and the field catches up when they leave it (see on_descendant_blur).
        typing = area.has_focus
        if own:
            # Filled in only when the field does not show the user's words yet (on
            # opening the case).
            if not typing and area.text.strip() != own:
                area.load_text(referral.message)
            show(status, "Edited by you — press ctrl+r to regenerate.")
        elif typing and not area.text.strip():
            show(status, "Empty: the generated paragraph will be used.")
        else:
            generated = _safely(render.generated_referral, self.case)
            if not typing and area.text != generated:
                area.load_text(generated)
            if referral.mode is ReferralMode.PROVIDER_TYPE:
                source = "Generated from the kind of provider above."
            elif any(x.name.strip() for x in referral.contacts):
                source = "Generated from the contacts above."
            else:
                source = "Generated without a name yet: add someone above."
            show(status, f"{source} Edit it to make it yours.")
        status.set_class(bool(own), "-edited")

    def _show_handover(self, found: dict[str, str]) -> None:
        handover = self.case.handover
        items = handover.items
        self._show_items()
        done = sum(item.done for item in items)
        progress = self.query_one("#handover-progress", Static)
        progress.display = bool(items)
        if items and done == len(items):
            show(progress, f"All {len(items)} handover items done.")
        else:
            show(progress, f"{done} of {len(items)} handover items done")
        progress.set_class(bool(items) and done == len(items), "-all-done")
        self.query_one("#fill-handover").display = not items
        self._warn("#handover-warning", found.get("no_handover", ""))

        when = rules.deletion_date(self.case)
        end = rules.effective_date(self.case)
        deletion = self.query_one("#deletion-date", Static)
        if when is not None and end is not None:
            show(
                deletion,
                f"Your copies are deleted on {when:%a %d %b %Y}, "
                f"{handover.delete_after_days} days after the end date ({end:%a %d %b %Y}).",
            )
        else:
            show(
                deletion,
                "The deletion date follows from the end date, once the call date is set "
                "on the Contract step.",
            )
        self._warn("#deletion-warning", found.get("deletion_too_soon", ""))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "regenerate":
            return self.case.referral.mode is not ReferralMode.NONE
        if action == "fill_handover":
            return not self.case.handover.items
        return True

    # -- the referral --------------------------------------------------------------

    @on(RadioSet.Changed, "#referral-mode")
    def mode_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        mode = ReferralMode((event.pressed.id or "").removeprefix("mode-"))
        if mode is self.case.referral.mode:
            return
        self.case.referral.mode = mode
        self.edited("referral.mode")
        self.refresh_from_case()

    @on(TextArea.Changed, "#referral-message")
    def paragraph_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        referral = self.case.referral
        if referral.mode is ReferralMode.NONE:
            return
        text = event.text_area.text.strip()
        # Text that matches the generated paragraph is not an edit: it may be our own
        # update arriving, or the user typing their way back to it.
        generated = _safely(render.generated_referral, self.case).strip()
        message = "" if text == generated else text
        if message != referral.message.strip():
            referral.message = message
            self.edited("referral.message")
        self._show_paragraph()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # A paragraph left empty falls back to the generated one: show it on leaving.
        if event.widget.id == "referral-message":
            self._show_paragraph()

    def action_regenerate(self) -> None:
        if self.case.referral.mode is ReferralMode.NONE:
            return
        if not self.case.referral.message.strip():
            self._regenerate()
            self.notify("The paragraph already follows the referral above.", timeout=3)
            return
        self.app.push_screen(
            ConfirmDialog(
                "Replace your own referral paragraph?",
                detail="It goes back to the text generated from the referral above. "
                "Your wording is lost (ctrl+z in the paragraph brings it back).",
                yes="Regenerate",
                danger=True,
            ),
            self._regenerate_answered,
        )

    def _regenerate_answered(self, answer: bool | None) -> None:
        if answer:
            self._regenerate()

    def _regenerate(self) -> None:
        area = self.query_one("#referral-message", TextArea)
        self.case.referral.message = ""
        generated = _safely(render.generated_referral, self.case)
        if area.text != generated:
            # An edit rather than a reload, so ctrl+z can bring the user's words back.
            area.replace(generated, (0, 0), area.document.end)
        self.edited("referral.message")
        self._show_paragraph()

    # -- the contacts ----------------------------------------------------------------

    @on(RecordTable.Add, "#contacts")
    def add_contact(self, event: RecordTable.Add) -> None:
        event.stop()
        self.app.push_screen(
            RecordDialog("Add someone to recommend", CONTACT_FIELDS), self._contact_added
        )

    @on(RecordTable.Edit, "#contacts")
    def edit_contact(self, event: RecordTable.Edit) -> None:
        event.stop()
        index = event.index
        if 0 <= index < len(self.case.referral.contacts):
            x = self.case.referral.contacts[index]
            self.app.push_screen(
                RecordDialog(
                    "Edit this recommendation",
                    CONTACT_FIELDS,
                    {"name": x.name, "email": x.email, "why": x.why},
                ),
                partial(self._contact_edited, index),
            )

    @on(RecordTable.Remove, "#contacts")
    def remove_contact(self, event: RecordTable.Remove) -> None:
        event.stop()
        self._remove(self.case.referral.contacts, event.index, "contacts")

    @on(RecordTable.Move, "#contacts")
    def move_contact(self, event: RecordTable.Move) -> None:
        # The order is the order the paragraph names them in.
        event.stop()
        self._move(self.case.referral.contacts, event.index, event.delta, "contacts")

    def _contact_added(self, values: dict[str, Any] | None) -> None:
        if values:
            self.case.referral.contacts.append(ReferralContact(**values))
            self._changed("contacts", cursor=len(self.case.referral.contacts) - 1)

    def _contact_edited(self, index: int, values: dict[str, Any] | None) -> None:
        if values and index < len(self.case.referral.contacts):
            contact = self.case.referral.contacts[index]
            contact.name, contact.email, contact.why = (
                values["name"],
                values["email"],
                values["why"],
            )
            self._changed("contacts", cursor=index)

    # -- the handover checklist --------------------------------------------------------

    @on(RecordTable.Add, "#handover-items")
    def add_item(self, event: RecordTable.Add) -> None:
        event.stop()
        self.app.push_screen(RecordDialog("Add a handover item", ITEM_FIELDS), self._item_added)

    @on(RecordTable.Edit, "#handover-items")
    def edit_item(self, event: RecordTable.Edit) -> None:
        event.stop()
        index = event.index
        if 0 <= index < len(self.case.handover.items):
            item = self.case.handover.items[index]
            self.app.push_screen(
                RecordDialog(
                    "Edit this handover item", ITEM_FIELDS, {"text": item.text, "done": item.done}
                ),
                partial(self._item_edited, index),
            )

    @on(RecordTable.Remove, "#handover-items")
    def remove_item(self, event: RecordTable.Remove) -> None:
        event.stop()
        self._remove(self.case.handover.items, event.index, "handover-items")

    @on(RecordTable.Move, "#handover-items")
    def move_item(self, event: RecordTable.Move) -> None:
        event.stop()
        self._move(self.case.handover.items, event.index, event.delta, "handover-items")

    @on(RecordTable.Toggle, "#handover-items")
    def toggle_item(self, event: RecordTable.Toggle) -> None:
        event.stop()
        items = self.case.handover.items
        if 0 <= event.index < len(items):
            items[event.index].done = not items[event.index].done
            self._changed("handover-items", cursor=event.index)

    def _item_added(self, values: dict[str, Any] | None) -> None:
        if values:
            self.case.handover.items.append(HandoverItem(text=values["text"], done=values["done"]))
            self._changed("handover-items", cursor=len(self.case.handover.items) - 1)

    def _item_edited(self, index: int, values: dict[str, Any] | None) -> None:
        if values and index < len(self.case.handover.items):
            item = self.case.handover.items[index]
            item.text, item.done = values["text"], values["done"]
            self._changed("handover-items", cursor=index)

    # -- both tables -------------------------------------------------------------------

    def _remove(self, rows: list[Any], index: int, table_id: str) -> None:
        # A small record: removed at once, no question asked.
        if 0 <= index < len(rows):
            del rows[index]
            self._changed(table_id)

    def _move(self, rows: list[Any], index: int, delta: int, table_id: str) -> None:
        target = index + delta
        if 0 <= index < len(rows) and 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
            self._changed(table_id, cursor=target)

    def _changed(self, table_id: str, *, cursor: int | None = None) -> None:
        self.edited(table_id)
        self.refresh_from_case()
        if cursor is not None:
            table = self.query_one(f"#{table_id}", RecordTable)
            table.table.move_cursor(row=cursor, animate=False)

    # -- the usual handover items ------------------------------------------------------

    def action_fill_handover(self) -> None:
        if self.case.handover.items:
            return
        items = [item for item in _safe_items(self.case) if item.text.strip()]
        if not items:
            self.notify("No usual items could be made for this case.", severity="warning")
            return
        self.case.handover.items = items
        self._changed("handover-items", cursor=0)
        self.query_one("#handover-items", RecordTable).table.focus()

    @on(Button.Pressed, "#fill-handover")
    def fill_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_fill_handover()
