"""Small helpers for the words the screens show."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 invoice``, ``3 invoices``: for English nouns that take an s."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
