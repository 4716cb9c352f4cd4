"""Every command on a consumer's own program (examples/consumer): ``--program module:function``, no nodegroups key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.cli.diff import EXIT_REPLACES_NODES
from karpenter_infra.render.files import to_yaml

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = ROOT / "examples" / "consumer"
PROGRAM = ["--stack", "prod", "--program", "shop_platform.program:main", "--project-dir", str(CONSUMER)]
runner = CliRunner()


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])


def consumer_fleet_yaml() -> str:
    import sys

    sys.path.insert(0, str(CONSUMER))
    from shop_platform.nodegroups import DEFAULTS, NODEGROUPS

    from karpenter_infra import Fleet

    return to_yaml(Fleet(DEFAULTS, NODEGROUPS, node_role="KarpenterNodeRole-shop-prod").manifests())


def test_render_prints_what_the_program_registers_as_render_of_the_fleet_would() -> None:
    config = yaml.safe_load((CONSUMER / "Pulumi.prod.yaml").read_text())
    assert "nodegroups" not in config["config"]["karpenter-infra:platform"]
    assert invoke("render", *PROGRAM).stdout == consumer_fleet_yaml()


def test_render_writes_the_program_fleet_as_a_tree(tmp_path: Path) -> None:
    invoke("render", *PROGRAM, "--out", str(tmp_path / "out"))
    assert (tmp_path / "out" / "nodepool-batch-arm64.yaml").is_file()


def test_explain_reads_the_fleet_the_program_built() -> None:
    data = json.loads(invoke("explain", *PROGRAM, "--json").stdout)
    assert {pool["nodepool"] for pool in data["nodepools"]} == {"web-amd64", "web-od-amd64", "batch-arm64"}


def test_schedule_reads_the_program_off_hours() -> None:
    result = invoke("schedule", *PROGRAM, "--at", "2026-11-23T21:00+01:00")
    assert "batch-arm64" in result.stdout and "down" in result.stdout


def test_plan_names_the_project_as_pulumi_yaml_does() -> None:
    plan = json.loads(invoke("plan", *PROGRAM, "--json").stdout)
    assert plan  # the project is part of every URN; the JSON names parents by name, so ask the harness
    from karpenter_infra.cli.target import run_consumer_program, stack_config

    result, _ = run_consumer_program(
        "shop_platform.program:main", "prod", CONSUMER, stack_config("prod", CONSUMER), command="plan"
    )
    assert {r.urn.split("::")[1] for r in result.registrations} == {"shop-platform"}


@pytest.mark.parametrize("command", ["render", "explain", "schedule", "plan", "diff", "disruption"])
def test_an_unknown_stack_lists_the_stacks_there_are(command: str) -> None:
    args = ["--stack", "prd", "--program", "shop_platform.program:main", "--project-dir", str(CONSUMER)]
    line = one_error_line(runner.invoke(app, [command, *args]))
    assert line == (
        f"error: stack 'prd': --stack: no Pulumi.prd.yaml in {CONSUMER} (did you mean 'prod'?); stacks here: prod"
    )


def test_an_unknown_stack_of_this_repository_lists_its_stacks() -> None:
    line = one_error_line(runner.invoke(app, ["render", "--stack", "nope", "--project-dir", str(ROOT)]))
    assert line.endswith("; stacks here: auto, dev, prod")


def _consumer_copy(tmp_path: Path, package: str) -> Path:
    """The example under another package name: a module already imported in this process is never reused."""
    project = tmp_path / "project"
    shutil.copytree(CONSUMER, project, ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    (project / "shop_platform").rename(project / package)
    for path in (project / package).glob("*.py"):
        path.write_text(path.read_text().replace("shop_platform", package))
    return project


def test_plan_program_shows_a_nested_model_error_as_one_located_line(tmp_path: Path) -> None:
    project = _consumer_copy(tmp_path, "nested_error_platform")
    nodegroups = project / "nested_error_platform" / "nodegroups.py"
    nodegroups.write_text(nodegroups.read_text().replace("min_generation=6", "min_genration=6"))
    args = ["--stack", "prod", "--program", "nested_error_platform.program:main", "--project-dir", str(project)]
    line = one_error_line(runner.invoke(app, ["plan", *args]))
    assert "pydantic" not in line and "validation error" not in line
    assert "instances.min_genration" in line and "did you mean 'min_generation'?" in line


def _git(project: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True, env=env)


def test_diff_renders_the_program_at_the_base_revision_too(tmp_path: Path) -> None:
    project = _consumer_copy(tmp_path, "diffed_platform")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    args = ["--stack", "prod", "--program", "diffed_platform.program:main", "--project-dir", str(project)]
    unchanged = runner.invoke(app, ["diff", *args, "--exit-code"])
    assert unchanged.exit_code == 0, unchanged.output
    assert "REPLACES NODES" not in unchanged.stdout
    nodegroups = project / "diffed_platform" / "nodegroups.py"
    nodegroups.write_text(nodegroups.read_text().replace("v20251016", "v20251120"))
    changed = runner.invoke(app, ["diff", *args, "--exit-code"])
    assert changed.exit_code == EXIT_REPLACES_NODES, changed.output
    assert "EC2NodeClass web-amd64" in changed.stdout and "al2023@v20251120" in changed.stdout


def test_disruption_reads_the_program_pools() -> None:
    result = invoke("disruption", *PROGRAM, "--at", "2026-11-23T21:00+01:00", "--json")
    assert "batch-arm64" in result.stdout and "web-od-amd64" in result.stdout
