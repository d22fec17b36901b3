"""Messages that travel between the wizard's steps and the screen that holds them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class CaseEdited(Message):
    """A step changed the case: the screen marks it unsaved and refreshes what depends on it."""

    source: str = ""
    """The step or field that changed, for the record."""
