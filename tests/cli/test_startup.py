"""What a command loads before it does anything: ``--help`` and option parsing need typer, nothing heavier.

Structure, not timing: which modules a fresh interpreter has loaded (the figures are `make bench`'s business).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

#: Loaded only by the command that needs them: the models (pydantic), the SDKs, templates, YAML, tables.
HEAVY = {"pydantic", "pulumi", "pulumi_aws", "pulumi_kubernetes", "jinja2", "yaml", "rich", "croniter"}


def _loaded_after(code: str, tmp_path: Path) -> set[str]:
    """Top-level packages loaded once ``code`` ran in a fresh interpreter (written to a file: the command's own
    output goes to stdout and stderr)."""
    found = tmp_path / "modules.txt"
    script = f"import sys\n{code}\nopen({str(found)!r}, 'w').write(' '.join({{m.split('.')[0] for m in sys.modules}}))"
    subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, check=False)
    return set(found.read_text().split())


def _run(args: list[str]) -> str:
    return f"from karpenter_infra.cli import app\ntry:\n    app({args!r})\nexcept SystemExit:\n    pass"


def test_importing_the_cli_loads_nothing_heavy(tmp_path: Path) -> None:
    assert not _loaded_after("import karpenter_infra.cli", tmp_path) & HEAVY


def test_the_top_level_help_loads_nothing_heavy(tmp_path: Path) -> None:
    loaded = _loaded_after(_run(["--help"]), tmp_path)
    assert "typer" in loaded  # the probe ran
    assert not loaded & HEAVY


def test_render_loads_no_pulumi(tmp_path: Path) -> None:
    """The pure layer renders a stack: Pulumi loads only for plan and --program (a consumer's program needs it)."""
    loaded = _loaded_after(_run(["render", "--stack", "dev"]), tmp_path)
    assert "yaml" in loaded  # the render ran
    assert not loaded & {"pulumi", "pulumi_aws", "pulumi_kubernetes"}
