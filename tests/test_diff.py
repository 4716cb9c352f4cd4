"""The offline semantic diff: per field, grouped by node group, drift versus behaviour."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.diff import Impact, diff_manifests, flatten, impact, report

PROJECT = Path(__file__).resolve().parents[1]


def pool(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "weight": 10,
        "template": {
            "metadata": {"labels": {"nodegroup": "web"}},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "web-amd64"},
                "requirements": [
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]},
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                ],
                "expireAfter": "720h",
            },
        },
        "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "0s"},
    }
    for path, value in spec.items():
        target = base
        *parents, leaf = path.split("__")
        for key in parents:
            target = target[key]
        target[leaf] = value
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": "web-amd64", "labels": {"nodegroup": "web"}},
        "spec": base,
    }


@pytest.mark.parametrize(
    ("kind", "path", "expected"),
    [
        ("NodePool", "spec.template.spec.requirements[kubernetes.io/arch].values", Impact.DRIFT),
        ("NodePool", "spec.template.spec.nodeClassRef.name", Impact.DRIFT),
        ("NodePool", "spec.template.spec.expireAfter", Impact.DRIFT),
        ("NodePool", "spec.template.spec.taints[dedicated].value", Impact.DRIFT),
        ("NodePool", "spec.template.metadata.labels.team", Impact.DRIFT),
        ("NodePool", "spec.weight", Impact.BEHAVIOUR),
        ("NodePool", "spec.limits.cpu", Impact.BEHAVIOUR),
        ("NodePool", "spec.disruption.budgets[0].nodes", Impact.BEHAVIOUR),
        ("NodePool", "metadata.labels.nodegroup", Impact.METADATA),
        ("EC2NodeClass", "spec.amiSelectorTerms[al2023@latest].alias", Impact.DRIFT),
        ("EC2NodeClass", "spec.subnetSelectorTerms[0].tags.karpenter.sh/discovery", Impact.DRIFT),
        ("EC2NodeClass", "spec.userData", Impact.DRIFT),
        ("Deployment", "spec.replicas", Impact.HEADROOM),
    ],
)
def test_each_category(kind: str, path: str, expected: Impact) -> None:
    assert impact(kind, path) is expected


def test_requirements_are_matched_by_key_not_position() -> None:
    reordered = pool()
    reordered["spec"]["template"]["spec"]["requirements"].reverse()
    assert diff_manifests([pool()], [reordered]) == []
    assert "spec.template.spec.requirements[kubernetes.io/arch].values" in flatten(pool())


def test_a_weight_change_is_behaviour_a_requirement_change_is_drift() -> None:
    requirements = [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot", "on-demand"]},
        {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
    ]
    [weight] = diff_manifests([pool()], [pool(weight=20)])
    assert weight.impact is Impact.BEHAVIOUR
    assert [(f.path, f.before, f.after) for f in weight.fields] == [("spec.weight", 10, 20)]
    [req] = diff_manifests([pool()], [pool(template__spec__requirements=requirements)])
    assert req.impact is Impact.DRIFT
    assert req.fields[0].path == "spec.template.spec.requirements[karpenter.sh/capacity-type].values"
    text = report([weight, req])
    assert "nodegroup web:" in text
    assert "behaviour only" in text
    assert "REPLACES NODES that no longer match" in text  # requirement drift: only nodes outside the new set go
    assert "1 object(s) will make Karpenter replace nodes" in text


def test_added_and_removed_objects() -> None:
    [added] = diff_manifests([], [pool()])
    assert (added.change, added.impact) == ("added", Impact.DRIFT)
    [removed] = diff_manifests([pool()], [])
    assert removed.change == "removed"
    assert report([]) == "no changes\n"


def test_diff_command_against_a_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT / "stacks", repo / "stacks", ignore=shutil.ignore_patterns("__pycache__"))

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    dev = repo / "stacks" / "nodegroups" / "dev.py"
    text = dev.read_text()
    text = text.replace("weight=60,", "weight=65,")  # graviton: behaviour
    text = text.replace(
        'instances=Instances(categories=["c"], cores=[4, 8, 16]),',
        'instances=Instances(categories=["c"], cores=[8, 16]),',
    )
    dev.write_text(text)
    result = CliRunner().invoke(app, ["diff", "--stack", "dev", "--project-dir", str(repo)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "nodegroup graviton:" in out
    assert "spec.weight: 60 -> 65  (behaviour)" in out
    assert "nodegroup workers:" in out
    assert "spec.template.spec.requirements[karpenter.k8s.aws/instance-cpu].values" in out
    assert "REPLACES NODES" in out
    unchanged = CliRunner().invoke(app, ["diff", "--stack", "prod", "--project-dir", str(repo)])
    assert unchanged.stdout == "no changes\n"
