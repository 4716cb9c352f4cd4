"""The command line: render and plan, offline, with clear errors and exit status 2 on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from karpenter_infra.cli import app

PROJECT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_render_prints_the_stack_manifests() -> None:
    result = runner.invoke(app, ["render", "--stack", "dev", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    documents = list(yaml.safe_load_all(result.stdout))
    kinds = {d["kind"] for d in documents}
    assert kinds == {
        "EC2NodeClass",
        "NodePool",
        "PriorityClass",
        "Namespace",
        "Deployment",
        "CronJob",
        "ConfigMap",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
    }
    assert "userData: |" in result.stdout  # block style: reviewable


def test_render_to_a_directory_writes_one_file_per_object_and_a_kustomization(tmp_path: Path) -> None:
    out = tmp_path / "gitops"
    out.mkdir()
    (out / "nodepool-gone-amd64.yaml").write_text("stale: true\n")
    (out / "kustomization.yaml").write_text("resources: [nodepool-gone-amd64.yaml]\n")
    (out / "someone-elses.yaml").write_text("kept: true\n")
    result = runner.invoke(app, ["render", "-s", "dev", "-o", str(out), "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    kustomization = yaml.safe_load((out / "kustomization.yaml").read_text())
    files = sorted(p.name for p in out.glob("*.yaml") if p.name not in ("kustomization.yaml", "someone-elses.yaml"))
    assert sorted(kustomization["resources"]) == files
    assert (out / "someone-elses.yaml").exists()
    assert "nodepool-default-amd64.yaml" in files
    assert "deployment-karpenter-headroom-headroom-default-amd64-small.yaml" in files
    assert not (out / "nodepool-gone-amd64.yaml").exists()
    again = runner.invoke(app, ["render", "-s", "dev", "-o", str(out), "--project-dir", str(PROJECT)])
    assert again.exit_code == 0
    assert (
        sorted(p.name for p in out.glob("*.yaml") if p.name not in ("kustomization.yaml", "someone-elses.yaml"))
        == files
    )


def test_plan_json_is_valid_json_for_prod() -> None:
    result = runner.invoke(app, ["plan", "--stack", "prod", "--json", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(row) == {"type", "name", "parent", "inputs", "depends_on"} for row in rows)
    assert any(row["type"] == "karpenter-infra:index:KarpenterPlatform" for row in rows)


def test_plan_prints_the_tree_grouped_by_component() -> None:
    result = runner.invoke(app, ["plan", "--stack", "dev", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    for component in ("KarpenterPlatform", "EksCluster", "KarpenterIam", "InterruptionQueue", "NodePoolSet"):
        assert component in result.stdout
    assert "resources by type" in result.stdout


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_bad_stack_config_names_the_key_and_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.broken.yaml"
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["karpenter"]["replicas"] = 0
    path.write_text(yaml.safe_dump(config))
    for command in ("render", "plan"):
        result = runner.invoke(app, [command, "-s", "broken", "--project-dir", str(project)])
        assert result.exit_code == 2
        assert "stack 'broken' (karpenter-infra:platform): karpenter.replicas:" in result.stderr


def test_bad_nodegroup_names_the_group_and_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    module = project / "stacks" / "nodegroups" / "broken.py"
    module.write_text(
        "from karpenter_infra import NodeGroup, NodeGroupDefaults\n"
        "DEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev')\n"
        "NODEGROUPS = [NodeGroup(name='web', node_class='nope')]\n"
    )
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["nodegroups"] = "stacks.nodegroups.broken"
    (project / "stacks" / "Pulumi.broken.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["plan", "-s", "broken", "--project-dir", str(project)])
    assert result.exit_code == 2
    assert "nodegroup 'web': node_class: no node group named 'nope'" in result.stderr


def test_unknown_stack_exits_2() -> None:
    result = runner.invoke(app, ["render", "-s", "nope", "--project-dir", str(PROJECT)])
    assert result.exit_code == 2
    assert "Pulumi.nope.yaml does not exist" in result.stderr


def test_errors_are_not_wrapped_inside_long_paths(tmp_path: Path) -> None:
    deep = tmp_path / ("project-" + "x" * 120)
    deep.mkdir()
    result = runner.invoke(app, ["render", "-s", "nope", "--project-dir", str(deep)])
    assert result.exit_code == 2
    assert f"{deep / 'stacks' / 'Pulumi.nope.yaml'} does not exist" in result.stderr
    assert result.stderr.count("\n") == 1


def test_plan_warns_when_a_production_stack_follows_latest_amis(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["production"] = True
    (project / "stacks" / "Pulumi.devprod.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["plan", "-s", "devprod", "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    assert "warning: nodegroup 'default': ami_version: follows @latest" in result.stderr
    clean = runner.invoke(app, ["plan", "-s", "prod", "--project-dir", str(PROJECT)])
    assert "warning:" not in clean.stderr


def test_schedule_shows_which_groups_are_up_at_an_instant() -> None:
    night = runner.invoke(
        app, ["schedule", "-s", "dev", "--at", "2026-11-23T21:00+01:00", "--project-dir", str(PROJECT)]
    )
    assert night.exit_code == 0, night.output
    assert "jobs-amd64" in night.stdout and "default-amd64" not in night.stdout
    assert "down" in night.stdout and "up at 2026-11-24T07:00:00+01:00" in night.stdout
    day = runner.invoke(app, ["schedule", "-s", "dev", "--at", "2026-11-24T12:00+01:00", "--project-dir", str(PROJECT)])
    assert "down at 2026-11-24T20:00:00+01:00" in day.stdout
    naive = runner.invoke(app, ["schedule", "-s", "dev", "--at", "2026-11-24T12:00", "--project-dir", str(PROJECT)])
    assert naive.exit_code == 2
