"""Fixtures shared by the core's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from clientexit.core import validate
from clientexit.core.model import Case


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the case files the store reads (parses) in this process, in order;
    a worker process's reads are its own and are not seen here."""
    seen: list[str] = []
    real = validate.load_case

    def counting(path: Path | str) -> Case:
        seen.append(Path(path).name)
        return real(path)

    # The store imports load_case where it reads a file, so it finds this one.
    monkeypatch.setattr(validate, "load_case", counting)
    return seen
