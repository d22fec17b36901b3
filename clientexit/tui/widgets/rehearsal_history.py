"""The history of rehearsals as two small charts, so practice can be seen paying off."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static

from clientexit.core.model import Case, Rehearsal
from clientexit.core.rehearsal import clock_time
from clientexit.tui.words import plural

RUNS_CHARTED = 20
"""The latest runs drawn in the charts; older ones are counted in the summary line."""

CELLS_PER_RUN = 2
"""Each run gets two cells, so a handful of runs still reads as separate bars."""


def _stumbles(count: int) -> str:
    return plural(count, "stumble") if count else "no stumbles"


def history_summary(runs: Sequence[Rehearsal]) -> str:
    """One line: how many runs, the latest, and what has changed since the first."""
    if not runs:
        return "No rehearsals yet. Each run is kept here, so you can see practice pay off."
    latest = runs[-1]
    said = f"{plural(len(runs), 'run')} · latest {clock_time(latest.seconds)}"
    said += f", {_stumbles(len(latest.flagged))}"
    if len(runs) > 1:
        first = runs[0]
        before, now = len(first.flagged), len(latest.flagged)
        if now < before:
            said += f" · stumbles down from {before}"
        elif now == before == 0:
            said += " · steady"
    return said + "."


class RehearsalHistory(Vertical):
    """Runs of the case's script: time and stumbles per run, oldest on the left."""

    DEFAULT_CSS = """
    RehearsalHistory {
        height: auto;
        #history-summary { height: auto; color: $text; }
        .history-row { height: 1; margin-top: 1; }
        .history-row.-under { margin-top: 0; }
        .history-label { width: 10; color: $text-muted; }
        .history-latest { width: auto; margin-left: 2; color: $text-muted; }
        Sparkline {
            width: 2;
            & > .sparkline--max-color { color: $primary; }
            & > .sparkline--min-color { color: $primary 40%; }
        }
        #stumble-chart {
            & > .sparkline--max-color { color: $warning; }
            & > .sparkline--min-color { color: $success 60%; }
        }
        &.-empty .history-row { display: none; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.case = case

    def compose(self) -> ComposeResult:
        yield Static("", id="history-summary")
        with Horizontal(classes="history-row"):
            yield Label("Time", classes="history-label")
            yield Sparkline([], id="time-chart")
            yield Label("", id="time-latest", classes="history-latest")
        with Horizontal(classes="history-row -under"):
            yield Label("Stumbles", classes="history-label")
            yield Sparkline([], id="stumble-chart")
            yield Label("", id="stumbles-latest", classes="history-latest")

    def on_mount(self) -> None:
        self.refresh_from_case()

    @property
    def runs(self) -> list[Rehearsal]:
        """Every run, oldest first."""
        return sorted(self.case.rehearsals, key=lambda r: r.at.timestamp())

    def refresh_from_case(self) -> None:
        """Redraw from ``case.rehearsals`` (call after a run is added)."""
        runs = self.runs
        self.set_class(not runs, "-empty")
        self.query_one("#history-summary", Static).update(history_summary(runs))
        charted = runs[-RUNS_CHARTED:]
        width = max(len(charted), 1) * CELLS_PER_RUN
        for chart_id, values in (
            ("#time-chart", [float(r.seconds) for r in charted]),
            ("#stumble-chart", [float(len(r.flagged)) for r in charted]),
        ):
            chart = self.query_one(chart_id, Sparkline)
            chart.data = values
            chart.styles.width = width
        if runs:
            latest = runs[-1]
            self.query_one("#time-latest", Label).update(f"latest {clock_time(latest.seconds)}")
            self.query_one("#stumbles-latest", Label).update(f"latest {len(latest.flagged)}")
