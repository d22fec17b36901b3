"""Fields and a header whose size never follows their text (a key lays out nothing)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input
from wizard_helpers import SAMPLES, wizard

from clientexit.core.rules import Step
from clientexit.tui.app import build_app
from clientexit.tui.screens import wizard as wizard_module
from clientexit.tui.widgets.footer import StableFooter
from clientexit.tui.widgets.steady import SteadyHeader, SteadyInput, SteadyTitle
from clientexit.tui.widgets.step import StepPane


def count_layouts(screen: Screen[Any], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time ``screen`` lays out its widgets."""
    layouts: list[int] = []
    real = screen._refresh_layout

    def spy(*args: object, **kwargs: object) -> None:
        layouts.append(1)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(screen, "_refresh_layout", spy)
    return layouts


def count_arrangements(screen: Screen[Any], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time ``screen`` places its widgets (a layout, or
    finding where a widget is after its map was dropped)."""
    arrangements: list[int] = []
    compositor = screen._compositor
    real = compositor._arrange_root

    def spy(*args: Any, **kwargs: Any) -> Any:
        arrangements.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compositor, "_arrange_root", spy)
    return arrangements


class FieldApp(App[None]):
    TITLE = "Fields"

    def compose(self) -> ComposeResult:
        yield SteadyHeader()
        yield SteadyInput(id="field")
        yield Input(id="stock")


async def test_typing_in_a_steady_field_scrolls_it_but_lays_out_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = FieldApp()
    async with app.run_test(size=(30, 10)) as pilot:
        field = app.query_one("#field", SteadyInput)
        field.focus()
        await pilot.pause()
        layouts = count_layouts(app.screen, monkeypatch)
        arrangements = count_arrangements(app.screen, monkeypatch)
        text = "a long client name that does not fit"
        await pilot.press(*text)
        await pilot.pause()
        assert field.value == text
        # The text is wider than the field: it still scrolls to keep the cursor in view.
        assert field.scroll_x > 0
        assert field.virtual_size.width > field.size.width
        assert field.cursor_screen_offset.x < field.region.right
        assert layouts == []
        assert arrangements == []
        # The stock Input, for contrast, lays out the screen as it is typed in.
        app.query_one("#stock", Input).focus()
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert layouts


async def test_a_field_laid_out_with_more_text_than_fits_scrolls_without_placing_widgets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = FieldApp()
    async with app.run_test(size=(30, 10)) as pilot:
        field = app.query_one("#field", SteadyInput)
        field.value = "a client name longer than the field"
        field.focus()
        app.screen.refresh(layout=True)  # as when the wizard opens on a long name
        await pilot.pause()
        assert field.show_horizontal_scrollbar  # the text is wider than the field
        arrangements = count_arrangements(app.screen, monkeypatch)
        await pilot.press("end", *"and longer")
        await pilot.pause()
        assert field.value.endswith("longer")
        assert field.scroll_x > 0
        assert field.cursor_screen_offset.x < field.region.right
        await pilot.press("home")
        await pilot.pause()
        assert field.scroll_x == 0
        # The field's scrollbar is zero rows high (never on screen) and is left alone:
        # moving it would make the next frame place every widget on the screen again.
        assert arrangements == []


async def test_the_header_title_changes_without_a_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    app = FieldApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        layouts = count_layouts(app.screen, monkeypatch)
        app.title = "Acme Corp"
        await pilot.pause()
        assert "Acme Corp" in str(app.query_one(SteadyTitle).render())
        assert layouts == []


async def test_typing_a_client_name_in_the_wizard_lays_out_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = next(SAMPLES.glob("*.toml"))
    path = Path(shutil.copy(source, tmp_path / source.name))
    app = build_app(library=tmp_path, open_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        # Start-up over: the first field has the cursor, the footer shows its keys (made
        # once, after the first frame) and the other steps are made (in idle time; each
        # is laid out as it is mounted).
        for _ in range(100):
            screen = wizard(app)
            if (
                isinstance(app.focused, Input)
                and screen.query_one(StableFooter).shown_keys
                and not (screen.building or screen.mounting)
            ):
                break
            await pilot.pause()
        await pilot.pause()
        # Every step made ahead, or (building ahead off) only the one shown.
        assert len(screen.query(StepPane)) == (len(Step) if wizard_module.BUILD_AHEAD else 1)
        assert screen.current is Step.CONTRACT
        field = app.focused
        assert isinstance(field, SteadyInput) and field.id == "client-name"
        name = screen.case.client.name
        layouts = count_layouts(screen, monkeypatch)
        await pilot.press("end", "x", "y")
        await pilot.pause()
        # The case, the title and the header follow the key; the screen was not laid out.
        assert screen.case.client.name == name + "xy"
        assert screen.title == screen.case.title and "xy" in screen.title
        assert screen.case.title in str(screen.query_one(SteadyTitle).render())
        assert (screen.sub_title or "").startswith("● unsaved")
        assert layouts == []


async def test_typing_right_after_opening_a_case_adds_to_the_first_field(
    tmp_path: Path,
) -> None:
    # The wizard puts the cursor in the step's first field on its own: the user's first
    # key must not replace what the field holds (a selected value would be replaced).
    source = SAMPLES / "tidewater-outfitters-llc-2026-12-01.toml"
    path = tmp_path / source.name
    shutil.copy(source, path)
    app = build_app(library=tmp_path, open_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        field = app.focused
        assert isinstance(field, SteadyInput)
        before = field.value
        assert before
        await pilot.press("x")
        await pilot.pause()
        assert field.value == before + "x"


async def test_a_landed_field_selects_again_when_tabbed_into() -> None:
    app = FieldApp()
    async with app.run_test() as pilot:
        field = app.query_one("#field", SteadyInput)
        field.value = "kept"
        field.land()
        await pilot.press("!")
        assert field.value == "kept!"
        # Tab away and back: as in any form, the value is selected and replaced.
        await pilot.press("tab", "shift+tab", *"new")
        assert field.value == "new"
