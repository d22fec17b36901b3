"""The user's settings: a small TOML file beside the cases, ``LIBRARY/.settings.toml``.

It holds how the app looks (the colour theme chosen in the command palette), so
the next start looks the same. The file is hidden, so the library never lists it
as a case. Reading it is on the start-up path: only :mod:`tomllib` is used there.

A file that cannot be read never stops the app: :func:`load` returns the defaults
and a warning that says what is wrong and where. Keys this version does not know
(written by a newer clientexit, or by hand) are kept and written back as found.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SETTINGS_FILE = ".settings.toml"
"""The settings file's name inside the library folder (hidden: not a case)."""

MAX_BYTES = 64 * 1024
"""A settings file is a few lines; anything bigger is not one of ours."""

MAX_THEME_NAME = 100

_HEADER = "# clientexit settings: written by the app, safe to edit or delete.\n"


@dataclass
class Settings:
    """What the user chose; the defaults are what a fresh install looks like."""

    theme: str = ""
    """The Textual theme's name (``textual-light``...); empty means the app's default."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys this version does not know, kept so that saving never loses them."""


def settings_path(library: Path) -> Path:
    return library / SETTINGS_FILE


def _read(path: Path) -> dict[str, Any]:
    """The file's table; raises ValueError with a readable reason."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ValueError("is a folder, not a file") from None
    except OSError as error:
        raise ValueError(f"cannot be read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise ValueError(f"is larger than {MAX_BYTES // 1024} KB, so it is not a settings file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"is not valid TOML ({error})") from None


def load(library: Path) -> tuple[Settings, str]:
    """The settings in ``library``, and a warning ("" when all is well).

    No file gives the defaults without a warning. A broken file, or a value of
    the wrong kind, gives the defaults for what could not be used and a warning
    naming the file; the file itself is left alone until the next save.
    """
    path = settings_path(library)
    if not path.exists() and not path.is_symlink():
        return Settings(), ""
    try:
        table = _read(path)
    except ValueError as reason:
        return Settings(), f"{path}: {reason}; using the default settings."
    settings = Settings()
    warning = ""
    theme = table.pop("theme", "")
    if isinstance(theme, str) and len(theme) <= MAX_THEME_NAME and theme.isprintable():
        settings.theme = theme.strip()
    else:
        warning = f"{path}: theme must be a theme's name, as text; using the default theme."
    settings.extra = table
    return settings, warning


def dumps(settings: Settings) -> str:
    import tomli_w  # only when saving: never on the start-up path

    table: dict[str, Any] = dict(settings.extra)
    if settings.theme:
        table["theme"] = settings.theme
    else:
        table.pop("theme", None)
    return _HEADER + tomli_w.dumps(table)


def save(settings: Settings, library: Path) -> Path:
    """Write the settings (0600, atomically) into ``library``, creating it (0700) if needed.

    Raises ``store.StoreError`` when the library or the file cannot be written.
    """
    from clientexit.core.store import StoreError, ensure_library, write_atomic

    ensure_library(library)
    path = settings_path(library)
    try:
        write_atomic(path, dumps(settings).encode("utf-8"), backup=False)
    except OSError as error:
        raise StoreError(
            f"{path}: could not save the settings: {error.strerror or error}"
        ) from None
    return path
