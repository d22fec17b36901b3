"""Small and odd terminals: no crash, and the field being edited is always in view.

At 60x20, 80x24 and 200x60 a sample case is opened and every step visited with
f6 (which puts the focus on the step's first field); the focused widget must be
on the screen, inside the step's visible area, not scrolled away below it. The
terminal is also resized in the middle of a step.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import ContentSwitcher
from textual.widgets._footer import FooterKey

from clientexit.tui.app import build_app
from clientexit.tui.screens.wizard import WizardScreen

SIZES = [(60, 20), (80, 24), (200, 60)]
STEPS = ["contract", "reasons", "tone", "referral", "script", "review"]
# A case with every table filled: the longest steps of the samples.
SAMPLE = "hartley-finch-solicitors-2026-12-08.toml"


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    source = Path(__file__).resolve().parents[2] / "sample_data" / SAMPLE
    return Path(shutil.copy(source, library / SAMPLE))


def _in_view(screen: WizardScreen) -> tuple[bool, str]:
    """Whether the focused widget's first line is inside the step's visible area."""
    focused = screen.focused
    if focused is None:
        return False, "nothing has the focus"
    body = screen.query_one("#step-body", ContentSwitcher)
    visible = body.region.intersection(screen.region)
    top = Region(focused.region.x, focused.region.y, max(focused.region.width, 1), 1)
    where = f"{type(focused).__name__}#{focused.id} at {focused.region} (visible {visible})"
    return visible.contains_region(top), where


def _pane_of(widget: Widget | None, screen: WizardScreen) -> str:
    for step in STEPS:
        # Steps not visited yet have no pane (they are made on their first visit).
        for pane in screen.query(f"#{step}"):
            if widget is not None and pane in widget.ancestors:
                return step
    return ""


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_step_keeps_the_active_field_in_view(
    case_path: Path, size: tuple[int, int]
) -> None:
    app = build_app(library=case_path.parent, open_path=case_path)
    hidden: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await pilot.press("alt+1")
        for number, step in enumerate(STEPS):
            if number:
                await pilot.press("f6")
            await pilot.pause()
            assert screen.current.value == step
            assert _pane_of(screen.focused, screen) == step, f"focus is not in the {step} step"
            shown, where = _in_view(screen)
            if not shown:
                hidden.append(f"{step}: {where}")
        assert app.is_running
    assert hidden == [], f"at {size[0]}x{size[1]} the active field is out of view: {hidden}"


@pytest.mark.parametrize("size", SIZES[:2], ids=[f"{w}x{h}" for w, h in SIZES[:2]])
async def test_tab_through_a_step_keeps_each_field_in_view(
    case_path: Path, size: tuple[int, int]
) -> None:
    app = build_app(library=case_path.parent, open_path=case_path)
    hidden: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await pilot.press("alt+1")
        await pilot.pause()
        for _ in range(8):
            await pilot.press("tab")
            await pilot.pause()
            if _pane_of(screen.focused, screen) != "contract":
                break
            shown, where = _in_view(screen)
            if not shown:
                hidden.append(where)
    assert hidden == []


async def test_resizing_mid_step(case_path: Path) -> None:
    app = build_app(library=case_path.parent, open_path=case_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await pilot.press("alt+3")  # the tone step
        await pilot.pause()
        focused = screen.focused
        assert _pane_of(focused, screen) == "tone"
        for width, height in [(60, 20), (200, 60), (40, 12), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            assert app.size == (width, height)
            assert screen.focused is focused, "a resize must not move the focus"
            if (width, height) != (40, 12):  # smaller than supported: only no crash
                shown, where = _in_view(screen)
                assert shown, f"at {width}x{height}: {where}"
        await pilot.press("f6")
        await pilot.pause()
        assert screen.current.value == "referral"
        assert app.is_running


async def test_new_case_at_the_smallest_size(tmp_path: Path) -> None:
    app = build_app(library=tmp_path / "library", new=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        for _ in STEPS:
            await pilot.press("f6")
            await pilot.pause()
        assert screen.current.value == "review"
        assert app.is_running


@pytest.mark.parametrize(
    ("width", "left_out"),
    [(80, {"ctrl+q", "escape", "delete", "ctrl+g"}), (120, set())],
)
async def test_the_script_steps_footer_fits_its_line(
    case_path: Path, width: int, left_out: set[str]
) -> None:
    # The Script step has more keys than 80 columns hold. The footer leaves out those
    # listed in the help anyway (quit, library, remove a row, generate), so that the
    # step's own keys, Save and Help show whole, none under the palette's key.
    app = build_app(library=case_path.parent, open_path=case_path)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        await pilot.press("f2", "5")
        for _ in range(50):
            await pilot.pause()
            keys = {key.key: key for key in screen.query(FooterKey)}
            if "ctrl+e" in keys:
                break
        await pilot.pause()
        palette = keys.pop("ctrl+p")
        shown = {name for name, key in keys.items() if key.display}
        assert set(keys) - shown == left_out
        assert {"ctrl+pagedown", "a", "ctrl+e", "ctrl+o", "ctrl+s", "f1"} <= shown
        for name in shown:
            region = keys[name].region
            assert region.width and region.right <= palette.region.x, name


async def test_the_rehearsals_footer_shows_help_at_80x24(case_path: Path) -> None:
    from clientexit.tui.screens.rehearsal import Mode, RehearsalScreen

    app = build_app(library=case_path.parent, rehearse=case_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, RehearsalScreen):
                break
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        if screen.mode is Mode.COUNTDOWN:
            await pilot.press("space")
        await pilot.pause()
        await pilot.pause()
        keys = {key.key: key for key in screen.query(FooterKey)}
        assert "f" in keys  # the run's keys: flag, pause, edit...
        help_key = keys["f1"].region
        assert help_key.width == len("f1 Help") and help_key.right <= 80
        assert not keys["ctrl+q"].display
