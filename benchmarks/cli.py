"""Time the CLI as a user meets it: each command a fresh process, wall time from spawn to exit, best of N.

Start-up is most of what a command costs (issue #24 aims at ``--help`` < 0.3 s and ``render --stack dev`` < 0.5 s
on the 2-core CI machine), so this measures whole processes, not functions. The best of N, not the mean: the machine
is shared, and other work only ever adds time. Then the heaviest imports of ``render --stack dev`` by
``python -X importtime`` (self time summed per top-level package), which stay meaningful on a busy machine.

Prints figures; asserts nothing. Run: ``make bench`` (or ``python benchmarks/cli.py --runs 9``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What a user runs most, and ``diff`` (which renders twice: the head here, the base in a second interpreter).
COMMANDS: list[list[str]] = [
    ["--help"],
    ["render", "--stack", "dev"],
    ["explain", "--stack", "prod"],
    ["diff", "--stack", "dev"],
]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process: on a busy machine the CPU time moves much less."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode(errors='replace')[:500]}")
    return elapsed, _children_cpu() - cpu


def import_profile(args: list[str], env: dict[str, str]) -> list[tuple[str, float]]:
    """Self import time per top-level package, in seconds, heaviest first."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args], cwd=ROOT, env=env, capture_output=True, check=False, text=True
    )
    totals: dict[str, float] = defaultdict(float)
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        totals[name.strip().split(".")[0]] += int(self_us) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per command; the best is reported")
    parser.add_argument("--top", type=int, default=10, help="packages listed in the import profile")
    options = parser.parse_args()
    # The module, not the console script: the same interpreter as this one, whatever PATH says.
    cli = [sys.executable, "-m", "karpenter_infra.cli"]
    env = {**os.environ, "NO_COLOR": "1"}
    print(f"karpenter-infra CLI, per process, best of {options.runs}: wall time (median), CPU time (user + system)")
    for command in [*COMMANDS, None]:
        args = [*cli, *command] if command is not None else [sys.executable, "-c", "pass"]
        runs = [timed(args, env) for _ in range(options.runs)]
        walls = sorted(w for w, _ in runs)
        label = " ".join(command) if command is not None else "(python -c pass)"
        print(
            f"  {label:<24} wall {walls[0]:6.3f} s ({walls[len(walls) // 2]:6.3f} s)"
            f"   cpu {min(c for _, c in runs):6.3f} s"
        )
    for command in (["--help"], ["render", "--stack", "dev"]):
        profile = import_profile(["-m", "karpenter_infra.cli", *command], env)
        total = sum(seconds for _, seconds in profile)
        print(f"import time of `{' '.join(command)}`: {total:.3f} s under -X importtime; the heaviest packages:")
        for name, seconds in profile[: options.top]:
            print(f"  {name:<24} {seconds:6.3f} s  {seconds / total:4.0%}")


if __name__ == "__main__":
    main()
