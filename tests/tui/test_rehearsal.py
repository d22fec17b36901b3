"""The rehearsal screen: every key, the drill, the saved run, the money card, the way in and out."""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Digits, Input, Sparkline, Static

from clientexit.core.model import (
    Case,
    Objection,
    Rehearsal,
    Script,
    ScriptLine,
    ScriptPart,
    new_case,
)
from clientexit.core.rehearsal import RehearsalRun, plan_drills
from clientexit.core.rules import Step
from clientexit.core.store import save_case
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.messages import CaseEdited
from clientexit.tui.screens.money_card import MoneyCard, money_rows
from clientexit.tui.screens.rehearsal import LinePreview, Mode, RehearsalScreen
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.rehearsal_history import RehearsalHistory
from clientexit.tui.widgets.step_script import ScriptStep

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
TIDEWATER = "tidewater-outfitters-llc-2026-12-01.toml"
PIEKARNIA = "piekarnia-lodzka-2026-11-27.toml"
AT = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now

    def move(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Rig:
    app: App[None]
    pilot: Pilot
    screen: RehearsalScreen
    case: Case
    clock: FakeClock
    path: Path
    wizard: WizardScreen | None = None
    edits: list[str] = field(default_factory=list)

    @property
    def run(self) -> RehearsalRun:
        return self.screen.run

    def text(self, selector: str) -> str:
        widget = self.screen.query_one(selector)
        if isinstance(widget, LinePreview):
            return widget.text
        assert isinstance(widget, Static)
        return plain(widget.content)

    async def press(self, *keys: str, seconds: float = 0.0) -> None:
        """Press ``keys``, moving the clock ``seconds`` before each."""
        for key in keys:
            self.clock.move(seconds)
            await self.pilot.press(key)
        await self.pilot.pause()


def plain(content: object) -> str:
    """What a widget's content reads as, without styles, for any Rich renderable."""
    if isinstance(content, str):
        return content
    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


def copy_sample(tmp_path: Path, name: str = TIDEWATER) -> Path:
    library = tmp_path / "library"
    library.mkdir(parents=True, exist_ok=True)
    target = library / name
    shutil.copy(SAMPLES / name, target)
    return target


class Host(App[None]):
    """Just the rehearsal screen over a blank one: much quicker to start than the wizard."""

    def __init__(self, screen: RehearsalScreen) -> None:
        super().__init__()
        self.rehearsal = screen

    def on_mount(self) -> None:
        self.push_screen(self.rehearsal)


@asynccontextmanager
async def rehearsing(
    tmp_path: Path,
    name: str | None = TIDEWATER,
    *,
    seed: int = 7,
    start: bool = True,
    change: Callable[[Case], None] | None = None,
    wizard: bool = False,
) -> AsyncIterator[Rig]:
    """A sample case's rehearsal, with a hand-moved clock, the countdown skipped if ``start``.

    With ``wizard`` the case is opened in the app's wizard and the screen gets the
    wizard's own save; otherwise a bare host app saves the file directly.
    """
    if name:
        path = copy_sample(tmp_path, name)
        library = path.parent
    else:
        library = tmp_path / "library"
        library.mkdir(parents=True)
        path = library / "new-case.toml"
    clock = FakeClock()
    edits: list[str] = []

    def screen_for(case: Case, save: Callable[[], bool]) -> RehearsalScreen:
        if change is not None:
            change(case)
        return RehearsalScreen(
            case=case, save=save, edited=edits.append, clock=clock, now=lambda: AT, seed=seed
        )

    if wizard:
        app: App[None] = build_app(library=library)
    else:
        case = load_case(path) if name else new_case()

        def save() -> bool:
            save_case(case, path)
            return True

        screen = screen_for(case, save)
        app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        host: WizardScreen | None = None
        if isinstance(app, ClientExitApp):
            if name:
                app.open_case(path, step=Step.SCRIPT)
            else:
                app.new_case()
            await pilot.pause()
            host = app.screen
            assert isinstance(host, WizardScreen)

            def edited(source: str, wizard: WizardScreen = host) -> None:
                wizard.post_message(CaseEdited(source))

            screen = screen_for(host.case, host.action_save)
            screen.edited = edited
            app.push_screen(screen)
        await pilot.pause()
        rig = Rig(app, pilot, screen, screen.case, clock, path, host, edits)
        if start and screen.mode is Mode.COUNTDOWN:
            await rig.press("space")
        yield rig


# -- the countdown ----------------------------------------------------------------


async def test_the_countdown_shows_three_seconds_and_any_key_skips_it(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, start=False) as rig:
        assert rig.screen.mode is Mode.COUNTDOWN
        assert rig.screen.query_one("#countdown", Digits).value == "3"
        assert rig.text("#next").startswith("First line: Hi Ray")
        rig.clock.move(1.2)
        rig.screen.tick()
        assert rig.screen.query_one("#countdown", Digits).value == "2"
        assert not rig.run.started
        await rig.press("x")
        assert rig.screen.mode is Mode.LINE
        assert rig.run.started
        assert rig.run.index == 0  # the key only started the run
        assert rig.text("#current").startswith("Hi Ray, thanks for joining.")


async def test_the_countdown_ends_by_itself_after_three_seconds(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, start=False) as rig:
        rig.clock.move(3.0)
        rig.screen.tick()
        await rig.pilot.pause()
        assert rig.screen.mode is Mode.LINE
        assert rig.run.elapsed() == 0


# -- moving through the script ----------------------------------------------------------


async def test_space_and_right_advance_and_left_goes_back(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        lines = rig.case.script.lines
        await rig.press("space")
        assert rig.run.index == 1
        assert rig.text("#current") == lines[1].text
        assert rig.text("#previous") == lines[0].text
        assert rig.text("#next") == lines[2].text
        assert rig.text("#part") == "Decision · part 2 of 8"
        assert rig.text("#position") == "line 2 of 10"
        await rig.press("right")
        assert rig.run.index == 2
        assert rig.text("#current") == lines[2].text
        await rig.press("left")
        assert rig.run.index == 1
        assert rig.text("#position") == "line 2 of 10"


async def test_number_keys_jump_to_the_parts(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        lines = rig.case.script.lines
        await rig.press("5")
        assert rig.run.index == 4
        assert lines[4].part is ScriptPart.HANDOVER
        assert rig.text("#part") == "Handover · part 5 of 8"
        await rig.press("8")
        assert rig.text("#current") == lines[-1].text
        await rig.press("1")
        assert rig.run.index == 0


async def test_a_part_the_script_does_not_have_is_skipped_with_a_word(tmp_path: Path) -> None:
    def drop_referral(case: Case) -> None:
        case.script.lines = [x for x in case.script.lines if x.part is not ScriptPart.REFERRAL]

    async with rehearsing(tmp_path, change=drop_referral) as rig:
        await rig.press("2")
        await rig.press("6")
        assert rig.run.index == 1
        messages = [n.message for n in rig.app._notifications]
        assert any("no referral part" in m and "8 Close" in m for m in messages)


async def test_home_restarts_from_the_top_and_keeps_the_run_so_far(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", "space", "space", seconds=6)
        await rig.press("home")
        assert rig.screen.mode is Mode.COUNTDOWN
        assert rig.run.index == 0
        assert not rig.run.started
        kept = load_case(rig.path).rehearsals
        assert [r.seconds for r in kept] == [18]
        await rig.press("space")
        assert rig.text("#current").startswith("Hi Ray")


async def test_passing_the_last_line_ends_the_run(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("8")
        assert "space ends the run" in rig.text("#hint")
        await rig.press("space", seconds=12)
        assert rig.screen.mode is Mode.SUMMARY
        assert len(load_case(rig.path).rehearsals) == 1


# -- flags, pause, pace ----------------------------------------------------------------


async def test_f_flags_and_unflags_the_current_line(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", "space")
        await rig.press("f")
        assert rig.run.flags == {2}
        assert "flagged" in rig.text("#speaker")
        assert rig.screen.has_class("-flagged")
        await rig.press("f")
        assert rig.run.flags == set()
        assert rig.text("#speaker") == ""
        await rig.press("f")
        await rig.press("space", "f", "space")
        assert rig.run.flagged() == [3, 4]
        assert "2 flagged" in rig.text("#status")


async def test_p_pauses_the_clocks_and_p_again_goes_on(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        rig.clock.move(4)
        await rig.press("p")
        assert rig.run.paused
        assert "paused" in rig.text("#status")
        assert "Paused" in rig.text("#hint")
        active = rig.screen.active_bindings
        assert active["p"].binding.description == "Resume"
        rig.clock.move(120)
        rig.screen.tick()
        assert rig.text("#clock").startswith("Run 0:04 · line 0:04")
        await rig.press("p")
        assert not rig.run.paused
        assert rig.screen.active_bindings["p"].binding.description == "Pause"
        rig.clock.move(3)
        rig.screen.tick()
        assert rig.text("#clock").startswith("Run 0:07 · line 0:07")


async def test_the_pace_is_shown_calmly(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        assert rig.text("#pace") == "pace after a few lines"
        lines = rig.case.script.lines
        words = sum(len(x.text.split()) for x in lines[:3])
        # Say three lines at exactly 130 words a minute.
        for line in lines[:3]:
            rig.clock.move(len(line.text.split()) * 60 / 130)
            await rig.press("space")
        rig.screen.tick()
        assert words > 15
        assert rig.text("#pace") == "130 wpm · calm pace"
        assert "left" in rig.text("#clock")
        await rig.press("space", seconds=1)  # a long line in one second: far too fast
        rig.screen.tick()
        assert rig.text("#pace").endswith("fast: slow down")


# -- editing in place ---------------------------------------------------------------------


async def test_e_edits_the_line_in_place_and_keeps_the_position(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", "space", seconds=3)
        await rig.press("e")
        field = rig.screen.query_one("#edit", Input)
        assert rig.screen.mode is Mode.EDITING
        assert field.has_focus
        assert field.value == rig.case.script.lines[2].text
        rig.clock.move(50)  # editing is not speaking: no time passes
        await rig.press("ctrl+u", *"We differ.", "enter")
        assert rig.screen.mode is Mode.LINE
        assert rig.run.index == 2
        assert rig.case.script.lines[2].text == "We differ."
        assert rig.text("#current") == "We differ."
        assert rig.run.elapsed() == 6
        assert rig.edits == ["script.lines"]  # the wizard is told the case changed
        await rig.press("space")
        assert rig.run.index == 3


async def test_escape_cancels_an_edit(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space")
        before = rig.case.script.lines[1].text
        await rig.press("e", "ctrl+u", *"nonsense", "escape")
        assert rig.screen.mode is Mode.LINE
        assert rig.case.script.lines[1].text == before
        assert rig.run.index == 1
        assert rig.edits == []


async def test_an_edited_line_marks_the_case_changed_and_is_saved_with_the_run(
    tmp_path: Path,
) -> None:
    async with rehearsing(tmp_path, wizard=True) as rig:
        assert rig.wizard is not None
        await rig.press("e", "ctrl+u", *"Hi Ray.", "enter")
        assert rig.wizard.dirty
        assert "unsaved" in rig.wizard.sub_title
        await rig.press("space", "space", seconds=5)
        await rig.press("escape")
        saved = load_case(rig.path)
        assert saved.script.lines[0].text == "Hi Ray."
        assert len(saved.rehearsals) == 1
        assert not rig.wizard.dirty  # saving the run saved the edit with it


# -- the objection drill -------------------------------------------------------------------


async def test_d_starts_the_drill_and_the_client_cuts_in_where_the_seed_says(
    tmp_path: Path,
) -> None:
    async with rehearsing(tmp_path, seed=11) as rig:
        case = rig.case
        plan = plan_drills([x.part for x in case.script.lines], len(case.script.objections), 11)
        assert rig.run.plan == plan
        first = min(plan)
        await rig.press("d")
        assert rig.run.drill_on
        assert f"{len(plan)} to come" in rig.text("#status")
        for _ in range(first + 1):
            await rig.press("space", seconds=3)
        objection = case.script.objections[plan[first]]
        assert rig.screen.mode is Mode.ASK
        assert rig.text("#speaker") == "Ray cuts in:"
        assert rig.text("#current") == objection.client
        assert not rig.screen.query_one("#answer").display
        assert rig.screen.active_bindings["space"].binding.description == "Answer"

        await rig.press("space")  # reveals the prepared answer
        assert rig.screen.mode is Mode.ANSWER
        assert rig.screen.query_one("#answer").display
        assert rig.text("#answer") == objection.response

        await rig.press("s")
        assert "Marked shaky" in rig.text("#hint")
        await rig.press("space")  # back to the script
        assert rig.screen.mode is Mode.LINE
        assert rig.run.index == first + 1
        await rig.press("escape")
        record = load_case(rig.path).rehearsals[-1]
        assert record.drilled == [plan[first] + 1]
        assert record.shaky == [plan[first] + 1]
        summary = rig.text("#summary-text")
        assert "Objections drilled: 1, 1 shaky" in summary
        assert objection.response in summary


async def test_the_same_seed_interrupts_in_the_same_places(tmp_path: Path) -> None:
    async def drill_through(rig: Rig) -> list[tuple[int, int]]:
        """The first two interruptions: where, and which objection; then end the run."""
        seen: list[tuple[int, int]] = []
        while len(seen) < 2:
            await rig.press("space")
            if rig.run.interruption is not None and not rig.run.interruption.revealed:
                seen.append((rig.run.index, rig.run.interruption.objection))
        await rig.press("escape")
        return seen

    async with rehearsing(tmp_path, seed=5) as rig:
        await rig.press("d")
        first = await drill_through(rig)
        await rig.press("r", "space")  # again, with the same drill
        again = await drill_through(rig)
    assert first == again
    case = load_case(SAMPLES / TIDEWATER)
    other = RehearsalScreen(case=case, save=lambda: True, seed=6).run.plan
    assert first != sorted(other.items())[:2]


async def test_the_drill_without_prepared_answers_says_where_to_add_them(tmp_path: Path) -> None:
    def no_objections(case: Case) -> None:
        case.script.objections = []

    async with rehearsing(tmp_path, change=no_objections) as rig:
        await rig.press("d")
        assert not rig.run.drill_on
        assert any("ctrl+o" in n.message for n in rig.app._notifications)


async def test_r_on_the_summary_runs_the_same_drill_again(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, seed=3) as rig:
        plan = dict(rig.run.plan)
        await rig.press("d", "space", "space", "escape")
        await rig.press("r")
        assert rig.screen.mode is Mode.COUNTDOWN
        assert rig.run.plan == plan
        assert rig.run.drill_on  # the drill stays on for the next run
        await rig.press("space", "escape", "n")
        assert rig.screen.seed != 3


# -- the money card ----------------------------------------------------------------------------


async def test_m_shows_the_money_card(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", seconds=2)
        await rig.press("m")
        card = rig.app.screen
        assert isinstance(card, MoneyCard)
        shown = [str(w.render()) for w in card.query(".money-label, .money-value")]
        text = "\n".join(shown)
        assert "3,000.00 USD, not refundable" in text
        assert "nothing: the deposit stays with you" in text
        assert "19,100.00 USD on 4 invoices" in text
        assert "TW-1024  4,700.00 USD  due 2026-08-15" in text
        assert "TW-1035  3,700.00 USD  due 2026-11-15" in text
        assert "Tue 15 Dec 2026 (clause 7.3)" in text
        assert "I'll put the figures in writing" in str(card.query_one("#money-answer").render())
        await rig.press("escape")
        assert rig.app.screen is rig.screen
        assert rig.run.index == 1
        assert rig.screen.mode is Mode.LINE


def test_the_money_card_of_a_refundable_deposit_and_nothing_owed(make_case) -> None:
    rows = {row.label: row.value for row in money_rows(make_case())}
    assert rows["Deposit held"] == "1,500.00 EUR, refundable"
    assert rows["Refund due"] == "1,500.00 EUR, to give back"
    assert rows["Owed to you"] == "nothing: every invoice is paid"
    assert rows["Service ends"] == "Mon 30 Nov 2026 (clause 2.9)"


# -- ending a run and saving it -------------------------------------------------------------------


async def test_escape_ends_the_run_and_saves_it_to_the_case_file(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", seconds=20)
        await rig.press("f")
        await rig.press("space", "space", seconds=15)
        await rig.press("escape", seconds=5)
        assert rig.screen.mode is Mode.SUMMARY
        saved = load_case(rig.path).rehearsals
        assert len(saved) == 1
        assert saved[0].seconds == 55
        assert saved[0].flagged == [2]
        assert saved[0].at == AT
        assert saved[0].words == sum(len(x.text.split()) for x in rig.case.script.lines[:3])
        assert rig.text("#summary-heading") == "Run saved · 0:55"
        summary = rig.text("#summary-text")
        assert "Lines you stumbled on (1)" in summary
        assert rig.case.script.lines[1].text[:40] in summary
        assert "3 of 10 said" in summary
        history = rig.screen.query_one(RehearsalHistory)
        assert "1 run · latest 0:55, 1 stumble." in str(
            history.query_one("#history-summary", Static).render()
        )


async def test_q_ends_the_run_too(tmp_path: Path) -> None:
    async with rehearsing(tmp_path) as rig:
        await rig.press("space", "space", seconds=4)
        await rig.press("q")
        assert rig.screen.mode is Mode.SUMMARY
        assert len(load_case(rig.path).rehearsals) == 1
        await rig.press("q")
        assert not isinstance(rig.app.screen, RehearsalScreen)


async def test_a_run_escaped_during_the_countdown_is_not_recorded(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, start=False) as rig:
        await rig.press("escape")
        assert rig.screen.mode is Mode.SUMMARY
        assert rig.text("#summary-heading") == "Run over, not kept"
        assert "not in your history" in rig.text("#summary-text")
        assert rig.case.rehearsals == []
        assert load_case(rig.path).rehearsals == []


async def test_escape_on_the_summary_goes_back_to_the_wizard_showing_the_run(
    tmp_path: Path,
) -> None:
    async with rehearsing(tmp_path, wizard=True) as rig:
        await rig.press("space", "space", "escape", seconds=6)
        await rig.press("escape")
        assert rig.app.screen is rig.wizard
        assert len(rig.case.rehearsals) == 1
        assert not rig.wizard.dirty


# -- an empty script ----------------------------------------------------------------------------


async def test_an_empty_script_offers_to_write_one(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, None) as rig:
        assert rig.screen.mode is Mode.EMPTY
        text = str(rig.screen.query_one("#no-script-text", Static).render())
        assert "There is no script yet" in text
        assert "press g" in text
        await rig.press("g")
        assert rig.case.script.lines
        assert rig.screen.mode is Mode.COUNTDOWN
        await rig.press("space")
        assert rig.text("#current") == rig.case.script.lines[0].text
        assert rig.edits == ["script.lines"]


async def test_escape_on_an_empty_script_goes_back(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, None) as rig:
        await rig.press("escape")
        assert not isinstance(rig.app.screen, RehearsalScreen)


# -- the way in ------------------------------------------------------------------------------------


async def test_build_app_rehearse_opens_the_rehearsal_over_the_wizard(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent, rehearse=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, RehearsalScreen)
        wizard = app.screen_stack[-2]
        assert isinstance(wizard, WizardScreen)
        assert wizard.current is Step.SCRIPT
        await pilot.press("space", "space", "space")  # skip the countdown, two lines
        await pilot.press("f")
        await pilot.press("escape")
        assert load_case(path).rehearsals[0].flagged == [3]  # saved by the wizard's save
        await pilot.press("escape")
        assert app.screen is wizard
        # The script step shows the new run at once.
        step = wizard.query_one(ScriptStep)
        assert "Past rehearsals" in plain(step.query_one("#rehearsals", Static).content)
        assert "1 stumble" in plain(step.query_one("#rehearsals", Static).content)


async def test_ctrl_e_on_the_script_step_opens_the_rehearsal(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_case(path, step=Step.SCRIPT)
        await pilot.pause()
        app.screen.query_one("#lines DataTable").focus()
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, RehearsalScreen)


async def test_rehearse_without_an_open_case_says_so(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_rehearse()
        await pilot.pause()
        assert not isinstance(app.screen, RehearsalScreen)
        assert any("Open a case first" in n.message for n in app._notifications)


# -- advancing is instant ------------------------------------------------------------------------


def long_script(lines: int) -> Script:
    parts = list(ScriptPart)
    return Script(
        lines=[
            ScriptLine(parts[i * 8 // lines], f"Line {i} of a long script, said calmly.")
            for i in range(lines)
        ],
        objections=[Objection("Why?", "It is decided.")],
    )


async def test_advancing_does_the_same_small_work_on_a_thousand_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No widget is mounted or removed on advance, and the updates do not grow with the script."""
    mounted: list[Widget] = []
    removed: list[Widget] = []
    real_mount, real_remove = Widget.mount, Widget.remove

    def spy_mount(self: Widget, *widgets: Widget, **kwargs: object):
        mounted.extend(widgets)
        return real_mount(self, *widgets, **kwargs)  # type: ignore[arg-type]

    def spy_remove(self: Widget):
        removed.append(self)
        return real_remove(self)

    updates: dict[int, int] = {}
    for size in (10, 1000):

        def swap(case: Case, size: int = size) -> None:
            case.script = long_script(size)

        async with rehearsing(tmp_path / str(size), change=swap) as rig:
            await rig.press("space")
            nodes = len(list(rig.screen.walk_children()))
            monkeypatch.setattr(Widget, "mount", spy_mount)
            monkeypatch.setattr(Widget, "remove", spy_remove)
            before = rig.screen.updates
            await rig.press("space", "space", "space", "left")
            updates[size] = rig.screen.updates - before
            monkeypatch.setattr(Widget, "mount", real_mount)
            monkeypatch.setattr(Widget, "remove", real_remove)
            assert mounted == [] and removed == []
            assert len(list(rig.screen.walk_children())) == nodes
            assert rig.text("#position") == f"line 4 of {size}"
    assert updates[10] == updates[1000]
    assert 0 < updates[10] <= 4 * 10


# -- the history widget ----------------------------------------------------------------------------


class HistoryApp(App[None]):
    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case

    def compose(self) -> ComposeResult:
        yield RehearsalHistory(self.case)


async def test_the_history_charts_duration_and_stumbles_per_run(make_case) -> None:
    case = make_case()
    case.rehearsals = [
        Rehearsal(at=datetime(2026, 11, 26, tzinfo=UTC), seconds=250, flagged=[1]),
        Rehearsal(at=datetime(2026, 11, 24, tzinfo=UTC), seconds=400, flagged=[1, 2, 3]),
    ]
    app = HistoryApp(case)
    async with app.run_test(size=(60, 10)) as pilot:
        history = app.query_one(RehearsalHistory)
        assert str(history.query_one("#history-summary", Static).render()) == (
            "2 runs · latest 4:10, 1 stumble · stumbles down from 3."
        )
        assert history.query_one("#time-chart", Sparkline).data == [400.0, 250.0]
        assert history.query_one("#stumble-chart", Sparkline).data == [3.0, 1.0]
        case.rehearsals.append(Rehearsal(at=datetime(2026, 11, 27, tzinfo=UTC), seconds=200))
        history.refresh_from_case()
        await pilot.pause()
        assert history.query_one("#stumble-chart", Sparkline).data == [3.0, 1.0, 0.0]
        assert "latest 3:20, no stumbles" in str(
            history.query_one("#history-summary", Static).render()
        )


async def test_the_history_of_a_case_never_rehearsed(make_case) -> None:
    case = make_case()
    case.rehearsals = []
    app = HistoryApp(case)
    async with app.run_test(size=(60, 10)):
        history = app.query_one(RehearsalHistory)
        assert history.has_class("-empty")
        assert "No rehearsals yet" in str(history.query_one("#history-summary", Static).render())


async def test_quitting_the_app_in_the_middle_of_a_run_keeps_the_run(tmp_path: Path) -> None:
    async with rehearsing(tmp_path, wizard=True) as rig:
        await rig.press("space", "f", "space", seconds=8)
        await rig.press("ctrl+q")
    saved = load_case(rig.path).rehearsals
    assert [(r.seconds, r.flagged) for r in saved] == [(24, [2])]
