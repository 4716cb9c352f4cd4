"""Runs corpus cases in this process, one after another, and prints their outcomes as JSON.

``test_corpus.py`` starts this script as a subprocess with a memory limit and a CPU limit; each case gets its own
project directory and an alarm, so a case that hangs is reported as hanging and the rest still run.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from typer.testing import CliRunner


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang("the case did not finish in time")


def run_case(case: dict[str, Any], seconds: int) -> dict[str, Any]:
    from karpenter_infra.cli import app

    os.chdir(case["cwd"])
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        result = CliRunner().invoke(app, case["argv"], catch_exceptions=True)
    finally:
        signal.alarm(0)
    exception = result.exception
    crash = None
    if exception is not None and not isinstance(exception, SystemExit):
        assert result.exc_info is not None
        crash = "".join(traceback.format_exception(*result.exc_info))[-2000:]
    return {
        "id": case["id"],
        "code": result.exit_code,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "crash": crash,
    }


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())
    seconds = int(sys.argv[2])
    outcomes = [run_case(case, seconds) for case in cases]
    sys.stdout.write(json.dumps(outcomes))


if __name__ == "__main__":
    main()
