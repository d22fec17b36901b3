"""The domain core must be usable without a terminal: no module in it imports Textual."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import clientexit.core

REPO_ROOT = Path(__file__).resolve().parents[2]
CORE_MODULES = sorted(
    {"clientexit.core"}
    | {
        info.name
        for info in pkgutil.walk_packages(clientexit.core.__path__, prefix="clientexit.core.")
    }
)


def test_core_modules_are_discovered() -> None:
    assert "clientexit.core" in CORE_MODULES
    assert len(CORE_MODULES) > 1
    for expected in ("model", "validate", "codec", "rules", "store", "paths"):
        assert f"clientexit.core.{expected}" in CORE_MODULES


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}, sys; sys.exit('textual' in sys.modules)"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"{module} imports textual (or failed to import):\n{result.stderr}"
    )
