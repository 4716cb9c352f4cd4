"""What a command loads before it does anything: ``--help`` and option parsing need typer, nothing heavier.

Structure, not timing: which modules a fresh interpreter has loaded (the figures are `make bench`'s business). One
interpreter goes through the steps in order and notes what is loaded after each (each step only adds modules).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]

#: Loaded only by the command that needs them: the models (pydantic), the SDKs, templates, YAML, tables.
HEAVY = {"pydantic", "pulumi", "pulumi_aws", "pulumi_kubernetes", "jinja2", "yaml", "rich", "croniter"}

_STEPS = """
import json, sys

def loaded():
    return sorted({m.split('.')[0] for m in sys.modules})

seen = {}
import karpenter_infra.cli
seen['import'] = loaded()
from karpenter_infra.cli import app
for name, args in (('help', ['--help']), ('render', ['render', '--stack', 'dev'])):
    try:
        app(args)
    except SystemExit:
        pass
    seen[name] = loaded()
open(sys.argv[1], 'w').write(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def loaded_after(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Top-level packages loaded after each step (written to a file: the command's own output goes to stdout)."""
    found = tmp_path_factory.mktemp("startup") / "modules.json"
    subprocess.run([sys.executable, "-c", _STEPS, str(found)], cwd=PROJECT, capture_output=True, check=True)
    return {step: set(names) for step, names in json.loads(found.read_text()).items()}


def test_importing_the_cli_loads_nothing_heavy(loaded_after: dict[str, set[str]]) -> None:
    assert "typer" in loaded_after["import"]
    assert not loaded_after["import"] & HEAVY


def test_the_top_level_help_loads_nothing_heavy(loaded_after: dict[str, set[str]]) -> None:
    assert not loaded_after["help"] & HEAVY


def test_render_loads_no_pulumi(loaded_after: dict[str, set[str]]) -> None:
    """The pure layer renders a stack: Pulumi loads only for plan and --program (a consumer's program needs it)."""
    assert "yaml" in loaded_after["render"]  # the render ran
    assert not loaded_after["render"] & {"pulumi", "pulumi_aws", "pulumi_kubernetes"}
