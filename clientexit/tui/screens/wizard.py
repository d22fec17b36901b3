"""The case wizard: six steps on one screen, a step list on the side, free movement between them."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from clientexit.core import rules
from clientexit.core.model import Case
from clientexit.core.rules import Step, StepState
from clientexit.core.store import StoreError, save_case, save_new
from clientexit.tui.autosave import Autosaver
from clientexit.tui.messages import CaseEdited
from clientexit.tui.screens.confirm import UnsavedChangesDialog
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.widgets.step_contract import ContractStep
from clientexit.tui.widgets.step_reasons import ReasonsStep
from clientexit.tui.widgets.step_referral import ReferralStep
from clientexit.tui.widgets.step_review import GoToStep, ReviewStep
from clientexit.tui.widgets.step_script import ScriptStep
from clientexit.tui.widgets.step_tone import ToneStep

STEP_PANES: tuple[type[StepPane], ...] = (
    ContractStep,
    ReasonsStep,
    ToneStep,
    ReferralStep,
    ScriptStep,
    ReviewStep,
)

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
        Binding("f2", "focus_steps", "Steps", show=False, id="wizard.steps"),
        *(
            Binding(f"alt+{n}", f"go({n})", f"Step {n}", show=False, id=f"wizard.step{n}")
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
        recovered: bool = False,
    ) -> None:
        super().__init__()
        self.case = case
        self.path = path
        self.library = library
        self.start = start
        # A case restored from a recovery file holds work its file does not.
        self.dirty = path is None or recovered
        self.visited: set[Step] = set()
        self.autosaver = Autosaver(self, library, case, path, key=recovery_key)
        """Keeps a recovery copy of what is typed, a second or two behind."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wizard"):
            with Vertical(id="sidebar"):
                yield StepList(id="steps")
                yield Static("", id="dates")
            with ContentSwitcher(id="step-body", initial=self.start.value):
                for pane in STEP_PANES:
                    yield pane(self.case, id=pane.step.value)
        yield Footer(compact=True)

    def on_unmount(self) -> None:
        self.autosaver.stop()

    def on_mount(self) -> None:
        for pane in self.query(StepPane):
            pane.load()
        self.show_step(self.start)
        self.update_title()
        # Ready to type: the cursor starts in the step's first field.
        self.call_after_refresh(self.focus_first_field)

    # -- state ---------------------------------------------------------------

    @property
    def current(self) -> Step:
        return Step(self.query_one(ContentSwitcher).current or Step.CONTRACT.value)

    def pane(self, step: Step) -> StepPane:
        return self.query_one(f"#{step.value}", StepPane)

    def update_title(self) -> None:
        self.title = self.case.title
        where = self.path.name if self.path else "not saved yet"
        self.sub_title = f"● unsaved — {where}" if self.dirty else where

    def refresh_steps(self) -> None:
        steps = self.query_one(StepList)
        highlighted = steps.highlighted
        steps.clear_options()
        found = rules.findings(self.case)
        for number, pane in enumerate(STEP_PANES, start=1):
            state = rules.step_state(
                self.case, pane.step, visited=pane.step in self.visited, found=found
            )
            mark, style = STATE_MARKS[state]
            label = Content.assemble((f" {mark} ", style), f"{number} {pane.heading}")
            steps.add_option(Option(label, id=pane.step.value))
        steps.highlighted = highlighted
        end = rules.effective_date(self.case)
        gone = rules.deletion_date(self.case)
        self.query_one("#dates", Static).update(
            Text.assemble(
                ("Ends ", "dim"),
                end.strftime("%a %d %b %Y") if end else "—",
                ("\nDeletes ", "dim"),
                gone.strftime("%a %d %b %Y") if gone else "—",
            )
        )

    def show_step(self, step: Step) -> None:
        self.visited.add(step)
        self.query_one(ContentSwitcher).current = step.value
        pane = self.pane(step)
        pane.refresh_from_case()
        pane.scroll_home(animate=False)
        self.refresh_steps()
        self.query_one(StepList).highlighted = list(Step).index(step)

    # -- events --------------------------------------------------------------

    @on(CaseEdited)
    def case_edited(self, event: CaseEdited) -> None:
        event.stop()
        if not self.dirty:
            self.dirty = True
        self.autosaver.changed()
        self.update_title()
        self.refresh_steps()

    @on(GoToStep)
    def go_to_step(self, event: GoToStep) -> None:
        event.stop()
        self.open_step(event.step)

    @on(OptionList.OptionSelected, "#steps")
    def step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.open_step(Step(event.option.id))

    def open_step(self, step: Step) -> None:
        """Show a step and put the cursor in its first field, ready to type."""
        self.show_step(step)
        # The focus chain only knows the new step's fields once it has been laid out.
        self.call_after_refresh(self.focus_first_field)

    def focus_first_field(self) -> None:
        """Focus the step's first field that can take it: shown, enabled, in compose order."""
        pane = self.pane(self.current)
        for widget in pane.query("*"):
            if widget.focusable and all(
                node.display for node in (widget, *widget.ancestors) if pane in node.ancestors
            ):
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
        invalid = [label for pane in self.query(StepPane) for label in pane.invalid_fields]
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
        self.dismiss()

    def discard_changes(self) -> None:
        """The user chose to throw away what is unsaved: its recovery copy goes to the trash."""
        self.autosaver.discard()
