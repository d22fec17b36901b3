"""Step 5: the words of the call, line by line, and calm answers to the pushback you expect.

The script is the user's own text once it exists: a fresh one can be written
from the case at any time, but never over their edits without asking first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, DataTable, Static

from clientexit.core import rules
from clientexit.core.model import (
    SCRIPT_PART_LABELS,
    Objection,
    ReferralMode,
    Rehearsal,
    ScriptLine,
    ScriptPart,
)
from clientexit.core.rules import Step
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.record import Field, RecordDialog
from clientexit.tui.widgets.records import Cell, RecordTable
from clientexit.tui.widgets.rehearsal_history import RehearsalHistory
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.words import plural

MISSING_PART_HINTS: dict[ScriptPart, str] = {
    ScriptPart.OPENING: "There is no opening: a greeting, and why you asked for the call.",
    ScriptPart.DECISION: "The script never says the decision plainly.",
    ScriptPart.REASON: "The script gives no reason. One short, neutral reason is enough.",
    ScriptPart.NEXT_STEPS: "The script does not say what happens next, and by when.",
    ScriptPart.HANDOVER: "The script does not mention the handover: files, access, the end date.",
    ScriptPart.REFERRAL: "The script offers no referral, though the case has one.",
    ScriptPart.THANKS: "The script never thanks them for the work you did together.",
    ScriptPart.CLOSE: "The script has no good-bye: end the call as calmly as you began it.",
}

LINE_FIELDS = [
    Field(
        "part",
        "Part of the call",
        "choice",
        choices=tuple((label, part.value) for part, label in SCRIPT_PART_LABELS.items()),
    ),
    Field("text", "What you say", "long", required=True),
]

OBJECTION_FIELDS = [
    Field("client", "The client says", "long", required=True),
    Field("response", "You answer", "long"),
]

REHEARSALS_SHOWN = 5
"""Past rehearsals listed on the step; the rest are summed up in one line."""


def spoken_time(words: int) -> str:
    """``2 min 40 s``: how long ``words`` take at a calm pace."""
    seconds = rules.speaking_seconds(words)
    minutes, seconds = divmod(seconds, 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


def _words(text: str) -> int:
    return len(text.split())


def _fit(text: str, width: int) -> Text:
    """``text`` on one line, cut with an ellipsis to ``width`` cells: no sideways scrolling."""
    cell = Text(" ".join(text.split()))
    cell.truncate(max(width, 4), overflow="ellipsis")
    return cell


def _same_script(ours: Sequence[ScriptLine], theirs: Sequence[ScriptLine]) -> bool:
    return [(line.part, line.text) for line in ours] == [(line.part, line.text) for line in theirs]


def rehearsal_row(rehearsal: Rehearsal) -> str:
    """``Wed 25 Nov 2026 19:00   5:12   2 stumbles``, in the user's own time zone."""
    when = rehearsal.at.astimezone().strftime("%a %d %b %Y %H:%M")
    minutes, seconds = divmod(max(rehearsal.seconds, 0), 60)
    stumbles = len(rehearsal.flagged)
    said = plural(stumbles, "stumble") if stumbles else "no stumbles"
    return f"{when}   {minutes}:{seconds:02d}   {said}"


