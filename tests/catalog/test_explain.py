"""``karpenter-infra explain``: per NodePool what it admits, as a table and as JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from karpenter_infra import Fleet
from karpenter_infra.automode.instances import AUTO_MODE
from karpenter_infra.cli import app
from karpenter_infra.stack import load_stack
from tests.catalog.support import PROJECT, catalog

runner = CliRunner()


def explain(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["explain", "--stack", "prod", "--project-dir", str(PROJECT), "--json", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_lists_every_nodepool_with_its_sorted_admitted_types() -> None:
    data = explain()
    report = load_stack("prod", PROJECT).fleet().catalog_report
    pools = data["nodepools"]
    assert isinstance(pools, list)
    assert [p["nodepool"] for p in pools] == sorted(p.nodepool for p in report.pools.values())
    for pool in pools:
        expected = sorted(catalog().names_of(report.pools[pool["group"]].bits))
        assert pool["instance_types"] == expected and pool["count"] == len(expected)
    gpu = next(p for p in pools if p["nodepool"] == "gpu-amd64")
    assert gpu["instance_types"] == ["g5.2xlarge", "g5.4xlarge", "g5.xlarge", "g6.2xlarge", "g6.4xlarge", "g6.xlarge"]
    assert gpu["families"] == ["g5", "g6"]
    assert gpu["vcpu"] == {"min": 4, "max": 16}
    assert gpu["memory_mib"] == {"min": 16384, "max": 65536}
    assert gpu["on_demand_price_per_hour"] == {"min": 0.8048, "max": 1.624}
    assert [c["instance_type"] for c in gpu["cheapest_per_vcpu"]] == ["g6.4xlarge", "g5.4xlarge", "g6.2xlarge"]
    assert gpu["warnings"] == []
    workers = next(p for p in pools if p["nodepool"] == "workers-memory-amd64")
    assert [w["kind"] for w in workers["silenced_warnings"]] == ["twin-shapes"]
    assert data["twins"] == [
        {
            "nodepools": ["default-amd64", "default-od-amd64"],
            "why": "group label 'default'",
            "same_shapes": True,
            "differing": {"default-od-amd64": 0},
        },
        {
            "nodepools": ["workers-amd64", "workers-memory-amd64"],
            "why": "group label 'workers'",
            "same_shapes": False,
            "differing": {"workers-memory-amd64": 6},
        },
    ]


def test_group_narrows_the_output_to_one_pool() -> None:
    data = explain("--group", "gpu")
    assert [p["nodepool"] for p in data["nodepools"]] == ["gpu-amd64"]  # type: ignore[attr-defined]
    assert data["twins"] == []


def test_an_unknown_group_exits_2() -> None:
    result = runner.invoke(app, ["explain", "-s", "prod", "--project-dir", str(PROJECT), "--group", "nope"])
    assert result.exit_code == 2
    assert "error: stack 'prod': --group: no node group 'nope'" in result.stderr


def test_the_table_shows_each_pool_its_ranges_warnings_and_twins() -> None:
    result = runner.invoke(app, ["explain", "-s", "prod", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "instance types each NodePool admits (us-east-1 catalog, 1363 types)" in out
    row = next(line for line in out.splitlines() if "gpu-amd64" in line)
    for cell in ("6", "g5, g6", "4-16", "16-64", "0.805-1.62", "g6.4xlarge 0.0827"):
        assert cell in row, (cell, row)
    assert "twins (group label 'workers'): workers-amd64 + workers-memory-amd64: DIFFERENT instance shapes" in out
    assert "silenced (twin-shapes): workers-memory-amd64: differs from its twin workers-amd64" in out


def test_auto_stack_explains_the_auto_mode_view_as_json() -> None:
    result = runner.invoke(app, ["explain", "--stack", "auto", "--project-dir", str(PROJECT), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    launchable = set(catalog().names_of(AUTO_MODE.launchable(catalog())))
    assert data["catalog"]["backend"] == "EKS Auto Mode"
    assert data["catalog"]["launchable_types"] == len(launchable) < data["catalog"]["types"]
    # The same groups read as self-managed Karpenter pools (the catalog's own keys), less what Auto Mode never launches.
    stack = load_stack("auto", PROJECT)
    karpenter = Fleet(stack.defaults.model_copy(update={"auto_mode": None}), stack.nodegroups, node_role="R")
    for pool in data["nodepools"]:
        expected = set(catalog().names_of(karpenter.catalog_report.pools[pool["group"]].bits)) & launchable
        assert pool["instance_types"] == sorted(expected) and len(expected) < len(catalog()), pool["nodepool"]
    assert explain()["catalog"]["backend"] is None  # type: ignore[index]


def test_auto_stack_table_is_titled_for_eks_auto_mode() -> None:
    result = runner.invoke(app, ["explain", "-s", "auto", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    count = AUTO_MODE.launchable(catalog()).bit_count()
    title = f"instance types each NodePool admits on EKS Auto Mode (us-east-1 catalog, {count} of its 1363 types"
    assert title in result.stdout
    row = next(line for line in result.stdout.splitlines() if "graviton-arm64" in line)
    assert "t4g.nano" not in result.stdout and "2-192" in row
