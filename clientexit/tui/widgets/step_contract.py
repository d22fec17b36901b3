"""Step placeholder: replaced by the real step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from clientexit.core.rules import Step
from clientexit.tui.widgets.step import StepPane


class ContractStep(StepPane):
    step = Step.CONTRACT
    heading = "Contract"

    def compose(self) -> ComposeResult:
        yield Static("Contract")
