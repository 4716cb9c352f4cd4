"""Every problem in one run: a typo in the defaults hides none in the groups, and nothing is registered."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from karpenter_infra.cli import app

PROJECT = Path(__file__).resolve().parents[2]
runner = CliRunner()

THREE_TYPOS = """\
from karpenter_infra import NodeGroup, NodeGroupDefaults

DEFAULTS = NodeGroupDefaults(cluster_name="karpenter-dev", consolidaton_policy="WhenEmpty")
NODEGROUPS = [
    NodeGroup(name="web", lables={"team": "web"}),
    NodeGroup(name="batch", ami_family="al2023"),
    NodeGroup(name="jobs"),
]
"""


def _stack(tmp_path: Path, name: str, body: str) -> Path:
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "stacks" / "nodegroups" / f"{name}.py").write_text(body)
    config = yaml.safe_load((tmp_path / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["nodegroups"] = f"stacks.nodegroups.{name}"
    (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def test_three_typos_one_in_the_defaults_are_reported_in_one_run(tmp_path: Path) -> None:
    project = _stack(tmp_path, "typos", THREE_TYPOS)
    for command in ("render", "plan"):
        result = runner.invoke(app, [command, "-s", "typos", "--project-dir", str(project)])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""  # nothing rendered, nothing registered
        lines = result.stderr.splitlines()
        # sorted by owner (the defaults first, then the groups by name), then field
        assert [line.split(": ")[1:3] for line in lines] == [
            ["defaults", "consolidaton_policy"],
            ["nodegroup 'batch'", "ami_family"],
            ["nodegroup 'web'", "lables"],
        ], lines
        assert "did you mean 'consolidation_policy'?" in lines[0]
        assert "did you mean 'AL2023'?" in lines[1]


def test_a_fixed_module_loads_afresh_after_a_failed_run(tmp_path: Path) -> None:
    """The failed run built stand-ins; a shared module imported on the way must not keep them."""
    # A top-level module of the project: ``stacks`` may already be imported from another project in this process.
    project = _stack(tmp_path, "shared", "from one_run_common import DEFAULTS\nNODEGROUPS = []\n")
    (project / "one_run_common.py").write_text(
        "from karpenter_infra import NodeGroupDefaults\nDEFAULTS = NodeGroupDefaults(cluster_name='x', wieght=5)\n"
    )
    first = runner.invoke(app, ["render", "-s", "shared", "--project-dir", str(project)])
    assert first.exit_code == 2 and "defaults: wieght: " in first.stderr, first.output
    assert "one_run_common" not in sys.modules
    again = runner.invoke(app, ["render", "-s", "shared", "--project-dir", str(project)])
    assert again.exit_code == 2 and "defaults: wieght: " in again.stderr, again.output


def test_a_nested_model_error_is_reported_with_the_deferred_ones(tmp_path: Path) -> None:
    body = THREE_TYPOS.replace(
        'NodeGroup(name="jobs")', 'NodeGroup(name="jobs", capacity_spread=CapacitySpread(start=5, end=1))'
    )
    body = body.replace("import NodeGroup,", "import CapacitySpread, NodeGroup,")
    project = _stack(tmp_path, "nested", body)
    result = runner.invoke(app, ["render", "-s", "nested", "--project-dir", str(project)])
    assert result.exit_code == 2
    owners = [line.split(": ")[1] for line in result.stderr.splitlines()]
    assert owners == ["defaults", "nodegroup 'batch'", "nodegroup 'jobs' (nested.py:7)", "nodegroup 'web'"]


def test_code_that_trips_over_a_refused_model_reports_the_refusal(tmp_path: Path) -> None:
    """A module that reads one group to build another (``base.instances``) meets the stand-in of a group whose model
    was refused: the user reads that refusal, not an AttributeError; and the shared module that built the stand-in
    is forgotten on this path too, so the next run records the error again."""
    project = _stack(tmp_path, "reads", "from one_run_reads import BASE\nNODEGROUPS = [BASE]\n")
    (project / "one_run_reads.py").write_text(
        "from karpenter_infra import Instances, NodeGroup\n"
        "BASE = NodeGroup(name='web', node_class='web', instances=Instances(cores=[4]))\n"
        "CORES = BASE.instances.cores[0]\n"
    )
    for _ in range(2):
        result = runner.invoke(app, ["render", "-s", "reads", "--project-dir", str(project)])
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert result.stderr.startswith("error: nodegroup 'web': node_class"), result.stderr
        assert "AttributeError" not in result.output
        assert "one_run_reads" not in sys.modules
