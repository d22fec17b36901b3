"""Fixtures for the app's tests: a private library holding copies of the sample cases."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"

# Times on screen are shown in local time; pin it so screens look the same everywhere.
os.environ["TZ"] = "UTC"
time.tzset()


FROZEN_TODAY = date(2026, 11, 22)
"""The day the sample cases were written: the library's upcoming dates count from it."""


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """No screen depends on the real calendar: "in 4 days" is counted from FROZEN_TODAY."""
    from clientexit.tui.widgets import upcoming

    monkeypatch.setattr(upcoming, "current_day", lambda: FROZEN_TODAY)
    return FROZEN_TODAY


@pytest.fixture
def sample_library(tmp_path: Path) -> Path:
    """A library folder with a copy of every sample case (the originals are never touched)."""
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    for sample in sorted(SAMPLES.glob("*.toml")):
        shutil.copy(sample, library / sample.name)
    return library


@pytest.fixture
def sample_names() -> list[str]:
    return sorted(p.name for p in SAMPLES.glob("*.toml"))


@pytest.fixture
def snapshot_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample cases in a library whose path is the same on every run.

    The library path is shown on screen, so snapshots need it to be stable. Two test
    runs at once (two checkouts) would share it: each test holds a lock on it.
    """
    folder = Path(tempfile.gettempdir()) / "clientexit-snapshots"
    folder.mkdir(mode=0o700, exist_ok=True)
    with (folder / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        library = folder / "library"
        if library.exists():
            shutil.rmtree(library)
        library.mkdir(mode=0o700)
        for sample in sorted(SAMPLES.glob("*.toml")):
            shutil.copy(sample, library / sample.name)
        yield library
