"""A corpus of hostile and mistaken inputs at the edges (stack and values files, templates, paths, dates, catalogs).

Each case is a CLI invocation in a project directory of its own; it asserts the exact ``error:`` lines and exit
status, or the harmless outcome. The cases run in a few subprocesses (``driver.py``), each under a memory limit and a
CPU limit, with an alarm per case: a hang or a bomb fails the test, never the CI job, and the corpus stays fast.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .cases import BATCHES, STACK, STACK_FILE, Case, nodegroups

HERE = Path(__file__).resolve().parent
MEMORY_LIMIT = 3 * 1024**3  # address space of one batch: a YAML or template bomb hits it, the CLI never does
CPU_SECONDS = 240
CASE_SECONDS = 60


def write_case(case: Case, root: Path) -> Path:
    directory = root / case.id
    (directory / "stacks").mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text("name: edges\nruntime: python\n")
    files: dict[str, str | bytes] = {STACK_FILE: STACK, "ng.py": nodegroups(), **case.files}
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    for name, target in case.links.items():
        os.symlink(target.replace("{dir}", str(directory)), directory / name)
    return directory


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_batch(cases: list[Case], root: Path) -> dict[str, dict[str, object]]:
    specs = []
    for case in cases:
        directory = write_case(case, root)
        specs.append({"id": case.id, "cwd": str(directory), "argv": case.argv})
    (root / "cases.json").write_text(json.dumps(specs))
    done = subprocess.run(
        [sys.executable, str(HERE / "driver.py"), str(root / "cases.json"), str(CASE_SECONDS)],
        capture_output=True,
        text=True,
        preexec_fn=_limits,
        timeout=CPU_SECONDS + 60,
        check=False,
        env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"},
    )
    assert done.returncode == 0, f"the batch died (rc {done.returncode}): {done.stderr[-3000:]}"
    return {str(o["id"]): o for o in json.loads(done.stdout)}


def problems(case: Case, outcome: dict[str, object], directory: Path) -> list[str]:
    found = []
    if outcome["crash"]:
        found.append(f"traceback:\n{outcome['crash']}")
    if outcome["code"] != case.code:
        found.append(f"exit status {outcome['code']}, expected {case.code}")
    stderr, stdout = str(outcome["stderr"]), str(outcome["stdout"])
    if case.stderr is not None:
        expected = [line.replace("{dir}", str(directory)) for line in case.stderr]
        if stderr.splitlines() != expected:
            found.append(f"stderr was {stderr.splitlines()!r}, expected {expected!r}")
    found += [f"stdout lacks {text!r}" for text in case.stdout_has if text not in stdout]
    found += [f"{text!r} was printed" for text in case.never if text in stdout or text in stderr]
    for name, content in case.keep.items():
        path = directory / name
        if path.is_symlink() or not path.is_file() or path.read_text() != content:
            found.append(f"{name} was changed")
    return found


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_corpus(batch: str, tmp_path: Path) -> None:
    cases = BATCHES[batch]
    assert len({c.id for c in cases}) == len(cases)
    outcomes = run_batch(cases, tmp_path)
    report = []
    for case in cases:
        if found := problems(case, outcomes[case.id], tmp_path / case.id):
            report.append(f"{case.id}: " + "; ".join(found))
    assert not report, "\n".join(report)
