from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from karpenter_infra.cli import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workloads"


def test_json_document_shape_is_pinned() -> None:
    result = CliRunner().invoke(app, ["simulate", "--stack", "prod", "--workloads", str(EXAMPLES / "prod"), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document) == [
        "version",
        "workloads",
        "daemonsets",
        "nodepools",
        "hourly_cost_on_demand",
        "skipped_kinds",
        "not_modelled",
    ]
    assert document["version"] == 1
    workload = document["workloads"][0]
    assert list(workload) == ["kind", "namespace", "name", "pods", "placements", "instance_types", "pending", "reasons"]
    assert list(document["nodepools"][0]) == ["name", "pods", "nodes", "hourly_cost_on_demand"]
    assert all(w["pending"] == 0 for w in document["workloads"])
    assert document["hourly_cost_on_demand"] > 0


def test_exit_code_four_when_pods_stay_pending() -> None:
    args = ["simulate", "--stack", "dev", "--workloads", str(EXAMPLES / "pending.yaml")]
    assert CliRunner().invoke(app, args).exit_code == 0
    result = CliRunner().invoke(app, [*args, "--exit-code"])
    assert result.exit_code == 4
    assert "pending" in result.stdout


def test_a_malformed_file_exits_two(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Deployment\nmetadata: {name: w}\nspec: {}\n")
    result = CliRunner().invoke(app, ["simulate", "--stack", "dev", "--workloads", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml: Deployment default/w" in result.stderr
