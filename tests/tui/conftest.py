"""Fixtures for the app's tests: a private library holding copies of the sample cases."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"

# Times on screen are shown in local time; pin it so screens look the same everywhere.
os.environ["TZ"] = "UTC"
time.tzset()


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
def snapshot_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample cases in a library whose path is the same on every run.

    The library path is shown on screen, so snapshots need it to be stable.
    """
    library = Path(tempfile.gettempdir()) / "clientexit-snapshots" / "library"
    if library.exists():
        shutil.rmtree(library)
    library.mkdir(parents=True, mode=0o700)
    for sample in sorted(SAMPLES.glob("*.toml")):
        shutil.copy(sample, library / sample.name)
    return library
