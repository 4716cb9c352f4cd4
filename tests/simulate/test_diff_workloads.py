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


def test_placement_changes_name_pool_moves_and_recoveries() -> None:
    from karpenter_infra.simulate.compare import becomes_pending, placement_changes
    from tests.simulate.support import deployment, node_pool, run, types

    small = [node_pool("small", types("m7i.large"))]
    big = [node_pool("big", types("m7i.xlarge"))]
    workloads = [deployment("api", cpu="3"), deployment("web", cpu="100m")]
    before, after = run(small, workloads), run(big, workloads)
    changes = {c.workload: c for c in placement_changes(before, after)}
    assert changes["Deployment ns/api"].before == "-, 1 pending"
    assert changes["Deployment ns/api"].after == "big (1)" and not changes["Deployment ns/api"].becomes_pending
    assert changes["Deployment ns/web"].before == "small (1)" and changes["Deployment ns/web"].after == "big (1)"
    assert not becomes_pending(list(changes.values()))
    assert becomes_pending(placement_changes(after, before))
    assert placement_changes(before, before) == []
