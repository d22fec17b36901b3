"""Widgets taken off the screen are let go of, though they watched something that stays."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, TextArea
from textual.widgets._footer import FooterKey
from wizard_helpers import SAMPLES, cursor_placed, first_step_made, wizard

from clientexit.tui.app import build_app
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.watchers import prune_watchers
from clientexit.tui.widgets.footer import StableFooter
from clientexit.tui.widgets.steady import SteadyHeader


def collected(refs: list[weakref.ref[Any]]) -> list[object]:
    """What is still alive of ``refs`` once the collector has looked at everything."""
    gc.unfreeze()  # the wizard freezes what it has made; a frozen object is never collected
    gc.collect()
    return [obj for ref in refs if (obj := ref()) is not None]


class Watcher(Static):
    def on_mount(self) -> None:
        self.watch(self.app, "level", lambda value: None)


class WatchedApp(App[None]):
    level: reactive[int] = reactive(0)

    def compose(self) -> ComposeResult:
        yield Watcher(id="first")
        yield Watcher(id="second")


async def test_prune_watchers_drops_the_entries_of_removed_widgets_only() -> None:
    app = WatchedApp()
    async with app.run_test() as pilot:
        first = app.query_one("#first", Widget)
        await first.remove()
        await pilot.pause()
        assert prune_watchers(app) == 1
        owners = [owner for owner, _ in getattr(app, "__watchers")["level"]]
        assert owners == [app.query_one("#second")]
        assert prune_watchers(app) == 0
        assert prune_watchers(object()) == 0  # nothing watched


async def test_moving_between_steps_lets_go_of_the_footer_keys_it_replaced(
    tmp_path: Path,
) -> None:
    # Each footer key watches the footer's `compact`; Textual keeps such a watcher until
    # the value changes, which it never does: every key shown once stayed alive.
    source = next(SAMPLES.glob("piekarnia*.toml"))
    path = Path(shutil.copy(source, tmp_path / source.name))
    app = build_app(library=tmp_path, open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await first_step_made(app, pilot)
        await cursor_placed(app, pilot)
        footer = wizard(app).query_one(StableFooter)
        replaced: list[weakref.ref[FooterKey]] = []
        for key in ["f6"] * 5 + ["shift+f6"] * 5:
            shown = list(footer.query(FooterKey))
            await pilot.press(key)
            await pilot.pause()
            replaced += [weakref.ref(old) for old in shown if not old.is_attached]
        assert replaced  # the keys shown changed on the way
        assert collected(replaced) == []


async def test_a_closed_case_lets_go_of_its_header_and_text_areas(tmp_path: Path) -> None:
    # The header watches the app's title and a text area the app's theme: the widgets of
    # every case closed stayed alive until the app ended.
    source = next(SAMPLES.glob("piekarnia*.toml"))
    shutil.copy(source, tmp_path / source.name)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await first_step_made(app, pilot)
        await cursor_placed(app, pilot)
        closed = wizard(app)
        widgets = [closed.query_one(SteadyHeader), *closed.query(TextArea)]
        assert len(widgets) > 1
        refs = [weakref.ref(widget) for widget in widgets]
        del closed, widgets
        await pilot.press("escape")
        for _ in range(50):
            if isinstance(app.screen, LibraryScreen):
                break
            await pilot.pause()
        # Let go of at the next change of screen: the help, opened and closed.
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert collected(refs) == []
