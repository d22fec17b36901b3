"""Fixtures for the app's tests: a private library holding copies of the sample cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


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
