"""``diff`` reads like a review: operators shown, an AMI bump as one line, every pool a node-class change replaces
(also another group's), ``replicas`` added or removed as a RECREATE, and a roll-out estimate with ``--nodes``."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.diff import Impact, diff_manifests, replaces_nodes, report
from karpenter_infra.stack import load_stack
from tests.test_diff import git_repo

GEN = "karpenter.k8s.aws/instance-generation"


@pytest.fixture(scope="module")
def prod() -> list[dict[str, Any]]:
    return load_stack("prod").fleet().manifests()


def edited(manifests: list[dict[str, Any]], kind: str, name: str, edit: Any) -> list[dict[str, Any]]:
    out = copy.deepcopy(manifests)
    edit(next(m for m in out if m["kind"] == kind and m["metadata"]["name"] == name))
    return out


def _generation(value: str) -> Any:
    def edit(manifest: dict[str, Any]) -> None:
        for term in manifest["spec"]["template"]["spec"]["requirements"]:
            if term["key"] == GEN:
                term["values"] = [value]

    return edit


def test_a_requirement_change_shows_its_operator(prod: list[dict[str, Any]]) -> None:
    text = report(diff_manifests(prod, edited(prod, "NodePool", "default-amd64", _generation("7"))))
    assert f"    requirement {GEN}: Gt 5 -> Gt 7  (drift)\n" in text
    assert "values: ['5'] -> ['7']" not in text


def test_an_ami_bump_is_one_line(prod: list[dict[str, Any]]) -> None:
    def bump(manifest: dict[str, Any]) -> None:
        manifest["spec"]["amiSelectorTerms"] = [{"alias": "al2023@v20251120"}]

    text = report(diff_manifests(prod, edited(prod, "EC2NodeClass", "graviton-arm64", bump)))
    assert "    ami: al2023@v20251016 -> al2023@v20251120: replaces nodes\n" in text
    assert "(absent)" not in text


def test_a_node_class_change_lists_every_pool_it_replaces_also_another_groups(prod: list[dict[str, Any]]) -> None:
    def bump(manifest: dict[str, Any]) -> None:
        manifest["spec"]["amiSelectorTerms"] = [{"alias": "al2023@v20251120"}]

    changes = diff_manifests(prod, edited(prod, "EC2NodeClass", "default-amd64", bump))
    text = report(changes)
    # default-od uses the class of group default (and shares its group label): its nodes are replaced too
    assert (
        "    replaces the nodes of NodePool default-amd64 (group default), NodePool default-od-amd64 (group default)\n"
    ) in text
    assert "nodes replaced in NodePool default-od-amd64 (group default): EC2NodeClass default-amd64 changed" in text


def test_adding_or_removing_replicas_is_a_recreate(prod: list[dict[str, Any]]) -> None:
    static = edited(prod, "NodePool", "jobs-amd64", lambda m: m["spec"].__setitem__("replicas", 3))
    for before, after in ((prod, static), (static, prod)):
        [change] = diff_manifests(before, after)
        assert change.impact is Impact.RECREATE
        assert replaces_nodes([change])  # the NodePool is deleted: Karpenter drains its nodes
        text = report([change])
        assert "RECREATES the object" in text and "has(self.replicas) == has(oldSelf.replicas)" in text
        assert "pulumi up --replace" in text
    # changing the count of a static pool stays an in-place behaviour change
    [scaled] = diff_manifests(static, edited(static, "NodePool", "jobs-amd64", lambda m: m["spec"].update(replicas=5)))
    assert scaled.impact is Impact.BEHAVIOUR


def test_diff_with_nodes_estimates_the_roll_out(tmp_path: Any) -> None:
    repo, _ = git_repo(tmp_path)
    prod_groups = repo / "stacks" / "nodegroups" / "prod.py"
    prod_groups.write_text(prod_groups.read_text().replace('AMI_VERSION = "v20251016"', 'AMI_VERSION = "v20251120"'))
    args = ["diff", "--stack", "prod", "--project-dir", str(repo), "--nodes", "20", "--at", "2026-12-07T08:00+01:00"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "    ami: al2023@v20251016 -> al2023@v20251120: replaces nodes" in out
    # prod blocks drift on weekdays 07:00-19:00 UTC; 10% of 20 = 2 at a time, 5 minutes each
    assert (
        "nodes replaced in NodePool default-amd64 (group default): EC2NodeClass default-amd64 changed; "
        "estimate for 20 nodes: last replaced Mon 2026-12-07 19:50 UTC (12h50m after --at; 5 min per replacement)"
    ) in out
    without = CliRunner().invoke(app, args[:5])
    assert "estimate" not in without.stdout
