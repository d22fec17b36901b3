"""The case wizard: six steps on one screen, a step list on the side, free movement between them."""

from __future__ import annotations

import asyncio
import gc
from contextlib import suppress
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from clientexit.core import rules
from clientexit.core.model import Case
from clientexit.core.rules import Step, StepState
from clientexit.core.store import StoreError, save_case, save_new
from clientexit.tui.keys import KeysInOrderApp
from clientexit.tui.messages import CaseEdited
from clientexit.tui.screens.confirm import UnsavedChangesDialog
from clientexit.tui.widgets.footer import StableFooter
from clientexit.tui.widgets.steady import SteadyHeader, SteadyInput, steady_compositor
from clientexit.tui.widgets.step import StepPane

if TYPE_CHECKING:
    from clientexit.tui.autosave import Autosaver
    from clientexit.tui.widgets.step_review import GoToStep

PANE_CLASSES: dict[Step, tuple[str, str]] = {
    Step.CONTRACT: ("clientexit.tui.widgets.step_contract", "ContractStep"),
    Step.REASONS: ("clientexit.tui.widgets.step_reasons", "ReasonsStep"),
    Step.TONE: ("clientexit.tui.widgets.step_tone", "ToneStep"),
    Step.REFERRAL: ("clientexit.tui.widgets.step_referral", "ReferralStep"),
    Step.SCRIPT: ("clientexit.tui.widgets.step_script", "ScriptStep"),
    Step.REVIEW: ("clientexit.tui.widgets.step_review", "ReviewStep"),
}
"""Where each step's pane lives: imported on the step's first visit, not at start-up."""
STEP_HEADINGS: dict[Step, str] = {
    Step.CONTRACT: "Contract",
    Step.REASONS: "Reasons (internal)",
    Step.TONE: "Tone",
    Step.REFERRAL: "Referral & handover",
    Step.SCRIPT: "Script",
    Step.REVIEW: "Review & save",
}
"""The step list's names; the same as each pane's ``heading`` (a test keeps them so)."""
LEAK_CHECK_PAUSE = 0.4
"""Seconds of no typing before the readiness list scans the documents for private notes."""
BUILD_AHEAD = True
"""Whether the steps not shown yet are made in idle time after the wizard's first frame;
otherwise each is made on its first visit. Quitting while one is being made waits for
it (see ClientExitApp.after_mounts)."""


def pane_class(step: Step) -> type[StepPane]:
    module, name = PANE_CLASSES[step]
    pane: type[StepPane] = getattr(import_module(module), name)
    return pane


def __getattr__(name: str) -> Any:
    # STEP_PANES (every pane class, in order) imports all six panes: only the help
    # and the command palette ask for it, so it is made when they do.
    if name == "STEP_PANES":
        return tuple(pane_class(step) for step in Step)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


STATE_MARKS: dict[StepState, tuple[str, str]] = {
    StepState.NOT_STARTED: ("○", "$text-muted"),
    StepState.IN_PROGRESS: ("◐", "$text-warning"),
    StepState.COMPLETE: ("●", "$text-success"),
    StepState.NEEDS_ATTENTION: ("!", "$text-error bold"),
}
STATE_WORDS = {
    StepState.NOT_STARTED: "not started",
    StepState.IN_PROGRESS: "in progress",
    StepState.COMPLETE: "complete",
    StepState.NEEDS_ATTENTION: "needs attention",
}


class StepList(OptionList):
    """The six steps with their state; enter or a click opens one."""

    DEFAULT_CSS = """
    StepList {
        width: 26;
        height: auto;
        max-height: 100%;
        padding: 0;
        background: $panel;
        border: tall $panel;
        &:focus { border: tall $primary; }
    }
    """

    BINDINGS = [
        Binding(str(n), f"screen.go({n})", f"Step {n}", show=False, id=f"steps.go{n}")
        for n in range(1, 7)
    ]


