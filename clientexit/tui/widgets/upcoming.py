"""The library's "Upcoming" panel: the dates across cases that need the user, soonest first.

It works from the case summaries the library already holds (no file is read), so
it costs start-up nothing. A head line sums it up (how many are overdue, what is
next); the list under it shows the first few dates, one line each, and "and N
more" opens the rest. Enter or a click on a date asks the library to select its
case (:class:`UpcomingPanel.Chosen`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clientexit.core.store import CaseSummary
from clientexit.core.upcoming import HORIZON_DAYS, Upcoming, upcoming

LIMIT = 6
"""Dates listed before "and N more": a glance, not a calendar."""

WIDE = 100
"""From this width on, each line also says what exactly (the invoice, the amount)."""

CLIENT_WIDTH = 28


def current_day() -> date:
    """The day the panel counts from. Tests replace it, so no test depends on the calendar."""
    return date.today()


def short_day(day: date, today: date) -> str:
    """``Tue 1 Dec``; with the year when it is not this year's."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _when_style(item: Upcoming, today: date) -> str:
    # Calm: overdue things in the warning colour, today's in the accent, the rest muted.
    if item.overdue:
        return "$text-warning"
    if item.day == today:
        return "$text-accent bold"
    return "$text-muted"


def item_line(item: Upcoming, today: date, *, wide: bool) -> Content:
    """``Tue 1 Dec  in 9 days  Acme Corp · deletion due``, with the detail when wide."""
    parts: list[str | tuple[str, str]] = [
        f"{short_day(item.day, today):<11}",
        (f"{item.relative(today):<16}", _when_style(item, today)),
        _clip(item.client, CLIENT_WIDTH) if wide else item.client,
        " · ",
        (item.label, "$text-warning" if item.overdue else ""),
    ]
    if wide and item.detail:
        parts.append((f" · {item.detail}", "$text-muted"))
    return Content.assemble(*parts)


def head_line(items: list[Upcoming], today: date, horizon_days: int) -> Content:
    """``Upcoming · 2 overdue · next: Acme Corp, call in 4 days``."""
    parts: list[str | tuple[str, str]] = [("Upcoming", "bold")]
    if not items:
        parts.append((f" · nothing due in the next {horizon_days} days", "$text-muted"))
        return Content.assemble(*parts)
    overdue = sum(1 for item in items if item.overdue)
    if overdue:
        parts.append((f" · {overdue} overdue", "$text-warning"))
    coming = [item for item in items if not item.overdue]
    if coming:
        first = coming[0]
        parts += [
            " · next: ",
            f"{first.client}, {first.label} ",
            (first.relative(today), _when_style(first, today)),
        ]
    return Content.assemble(*parts)


class UpcomingList(OptionList):
    """The dates themselves; escape hands the focus back to the case list."""

    BINDINGS = [
        Binding("escape", "leave", "Back to cases", show=False, id="upcoming.leave"),
    ]

    def action_leave(self) -> None:
        self.post_message(UpcomingPanel.Left())


class UpcomingPanel(Vertical):
    """The next dates across every case in the library."""

    DEFAULT_CSS = """
    UpcomingPanel {
        height: auto;
        padding: 0 1;
        #upcoming-head { height: 1; }
        UpcomingList {
            height: auto;
            max-height: 100%;
            border: none;
            padding: 0;
            background: transparent;
            &:focus { border: none; background-tint: $foreground 5%; }
            /* The cursor shows only while the list has the focus: calm when just glanced at. */
            &:blur > .option-list--option-highlighted {
                background: transparent;
                text-style: none;
            }
        }
    }
    """

    show_all: reactive[bool] = reactive(False)
    """Every date, not only the first few ("and N more" was chosen)."""

    @dataclass
    class Chosen(Message):
        """The user picked a date: select its case in the library."""

        path: Path

    class Left(Message):
        """The user left the list with escape."""

    def __init__(
        self,
        *,
        today: Callable[[], date] | None = None,
        horizon_days: int = HORIZON_DAYS,
        limit: int = LIMIT,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.today = today
        """Where today comes from; None means :func:`current_day`."""
        self.horizon_days = horizon_days
        self.limit = limit
        self.items: list[Upcoming] = []
        self._day = date.min
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="upcoming-head")
        yield UpcomingList(id="upcoming-list")

    # -- watchers ------------------------------------------------------------

    def watch_show_all(self) -> None:
        self.render_items()

    # -- showing -------------------------------------------------------------

    def day(self) -> date:
        return (self.today or current_day)()

    def show(self, summaries: Iterable[CaseSummary]) -> None:
        """Work out the dates from the library's rows and show them."""
        self._day = self.day()
        self.items = upcoming(summaries, self._day, self.horizon_days)
        self.query_one("#upcoming-head", Static).update(
            head_line(self.items, self._day, self.horizon_days)
        )
        self.render_items()

    def render_items(self) -> None:
        listing = self.query_one(UpcomingList)
        highlighted = listing.highlighted
        wide = self.size.width >= WIDE
        self._width = self.size.width
        shown = self.items if self.show_all else self.items[: self.limit]
        options = [
            Option(item_line(item, self._day, wide=wide), id=str(index))
            for index, item in enumerate(shown)
        ]
        hidden = len(self.items) - len(shown)
        if hidden:
            options.append(
                Option(Content.styled(f"and {hidden} more…", "$text-muted italic"), id="more")
            )
        listing.set_options(options)
        listing.display = bool(options)
        listing.disabled = not options
        if options:
            listing.highlighted = min(highlighted or 0, len(options) - 1)

    def on_resize(self) -> None:
        # The detail column comes and goes with the width.
        if (self.size.width >= WIDE) != (self._width >= WIDE):
            self.render_items()

    # -- events --------------------------------------------------------------

    @on(OptionList.OptionSelected, "#upcoming-list")
    def option_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "more":
            self.show_all = True
            return
        index = int(event.option.id or -1)
        if 0 <= index < len(self.items):
            self.post_message(self.Chosen(self.items[index].path))

    def on_click(self) -> None:
        # A click on the head line opens the list (on a small screen it is folded).
        listing = self.query_one(UpcomingList)
        if listing.display:
            listing.focus()
