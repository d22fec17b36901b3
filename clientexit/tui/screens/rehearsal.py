"""The rehearsal screen: the call script as a teleprompter, with timing and objection drills.

Distraction free: the line to say, large and centred, the one before dimmed
above it and the next one below; the run's time, the line's time, the time
left and the pace at the bottom. Stepping through the script only updates
these few widgets, so a script of a thousand lines moves as fast as one of ten.

The run's logic lives in :mod:`clientexit.core.rehearsal`; this screen shows it
and turns keys into its calls. When a run ends it is added to the case's
rehearsal log and saved at once, so it is never lost.
"""

from __future__ import annotations

import random
import textwrap
import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Digits, Input, Static

from clientexit.core.model import SCRIPT_PART_LABELS, Case, Rehearsal, utc_now
from clientexit.core.rehearsal import (
    CALM_PACE,
    COUNTDOWN_SECONDS,
    MIN_SECONDS_KEPT,
    PARTS,
    Pace,
    RehearsalRun,
    clock_time,
    describe_pace,
    pace_of,
    shaky_last_time,
)
from clientexit.tui.screens.money_card import MoneyCard
from clientexit.tui.widgets.footer import StableFooter
from clientexit.tui.widgets.steady import steady_compositor

TICK_SECONDS = 0.5
"""How often the clocks on screen are redrawn."""

MOVE = Binding.Group("Line", compact=True)
"""Back and next, shown together in the footer."""

PREVIEW_LINES = 2
"""Lines of text shown of the previous and the next line; the current one is always whole."""


class Mode(StrEnum):
    """What the screen is showing, which decides the keys that work."""

    EMPTY = "empty"
    COUNTDOWN = "countdown"
    LINE = "line"
    ASK = "ask"
    """The client has interrupted; the user answers aloud."""
    ANSWER = "answer"
    """The prepared answer is shown."""
    EDITING = "editing"
    SUMMARY = "summary"


RUNNING = {Mode.LINE, Mode.ASK, Mode.ANSWER}
ACTION_MODES: dict[str, set[Mode]] = {
    "advance": {Mode.LINE},
    "reveal": {Mode.ASK},
    "continue_script": {Mode.ANSWER},
    "back": RUNNING,
    "restart": RUNNING,
    "part": RUNNING,
    "flag": {Mode.LINE},
    "pause": RUNNING,
    "resume": RUNNING,
    "edit": {Mode.LINE},
    "drill": RUNNING,
    "shaky": {Mode.ANSWER},
    "scroll_line": {*RUNNING, Mode.EDITING},
    "money": {Mode.EMPTY, Mode.COUNTDOWN, *RUNNING, Mode.SUMMARY},
    "copy": RUNNING,
    "end": {Mode.COUNTDOWN, *RUNNING},
    "cancel_edit": {Mode.EDITING},
    "generate": {Mode.EMPTY},
    "again": {Mode.SUMMARY},
    "new_drill": {Mode.SUMMARY},
    "close": {Mode.EMPTY, Mode.SUMMARY},
}


def clamp_lines(text: str, width: int, lines: int = PREVIEW_LINES) -> str:
    """``text`` wrapped to ``width``, cut to ``lines`` lines with an ellipsis if longer."""
    wrapped = textwrap.wrap(" ".join(text.split()), max(width, 8)) or [""]
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    last = kept[-1]
    if len(last) >= width - 1:
        last = last[: max(width - 2, 1)].rstrip()
    kept[-1] = last + " …"
    return "\n".join(kept)


class LinePreview(Widget):
    """A neighbouring line, dimmed and cut to two lines so the layout never jumps."""

    DEFAULT_CSS = """
    LinePreview {
        height: 2;
        width: 1fr;
        color: $text-muted;
        text-align: center;
    }
    """

    text: reactive[str] = reactive("", layout=False)

    def render(self) -> str:
        return clamp_lines(self.text, self.content_size.width or 60)