class WizardScreen(Screen[None]):
    """Prepare one case, step by step."""

    # The title is the client's name, so it changes as that is typed: the header
    # repaints its own line (SteadyHeader); the screen's stock title would repaint
    # every widget on the screen on each key.
    title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)
    sub_title: Reactive[str | None] = Reactive(None, compute=False, repaint=False)

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="wizard.save"),
        # Priority, so scrolling panes and text fields do not take these keys first.
        Binding("ctrl+pagedown,f6", "next_step", "Next step", priority=True, id="wizard.next"),
        Binding(
            "ctrl+pageup,shift+f6",
            "previous_step",
            "Prev step",
            show=False,
            priority=True,
            id="wizard.previous",
        ),
        Binding("escape", "close", "Library", id="wizard.close"),
        Binding(
            "f2",
            "focus_steps",
            "Step list: then 1-6 opens that step",
            show=False,
            id="wizard.steps",
        ),
        # Only terminals that speak the kitty keyboard protocol report alt with a digit
        # as such; most send it as a character (alt+1 as "¡"), which goes into the
        # focused field. So these go unlisted: the help and the palette name f2, then
        # the step's digit, which works everywhere.
        *(
            Binding(f"alt+{n}", f"go({n})", "", show=False, id=f"wizard.step{n}")
            for n in range(1, 7)
        ),
    ]

    def __init__(
        self,
        case: Case,
        *,
        path: Path | None,
        library: Path,
        start: Step = Step.CONTRACT,
        recovery_key: str = "",
        recovered_from: Path | None = None,
    ) -> None:
        super().__init__()
        steady_compositor(self)  # a key's repaint draws the field's widgets only
        self.case = case
        self.path = path
        self.library = library
        self.start = start
        # A case restored from a recovery file holds work its file does not.
        self.dirty = path is None or recovered_from is not None
        self.visited: set[Step] = set()
        self.revision = 0
        """Counts edits, so a step shown again is refreshed only when the case changed."""
        self.shown_revision: dict[Step, int] = {}
        self.leak_timer: Timer | None = None
        self.mounting: dict[Step, AwaitMount] = {}
        """Panes mounted and not filled from the case yet."""
        self.all_made = asyncio.Event()
        """Set while no pane is being mounted (see steps_made)."""
        self.all_made.set()
        self.building = False
        """Whether steps are being made in idle time (one at a time, after each frame)."""
        self.closing = False
        """Set when the wizard is about to close: no step is made from then on."""
        self.shown_states: list[StepState] = []
        self.shown_dates: tuple[object, ...] = ()
        self.recovery_key = recovery_key
        self.recovered_from = recovered_from

    @cached_property
    def autosaver(self) -> Autosaver:
        """Keeps a recovery copy of what is typed, a second or two behind. Made on first
        use (the first edit, a save, closing): its module and the recovery files' are
        not needed for the first frame."""
        from clientexit.tui.autosave import Autosaver

        return Autosaver(
            self,
            self.library,
            self.case,
            self.path,
            key=self.recovery_key,
            restored_from=self.recovered_from,
            on_saved_state=self.back_to_saved,
        )

    def compose(self) -> ComposeResult:
        yield SteadyHeader()
        with Horizontal(id="wizard"):
            with Vertical(id="sidebar"):
                yield StepList(id="steps")
                yield Static("", id="dates")
            with ContentSwitcher(id="step-body", initial=self.start.value):
                # Only the step it opens on, and of that what the first screen shows:
                # its rest, and the other steps, are made after the first frame
                # (the others on their first visit if not BUILD_AHEAD).
                yield pane_class(self.start)(self.case, id=self.start.value).hold_back()
        yield StableFooter(compact=True)

    def on_unmount(self) -> None:
        self.autosaver.stop()
        rules.end_deferred_leak_check(self.case)
        gc.unfreeze()  # this screen's widgets can be collected again (see hold_still)

    def on_mount(self) -> None:
        # The leak scan renders every document: not on each key, and not before the
        # first frame (it loads the template engine); see check_leaks.
        rules.defer_leak_check(self.case)
        self.show_step(self.start)  # fills the step from the case (a first visit)
        self.update_title()
        # Ready to type: the cursor starts in the step's first field.
        self.call_after_refresh(self.place_cursor)
        self.leak_timer = self.set_timer(LEAK_CHECK_PAUSE, self.check_leaks)
        self.call_after_refresh(self.hold_still)
        self.call_after_refresh(self.finish_first_step)

    def finish_first_step(self) -> None:
        """After the first frame: mount the rest of the step the wizard opened on (its
        first screenful came first), as a step made ahead is mounted and filled."""
        pane = self.pane(self.start)
        if not pane.held_back or self.closing:
            return
        mounted = pane.mount_held_back()
        self.mounting[self.start] = mounted
        self.all_made.clear()
        self.call_later(self.first_visit, mounted, self.start)

    def on_screen_resume(self) -> None:
        # Shown (not merely mounted under a rehearsal or a question): the other steps
        # are made while the user reads this one, after its frame.
        if BUILD_AHEAD and not self.building and not self.closing:
            self.building = True
            self.call_after_refresh(self.build_next_step)

    # -- state ---------------------------------------------------------------

    @property
    def current(self) -> Step:
        return Step(self.query_one(ContentSwitcher).current or Step.CONTRACT.value)

    def pane(self, step: Step) -> StepPane:
        return self.query_one(f"#{step.value}", StepPane)

    def back_to_saved(self) -> None:
        """The autosaver found the case just as its file holds it (the edits undone)."""
        if not self.dirty or self.mounting:
            return
        # A field whose text is not valid keeps its previous value in the case: the
        # case matches its file, but what is typed there is not in it. Still unsaved.
        if any(pane.invalid_fields for pane in self.query(StepPane)):
            return
        self.dirty = False
        self.update_title()

    def update_title(self) -> None:
        self.title = self.case.title
        where = self.path.name if self.path else "not saved yet"
        self.sub_title = f"● unsaved — {where}" if self.dirty else where

    def refresh_steps(self) -> None:
        steps = self.query_one(StepList)
        found = rules.findings(self.case)
        states = [
            rules.step_state(self.case, step, visited=step in self.visited, found=found)
            for step in Step
        ]
        # Most keys change no step's state: then the list is left alone (no layout).
        if states != self.shown_states or not steps.option_count:
            self.shown_states = states
            highlighted = steps.highlighted
            steps.clear_options()
            for number, (step, state) in enumerate(zip(Step, states, strict=True), start=1):
                mark, style = STATE_MARKS[state]
                label = Content.assemble((f" {mark} ", style), f"{number} {STEP_HEADINGS[step]}")
                steps.add_option(Option(label, id=step.value))
            steps.highlighted = highlighted
        end = rules.effective_date(self.case)
        gone = rules.deletion_date(self.case)
        dates = (end, gone)
        if dates != self.shown_dates:
            self.shown_dates = dates
            self.query_one("#dates", Static).update(
                Text.assemble(
                    ("Ends ", "dim"),
                    end.strftime("%a %d %b %Y") if end else "—",
                    ("\nDeletes ", "dim"),
                    gone.strftime("%a %d %b %Y") if gone else "—",
                )
            )

    def check_leaks(self) -> None:
        """Scan the documents for private notes (typing has paused); show what changed."""
        self.leak_timer = None
        if rules.check_leaks(self.case):
            self.revision += 1  # every step showing findings is out of date
            self.refresh_steps()
            self.pane(self.current).refresh_from_case()
            self.shown_revision[self.current] = self.revision

    def make_pane(self, step: Step) -> AwaitMount:
        """Make and mount a step's pane, hidden; it is filled from the case once mounted."""
        pane = pane_class(step)(self.case, id=step.value)
        pane.display = False
        mounted = self.query_one(ContentSwitcher).mount(pane)
        self.mounting[step] = mounted
        self.all_made.clear()
        self.call_later(self.first_visit, mounted, step)
        return mounted

    def build_next_step(self) -> None:
        """Make the next step not made yet (in step order from the one shown), then come
        back after the next frame for the one after: one pane per idle moment, so a key
        pressed meanwhile waits for one pane at most."""
        if self.mounting:
            return  # a step is being made: this comes back when it is
        if self.closing or not self.is_current:
            self.building = False  # resumed when the wizard is shown again (or not at all)
            return
        steps = list(Step)
        here = steps.index(self.current)
        missing = [step for step in steps[here:] + steps[:here] if not self.has_pane(step)]
        if not missing:
            self.building = False
            return
        self.make_pane(missing[0])

    def show_step(self, step: Step) -> AwaitMount | None:
        """Show a step; if its pane is not made (or filled) yet, the mount is returned to await."""
        first = step not in self.visited
        self.visited.add(step)
        switcher = self.query_one(ContentSwitcher)
        mounted = self.mounting.get(step)
        if mounted is None and not self.has_pane(step):
            mounted = self.make_pane(step)
        switcher.current = step.value
        if mounted is None:
            pane = self.pane(step)
            # Shown again with the case unchanged since: what it shows is still right.
            if self.shown_revision.get(step) != self.revision:
                if first:  # made in idle time: filled anew, as a first visit fills it
                    pane.load()
                else:
                    pane.refresh_from_case()
                self.shown_revision[step] = self.revision
            pane.shown()
            pane.scroll_home(animate=False)
        self.refresh_steps()
        self.query_one(StepList).highlighted = list(Step).index(step)
        return mounted

    async def first_visit(self, mounted: AwaitMount, step: Step) -> None:
        await mounted
        self.fill(step)
        del self.mounting[step]
        if not self.mounting:
            self.all_made.set()
        self.hold_still()
        if self.building and not self.closing:
            self.call_after_refresh(self.build_next_step)

    def stop_building(self) -> bool:
        """Make no more steps in idle time; whether one is still being made."""
        self.closing = True
        self.building = False
        return not self.all_made.is_set()

    async def steps_made(self) -> None:
        """Make no more steps, and wait until the one being made (if any) is made and filled.

        Called before the wizard is taken down (closing it, quitting): a step taken down
        while it is being mounted fails, its widgets looking for children already gone.
        """
        if self.stop_building() and self.is_running:
            with suppress(TimeoutError):
                await asyncio.wait_for(self.all_made.wait(), timeout=5)

    def fill(self, step: Step) -> None:
        """Fill a step's new pane (or the rest of the first) from the case, unless that
        is done already."""
        pane = self.pane(step)
        if pane.held_back:
            pane.fill_held_back()
        elif step not in self.shown_revision:
            pane.load()
            self.shown_revision[step] = self.revision

    def hold_still(self) -> None:
        """Keep the collector off what exists now (the steps made so far) until the wizard closes.

        Python's full collection walks every live object; with the wizard's hundreds of
        widgets, one came every few step moves and stopped the app for 100-200 ms.
        Frozen objects are skipped (``gc.freeze``, which costs nothing); closing the
        wizard thaws them so they can be collected.
        """
        gc.freeze()

    def has_pane(self, step: Step) -> bool:
        """Whether the step's pane has been made yet."""
        return bool(self.query_one(ContentSwitcher).query_children(f"#{step.value}"))

    def run_on_pane(self, step: Step, action: str, *args: object) -> None:
        """Run one of a step's actions from anywhere (the palette): the step is shown,
        and made first if it has not been visited yet."""
        if self.has_pane(step) and step not in self.mounting:
            if self.current is not step:
                self.open_step(step)
            getattr(self.pane(step), action)(*args)
            return
        mounted = self.show_step(step)
        assert mounted is not None
        self.call_later(self.focus_when_mounted, mounted)

        async def when_mounted() -> None:
            await mounted
            self.fill(step)
            getattr(self.pane(step), action)(*args)

        self.call_later(when_mounted)

    # -- events --------------------------------------------------------------

    @on(CaseEdited)
    def case_edited(self, event: CaseEdited) -> None:
        event.stop()
        if not self.dirty:
            self.dirty = True
        self.autosaver.changed()
        self.revision += 1
        self.shown_revision[self.current] = self.revision  # the step edited shows it
        self.update_title()
        self.refresh_steps()
        if self.leak_timer is None:
            self.leak_timer = self.set_timer(LEAK_CHECK_PAUSE, self.check_leaks)
        else:
            self.leak_timer.reset()

    def on_go_to_step(self, event: GoToStep) -> None:
        # By name, not @on(GoToStep): the review step is imported on its first visit.
        event.stop()
        self.open_step(event.step)

    @on(OptionList.OptionSelected, "#steps")
    def step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.open_step(Step(event.option.id))

    def open_step(self, step: Step) -> None:
        """Show a step and put the cursor in its first field, ready to type."""

        def in_step(widget: Widget) -> bool:
            return any(node.id == step.value for node in widget.ancestors)

        focused = self.focused
        elsewhere = focused is None or not in_step(focused)
        if elsewhere and self.is_current and isinstance(self.app, KeysInOrderApp):
            # The cursor comes to the step a frame or more after this; the keys typed
            # meanwhile are for the step, not for the field being left (now hidden).
            self.app.hold_keys(until=in_step)
        mounted = self.show_step(step)
        if mounted is not None:
            self.call_later(self.focus_when_mounted, mounted)
        else:
            # The focus chain only knows the new step's fields once it has been laid out.
            self.call_after_refresh(self.focus_first_field)

    async def focus_when_mounted(self, mounted: AwaitMount) -> None:
        await mounted
        self.call_after_refresh(self.focus_first_field)

    def place_cursor(self) -> None:
        """Put the cursor in the first field after the first frame, unless the user got
        there first: a field clicked or tabbed to while the screen was drawing keeps
        the focus, and what they type goes where they chose."""
        focused = self.focused
        if focused is not None and self.pane(self.current) in focused.ancestors:
            return
        self.focus_first_field()

    def focus_first_field(self) -> None:
        """Focus the step's first field that can take it: shown, enabled, in compose order."""
        pane = self.pane(self.current)
        for widget in pane.query("*"):
            if widget.focusable and all(
                node.display for node in (widget, *widget.ancestors) if pane in node.ancestors
            ):
                if isinstance(widget, SteadyInput):
                    widget.land()  # the first key adds to the value, never replaces it
                else:
                    widget.focus(scroll_visible=False)
                # Scroll even when it already had the focus (show_step scrolled to the
                # top), and only once the step's refreshed text has been laid out.
                widget.call_after_refresh(widget.scroll_visible, animate=False)
                return

    # -- actions -------------------------------------------------------------

    def action_go(self, number: int) -> None:
        self.open_step(list(Step)[number - 1])

    def action_next_step(self) -> None:
        steps = list(Step)
        self.open_step(steps[min(steps.index(self.current) + 1, len(steps) - 1)])

    def action_previous_step(self) -> None:
        steps = list(Step)
        self.open_step(steps[max(steps.index(self.current) - 1, 0)])

    def action_focus_steps(self) -> None:
        self.query_one(StepList).focus()

    def action_call_done(self) -> None:
        """After the call: record how it went, mark the case done, write the follow-up email."""
        from clientexit.tui.screens.call_done import record_call_done

        self.run_worker(record_call_done(self), exclusive=True, group="call-done")

    def action_save(self) -> bool:
        """Save now; returns whether the case is safely on disk."""
        # A step still being made is filled from the case once made: nothing typed in it.
        being_made = {step.value for step in self.mounting}
        made = [pane for pane in self.query(StepPane) if pane.id not in being_made]
        invalid = [label for pane in made for label in pane.invalid_fields]
        try:
            if self.path is None:
                self.path = save_new(self.case, self.library)
            else:
                save_case(self.case, self.path)
        except StoreError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return False
        # Everything is in the file now: the recovery copy holds nothing more.
        self.autosaver.saved(self.path)
        self.dirty = False
        self.update_title()
        if invalid:
            self.notify(
                "Saved, but these fields kept their previous value because what is typed "
                "is not valid: " + ", ".join(invalid),
                title="Saved with fields to fix",
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(f"Saved {self.path.name}", timeout=3)
        return True

    @work
    async def action_close(self) -> None:
        if self.dirty:
            answer = await self.app.push_screen_wait(UnsavedChangesDialog(self.case.title))
            if answer == "stay" or (answer == "save" and not self.action_save()):
                return
            if answer == "discard":
                self.discard_changes()
        await self.steps_made()
        self.dismiss()

    def discard_changes(self) -> None:
        """The user chose to throw away what is unsaved: its recovery copy goes to the trash."""
        self.autosaver.discard()
