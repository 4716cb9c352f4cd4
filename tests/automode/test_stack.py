"""The `auto` stack from the command line: plan, render, determinism, as for dev and prod."""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml
from typer.testing import CliRunner

from karpenter_infra import Fleet
from karpenter_infra.cli import app
from karpenter_infra.render.files import to_yaml
from karpenter_infra.stack import load_stack

PROJECT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_plan_json_has_the_auto_mode_cluster_node_classes_and_pools_and_no_self_managed_karpenter() -> None:
    result = runner.invoke(app, ["plan", "--stack", "auto", "--json", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    types = {row["type"] for row in rows}
    cluster = next(row for row in rows if row["type"] == "eks:index:Cluster")
    assert cluster["inputs"]["autoMode"]["enabled"] is True
    assert cluster["inputs"]["autoMode"]["computeConfig"]["nodePools"] == ["system"]
    assert cluster["inputs"]["bootstrapSelfManagedAddons"] is False
    classes = {
        r["inputs"]["metadata"]["name"] for r in rows if r["type"] == "kubernetes:eks.amazonaws.com/v1:NodeClass"
    }
    pools = [r for r in rows if r["type"] == "kubernetes:karpenter.sh/v1:NodePool"]
    assert classes and pools
    assert {p["inputs"]["spec"]["template"]["spec"]["nodeClassRef"]["name"] for p in pools} <= classes
    assert not types & {
        "kubernetes:helm.sh/v3:Release",
        "aws:sqs/queue:Queue",
        "aws:cloudwatch/eventRule:EventRule",
        "aws:eks/nodeGroup:NodeGroup",
        "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    }


def test_render_writes_a_gitops_tree_of_node_classes_and_pools(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", "-s", "auto", "-o", str(tmp_path), "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    kustomization = yaml.safe_load((tmp_path / "kustomization.yaml").read_text())
    assert "nodeclass-jobs-amd64.yaml" in kustomization["resources"]
    assert "nodepool-jobs-amd64.yaml" in kustomization["resources"]
    node_class = yaml.safe_load((tmp_path / "nodeclass-jobs-amd64.yaml").read_text())
    assert node_class["apiVersion"] == "eks.amazonaws.com/v1"
    assert node_class["spec"]["ephemeralStorage"] == {"size": "500Gi", "iops": 6000, "throughput": 500}


def test_a_refused_setting_exits_2_naming_group_field_and_backend(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "stacks" / "nodegroups").mkdir(parents=True)
    (project / "stacks" / "Pulumi.auto.yaml").write_text((PROJECT / "stacks" / "Pulumi.auto.yaml").read_text())
    (project / "stacks" / "nodegroups" / "auto.py").write_text(
        "from karpenter_infra import NodeGroup, NodeGroupDefaults\n"
        "DEFAULTS = NodeGroupDefaults(cluster_name='karpenter-auto')\n"
        "NODEGROUPS = [NodeGroup(name='jobs', user_data='#!/bin/sh\\n')]\n"
    )
    result = runner.invoke(app, ["render", "-s", "auto", "--project-dir", str(project)])
    assert result.exit_code == 2
    assert "nodegroup 'jobs': user_data: not supported by EKS Auto Mode" in result.output


def test_the_auto_stack_renders_byte_identically_whatever_the_list_order() -> None:
    stack = load_stack("auto", PROJECT)
    expected = to_yaml(stack.fleet().manifests())
    shuffled = list(stack.nodegroups)
    random.Random(15).shuffle(shuffled)
    fleet = Fleet(stack.defaults, shuffled, node_role=stack.platform.node_role_name, backend="auto-mode")
    assert to_yaml(fleet.manifests()) == expected
