"""Crash test: a process killed in the middle of saving never leaves half a case file.

A child process saves a case over and over, alternating two different versions,
and is killed with SIGKILL at a random moment (from a fixed seed, so a failure can
be replayed). After every kill the case file must read back as exactly one of the
two versions: complete, valid, byte for byte.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clientexit.core import codec, store
from clientexit.core.model import Case, Incident, RedFlag
from clientexit.core.validate import load_case

MakeCase = Callable[[], Case]
REPO_ROOT = Path(__file__).resolve().parents[2]
KILLS = 40
SEED = 20261128

CHILD = """
import sys
from pathlib import Path
from clientexit.core import store
from clientexit.core.validate import parse_case_bytes
path = Path(sys.argv[1])
versions = [parse_case_bytes(Path(p).read_bytes(), p) for p in sys.argv[2:4]]
print("ready", flush=True)
n = 0
while True:
    store.save_case(versions[n % 2], path, touch=False)
    n += 1
"""


def _versions(make_case: MakeCase) -> tuple[Case, Case]:
    old = make_case()
    new = make_case()
    new.client.contact = "Jordan Blake-Okafor"
    # Big enough that a write takes a while, so kills land in the middle of one.
    new.reasons.incidents += [
        Incident(category=RedFlag.OTHER, note=f"Note {n}: " + "words " * 400) for n in range(40)
    ]
    return old, new


def test_killed_while_saving_leaves_old_or_new_file(tmp_path: Path, make_case: MakeCase) -> None:
    old, new = _versions(make_case)
    texts = {codec.dumps(old).encode(), codec.dumps(new).encode()}
    sources = []
    for name, case in (("old", old), ("new", new)):
        source = tmp_path / f"{name}.src"
        source.write_bytes(codec.dumps(case).encode())
        sources.append(str(source))
    library = tmp_path / "library"
    path = library / "acme.toml"
    store.save_case(old, path, touch=False)

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    chance = random.Random(SEED)
    seen: set[bytes] = set()
    mid_save = 0
    started = time.monotonic()
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), *sources],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL

        data = path.read_bytes()
        assert data in texts, "the case file is neither the old nor the new version"
        assert load_case(path) in (old, new)
        seen.add(data)
        leftovers = [p for p in library.iterdir() if p.name.endswith(".tmp")]
        if leftovers:
            mid_save += 1  # the kill came between creating the new file and renaming it
            for spare in leftovers:
                spare.unlink()
    elapsed = time.monotonic() - started
    print(f"{KILLS} kills in {elapsed:.1f} s; {mid_save} landed in the middle of a write")
    # The kills really fell at different moments: both versions were left on disk.
    assert seen == texts
    assert mid_save > 0
    assert elapsed < 30


def test_the_next_save_sweeps_up_old_leftovers(tmp_path: Path, make_case: MakeCase) -> None:
    path = store.save_new(make_case(), tmp_path)
    old = tmp_path / f".{path.name}.abc123.tmp"
    fresh = tmp_path / f".{path.name}.def456.tmp"
    other = tmp_path / ".other.toml.ghi789.tmp"
    for spare in (old, fresh, other):
        spare.write_bytes(b"half a case")
    long_ago = time.time() - store.STALE_TEMP_SECONDS - 60
    for spare in (old, other):
        os.utime(spare, (long_ago, long_ago))
    store.save_case(make_case(), path)
    # Only this case's leftovers, and only old ones: a fresh one may be a save under way.
    assert not old.exists()
    assert fresh.exists()
    assert other.exists()


@pytest.mark.parametrize("moment", ["before the rename", "during the rename"])
def test_failure_at_any_step_keeps_the_old_file(
    tmp_path: Path, make_case: MakeCase, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    old, new = _versions(make_case)
    path = store.save_new(old, tmp_path)
    before = path.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if moment == "before the rename":
        monkeypatch.setattr(os, "fsync", broken)
    else:
        monkeypatch.setattr(Path, "replace", broken)
    with pytest.raises(store.StoreError, match="No space left on device"):
        store.save_case(new, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
