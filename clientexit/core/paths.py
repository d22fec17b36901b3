"""Where clientexit keeps things: one function per folder, each overridable.

The library folder is chosen, in order, by ``--home DIR`` on the command line,
the ``CLIENTEXIT_HOME`` environment variable (what the tests use), or the
platform's user data folder (``~/.local/share/clientexit`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CLIENTEXIT_HOME"
TRASH_DIR = ".trash"
"""Deleted cases are moved here, inside the library, never unlinked."""
EXPORTS_DIR = "exports"
"""Exports from the app (and the follow-up email) go here unless the user says otherwise."""


def library_dir(home: str | Path | None = None) -> Path:
    """The case library folder (not created here)."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path  # only needed when nothing else says where

    return user_data_path("clientexit", appauthor=False)


def trash_dir(library: Path) -> Path:
    return library / TRASH_DIR


def exports_dir(library: Path) -> Path:
    """Where the app writes exports, inside the library (not created here)."""
    return library / EXPORTS_DIR