class ScriptBar(Widget):
    """How far into the script the run is: a thin bar, filled to the half cell.

    Drawn as at most three runs of one glyph, so an advance that moves it costs next
    to nothing (Textual's ProgressBar keeps an estimate of the time left and builds
    its bar as Rich text on every change).
    """

    COMPONENT_CLASSES = {"script-bar--done", "script-bar--complete"}

    DEFAULT_CSS = """
    ScriptBar {
        width: 1fr;
        height: 1;
        &> .script-bar--done { color: $primary; background: $surface; }
        &> .script-bar--complete { color: $success; background: $surface; }
    }
    """

    BAR = "━"
    HALF_LEFT = "╺"
    HALF_RIGHT = "╸"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.done = 0
        self.total = 1
        self.drawn: tuple[tuple[int, int, bool], Strip] | None = None

    def show(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` lines as done; repainted only if that moves the bar."""
        total = max(total, 1)
        if self.looks(done, total) != self.looks(self.done, self.total):
            self.refresh()
        self.done, self.total = done, total

    def looks(self, done: int, total: int) -> tuple[int, int, bool]:
        """What the bar shows for ``done`` of ``total``: its width, the half cells
        filled, and whether it is complete."""
        width = self.size.width
        halves = min(max(done, 0) * 2 * width // total, 2 * width)
        return width, halves, done >= total

    def render_line(self, y: int) -> Strip:
        key = self.looks(self.done, self.total)
        if self.drawn is None or self.drawn[0] != key:
            self.drawn = key, self.bar(*key)
        return self.drawn[1]

    def bar(self, width: int, halves: int, complete: bool) -> Strip:
        style = self.get_component_rich_style(
            "script-bar--complete" if complete else "script-bar--done"
        )
        filled, rest = Style.from_color(style.color), Style.from_color(style.bgcolor)
        whole, half = divmod(halves, 2)
        if not halves:
            segments = [Segment(self.BAR * width, rest)]
        else:
            head = self.BAR * whole + (self.HALF_RIGHT if half else "")
            tail = "" if half or whole == width else self.HALF_LEFT
            segments = [Segment(head, filled), Segment(tail + self.BAR * (width - whole - 1), rest)]
        # Over the background the bar sits on (a line is drawn whole, background included).
        return Strip(segments, width).apply_style(self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.drawn = None  # drawn anew in the new colours (a theme change)


class RehearsalScreen(Screen[None]):
    """Rehearse the call: one line at a time, timed, with the client cutting in if you like."""

    AUTO_FOCUS = ""
    """Nothing has the focus: every key is the screen's, until a line is edited."""

    BINDINGS = [
        # Back and next share one footer entry ("←→ Line"), so every key fits in 80 columns.
        Binding("left", "back", "Back", group=MOVE, id="rehearsal.back"),
        Binding("space,right", "advance", "Next", key_display="→", group=MOVE, id="rehearsal.next"),
        Binding("space,right", "reveal", "Answer", id="rehearsal.reveal"),
        Binding("space,right", "continue_script", "Go on", id="rehearsal.continue"),
        Binding("home", "restart", "Restart", id="rehearsal.restart"),
        Binding("1", "part(1)", "Part", key_display="1-8", id="rehearsal.part1"),
        *(
            Binding(
                str(n),
                f"part({n})",
                f"Part {n}: {SCRIPT_PART_LABELS[PARTS[n - 1]]}",
                show=False,
                id=f"rehearsal.part{n}",
            )
            for n in range(2, 9)
        ),
        Binding("f", "flag", "Flag", id="rehearsal.flag"),
        Binding("s", "shaky", "Shaky", id="rehearsal.shaky"),
        Binding("p", "pause", "Pause", id="rehearsal.pause"),
        Binding("p", "resume", "Resume", id="rehearsal.resume"),
        Binding("e", "edit", "Edit", id="rehearsal.edit"),
        Binding("d", "drill", "Drill", id="rehearsal.drill"),
        Binding("g", "generate", "Write a script", id="rehearsal.generate"),
        Binding("r", "again", "Again", id="rehearsal.again"),
        Binding("n", "new_drill", "New drill", id="rehearsal.new_drill"),
        Binding("m", "money", "Money", id="rehearsal.money"),
        Binding("c", "copy", "Copy the line", show=False, id="rehearsal.copy"),
        Binding("escape", "cancel_edit", "Cancel edit", id="rehearsal.cancel_edit"),
        Binding("escape", "end", "End", id="rehearsal.end"),
        Binding("q", "end", "End run", show=False, id="rehearsal.end_q"),
        Binding("down", "scroll_line(1)", "Scroll a long line", show=False, id="rehearsal.down"),
        Binding("up", "scroll_line(-1)", "Scroll a long line", show=False, id="rehearsal.up"),
        Binding("escape,q", "close", "Back to the case", id="rehearsal.close"),
    ]

    DEFAULT_CSS = """
    RehearsalScreen {
        layout: vertical;
        background: $background;

        #top {
            height: 1;
            padding: 0 2;
            background: $boost;
        }
        /* One line each (as their row): a change of text never asks for a new height. */
        #part { width: 1fr; height: 1; text-style: bold; color: $text-primary; }
        #status { width: auto; height: 1; color: $text-muted; }

        #stage {
            height: 1fr;
            align: center middle;
            padding: 0 2;
            overflow-y: auto;
        }
        #stage > * { max-width: 96; }
        #countdown { width: 1fr; text-align: center; color: $text-primary; }
        #countdown-hint {
            width: 1fr;
            text-align: center;
            color: $text-muted;
            margin-bottom: 2;
        }
        #speaker {
            height: 1;
            width: 1fr;
            margin-top: 1;
            text-align: center;
            color: $text-muted;
        }
        #current {
            width: 1fr;
            height: auto;
            padding: 1 2;
            text-align: center;
            text-style: bold;
            color: $text;
            background: $boost;
        }
        #edit { width: 1fr; margin: 1 0; display: none; }
        #answer {
            width: 1fr;
            height: auto;
            padding: 1 2;
            text-align: center;
            color: $text-success;
            border-left: outer $success 50%;
            display: none;
        }
        #hint {
            width: 1fr;
            height: 1;
            margin-bottom: 1;
            text-align: center;
            color: $text-muted;
        }
        &.-paused #current { color: $text-muted; text-style: none; }
        &.-flagged #current { border-left: outer $warning; }
        &.-drill #current { text-style: bold italic; color: $text-warning; }

        #no-script { height: 1fr; padding: 1 2; align: center middle; }
        #summary { height: 1fr; padding: 1 2; }
        #no-script-text { width: auto; max-width: 70; text-align: center; color: $text; }
        #summary-heading { text-style: bold; color: $text-primary; }
        #summary-text { height: auto; margin-top: 1; }
        #summary-history { margin-top: 1; }

        #bottom {
            height: auto;
            padding: 0 2;
        }
        #progress-row { height: 1; }
        #position { width: auto; height: 1; margin-left: 2; color: $text-muted; }
        #clock-row { height: 1; }
        #clock { width: 1fr; height: 1; color: $text; }
        #pace { width: auto; height: 1; color: $text-muted; }
        #pace.-fast { color: $text-warning; }
        Footer.-compact FooterLabel { margin-right: 1; }
    }
    """

    mode: reactive[Mode] = reactive(Mode.COUNTDOWN, init=False)

    def __init__(
        self,
        *,
        case: Case,
        save: Callable[[], bool],
        edited: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        seed: int | None = None,
        countdown: float = COUNTDOWN_SECONDS,
    ) -> None:
        """
        Args:
            case: The case whose script is rehearsed; runs are added to its log.
            save: Saves the case; returns whether it is safely on disk.
            edited: Told when the rehearsal changed the case (an edited line).
            clock: Seconds from any fixed point; tests pass a clock they move by hand.
            now: The date and time a run is recorded at.
            seed: Decides where the drill's objections interrupt; None picks one.
            countdown: Seconds before the first line.
        """
        super().__init__()
        steady_compositor(self)  # a line's repaint draws that line's widgets only
        self.case = case
        self.save = save
        self.edited = edited
        self.clock = clock
        self.now = now
        self.seed = random.SystemRandom().randrange(1, 100_000) if seed is None else seed
        self.countdown = countdown
        # The objections marked shaky last time come back first, for this whole session.
        self.prefer = shaky_last_time(case.rehearsals)
        self.run = self.new_run()
        self.drill_wanted = False
        self.resume_after_edit = False
        self.last_record: Rehearsal | None = None
        self.saved = False
        self.keys_paused = False
        self.updates = 0
        """Widget updates made by :meth:`show_line`; tests check it never grows with the script."""

    def new_run(self) -> RehearsalRun:
        return RehearsalRun(
            self.case.script,
            seed=self.seed,
            clock=self.clock,
            now=self.now,
            countdown=self.countdown,
            prefer=self.prefer,
        )

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static("", id="part", markup=False)
            yield Static("", id="status", markup=False)
        with Vertical(id="stage"):
            yield Digits("3", id="countdown")
            yield Static("Get ready. Any key starts now.", id="countdown-hint")
            yield LinePreview(id="previous")
            yield Static("", id="speaker", markup=False)
            yield Static("", id="current", markup=False)
            yield Input(
                id="edit", placeholder="The line, as you want to say it", select_on_focus=False
            )
            yield Static("", id="answer", markup=False)
            yield Static("", id="hint", markup=False)
            yield LinePreview(id="next")
        with Vertical(id="no-script"):
            yield Static(
                "There is no script yet. Write one on the Script step, "
                "or press g to generate one now from your case.\n\n"
                "escape goes back to the case.",
                id="no-script-text",
            )
        # Filled just after the first frame (make_summary): not shown before a run ends.
        yield VerticalScroll(id="summary")
        with Vertical(id="bottom"):
            with Horizontal(id="progress-row"):
                yield ScriptBar(id="progress")
                yield Static("", id="position", markup=False)
            with Horizontal(id="clock-row"):
                yield Static("", id="clock", markup=False)
                yield Static("", id="pace", markup=False)
        yield StableFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.mode = Mode.EMPTY if not self.case.script.lines else Mode.COUNTDOWN
        self.watch_mode(self.mode)
        self.set_interval(TICK_SECONDS, self.tick)
        self.call_after_refresh(self.make_summary)

    def make_summary(self) -> None:
        """Put the summary's widgets in place (once): the first frame does without them."""
        summary = self.query_one("#summary", VerticalScroll)
        if summary.children:
            return
        from clientexit.tui.widgets.rehearsal_history import RehearsalHistory

        summary.mount_all(
            [
                Static("", id="summary-heading", markup=False),
                Static("", id="summary-text"),
                RehearsalHistory(self.case, id="summary-history"),
            ]
        )

    def on_unmount(self) -> None:
        # Quitting the app in the middle of a run (ctrl+q) still keeps the run.
        if self.mode in (*RUNNING, Mode.EDITING) and self.run.worth_keeping:
            self.keep(self.run.finish())

    # -- watchers ----------------------------------------------------------------

    def watch_mode(self, mode: Mode) -> None:
        running = mode not in (Mode.EMPTY, Mode.SUMMARY)
        self.query_one("#stage").display = running
        self.query_one("#bottom").display = running
        self.query_one("#no-script").display = mode is Mode.EMPTY
        self.query_one("#summary").display = mode is Mode.SUMMARY
        counting = mode is Mode.COUNTDOWN
        for widget_id in ("#countdown", "#countdown-hint"):
            self.query_one(widget_id).display = counting
        for widget_id in ("#previous", "#speaker", "#current", "#hint"):
            self.query_one(widget_id).display = not counting
        self.set_class(mode in (Mode.ASK, Mode.ANSWER), "-drill")
        self.refresh_bindings()
        if running:
            self.show_line()
            self.show_clock()
        else:
            self.query_one("#part", Static).update("Rehearsal")
            self.query_one("#status", Static).update(self.case.title)

    # -- showing the run ---------------------------------------------------------

    def current_mode(self) -> Mode:
        """The mode the run is in now (the screen's ``mode`` follows it)."""
        if self.mode in (Mode.EMPTY, Mode.SUMMARY, Mode.EDITING):
            return self.mode
        if not self.run.started:
            return Mode.COUNTDOWN
        interruption = self.run.interruption
        if interruption is None:
            return Mode.LINE
        return Mode.ANSWER if interruption.revealed else Mode.ASK

    def sync(self) -> None:
        """After a change to the run: follow its mode, and redraw the few widgets that show it."""
        mode = self.current_mode()
        if mode is not self.mode:
            self.mode = mode  # the watcher redraws, and refreshes the keys
            return
        self.show_line()
        self.show_clock()
        # The Footer is rebuilt when the keys change, so only ask when they did (pause, resume).
        if self.run.paused is not self.keys_paused:
            self.refresh_bindings()

    def refresh_bindings(self) -> None:
        run = getattr(self, "run", None)
        self.keys_paused = run is not None and run.paused
        super().refresh_bindings()

    def _update(self, widget_id: str, content: str) -> None:
        """Show ``content``; lay out the screen only when the widget's size has to change.

        A layout measures every widget on the screen, so on a plain advance (the next
        line as tall as the last, the same part) the few lines that change are repainted.
        """
        self.updates += 1
        self._show(self.query_one(widget_id, Static), content)

    def _show(self, widget: Static, content: str) -> None:
        if widget.content == content:
            return
        size = widget.content_size
        widget.update(content, layout=False)
        widget.clear_cached_dimensions()  # measured anew below and by the next layout
        styles = widget.styles
        grows = not size.width or (
            (
                styles.width is not None
                and styles.width.is_auto
                and widget.get_content_width(self.size, self.size) != size.width
            )
            or (
                (styles.height is None or styles.height.is_auto)
                and widget.get_content_height(self.size, self.size, size.width) != size.height
            )
        )
        if grows:
            widget.refresh(layout=True)

    def show_line(self) -> None:
        """Draw the position in the script: a fixed handful of widget updates, never a rebuild."""
        run = self.run
        line = run.line()
        previous = run.line(-1)
        following = run.line(1)
        interruption = run.interruption
        if line is None:
            return
        self._update("#part", f"{SCRIPT_PART_LABELS[line.part]} · part {run.part_number()} of 8")
        self._update("#status", self.status_text())
        preview_before = self.query_one("#previous", LinePreview)
        preview_after = self.query_one("#next", LinePreview)
        answer = self.query_one("#answer", Static)
        if self.mode is Mode.COUNTDOWN:
            preview_after.text = f"First line: {line.text}"
            self.updates += 1
        elif interruption is not None:
            objection = run.objections[interruption.objection]
            preview_before.text = line.text
            self._update("#speaker", f"{self.client_name()} cuts in:")
            self._update("#current", objection.client.strip() or "(no words written)")
            answer.display = interruption.revealed
            if interruption.revealed:
                answer.update(objection.response.strip() or "(no prepared answer written yet)")
                shaky = interruption.objection in run.shaky
                self._update(
                    "#hint",
                    "Marked shaky: it comes back first next time. space goes on."
                    if shaky
                    else "s marks it shaky · space goes back to the script",
                )
            else:
                self._update("#hint", "Answer aloud, then space shows your prepared answer.")
            preview_after.text = following.text if following else ""
            self.updates += 2
        else:
            answer.display = False
            preview_before.text = previous.text if previous else ""
            flagged = run.index in run.flags
            self._update("#speaker", "⚑ flagged as a stumble" if flagged else "")
            self._update("#current", line.text.strip() or "(an empty line)")
            self._update("#hint", self.hint_text())
            preview_after.text = following.text if following else "(the end of the script)"
            self.set_class(flagged, "-flagged")
            self.updates += 2
        self.set_class(run.paused, "-paused")
        # A line taller than the screen starts at its first words; the rest scrolls.
        self.call_after_refresh(self.show_current_line_top)
        self.query_one("#progress", ScriptBar).show(run.index + 1, run.total)
        self._update("#position", f"line {run.index + 1} of {run.total}")

    def show_current_line_top(self) -> None:
        stage = self.query_one("#stage")
        if stage.max_scroll_y > 0:
            stage.scroll_to_widget(self.query_one("#speaker"), top=True, animate=False)
        elif stage.scroll_y:
            stage.scroll_home(animate=False)

    def client_name(self) -> str:
        contact = self.case.client.contact.strip()
        return contact.split()[0] if contact else "The client"

    def status_text(self) -> str:
        run = self.run
        if self.mode is Mode.EDITING:
            return "editing · the clocks have stopped"
        parts: list[str] = []
        if run.paused:
            parts.append("paused")
        if run.drill_on:
            left = run.drills_left()
            parts.append(f"drill on · {left} to come" if left > 0 else "drill on")
        if run.flags:
            parts.append(f"{len(run.flags)} flagged")
        return " · ".join(parts) or self.case.title

    def hint_text(self) -> str:
        if self.run.paused:
            return "Paused: the clocks have stopped. p goes on."
        if self.run.index + 1 >= self.run.total:
            return "The last line: space ends the run."
        return ""

    def show_clock(self) -> None:
        """The small timer widgets: the only ones that change while the user speaks."""
        run = self.run
        if self.mode is Mode.COUNTDOWN:
            left = run.countdown_left()
            self.query_one("#countdown", Digits).update(str(max(int(left + 0.999), 1)))
            self.query_one("#clock", Static).update("Run 0:00 · starting")
            self.query_one("#pace", Static).update("")
            return
        clock = (
            f"Run {clock_time(run.elapsed())} · "
            f"{'answer' if run.interruption else 'line'} {clock_time(run.line_elapsed())} · "
            f"about {clock_time(run.remaining_seconds())} left"
        )
        self._show(self.query_one("#clock", Static), clock)
        wpm = run.words_per_minute()
        pace = self.query_one("#pace", Static)
        self._show(pace, describe_pace(wpm))
        pace.set_class(pace_of(wpm) is Pace.FAST, "-fast")

    def tick(self) -> None:
        if self.mode is Mode.COUNTDOWN:
            if self.run.tick():
                self.sync()
            else:
                self.show_clock()
        elif self.mode in RUNNING:
            self.show_clock()

    # -- the countdown: any key starts -----------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self.mode is Mode.COUNTDOWN and event.key not in ("escape", "m", "q"):
            event.stop()
            event.prevent_default()
            self.run.start()
            self.sync()

    # -- bindings -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        modes = ACTION_MODES.get(action)
        if modes is None:
            return True
        if self.mode not in modes:
            return False
        if action == "pause":
            return not self.run.paused
        if action == "resume":
            return self.run.paused
        return True

    # -- actions ------------------------------------------------------------------

    def action_advance(self) -> None:
        if not self.run.advance():
            self.end_run()
            return
        self.sync()

    def action_reveal(self) -> None:
        self.run.reveal()
        self.sync()

    def action_continue_script(self) -> None:
        if not self.run.continue_after_drill():
            self.end_run()
            return
        self.sync()

    def action_back(self) -> None:
        self.run.back()
        self.sync()

    def action_part(self, number: int) -> None:
        part = PARTS[number - 1]
        if not self.run.jump_to_part(part):
            have = ", ".join(
                f"{PARTS.index(p) + 1} {SCRIPT_PART_LABELS[p]}"
                for p in PARTS
                if self.run.has_part(p)
            )
            missing = SCRIPT_PART_LABELS[part].lower()
            self.notify(
                f"This script has no {missing} part. Parts it has: {have}.",
                title=f"No part {number}",
                timeout=4,
            )
            return
        self.sync()

    def action_flag(self) -> None:
        # Shown on the line itself (and counted at the top): no toast over the clocks.
        self.run.toggle_flag()
        self.sync()

    def action_shaky(self) -> None:
        self.run.toggle_shaky()
        self.sync()

    def action_pause(self) -> None:
        self.run.pause()
        self.sync()

    def action_resume(self) -> None:
        self.run.resume()
        self.sync()

    def action_drill(self) -> None:
        if not self.case.script.objections:
            self.notify(
                "There are no prepared answers to drill. Add some on the Script step: "
                "ctrl+o adds answers to the usual pushback.",
                title="Objection drill",
                timeout=6,
            )
            return
        on = self.run.toggle_drill()
        self.drill_wanted = on
        if on and not self.run.plan:
            self.notify("The script is too short for the client to cut in.", timeout=4)
        # Otherwise the top line says it ("drill on · 4 to come"): no toast over the script.
        self.sync()

    def action_edit(self) -> None:
        line = self.run.line()
        if line is None:
            return
        self.resume_after_edit = not self.run.paused
        self.run.pause()  # editing is not speaking: the clocks stop
        self.mode = Mode.EDITING
        field = self.query_one("#edit", Input)
        field.value = line.text
        field.display = True
        self.query_one("#current").display = False
        self._update("#hint", "enter keeps the change · escape cancels it")
        self._update("#status", self.status_text())
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#edit")
    def edit_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = " ".join(event.value.split())
        if not text:
            self.notify("A line cannot be empty; it was kept as it was.", timeout=4)
        elif self.run.edit_line(text):
            if self.edited is not None:
                self.edited("script.lines")
            self.notify(f"Line {self.run.index + 1} changed.", timeout=2)
        self.stop_editing()

    def action_cancel_edit(self) -> None:
        self.stop_editing()

    def stop_editing(self) -> None:
        self.query_one("#edit").display = False
        self.query_one("#current").display = True
        self.set_focus(None)
        if self.resume_after_edit:
            self.run.resume()
        self.mode = Mode.LINE

    def action_scroll_line(self, direction: int) -> None:
        stage = self.query_one("#stage")
        stage.scroll_relative(y=direction * 2, animate=False)

    def action_copy(self) -> None:
        """Copy what is on screen: the line, the client's objection, or the prepared answer."""
        run = self.run
        interruption = run.interruption
        if interruption is None:
            line = run.line()
            text, what = (line.text if line else ""), f"Line {run.index + 1}"
        elif interruption.revealed:
            text = run.objections[interruption.objection].response
            what = "Prepared answer"
        else:
            text, what = run.objections[interruption.objection].client, "Objection"
        text = text.strip()
        if not text:
            self.notify(f"Nothing to copy: {what.lower()} is empty.", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"{what} copied ({len(text):,} characters).", timeout=2)

    def action_money(self) -> None:
        self.app.push_screen(MoneyCard(self.case))

    def action_restart(self) -> None:
        kept = self.run.worth_keeping
        if kept:
            record = self.keep(self.run.finish())
            self.notify(
                f"Kept the run so far ({clock_time(record.seconds)}) in your history. "
                "From the top.",
                timeout=4,
            )
        self.start_run(self.seed)

    def action_end(self) -> None:
        self.end_run()

    def action_generate(self) -> None:
        from clientexit.core import render  # the template engine: loaded when first used

        try:
            fresh = render.generate_script(self.case)
        except Exception as error:  # a template problem must never strand the user here
            self.notify(f"Could not write a script: {error}", severity="error")
            return
        if not fresh:
            self.notify("There is not enough in the case to write a script yet.", timeout=5)
            return
        self.case.script.lines = fresh
        if self.edited is not None:
            self.edited("script.lines")
        self.notify(
            f"Wrote a script of {len(fresh)} lines from your case. Make it yours on the "
            "Script step; for now, rehearse it.",
            timeout=5,
        )
        self.start_run(self.seed)

    def action_again(self) -> None:
        self.start_run(self.seed)

    def action_new_drill(self) -> None:
        self.start_run(random.SystemRandom().randrange(1, 100_000))

    def action_close(self) -> None:
        self.dismiss(None)

    # -- runs ---------------------------------------------------------------------

    def start_run(self, seed: int) -> None:
        """A fresh run, with its countdown; the drill stays as the user last set it."""
        self.seed = seed
        self.run = self.new_run()
        if self.drill_wanted and self.case.script.objections:
            self.run.toggle_drill()
        self.query_one("#answer").display = False
        self.set_focus(None)
        self.mode = Mode.COUNTDOWN if self.case.script.lines else Mode.EMPTY
        self.sync()

    def keep(self, record: Rehearsal) -> Rehearsal:
        """Add the run to the case's log and save the case at once."""
        self.case.rehearsals.append(record)
        self.saved = self.save()
        if not self.saved and self.edited is not None:
            self.edited("rehearsals")
        return record

    def end_run(self) -> None:
        """Finish the run, keep it if it was real practice, and show the summary."""
        if self.mode is Mode.EDITING:
            self.stop_editing()
        run = self.run
        kept = run.worth_keeping
        record = run.finish()
        self.last_record = self.keep(record) if kept else None
        self.show_summary(record, kept=kept)
        self.mode = Mode.SUMMARY
        summary = self.query_one("#summary", VerticalScroll)
        summary.scroll_home(animate=False)
        summary.focus()  # up and down scroll a long summary

    # -- the summary ----------------------------------------------------------------

    def show_summary(self, record: Rehearsal, *, kept: bool) -> None:
        run = self.run
        if not kept:
            heading = "Run over, not kept"
            note = (
                "It was shorter than two lines and "
                f"{int(MIN_SECONDS_KEPT)} seconds, so it is not in your history. "
                "r starts a real run."
            )
        elif self.saved:
            heading = f"Run saved · {clock_time(record.seconds)}"
            note = "Saved with the case: it is in the history below."
        else:
            heading = f"Run over · {clock_time(record.seconds)}"
            note = (
                "It is in the case, but the file could not be saved: "
                "save the case (ctrl+s) when you are back."
            )
        from clientexit.tui.widgets.rehearsal_history import RehearsalHistory

        self.make_summary()
        self.query_one("#summary-heading", Static).update(heading)
        self.query_one("#summary-text", Static).update(self.summary_body(record, note, run))
        history = self.query_one(RehearsalHistory)
        if history.is_mounted:  # else it shows the case's runs when it mounts
            history.refresh_from_case()

    def summary_body(self, record: Rehearsal, note: str, run: RehearsalRun) -> RenderableType:
        parts: list[RenderableType] = [Text(note, style="dim")]
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        low, high = CALM_PACE
        wpm = run.words_per_minute()
        facts.add_row("Pace", f"{describe_pace(wpm)} (calm is {low}-{high})")
        said = len(run.lines_said)
        facts.add_row("Lines", f"{said} of {run.total} said")
        if run.drill_seconds >= 1:
            facts.add_row("Answering", clock_time(run.drill_seconds))
        parts += [Text(), facts]

        parts += [Text()]
        if record.flagged:
            parts.append(Text(f"Lines you stumbled on ({len(record.flagged)})", style="bold"))
            flagged = Table.grid(padding=(0, 2))
            flagged.add_column(justify="right", style="dim", no_wrap=True)
            flagged.add_column()
            for number in record.flagged:
                flagged.add_row(str(number), run.lines[number - 1].text)
            parts.append(flagged)
        else:
            parts.append(Text("No lines flagged as stumbles.", style="dim"))

        parts += [Text()]
        if run.drilled:
            shaky = [j for j in run.drilled if j in run.shaky]
            title = f"Objections drilled: {len(run.drilled)}"
            if shaky:
                title += f", {len(shaky)} shaky"
            parts.append(Text(title, style="bold"))
            drilled = Table.grid(padding=(0, 1))
            drilled.add_column(no_wrap=True)
            drilled.add_column()
            for j in run.drilled:
                objection = run.objections[j]
                if j in run.shaky:
                    drilled.add_row(
                        Text("~", style="bold"),
                        Text.assemble(
                            objection.client,
                            ("\nshaky; your answer: ", "dim"),
                            objection.response,
                        ),
                    )
                else:
                    drilled.add_row(Text("✓", style="dim"), objection.client)
            parts.append(drilled)
        elif run.objections:
            parts.append(
                Text(
                    "No objections drilled. Press d during a run and the client will cut in.",
                    style="dim",
                )
            )
        return Group(*parts)
