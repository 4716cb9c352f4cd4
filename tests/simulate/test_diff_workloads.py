"""``diff --workloads``: the placement section, and the exit status when a change strands pods."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from karpenter_infra.cli import app
from tests.test_diff import git_repo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workloads"


def test_a_change_that_strands_a_workload_exits_three(tmp_path: Path) -> None:
    repo, _ = git_repo(tmp_path)
    shutil.copytree(EXAMPLES / "dev", tmp_path / "workloads")
    args = ["diff", "--stack", "dev", "--project-dir", str(repo), "--workloads", str(tmp_path / "workloads")]
    unchanged = CliRunner().invoke(app, [*args, "--exit-code"])
    assert unchanged.exit_code == 0, unchanged.output
    assert "no workload changes pool, pending or cost" in unchanged.stdout
    dev = repo / "stacks" / "nodegroups" / "dev.py"
    # Renaming the group renames its label and taint: the nightly report selects nodegroup=jobs, which no pool sets.
    dev.write_text(dev.read_text().replace('name="jobs",', 'name="batch",', 1))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output  # without --exit-code it only reports
    assert "CronJob shop/shop-nightly-report: jobs-amd64 (2) -> -, 2 pending" in result.stdout
    assert "BECOMES PENDING" in result.stdout
    documented = (Path(__file__).resolve().parents[2] / "docs/simulate.md").read_text()
    line = next(x for x in documented.splitlines() if "BECOMES PENDING" in x and "CronJob" in x)
    assert line in result.stdout.splitlines()
    assert CliRunner().invoke(app, [*args, "--exit-code"]).exit_code == 3
