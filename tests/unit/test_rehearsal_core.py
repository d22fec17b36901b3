"""The rehearsal run: position, timing with a hand-moved clock, pace, drills, and its record."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from clientexit.core import codec
from clientexit.core.model import (
    Objection,
    Rehearsal,
    Script,
    ScriptLine,
    ScriptPart,
)
from clientexit.core.rehearsal import (
    Pace,
    Phase,
    RehearsalRun,
    clock_time,
    describe_pace,
    pace_of,
    part_starts,
    plan_drills,
    shaky_last_time,
)
from clientexit.core.validate import CaseFileError, case_from_data, parse_case_bytes
from tests.conftest import build_case

AT = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def move(self, seconds: float) -> None:
        self.now += seconds


def ten_words(n: int) -> str:
    return " ".join(f"w{n}x{i}" for i in range(10))


def script(lines: int = 8, objections: int = 3) -> Script:
    parts = list(ScriptPart)
    return Script(
        lines=[
            ScriptLine(part=parts[min(i * len(parts) // max(lines, 1), 7)], text=ten_words(i))
            for i in range(lines)
        ],
        objections=[
            Objection(client=f"Objection {j}", response=f"Answer {j}") for j in range(objections)
        ],
    )


def started(s: Script | None = None, **kwargs: object) -> tuple[RehearsalRun, FakeClock]:
    clock = FakeClock()
    run = RehearsalRun(s or script(), clock=clock, now=lambda: AT, seed=3, **kwargs)  # type: ignore[arg-type]
    run.start()
    return run, clock


# -- the countdown and the clocks ------------------------------------------------


def test_the_countdown_starts_the_run_after_three_seconds() -> None:
    clock = FakeClock()
    run = RehearsalRun(script(), clock=clock)
    assert run.phase is Phase.COUNTDOWN
    clock.move(2.0)
    assert run.countdown_left() == pytest.approx(1.0)
    assert not run.tick()
    clock.move(1.0)
    assert run.tick()
    assert run.phase is Phase.RUNNING
    assert run.elapsed() == 0.0
    clock.move(4.0)
    assert run.elapsed() == 4.0


def test_skipping_the_countdown_starts_at_once() -> None:
    clock = FakeClock()
    run = RehearsalRun(script(), clock=clock)
    run.start()
    assert run.started
    assert run.countdown_left() == 0.0


def test_run_and_line_time_and_pauses_do_not_count() -> None:
    run, clock = started()
    clock.move(5)
    run.advance()
    clock.move(3)
    assert run.elapsed() == 8
    assert run.line_elapsed() == 3
    run.pause()
    clock.move(60)
    assert run.paused
    assert run.elapsed() == 8
    assert run.line_elapsed() == 3
    run.resume()
    clock.move(2)
    assert run.elapsed() == 10
    assert run.line_elapsed() == 5
    assert run.line_seconds == {0: 5}


def test_advancing_resumes_a_paused_run() -> None:
    run, clock = started()
    run.pause()
    clock.move(30)
    run.advance()
    assert not run.paused
    assert run.elapsed() == 0


# -- moving through the script -------------------------------------------------


def test_advance_and_back_move_one_line_and_stop_at_the_end() -> None:
    run, _ = started(script(lines=3))
    assert run.advance() and run.index == 1
    run.back()
    assert run.index == 0
    run.back()
    assert run.index == 0
    run.advance()
    run.advance()
    assert run.index == 2
    assert not run.advance()  # past the last line: the run ends
    assert run.line(1) is None and run.line(-1) is not None


def test_jumping_to_a_part_and_to_a_part_the_script_lacks() -> None:
    s = Script(
        lines=[
            ScriptLine(ScriptPart.OPENING, "Hi"),
            ScriptLine(ScriptPart.DECISION, "I am ending it"),
            ScriptLine(ScriptPart.CLOSE, "Bye"),
        ]
    )
    run, _ = started(s)
    assert run.jump_to_part(ScriptPart.CLOSE)
    assert run.index == 2
    assert run.part_number() == 8
    assert not run.jump_to_part(ScriptPart.REFERRAL)
    assert run.index == 2
    assert part_starts(s.lines) == {
        ScriptPart.OPENING: 0,
        ScriptPart.DECISION: 1,
        ScriptPart.CLOSE: 2,
    }


def test_pace_counts_only_lines_said_through() -> None:
    run, clock = started()
    assert run.words_per_minute() is None
    clock.move(5)
    run.advance()  # 10 words in 5 s: not enough to measure yet
    assert run.words_per_minute() is None
    clock.move(5)
    run.advance()  # 20 words in 10 s
    assert run.words_per_minute() == pytest.approx(120)
    clock.move(40)
    run.back()  # going back is not saying: the pace does not change
    assert run.words_per_minute() == pytest.approx(120)


@pytest.mark.parametrize(
    ("wpm", "pace", "words"),
    [
        (None, Pace.UNKNOWN, "pace after a few lines"),
        (98.4, Pace.SLOW, "98 wpm · unhurried"),
        (132, Pace.CALM, "132 wpm · calm pace"),
        (160, Pace.CALM, "160 wpm · calm pace"),
        (175, Pace.FAST, "175 wpm · fast: slow down"),
    ],
)
def test_pace_in_words(wpm: float | None, pace: Pace, words: str) -> None:
    assert pace_of(wpm) is pace
    assert describe_pace(wpm) == words


def test_remaining_time_uses_a_calm_pace_until_there_is_one_to_measure() -> None:
    run, clock = started(script(lines=4))
    # 40 words at 130 words a minute.
    assert run.remaining_seconds() == pytest.approx(40 * 60 / 130)
    clock.move(3)
    assert run.remaining_seconds() == pytest.approx(40 * 60 / 130 - 3)
    clock.move(2)
    run.advance()
    clock.move(5)
    run.advance()  # 20 words in 10 s: 120 wpm
    assert run.remaining_seconds() == pytest.approx(20 * 60 / 120)


def test_editing_a_line_keeps_the_position_and_recounts_the_time_left() -> None:
    run, _ = started(script(lines=4))
    run.advance()
    before = run.remaining_seconds()
    assert run.edit_line("Short now.")
    assert run.index == 1
    assert run.lines[1].text == "Short now."
    assert run.remaining_seconds() < before
    assert not run.edit_line("Short now.")


def test_flags_toggle_and_are_recorded_one_based() -> None:
    run, _ = started()
    run.advance()
    run.advance()
    assert run.toggle_flag()
    run.advance()
    assert run.toggle_flag()
    assert not run.toggle_flag()
    assert run.toggle_flag()
    run.back()
    assert not run.toggle_flag()  # line 3 unflagged again
    assert run.flagged() == [4]


# -- the objection drill ---------------------------------------------------------


def test_the_same_seed_gives_the_same_drill() -> None:
    parts = [line.part for line in script(lines=12).lines]
    assert plan_drills(parts, 5, 42) == plan_drills(parts, 5, 42)


def test_different_seeds_give_different_drills() -> None:
    parts = [line.part for line in script(lines=12).lines]
    assert plan_drills(parts, 5, 1) != plan_drills(parts, 5, 2)


def test_the_drill_never_cuts_into_the_greeting_or_after_the_last_line() -> None:
    s = script(lines=10, objections=6)
    parts = [line.part for line in s.lines]
    for seed in range(50):
        plan = plan_drills(parts, 6, seed)
        assert plan
        assert len(set(plan.values())) == len(plan)  # each objection at most once
        for after in plan:
            assert parts[after] is not ScriptPart.OPENING
            assert after < len(parts) - 1
        assert len(plan) <= (len(parts) + 1) // 2


def test_no_drill_without_objections_or_for_a_one_line_script() -> None:
    assert plan_drills([ScriptPart.OPENING, ScriptPart.CLOSE] * 3, 0, 1) == {}
    assert plan_drills([ScriptPart.DECISION], 4, 1) == {}


def test_objections_marked_shaky_last_time_come_back_first() -> None:
    parts = [line.part for line in script(lines=6).lines]
    for seed in range(20):
        plan = plan_drills(parts, 8, seed, prefer=[6])
        assert 6 in plan.values()


def test_a_drilled_objection_interrupts_then_the_script_goes_on() -> None:
    run, clock = started(script(lines=8, objections=3))
    first = min(run.plan)
    assert run.toggle_drill()
    while run.index < first:
        run.advance()
    clock.move(4)
    run.advance()
    assert run.interruption is not None
    assert run.interruption.objection == run.plan[first]
    assert run.index == first
    clock.move(6)
    run.reveal()
    assert run.toggle_shaky()
    assert run.continue_after_drill()
    assert run.index == first + 1
    assert run.drill_seconds == 6
    assert run.line_seconds[first] == 4  # answering the client is not the line's time
    record = run.finish()
    assert record.drilled == [run.plan[first] + 1]
    assert record.shaky == [run.plan[first] + 1]


def test_with_the_drill_off_nobody_interrupts() -> None:
    run, _ = started(script(lines=8, objections=3))
    while run.advance():
        assert run.interruption is None


def test_going_back_from_an_interruption_returns_to_the_line() -> None:
    run, _ = started(script(lines=8, objections=3))
    run.toggle_drill()
    first = min(run.plan)
    while run.interruption is None:
        run.advance()
    run.back()
    assert run.interruption is None
    assert run.index == first
    assert run.drilled == []
    run.advance()
    assert run.interruption is not None  # it comes again: it was never answered


# -- the record ------------------------------------------------------------------------


def test_a_run_opened_and_closed_at_once_is_not_worth_keeping() -> None:
    clock = FakeClock()
    run = RehearsalRun(script(), clock=clock)
    assert not run.worth_keeping
    run.start()
    clock.move(2)
    assert not run.worth_keeping


def test_two_lines_or_ten_seconds_make_a_run_worth_keeping() -> None:
    run, _ = started()
    run.advance()
    run.advance()
    assert run.worth_keeping
    run, clock = started()
    clock.move(10)
    assert run.worth_keeping


def test_finish_gives_the_record_for_the_case() -> None:
    run, clock = started(script(lines=4))
    clock.move(7.4)
    run.advance()
    run.toggle_flag()
    clock.move(5)
    run.advance()
    record = run.finish()
    assert record == Rehearsal(at=AT, seconds=12, flagged=[2], words=20, drilled=[], shaky=[])
    clock.move(100)
    assert run.elapsed() == pytest.approx(12.4)  # a finished run's clock stands still
    assert run.phase is Phase.FINISHED


def test_shaky_last_time_reads_the_latest_run() -> None:
    older = Rehearsal(at=datetime(2026, 11, 1, tzinfo=UTC), shaky=[1])
    newer = Rehearsal(at=datetime(2026, 11, 2, tzinfo=UTC), shaky=[2, 3])
    assert shaky_last_time([newer, older]) == [1, 2]
    assert shaky_last_time([]) == []


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (7.9, "0:07"), (312, "5:12"), (3729, "1:02:09"), (-3, "0:00")],
)
def test_clock_time(seconds: float, shown: str) -> None:
    assert clock_time(seconds) == shown


# -- the optional keys in the case file -------------------------------------------------


def test_drilled_shaky_and_words_are_written_and_read_back() -> None:
    case = build_case()
    case.rehearsals.append(
        Rehearsal(at=AT, seconds=200, flagged=[1], words=347, drilled=[2, 5], shaky=[5])
    )
    text = codec.dumps(case)
    data = tomllib.loads(text)
    assert data["rehearsals"][1] == {
        "at": AT,
        "seconds": 200,
        "flagged": [1],
        "words": 347,
        "drilled": [2, 5],
        "shaky": [5],
    }
    # A run recorded without them writes none of the optional keys.
    assert set(data["rehearsals"][0]) == {"at", "seconds", "flagged"}
    back = parse_case_bytes(text.encode())
    assert back.rehearsals[1] == case.rehearsals[1]
    assert back.rehearsals[0].words is None


def test_unknown_keys_of_a_rehearsal_are_kept_next_to_the_new_ones() -> None:
    data = tomllib.loads(codec.dumps(build_case()))
    data["rehearsals"][0]["mood"] = "nervous"
    data["rehearsals"][0]["drilled"] = [1]
    case, problems = case_from_data(data)
    assert problems == []
    assert case.rehearsals[0].drilled == [1]
    assert case.rehearsals[0].extra == {"mood": "nervous"}
    assert tomllib.loads(codec.dumps(case))["rehearsals"][0]["mood"] == "nervous"


def test_bad_drill_keys_are_reported() -> None:
    data = tomllib.loads(codec.dumps(build_case()))
    data["rehearsals"][0].update({"drilled": [0, "x"], "shaky": 3, "words": -1})
    with pytest.raises(CaseFileError) as caught:
        parse_case_bytes(codec.tomli_w.dumps(data).encode(), "c.toml")
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "c.toml: rehearsals[1].words: must be at least 0, got -1",
        "c.toml: rehearsals[1].drilled[1]: expected an objection number (1 or more), got 0",
        'c.toml: rehearsals[1].drilled[2]: expected an objection number (1 or more), got "x"',
        "c.toml: rehearsals[1].shaky: expected an array of objection numbers, got 3",
    ]
