"""Benchmark the command line's start-up: whole `backchain` processes, timed from outside.

    .venv/bin/python scripts/bench_cli.py [--runs 9]

Runs a few cheap commands RUNS times each, in turn so that a busy moment of the machine falls
on all of them alike, and prints the median wall time of each, with the median CPU time of the
process beside it (steadier than wall time when other work shares the machine). Exits 1 when
`backchain exercises --json` misses its target: a command that only reads the packaged
catalogue should not wait for the database, the web app or the motion packages.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKCHAIN = ROOT / ".venv" / "bin" / "backchain"
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("exercises", "--json"),
    ("exercises", "show", "squat"),
    ("--help",),
    ("plan", "--help"),
)
TARGET: tuple[str, ...] = ("exercises", "--json")
TARGET_S = 0.3  # median wall time of the whole process
RUNS = 9  # medians of 9 are steady enough on a busy two-core machine


@dataclass
class Samples:
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)


def run_once(command: tuple[str, ...], samples: Samples) -> None:
    """Time one whole process; a command that fails stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(BACKCHAIN), *command],
        capture_output=True,
        env={**os.environ, "COLUMNS": "100"},  # the same help layout whatever the terminal
        check=False,
    )
    samples.wall_s.append(time.perf_counter() - start)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    samples.cpu_s.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"`backchain {' '.join(command)}` failed:\n{done.stderr.decode()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="processes per command")
    runs = parser.parse_args().runs
    results = {command: Samples() for command in COMMANDS}
    run_once(TARGET, Samples())  # fills the file cache and writes bytecode; not counted
    for _ in range(runs):
        for command, samples in results.items():
            run_once(command, samples)
    for command, samples in results.items():
        wall, cpu = statistics.median(samples.wall_s), statistics.median(samples.cpu_s)
        print(f"backchain {' '.join(command):<24} median {wall:.3f} s wall, {cpu:.3f} s CPU")
    median = statistics.median(results[TARGET].wall_s)
    verdict = "met" if median <= TARGET_S else "MISSED"
    print(
        f"target: `backchain {' '.join(TARGET)}` in ≤ {TARGET_S} s wall: {verdict} ({median:.3f} s)"
    )
    return 0 if median <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
