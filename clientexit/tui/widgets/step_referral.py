"""Step placeholder: replaced by the real step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from clientexit.core.rules import Step
from clientexit.tui.widgets.step import StepPane


class ReferralStep(StepPane):
    step = Step.REFERRAL
    heading = "Referral & handover"

    def compose(self) -> ComposeResult:
        yield Static("Referral & handover")
