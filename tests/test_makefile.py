"""The Makefile's small promises: `make render` is YAML only, `make lock` is reproducible."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]


def test_make_render_prints_only_yaml() -> None:
    """make echoed the command line onto stdout: `make render > fleet.yaml` was not YAML."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    result = subprocess.run(
        ["make", "--no-print-directory", "render"], cwd=PROJECT, capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.startswith("---\n"), result.stdout[:200]
    assert all(doc["kind"] for doc in yaml.safe_load_all(result.stdout))


def test_the_lock_is_in_the_form_make_lock_writes() -> None:
    """Header kept, names normalised as PEP 503 says, sorted bytewise: a fresh clone's `make lock` changes nothing."""
    lines = (PROJECT / "requirements.lock").read_text().splitlines()
    assert lines[0].startswith("# Pinned with `pip freeze`")
    pins = lines[1:]
    names = [line.split("==")[0] for line in pins]
    assert names == [re.sub(r"[-_.]+", "-", name.lower()) for name in names]
    assert pins == sorted(pins)
