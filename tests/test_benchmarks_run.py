"""The benchmarks run end to end at tiny sizes, so they cannot rot (timings are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"1 start-up", "2 scale", "3 keys", "4 saving", "5 memory"}


def test_the_benchmarks_run_at_tiny_sizes_and_report_every_goal(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--cases",
            "5",
            "--keys",
            "3",
            "--saves",
            "3",
            "--timeout",
            "20",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    rows = document["rows"]
    assert {row["goal"] for row in rows} == GOALS
    assert len(rows) == 14
    for row in rows:
        for key in ("median", "min", "max", "floor", "ratio"):
            assert isinstance(row[key], float), (row["what"], key, row[key])
            assert row[key] > 0, (row["what"], key)
        assert isinstance(row["met"], bool)
        assert row["what"] in done.stdout  # and in the printed table
    assert "goals met" in done.stdout


def test_start_ups_are_launched_in_turn_after_a_round_not_counted(tmp_path: Path) -> None:
    # The floor app and the apps it is compared with share each round, so a change in
    # the machine's speed during the run reaches both.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    order: list[str] = []
    programs = [
        (
            [sys.executable, "-c", f"print('ready {name}')"],
            f"ready {name}",
            lambda n=name: order.append(n),
        )
        for name in ("floor", "app")
    ]
    seconds = run.interleaved_launches(programs, tmp_path, 3, 20)
    assert order == ["floor", "app"] * 4  # one round more than is counted
    assert [len(samples) for samples in seconds] == [3, 3]
    assert all(value > 0 for samples in seconds for value in samples)
