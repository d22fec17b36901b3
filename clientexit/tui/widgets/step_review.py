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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Markdown, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from clientexit.core import leak, render, rules
from clientexit.core.model import Case, Status
from clientexit.core.rules import Finding, Level, Step
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.widgets.step import StepPane
from clientexit.tui.words import home_short, plural

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

COPIED: dict[str, str] = {
    "letter": "Letter",
    "referral": "Referral email",
    "handover": "Handover list",
}
"""How the notification names what was copied."""


@dataclass
class GoToStep(Message):
    """The user chose a finding: open the step that fixes it."""

    step: Step


def letter_edited(case: Case) -> bool:
    """Whether the letter is the user's own edit rather than the one written from the case."""
    return bool(case.letter.text.strip())


def plain_document(case: Case, what: str) -> str:
    """A document as plain text for the clipboard ("" when the case has none); may raise."""
    made = {
        "letter": render.render_letter,
        "referral": render.referral_email,
        "handover": render.render_handover,
    }
    markdown = made[what](case)
    return render.markdown_to_text(markdown) if markdown.strip() else ""


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
        # Not in the footer (full at 80 columns): the Call done button shows the key.
        Binding("ctrl+d", "screen.call_done", "Call done", show=False, id="review.call_done"),
        # Not in the footer (it is full at 80 columns): the buttons above the documents
        # show these keys. One key copies the document on the open tab.
        *(
            Binding(
                "c",
                f"copy('{key}')",
                f"Copy the {title.lower()} (on its tab)",
                show=False,
                id=f"review.copy_{key}",
            )
            for key, title in DOCUMENTS
        ),
        Binding("e", "edit_letter", "Edit the letter in your editor", show=False, id="review.edit"),
        Binding("x", "export", "Export to a file", show=False, id="review.export"),
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
        #letter-edited {
            height: auto;
            margin-top: 1;
            padding: 0 1;
            border-left: outer $warning;
            & > Static { color: $text-warning; height: auto; }
            & > Button { margin-top: 1; }
        }
    }
    """

    def __init__(self, case: Case, *, id: str | None = None) -> None:
        super().__init__(case, id=id)
        self.shown_findings: list[Finding] = []
        self.status_behind = False
        """The wizard was saved or edited while this step was hidden: its status is old."""
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
        yield Static("", id="outcome")
        with Horizontal(classes="review-actions"):
            yield Button("Save  ctrl+s", id="save", variant="primary")
            yield Button("Mark ready  ctrl+k", id="mark")
            yield Button("Call done  ctrl+d", id="call-done")
        yield Static("After the call", classes="section-title")
        yield Static(
            "Tell them on a call or face to face, never by email alone. The letter only "
            "confirms in writing what you said.",
            classes="advice",
        )
        with Horizontal(classes="review-actions"):
            yield Button("Copy  c", id="copy")
            yield Button("Edit letter  e", id="edit-letter")
            yield Button("Export…  x", id="export")
        with Vertical(id="letter-edited"):
            yield Static(
                "✎ The letter is your own edit (e edits it again). It no longer follows "
                "changes to the case.",
                id="letter-edited-note",
            )
            yield Button("Use the generated letter again", id="letter-generated")
        with TabbedContent(id="documents"):
            for key, title in DOCUMENTS:
                with TabPane(title, id=f"tab-{key}"), VerticalScroll(classes="document"):
                    yield Markdown("", id=f"{key}-doc")

    def on_mount(self) -> None:
        # The wizard retitles itself on every save and edit: follow it to keep "saved" honest.
        self.watch(self.screen, "sub_title", self.status_changed, init=False)

    def status_changed(self) -> None:
        # Hidden (made ahead, or another step shown), the status waits until the step is
        # shown: updating it would lay out the whole screen on the key that saved or edited.
        if self.display:
            self.show_status()
        else:
            self.status_behind = True

    def shown(self) -> None:
        if self.status_behind:
            self.show_status()

    # -- showing the case --------------------------------------------------------

    def refresh_from_case(self) -> None:
        self.show_findings()
        self.show_status()
        self.show_documents()
        self.show_letter_state()

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
        self.status_behind = False
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
            saved = f"File: {home_short(path)}\n{state}"
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
        self.show_outcome()

    def show_outcome(self) -> None:
        """After the call: what was recorded, seen before the follow-up goes out."""
        from clientexit.tui.screens.call_done import outcome_summary

        summary = outcome_summary(self.case)
        box = self.query_one("#outcome", Static)
        box.update(summary)
        box.display = bool(summary)
        button = self.query_one("#call-done", Button)
        button.label = "Edit the call  ctrl+d" if summary else "Call done  ctrl+d"
        button.refresh(layout=True)

    def show_documents(self) -> None:
        for key, _title in DOCUMENTS:
            text = document(self.case, key)
            # Re-rendering an unchanged document would flicker and lose the scroll position.
            if self.sources.get(key) != text:
                self.sources[key] = text
                self.query_one(f"#{key}-doc", Markdown).update(text)

    def show_letter_state(self) -> None:
        edited = letter_edited(self.case)
        self.query_one("#letter-edited").display = edited
        # Disabled too, so a hidden button can never take the focus.
        self.query_one("#letter-generated", Button).disabled = not edited

    @property
    def shown_document(self) -> str:
        """The document on the open tab: ``letter``, ``referral`` or ``handover``."""
        tabs = self.query("#documents")
        active = tabs.first(TabbedContent).active if tabs else ""
        return active.removeprefix("tab-") or DOCUMENTS[0][0]

    # -- events --------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#documents")
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        # The copy key copies the open tab's document: the footer follows.
        self.refresh_bindings()

    @on(Button.Pressed, "#copy")
    def copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_copy(self.shown_document)

    @on(Button.Pressed, "#edit-letter")
    def edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit_letter()

    @on(Button.Pressed, "#export")
    def export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#letter-generated")
    def generated_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_use_generated_letter()

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

    @on(Button.Pressed, "#call-done")
    def call_done_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        call_done = getattr(self.screen, "action_call_done", None)
        if callable(call_done):
            call_done()

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
        if action == "copy":
            return bool(parameters) and parameters[0] == self.shown_document
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

    @work(exclusive=True, group="copy")
    async def action_copy(self, what: str) -> None:
        """Copy a document as plain text, asking first when private words are in it."""
        name = leak.DOCUMENT_NAMES.get(what, what)
        try:
            text = plain_document(self.case, what)
            found = leak.scan(self.case, (what,))
        except Exception as error:  # a broken template: say so, copy nothing
            self.notify(f"Could not write {name}: {error}", severity="error")
            return
        if not text.strip():
            self.notify(
                "Nothing to copy: this case gives no referral, so there is no referral email."
                if what == "referral"
                else f"Nothing to copy: {name} is empty.",
                severity="warning",
            )
            return
        if found and not await self.app.push_screen_wait(leak_question(found, name, "Copy")):
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"{COPIED[what]} copied ({len(text):,} characters).", timeout=4)

    def action_edit_letter(self) -> None:
        """Open the letter in the user's editor; what comes back is the letter from now on."""
        from clientexit.tui.app import ClientExitApp

        app = self.app
        if not isinstance(app, ClientExitApp):
            return
        try:
            current = render.render_letter(self.case)
        except Exception as error:  # a broken template: nothing to edit
            self.notify(f"Could not write the letter: {error}", severity="error")
            return
        edited = app.edit_text(current, name="letter.md", what="the letter")
        if edited is None:
            return
        if not edited.strip():
            self.notify("The letter cannot be empty: it was left as it was.", severity="warning")
            return
        self.case.letter.text = edited.strip("\n").rstrip() + "\n"
        self.edited("letter")
        self.query_one("#documents", TabbedContent).active = "tab-letter"
        self.refresh_from_case()
        self.notify("Letter changed: every export and copy uses your version now.", timeout=5)

    @work(exclusive=True, group="letter")
    async def action_use_generated_letter(self) -> None:
        if not letter_edited(self.case):
            self.notify("The letter is already the one written from the case.")
            return
        again = await self.app.push_screen_wait(
            ConfirmDialog(
                "Use the generated letter again?",
                detail="Your edited letter will be replaced by the one written from the "
                "case as it is now.",
                yes="Use the generated letter",
                no="Keep my edit",
                danger=True,
            )
        )
        if not again:
            return
        self.case.letter.text = ""
        self.edited("letter")
        self.refresh_from_case()
        self.notify("The letter is the generated one again.", timeout=3)

    def action_export(self) -> None:
        from clientexit.tui.screens.export import ExportDialog

        self.app.push_screen(
            ExportDialog(
                self.case,
                case_path=getattr(self.screen, "path", None),
                library=getattr(self.screen, "library", Path.cwd()),
                what=self.shown_document,
            )
        )


def leak_question(found: list[leak.Leak], name: str, verb: str) -> ConfirmDialog:
    """Ask before ``name`` with private words in it leaves the app (copied or exported)."""
    lines = leak.summary(found)
    shown = "\n".join(f"• {line}" for line in lines[:3])
    if len(lines) > 3:
        shown += f"\n• and {len(lines) - 3} more"
    return ConfirmDialog(
        f"Words from your private notes are in {name}. {verb} it anyway?",
        detail=f"{shown}\nReword them on the step named, or {verb.lower()} it anyway.",
        yes=f"{verb} anyway",
        no="Cancel",
        danger=True,
    )
