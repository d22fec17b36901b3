"""Step 6: what still stands between the case and the call, the documents, and saving.

Every finding names the step that fixes it and takes the user there. The
documents shown are exactly what the client will read, rendered from the
client-facing parts of the case only: nothing from the private reasons log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Markdown, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from clientexit.core import render, rules
from clientexit.core.model import Case, Status
from clientexit.core.rules import Finding, Level, Step
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.words import plural

MARKS: dict[Level, tuple[str, str]] = {
    Level.WARNING: ("✗", "$text-error bold"),
    Level.ADVICE: ("~", "$text-warning bold"),
    Level.OK: ("✓", "$text-success bold"),
}

STATUS_WORDS: dict[Status, str] = {
    Status.DRAFT: "Draft: still preparing.",
    Status.READY: "Ready: you marked it ready for the call.",
    Status.DONE: "Done: the call has happened.",
}

DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("letter", "Letter"),
    ("referral", "Referral email"),
    ("handover", "Handover"),
)


@dataclass
class GoToStep(Message):
    """The user chose a finding: open the step that fixes it."""

    step: Step


def _shorter(path: Path) -> str:
    """The path with the home folder as ``~``, so it fits a narrow screen."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)


def document(case: Case, what: str) -> str:
    """One client-facing document as Markdown; a rendering problem is shown, not raised."""
    try:
        if what == "letter":
            return render.render_letter(case)
        if what == "referral":
            return render.referral_email(case) or (
                "*No referral in this case, so there is no referral email to send.*"
            )
        return render.render_handover(case)
    except Exception as error:  # a template problem must not take the review step down
        return f"*This document could not be written:* `{error}`"