class ScriptStep(StepPane):
    """The call script and the prepared answers, with how long they take to say."""

    step = Step.SCRIPT
    heading = "Script"

    BINDINGS = [
        # Rehearse first: at 80 columns the footer shows the first few of these.
        Binding("ctrl+e", "rehearse", "Rehearse", id="script.rehearse"),
        Binding("ctrl+g", "generate", "Generate", id="script.generate"),
        Binding(
            "ctrl+o",
            "common_objections",
            "Objections",  # short, for the footer at 80 columns; the help shows the tooltip
            tooltip="Add the usual objections, each with a prepared answer",
            id="script.objections",
        ),
        Binding("c", "copy_line", "Copy line", show=False, id="script.copy"),
        Binding("e", "edit_in_editor", "Edit in your editor", show=False, id="script.editor"),
    ]

    DEFAULT_CSS = """
    ScriptStep {
        #generate { margin-top: 1; }
        .script-time { color: $text-muted; height: auto; }
        #line-full {
            height: auto;
            margin-top: 1;
            padding: 0 1;
            border-left: outer $primary 50%;
            color: $text;
        }
        .rehearse-hint { margin-top: 1; color: $text-muted; height: auto; }
        #rehearsals { height: auto; color: $text; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "What you will say on the call, line by line, and calm answers to the pushback "
            "you expect.",
            classes="step-intro",
        )
        yield Button("Write a script for me  ctrl+g", id="generate", variant="primary")
        yield RecordTable(
            "Your script",
            ["#", "Part", "Line"],
            empty="No lines yet: ctrl+g writes a script from your case.",
            noun="line",
            reorderable=True,
            id="lines",
        )
        yield Static("", id="line-full")
        yield Static("", id="script-time", classes="script-time")
        yield Static("", id="missing-parts", classes="advice")
        yield RecordTable(
            "Prepared answers",
            ["Client says", "You answer"],
            empty="None yet: ctrl+o adds answers to the usual pushback.",
            noun="answer",
            id="objections",
        )
        yield Static("", id="answers-time", classes="script-time")
        yield Static("", id="rehearse-hint", classes="rehearse-hint")
        yield RehearsalHistory(self.case, id="rehearsal-history")
        yield Static("", id="rehearsals")

    # -- showing the case --------------------------------------------------------

    @property
    def lines(self) -> list[ScriptLine]:
        return self.case.script.lines

    @property
    def objections(self) -> list[Objection]:
        return self.case.script.objections

    def refresh_from_case(self) -> None:
        self.show_lines()
        self.show_objections()
        self.show_times()
        self.show_missing_parts()
        self.show_rehearsals()
        self.show_generate()

    def show_generate(self) -> None:
        """The big button is for an empty script; once there are lines, ctrl+g still works."""
        button = self.query_one("#generate", Button)
        button.display = not self.lines
        # Disabled too, so a hidden button can never take the focus.
        button.disabled = bool(self.lines)

    def _table_width(self) -> int:
        """Room for a table's columns, leaving space for two scroll bars.

        Both the pane's and the table's own scroll bar may come and go as rows are
        added; reserving their space keeps the columns from ever overflowing.
        """
        # Before the first layout the pane has no size; 50 is the body width at 80 columns.
        width = self.size.width
        return (width if width > 10 else 50) - 4

    def show_lines(self, *, cursor: int | None = None) -> None:
        number_width = len(str(len(self.lines))) if self.lines else 1
        parts = {line.part for line in self.lines}
        part_width = max((len(SCRIPT_PART_LABELS[part]) for part in parts), default=4)
        # Three columns with one cell of padding on each side.
        text_width = self._table_width() - number_width - part_width - 6
        rows: list[list[Cell]] = []
        previous: ScriptPart | None = None
        for number, line in enumerate(self.lines, start=1):
            # The part is named once, where it starts, so the call's shape shows at a glance.
            part = (
                Text(SCRIPT_PART_LABELS[line.part], style="bold") if line.part != previous else ""
            )
            rows.append([str(number), part, _fit(line.text, text_width)])
            previous = line.part
        self.query_one("#lines", RecordTable).set_rows(rows, cursor=cursor)
        self.show_line_in_full()

    def show_line_in_full(self) -> None:
        """The line under the cursor, whole, when the table had to cut it short."""
        box = self.query_one("#line-full", Static)
        index = self.query_one("#lines", RecordTable).cursor
        box.display = 0 <= index < len(self.lines)
        if not box.display:
            return
        line = self.lines[index]
        box.update(
            Text.assemble(
                (f"{index + 1} · {SCRIPT_PART_LABELS[line.part]}  ", "dim"),
                " ".join(line.text.split()) or "(empty)",
            )
        )

    def show_objections(self, *, cursor: int | None = None) -> None:
        column = max((self._table_width() - 4) // 2, 8)
        rows: list[list[Cell]] = [
            [_fit(o.client, column), _fit(o.response, column)] for o in self.objections
        ]
        self.query_one("#objections", RecordTable).set_rows(rows, cursor=cursor)

    def show_times(self) -> None:
        words = rules.script_words(self.case)
        pace = f"at a calm pace ({rules.WORDS_PER_MINUTE} words a minute)"
        box = self.query_one("#script-time", Static)
        box.display = bool(words)
        box.update(f"About {spoken_time(words)} {pace}, {plural(words, 'word')}.")
        answers = sum(_words(o.response) for o in self.objections)
        box = self.query_one("#answers-time", Static)
        box.display = bool(answers)
        box.update(
            f"Prepared answers: about {spoken_time(answers)} {pace}, "
            f"{plural(answers, 'word')}, if every one comes up."
        )

    def show_missing_parts(self) -> None:
        hints = [hint for part, hint in MISSING_PART_HINTS.items() if self.part_missing(part)]
        box = self.query_one("#missing-parts", Static)
        box.update("\n".join(f"• {hint}" for hint in hints))
        box.display = bool(hints)

    def part_missing(self, part: ScriptPart) -> bool:
        if not self.lines or any(line.part is part and line.text.strip() for line in self.lines):
            return False
        if part is ScriptPart.REFERRAL:
            # No referral is the right call for an abusive client, or a deliberate choice.
            return self.case.referral.mode is not ReferralMode.NONE and not self.case.abusive
        return True

    def show_rehearsals(self) -> None:
        hint = (
            "Rehearse it line by line: press ctrl+e. On a line, c copies it and e opens it "
            "in your editor."
        )
        if not self.lines:
            hint = "Once you have a script, rehearse it line by line: press ctrl+e."
        self.query_one("#rehearse-hint", Static).update(hint)
        past = sorted(self.case.rehearsals, key=lambda r: r.at.timestamp(), reverse=True)
        history = self.query_one(RehearsalHistory)
        history.display = bool(past)
        if past:
            history.refresh_from_case()
        self.query_one("#rehearsals").display = bool(past)
        if not past:
            return
        rows = [rehearsal_row(r) for r in past[:REHEARSALS_SHOWN]]
        if len(past) > REHEARSALS_SHOWN:
            rows.append(f"and {plural(len(past) - REHEARSALS_SHOWN, 'earlier rehearsal')}")
        self.query_one("#rehearsals", Static).update(
            Text.assemble(("Past rehearsals\n", "bold"), "\n".join(rows))
        )

    def on_resize(self) -> None:
        # The cut-off point of long lines depends on the width.
        self.show_lines()
        self.show_objections()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.parent is self.query_one("#lines"):
            self.show_line_in_full()

    def changed(self, source: str) -> None:
        self.edited(source)
        self.show_times()
        self.show_missing_parts()
        self.show_rehearsals()
        self.show_generate()

    # -- table events --------------------------------------------------------------
    # Dispatched by the table's id: RecordTable's messages carry no ``control``, so
    # ``@on(RecordTable.Add, "#lines")`` cannot select by id.

    def on_record_table_add(self, event: RecordTable.Add) -> None:
        event.stop()
        if event.table.id == "lines":
            self.add_line(event.table)
        elif event.table.id == "objections":
            self.add_objection()

    def on_record_table_edit(self, event: RecordTable.Edit) -> None:
        event.stop()
        if event.table.id == "lines":
            self.edit_line(event.index)
        elif event.table.id == "objections":
            self.edit_objection(event.index)

    def on_record_table_remove(self, event: RecordTable.Remove) -> None:
        event.stop()
        if event.table.id == "lines":
            self.remove_line(event.index)
        elif event.table.id == "objections":
            self.remove_objection(event.index)

    def on_record_table_move(self, event: RecordTable.Move) -> None:
        event.stop()
        if event.table.id == "lines":
            self.move_line(event.index, event.delta)

    # -- script lines --------------------------------------------------------------

    def insert_at(self, part: ScriptPart) -> int:
        """Where a new line of ``part`` goes: after that part's last line, else in call order."""
        order = list(ScriptPart)
        same = [i for i, line in enumerate(self.lines) if line.part is part]
        if same:
            return same[-1] + 1
        later = [
            i for i, line in enumerate(self.lines) if order.index(line.part) > order.index(part)
        ]
        return later[0] if later else len(self.lines)

    def add_line(self, table: RecordTable) -> None:
        index = table.cursor
        part = self.lines[index].part if 0 <= index < len(self.lines) else ScriptPart.OPENING

        def added(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            line = ScriptLine(part=ScriptPart(values["part"]), text=values["text"])
            at = self.insert_at(line.part)
            self.lines.insert(at, line)
            self.show_lines(cursor=at)
            self.changed("script.lines")

        self.app.push_screen(RecordDialog("Add a line", LINE_FIELDS, {"part": part.value}), added)

    def edit_line(self, index: int) -> None:
        if not 0 <= index < len(self.lines):
            return
        line = self.lines[index]

        def edited(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            line.part = ScriptPart(values["part"])
            line.text = values["text"]
            self.show_lines(cursor=index)
            self.changed("script.lines")

        self.app.push_screen(
            RecordDialog(
                f"Line {index + 1}",
                LINE_FIELDS,
                {"part": line.part.value, "text": line.text},
            ),
            edited,
        )

    def remove_line(self, index: int) -> None:
        if 0 <= index < len(self.lines):
            del self.lines[index]
            self.show_lines(cursor=index)
            self.changed("script.lines")

    def move_line(self, here: int, delta: int) -> None:
        there = here + delta
        if 0 <= here < len(self.lines) and 0 <= there < len(self.lines):
            self.lines[here], self.lines[there] = self.lines[there], self.lines[here]
            self.show_lines(cursor=there)
            self.changed("script.lines")

    # -- prepared answers ----------------------------------------------------------

    def add_objection(self) -> None:

        def added(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            self.objections.append(Objection(client=values["client"], response=values["response"]))
            self.show_objections(cursor=len(self.objections) - 1)
            self.changed("script.objections")

        self.app.push_screen(RecordDialog("Add a prepared answer", OBJECTION_FIELDS), added)

    def edit_objection(self, index: int) -> None:
        if not 0 <= index < len(self.objections):
            return
        objection = self.objections[index]

        def edited(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            objection.client = values["client"]
            objection.response = values["response"]
            self.show_objections(cursor=index)
            self.changed("script.objections")

        self.app.push_screen(
            RecordDialog(
                "Prepared answer",
                OBJECTION_FIELDS,
                {"client": objection.client, "response": objection.response},
            ),
            edited,
        )

    def remove_objection(self, index: int) -> None:
        if 0 <= index < len(self.objections):
            del self.objections[index]
            self.show_objections(cursor=index)
            self.changed("script.objections")

    @on(Button.Pressed, "#generate")
    def generate_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_generate()

    # -- actions -------------------------------------------------------------------

    @work(exclusive=True, group="generate")
    async def action_generate(self) -> None:
        from clientexit.core import render  # the template engine: loaded when first used

        try:
            fresh = render.generate_script(self.case)
        except Exception as error:  # a template problem must never cost the user their work
            self.notify(f"Could not write a script: {error}", severity="error")
            return
        if not fresh:
            self.notify("There is nothing to write yet.", severity="warning")
            return
        if self.lines:
            if _same_script(self.lines, fresh):
                self.notify("Your script is already the fresh one: nothing to replace.")
                return
            count = len(self.lines)
            replace = await self.app.push_screen_wait(
                ConfirmDialog(
                    f"Replace your {plural(count, 'line')} with a fresh script? "
                    "Your edits will be lost.",
                    detail="The fresh script is written from the case as it is now: "
                    "the dates, the reason and the tone you chose.",
                    yes="Replace",
                    no="Keep mine",
                    danger=True,
                )
            )
            if not replace:
                return
        self.case.script.lines = fresh
        self.show_lines(cursor=0)
        self.changed("script.lines")
        self.query_one("#lines DataTable").focus()
        self.notify(
            f"Wrote {plural(len(fresh), 'line')}. Make them yours: enter edits a line.",
            timeout=4,
        )

    def action_common_objections(self) -> None:
        from clientexit.core import render  # the template engine: loaded when first used

        try:
            common = render.default_objections(self.case)
        except Exception as error:  # a template problem must never cost the user their work
            self.notify(f"Could not write the answers: {error}", severity="error")
            return
        known = {" ".join(o.client.split()).casefold() for o in self.objections}
        new = [o for o in common if " ".join(o.client.split()).casefold() not in known]
        if not new:
            self.notify("You already have an answer to each of the usual objections.")
            return
        first = len(self.objections)
        self.objections.extend(new)
        self.show_objections(cursor=first)
        self.changed("script.objections")
        self.notify(f"Added {plural(len(new), 'prepared answer')}.", timeout=3)

    def selected_line(self) -> int | None:
        """The index of the script line under the cursor; None (after saying so) when none."""
        index = self.query_one("#lines", RecordTable).cursor
        if 0 <= index < len(self.lines):
            return index
        self.notify(
            "There is no script line yet: ctrl+g writes a script from your case.",
            severity="warning",
        )
        return None

    def action_copy_line(self) -> None:
        index = self.selected_line()
        if index is None:
            return
        text = self.lines[index].text.strip()
        if not text:
            self.notify(f"Nothing to copy: line {index + 1} is empty.", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Line {index + 1} copied ({len(text):,} characters).", timeout=3)

    def action_edit_in_editor(self) -> None:
        """Open the selected line in the user's editor; what comes back is the line."""
        from clientexit.tui.app import ClientExitApp

        index = self.selected_line()
        if index is None or not isinstance(self.app, ClientExitApp):
            return
        line = self.lines[index]
        what = f"line {index + 1}"
        edited = self.app.edit_text(line.text, name=f"script-line-{index + 1}.txt", what=what)
        if edited is None:
            return
        text = edited.strip()
        if not text:
            self.notify(f"A line cannot be empty: {what} was left as it was.", severity="warning")
            return
        line.text = text
        self.show_lines(cursor=index)
        self.changed("script.lines")
        self.notify(f"Line {index + 1} changed.", timeout=3)

    def action_rehearse(self) -> None:
        rehearse = getattr(self.app, "action_rehearse", None)
        if callable(rehearse):
            rehearse()
            return
        self.notify(
            "Rehearsal mode comes with the rehearsal screen; for now, read the script "
            "aloud and time yourself.",
            title="Rehearse",
        )
