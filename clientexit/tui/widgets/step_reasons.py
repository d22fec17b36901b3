"""Step 2, the reasons: a private, dated record of why the relationship is ending.

Nothing on this page ever reaches the client. It exists to protect the
consultant (a dispute over an invoice, a bad review) and to keep the decision
honest: a record started the day before the call may be anger talking, while a
record that keeps growing over months is a pattern worth trusting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.widgets import Label, SelectionList, Static

from clientexit.core import rules
from clientexit.core.model import RED_FLAG_HINTS, Case, Incident, RedFlag
from clientexit.tui.screens.record import Field, RecordDialog
from clientexit.tui.widgets.records import Cell, RecordTable
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.widgets.step_contract import (
    TABLE_ROWS,
    FieldError,
    day_text,
    fit,
    linked_input,
    optional_date,
)
from clientexit.tui.words import plural

NOTE_WIDTH = 60
"""The most of a note the log shows; the whole note is one enter away."""

INCIDENT_COLUMNS = ("Date", "Kind", "Note")


def flag_label(flag: RedFlag) -> str:
    return RED_FLAG_HINTS[flag][0]


def short_day(value: date) -> str:
    """``3 Oct 2026``, written out so it cannot be misread as a month."""
    return f"{value.day} {value:%b %Y}"


def by_date(incident: Incident) -> tuple[bool, date]:
    """Oldest first; undated incidents last, in the order they were written."""
    return (incident.date is None, incident.date or date.min)


def incident_summary(incidents: list[Incident]) -> str:
    """``5 incidents since 3 Oct 2026, 3 kinds``: how long and how varied the pattern is."""
    if not incidents:
        return "No incidents logged yet. A dated line each time something happens is your record."
    kinds = plural(len({i.category for i in incidents}), "kind")
    dates = [i.date for i in incidents if i.date is not None]
    count = plural(len(incidents), "incident")
    if not dates:
        return f"{count}, {kinds}"
    first = min(dates)
    since = "on" if len(incidents) == 1 else "since"
    return f"{count} {since} {short_day(first)}, {kinds}"


def cool_off_hint(case: Case) -> tuple[str, str]:
    """What the first-noted date says about the decision, and how to show it (a CSS class)."""
    days = rules.cool_off_days(case)
    if case.reasons.first_noted is None:
        dated = [i.date for i in case.reasons.incidents if i.date is not None]
        earliest = f" Your earliest incident is {short_day(min(dated))}." if dated else ""
        return (
            "When did you first write down a problem? The date shows whether this is a "
            f"considered decision.{earliest}",
            "hint",
        )
    if days is None:
        return (
            "Set the call date on the Contract step to see how long you have had to think.",
            "hint",
        )
    if days < 0:
        return ("Your first note is dated after the call. Check the two dates.", "advice")
    if days < rules.COOL_OFF_DAYS:
        when = (
            "on the day of the call" if days == 0 else f"only {plural(days, 'day')} before the call"
        )
        return (
            f"You started documenting {when}. Decisions made in a rush or in anger are hard "
            "to stand behind; consider letting a few days pass.",
            "advice",
        )
    return (
        f"You started documenting {plural(days, 'day')} before the call: "
        "a considered decision, not a reaction.",
        "confirm",
    )


class RedFlagList(SelectionList[str]):
    """The red-flag checklist, one line per flag, shown in full height (the step scrolls)."""

    DEFAULT_CSS = """
    RedFlagList {
        max-height: 999;  /* never scroll inside: one scrolling area per step is enough */
    }
    """

    def scroll_to_highlight(self, top: bool = False) -> None:
        super().scroll_to_highlight(top)
        # The list is as tall as its options, so the step around it must follow the cursor.
        # Only while the user moves through the list: a highlight set on load must not
        # scroll the step away from the field that has the focus.
        index = self.highlighted
        parent = self.parent
        if index is None or not self.has_focus or not isinstance(parent, StepPane):
            return
        y = self.virtual_region.y + self.gutter.top + index
        parent.scroll_to_region(Region(0, y, 1, 1), animate=False, immediate=True)


class ReasonsStep(StepPane):
    """Why you are ending it, for your own records: red flags and a dated incident log."""

    step = rules.Step.REASONS
    heading = "Reasons (internal)"

    DEFAULT_CSS = """
    ReasonsStep {
        .group-title {
            margin-top: 1;
            text-style: bold;
            color: $text-secondary;
        }
        .field-fixed {
            width: 17;
            height: auto;
            & > Label { color: $text-muted; }
        }
        #cool-off { height: auto; }
        #cool-off.hint { color: $text-muted; }
        #cool-off.confirm { color: $text-success; }
        #incident-summary { color: $text-muted; padding: 0 1; }
        #flag-hint { color: $text-muted; padding: 0 1; height: auto; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        self._order: list[int] = []
        """Row number in the log -> position in ``case.reasons.incidents``."""
        self._shown: dict[str, object] = {}
        self.link("first-noted", self._read_first_noted, self._write_first_noted, "First noted")

    def compose(self) -> ComposeResult:
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "Why you are ending it, in dated notes. They protect you if the ending is disputed.",
            classes="step-intro",
        )
        yield Static(
            "Private. This page stays on this machine. Nothing here appears in the letter, "
            "the script, the emails or anything else the client sees.",
            id="internal-banner",
            classes="internal-banner",
        )
        yield Static("", id="reasons-warnings", classes="warning")

        yield Static("When it started", classes="group-title")
        with Horizontal(classes="form-row"), Vertical(classes="field-fixed"):
            yield Label("First noted")
            yield linked_input("first-noted", "YYYY-MM-DD")
            yield FieldError(id="first-noted-error")
        yield Static("", id="cool-off")

        yield Static("Red flags", classes="group-title")
        yield Static(
            "Tick what applies with space or a click. One clear reason is enough for the "
            "client; this list is for you.",
            classes="step-intro",
        )
        label_width = max(len(label) for label, _ in RED_FLAG_HINTS.values()) + 2
        yield RedFlagList(
            *(
                (
                    Text.assemble((label.ljust(label_width), "bold"), (hint, "dim")),
                    flag.value,
                    flag in self.case.reasons.red_flags,
                )
                for flag, (label, hint) in RED_FLAG_HINTS.items()
            ),
            id="red-flags",
        )
        # A narrow screen cuts the explanations short; the highlighted one is shown whole here.
        yield Static("", id="flag-hint")

        yield RecordTable(
            "Incident log",
            INCIDENT_COLUMNS,
            empty="Nothing logged yet.",
            noun="incident",
            id="incidents",
        )
        yield Static("", id="incident-summary")
        yield Static(
            "Don't decide in anger: after a bad week, let a few days pass before you act. "
            "But when the same things keep happening, trust the pattern, not the next promise.",
            id="pattern-advice",
            classes="advice",
        )

    # -- the first-noted date ------------------------------------------------------

    def _read_first_noted(self) -> str:
        return day_text(self.case.reasons.first_noted)

    def _write_first_noted(self, value: str) -> None:
        self.case.reasons.first_noted = optional_date(value)

    # -- derived displays --------------------------------------------------------

    def refresh_from_case(self) -> None:
        reasons = self.case.reasons
        warnings = [
            f.message
            for f in rules.findings(self.case)
            if f.step is rules.Step.REASONS and f.level is rules.Level.WARNING
        ]
        self._update("#reasons-warnings", "\n".join(warnings))
        self.query_one("#reasons-warnings").display = bool(warnings)

        hint, kind = cool_off_hint(self.case)
        cool_off = self.query_one("#cool-off", Static)
        self._update("#cool-off", hint)
        cool_off.set_classes(kind)

        flags = self.query_one("#red-flags", RedFlagList)
        wanted = {flag.value for flag in reasons.red_flags}
        if set(flags.selected) != wanted:
            for flag in RedFlag:
                if flag.value in wanted:
                    flags.select(flag.value)
                else:
                    flags.deselect(flag.value)

        self._show_incidents()
        self._update("#incident-summary", incident_summary(reasons.incidents))

    def _show_incidents(self) -> None:
        incidents = self.case.reasons.incidents
        self._order = sorted(range(len(incidents)), key=lambda i: by_date(incidents[i]))
        kinds = [flag_label(incidents[i].category) for i in self._order]
        # Dates are 10 wide, each column has 2 of padding: the note gets what is left.
        room = self._room() - 12 - (max(map(len, [*kinds, "Kind"])) + 2) - 2
        rows: list[tuple[Cell, ...]] = [
            (
                day_text(incidents[i].date) or "—",
                kind,
                fit(incidents[i].note, max(12, min(NOTE_WIDTH, room))) or "—",
            )
            for i, kind in zip(self._order, kinds, strict=True)
        ]
        if not self._changed("incidents", rows):
            return
        records = self.query_one("#incidents", RecordTable)
        table = records.table
        cursor = table.cursor_row
        # New columns each time: a DataTable column never gets narrower once it has grown.
        table.clear(columns=True)
        table.add_columns(*INCIDENT_COLUMNS)
        records.set_rows(rows, cursor=cursor)

    def _room(self) -> int:
        """Columns the log can use without scrolling sideways (less its own scrollbar, if any)."""
        width = self.scrollable_content_region.width
        scrollbar = 2 if len(self.case.reasons.incidents) > TABLE_ROWS else 0
        # One spare column: a DataTable exactly as wide as its content still scrolls sideways.
        return width - scrollbar - 1 if width else 1000

    def _update(self, selector: str, content: str) -> None:
        """Change a line only when its text changes: every update costs a new layout."""
        if self._changed(selector, content):
            self.query_one(selector, Static).update(content)

    def _changed(self, key: str, shown: object) -> bool:
        if self._shown.get(key) == shown:
            return False
        self._shown[key] = shown
        return True

    def on_resize(self) -> None:
        self._show_incidents()

    # -- red flags -------------------------------------------------------------------

    @on(SelectionList.SelectionHighlighted, "#red-flags")
    def flag_highlighted(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        event.stop()
        label, hint = RED_FLAG_HINTS[RedFlag(event.selection.value)]
        self.query_one("#flag-hint", Static).update(Text.assemble((label, "bold"), ": ", hint))

    @on(SelectionList.SelectedChanged, "#red-flags")
    def flags_ticked(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        chosen = set(event.selection_list.selected)
        if chosen == {flag.value for flag in self.case.reasons.red_flags}:
            return  # the list caught up with the case (on load, or after an automatic tick)
        self.case.reasons.red_flags = [flag for flag in RedFlag if flag.value in chosen]
        self.edited("red_flags")
        self.refresh_from_case()

    # -- the incident log --------------------------------------------------------------

    def on_record_table_add(self, event: RecordTable.Add) -> None:
        event.stop()
        if event.table.id == "incidents":
            self.edit_incident(None)

    def on_record_table_edit(self, event: RecordTable.Edit) -> None:
        event.stop()
        if event.table.id == "incidents" and 0 <= event.index < len(self._order):
            self.edit_incident(self._order[event.index])

    def on_record_table_remove(self, event: RecordTable.Remove) -> None:
        event.stop()
        if event.table.id != "incidents" or not 0 <= event.index < len(self._order):
            return
        gone = self.case.reasons.incidents.pop(self._order[event.index])
        when = f" of {short_day(gone.date)}" if gone.date else ""
        self.notify(f"Removed the incident{when}.", timeout=3)
        self.edited("incidents")
        self.refresh_from_case()

    def _incident_fields(self) -> list[Field]:
        return [
            Field("date", "Date", "date", required=True, placeholder=date.today().isoformat()),
            Field(
                "category",
                "Kind",
                "choice",
                choices=tuple((label, flag.value) for flag, (label, _) in RED_FLAG_HINTS.items()),
            ),
            Field("note", "What happened (facts, in your own words)", "long"),
        ]

    def _new_incident_kind(self) -> RedFlag:
        """A new incident starts as the latest kind logged: patterns repeat."""
        incidents = self.case.reasons.incidents
        if incidents:
            return max(incidents, key=by_date).category
        if self.case.reasons.red_flags:
            return self.case.reasons.red_flags[0]
        return RedFlag.LATE_PAYMENT

    @work(exclusive=True, group="reasons-record")
    async def edit_incident(self, position: int | None) -> None:
        incidents = self.case.reasons.incidents
        current = incidents[position] if position is not None else None
        values: dict[str, Any] = (
            {"date": current.date, "category": current.category.value, "note": current.note}
            if current
            else {"category": self._new_incident_kind().value}
        )
        title = "Incident" if current else "New incident"
        result = await self.app.push_screen_wait(
            RecordDialog(title, self._incident_fields(), values)
        )
        if result is None:
            return
        incident = current or Incident()
        incident.date = result["date"]
        incident.category = RedFlag(result["category"])
        incident.note = result["note"]
        if current is None:
            incidents.append(incident)
        # The list itself stays in date order, so the file reads as a timeline.
        incidents.sort(key=by_date)
        if incident.category not in self.case.reasons.red_flags:
            flags = {*self.case.reasons.red_flags, incident.category}
            self.case.reasons.red_flags = [flag for flag in RedFlag if flag in flags]
            self.notify(
                f'Ticked "{flag_label(incident.category)}" as a red flag, to match this incident.',
                timeout=5,
            )
        self.edited("incidents")
        self.refresh_from_case()
        row = next(row for row, i in enumerate(self._order) if incidents[i] is incident)
        self.query_one("#incidents", RecordTable).table.move_cursor(row=row, animate=False)
