"""Fixtures shared by the core's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientexit.core import store
from clientexit.core.model import Case


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the case files the store reads (parses) in this process, in order;
    a worker process's reads are its own and are not seen here."""
    seen: list[str] = []
    real = store.load_case

    def counting(path: Path | str) -> Case:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store, "load_case", counting)
    return seen
