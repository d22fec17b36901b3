"""The settings file beside the cases: read safely, written privately, unknown keys kept."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from clientexit.core import settings
from clientexit.core.settings import Settings
from clientexit.core.store import StoreError, case_files


def test_no_file_gives_the_defaults_without_a_warning(tmp_path: Path) -> None:
    loaded, warning = settings.load(tmp_path)
    assert loaded == Settings()
    assert warning == ""


def test_a_saved_theme_is_read_back(tmp_path: Path) -> None:
    settings.save(Settings(theme="textual-light"), tmp_path)
    loaded, warning = settings.load(tmp_path)
    assert loaded.theme == "textual-light"
    assert warning == ""


def test_the_file_is_private_and_the_new_library_folder_too(tmp_path: Path) -> None:
    library = tmp_path / "new-library"
    path = settings.save(Settings(theme="nord"), library)
    assert path == library / ".settings.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(library.stat().st_mode) == 0o700
    # No temporary file and no backup is left beside it.
    assert sorted(p.name for p in library.iterdir()) == [".settings.toml"]


def test_the_settings_file_is_never_listed_as_a_case(tmp_path: Path) -> None:
    settings.save(Settings(theme="nord"), tmp_path)
    assert case_files(tmp_path) == []


def test_unknown_keys_are_kept_when_saving(tmp_path: Path) -> None:
    path = tmp_path / ".settings.toml"
    path.write_text(
        'theme = "dracula"\nfuture_key = 3\n\n[editor]\ncommand = "nano"\n', encoding="utf-8"
    )
    loaded, warning = settings.load(tmp_path)
    assert warning == ""
    assert loaded.theme == "dracula"
    loaded.theme = "gruvbox"
    settings.save(loaded, tmp_path)
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    assert table == {"theme": "gruvbox", "future_key": 3, "editor": {"command": "nano"}}


def test_going_back_to_the_default_theme_removes_the_key(tmp_path: Path) -> None:
    settings.save(Settings(theme="nord", extra={"keep": True}), tmp_path)
    settings.save(Settings(theme="", extra={"keep": True}), tmp_path)
    table = tomllib.loads((tmp_path / ".settings.toml").read_text(encoding="utf-8"))
    assert table == {"keep": True}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"theme = \n", "is not valid TOML"),
        (b"theme = 'a\xff'\n", "is not UTF-8 text"),
        (b"# " + b"x" * (settings.MAX_BYTES + 10) + b"\n", "is larger than 64 KB"),
    ],
)
def test_a_broken_file_gives_the_defaults_and_a_warning_naming_it(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / ".settings.toml"
    path.write_bytes(content)
    loaded, warning = settings.load(tmp_path)
    assert loaded == Settings()
    assert str(path) in warning
    assert reason in warning
    assert "default settings" in warning
    # The broken file is left as it was for the user to look at.
    assert path.read_bytes() == content


def test_a_theme_of_the_wrong_kind_is_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / ".settings.toml").write_text("theme = 42\nother = 'kept'\n", encoding="utf-8")
    loaded, warning = settings.load(tmp_path)
    assert loaded.theme == ""
    assert loaded.extra == {"other": "kept"}
    assert "theme must be a theme's name" in warning


def test_a_folder_in_place_of_the_file_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / ".settings.toml").mkdir()
    loaded, warning = settings.load(tmp_path)
    assert loaded == Settings()
    assert "is a folder" in warning
    with pytest.raises(StoreError, match="could not save the settings"):
        settings.save(Settings(theme="nord"), tmp_path)