class ReviewStep(StepPane):
    """The readiness checklist, the status, the documents and the save button."""

    step = Step.REVIEW
    heading = "Review & save"

    BINDINGS = [
        Binding("ctrl+k", "mark_ready", "Mark ready", id="review.ready"),
        Binding("ctrl+k", "back_to_draft", "Back to draft", id="review.draft"),
    ]

    DEFAULT_CSS = """
    ReviewStep {
        #verdict {
            text-style: bold;
            height: auto;
            &.-ready { color: $text-success; }
            &.-not-ready { color: $text-error; }
        }
        #verdict-detail { color: $text-muted; height: auto; }
        #checklist {
            height: auto;
            margin-top: 1;
            border: none;
            padding: 0;
            background: $surface;
            &:focus { background-tint: $foreground 5%; }
        }
        #status { height: auto; margin-top: 1; }
        .review-actions {
            height: auto;
            margin-top: 1;
            & > Button { margin-right: 1; }
        }
        .section-title { text-style: bold; margin-top: 2; height: auto; }
        #documents { height: auto; margin-top: 1; }
        .document {
            height: 70vh;
            min-height: 8;
            background: $surface;
            padding: 0 1;
            &:focus { background-tint: $foreground 5%; }
        }
        .document > Markdown { margin: 0; padding: 0; background: $surface; }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        self.shown_findings: list[Finding] = []
        self.sources: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.heading, classes="step-heading")
        yield Static(
            "What is left before the call, your status, and what you will send afterwards.",
            classes="step-intro",
        )
        yield Static("", id="verdict")
        yield Static("", id="verdict-detail")
        yield OptionList(id="checklist")
        yield Static("", id="status")
        with Horizontal(classes="review-actions"):
            yield Button("Save  ctrl+s", id="save", variant="primary")
            yield Button("Mark ready  ctrl+k", id="mark")
        yield Static("After the call", classes="section-title")
        yield Static(
            "Tell them on a call or face to face, never by email alone. The letter only "
            "confirms in writing what you said.",
            classes="advice",
        )
        with TabbedContent(id="documents"):
            for key, title in DOCUMENTS:
                with TabPane(title, id=f"tab-{key}"), VerticalScroll(classes="document"):
                    yield Markdown("", id=f"{key}-doc")

    def on_mount(self) -> None:
        # The wizard retitles itself on every save and edit: follow it to keep "saved" honest.
        self.watch(self.screen, "sub_title", self.show_status, init=False)

    # -- showing the case --------------------------------------------------------

    def refresh_from_case(self) -> None:
        self.show_findings()
        self.show_status()
        self.show_documents()

    def step_label(self, step: Step) -> str:
        """``1 Contract``: the number and heading the step list shows."""
        from clientexit.tui.screens.wizard import STEP_HEADINGS  # the wizard imports this module

        return f"{list(Step).index(step) + 1} {STEP_HEADINGS[step]}"

    def show_findings(self) -> None:
        found = rules.findings(self.case)
        # Warnings first, then advice; the rules' own order within each.
        order = list(Level)
        found.sort(key=lambda f: order.index(f.level))
        self.shown_findings = found
        warnings = sum(1 for f in found if f.level is Level.WARNING)
        advice = len(found) - warnings
        verdict = self.query_one("#verdict", Static)
        detail = self.query_one("#verdict-detail", Static)
        verdict.set_class(not warnings, "-ready")
        verdict.set_class(bool(warnings), "-not-ready")
        if warnings:
            verdict.update(f"✗ Not ready yet: {plural(warnings, 'warning')} to fix")
        else:
            verdict.update("✓ Ready for the call")
        if warnings and advice:
            detail.update(
                f"And {plural(advice, 'piece')} of advice. Enter on a line opens the step "
                "that fixes it."
            )
        elif warnings:
            detail.update("Enter on a line opens the step that fixes it.")
        elif advice:
            detail.update(
                f"{plural(advice, 'piece')} of advice left: enter on a line opens its step."
            )
        else:
            detail.update("Nothing left to check. Save, and read the documents once more.")

        checklist = self.query_one("#checklist", OptionList)
        highlighted = checklist.highlighted
        checklist.clear_options()
        for index, finding in enumerate(found):
            mark, style = MARKS[finding.level]
            prompt = Content.assemble(
                (mark, style),
                " ",
                finding.message,
                "\n  ",
                (f"→ {self.step_label(finding.step)}", "$text-muted"),
            )
            checklist.add_option(Option(prompt, id=str(index)))
        checklist.display = bool(found)
        # Disabled too, so a hidden list can never take the focus.
        checklist.disabled = not found
        if found:
            checklist.highlighted = min(highlighted or 0, len(found) - 1)

    def show_status(self) -> None:
        status = self.case.status
        path: Path | None = getattr(self.screen, "path", None)
        dirty: bool = getattr(self.screen, "dirty", True)
        if path is None:
            saved = "Not saved yet: ctrl+s saves it to your library."
        else:
            when = self.case.updated.astimezone().strftime("%a %d %b %Y %H:%M")
            state = (
                "Unsaved changes: ctrl+s saves them."
                if dirty
                else f"All changes saved, last on {when}."
            )
            saved = f"File: {_shorter(path)}\n{state}"
        self.query_one("#status", Static).update(
            Content.assemble(
                ("Status: ", "bold"),
                (STATUS_WORDS[status], "$text-success" if status is Status.READY else ""),
                "\n",
                saved,
            )
        )
        label = "Mark ready" if status is Status.DRAFT else "Back to draft"
        button = self.query_one("#mark", Button)
        button.label = f"{label}  ctrl+k"
        # A Button does not resize itself for a longer label.
        button.refresh(layout=True)

    def show_documents(self) -> None:
        for key, _title in DOCUMENTS:
            text = document(self.case, key)
            # Re-rendering an unchanged document would flicker and lose the scroll position.
            if self.sources.get(key) != text:
                self.sources[key] = text
                self.query_one(f"#{key}-doc", Markdown).update(text)

    # -- events --------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#checklist")
    def finding_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or -1)
        if 0 <= index < len(self.shown_findings):
            self.post_message(GoToStep(self.shown_findings[index].step))

    @on(Button.Pressed, "#save")
    def save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        save = getattr(self.screen, "action_save", None)
        if callable(save):
            save()
        self.show_status()

    @on(Button.Pressed, "#mark")
    def mark_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.case.status is Status.DRAFT:
            self.action_mark_ready()
        else:
            self.action_back_to_draft()

    # -- actions -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # One key, two meanings: the footer shows the one that applies now.
        if action == "mark_ready":
            return self.case.status is Status.DRAFT
        if action == "back_to_draft":
            return self.case.status is not Status.DRAFT
        return True

    def set_status(self, status: Status) -> None:
        self.case.status = status
        self.edited("status")
        self.refresh_bindings()
        self.show_findings()
        self.show_status()

    def action_mark_ready(self) -> None:
        self.set_status(Status.READY)
        warnings = sum(1 for f in rules.findings(self.case) if f.level is Level.WARNING)
        if warnings:
            self.notify(
                f"Marked ready with {plural(warnings, 'warning')} open.",
                severity="warning",
                timeout=5,
            )
        else:
            self.notify("Marked ready for the call.", timeout=3)

    @work(exclusive=True, group="status")
    async def action_back_to_draft(self) -> None:
        if self.case.status is Status.DONE:
            reopen = await self.app.push_screen_wait(
                ConfirmDialog(
                    "This case is done. Set it back to draft?",
                    detail="Done means the call has happened. Reopen it only if there is "
                    "more to prepare.",
                    yes="Back to draft",
                    no="Keep it done",
                )
            )
            if not reopen:
                return
        self.set_status(Status.DRAFT)
        self.notify("Back to draft.", timeout=3)
