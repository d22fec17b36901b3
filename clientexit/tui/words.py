"""Small helpers for the words the screens show."""

from __future__ import annotations

from pathlib import Path


def plural(count: int, noun: str) -> str:
    """``1 invoice``, ``3 invoices``: for English nouns that take an s."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def home_short(path: Path) -> str:
    """The path with the home folder as ``~``, so it fits a narrow screen."""
    try:
        return f"~/{path.relative_to(Path.home())}"
    except ValueError:
        return str(path)
