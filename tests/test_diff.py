"""The offline semantic diff: per field, grouped by node group, drift versus behaviour."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from karpenter_infra.cli import app
from karpenter_infra.cli.diff import EXIT_REPLACES_NODES
from karpenter_infra.diff import (
    Impact,
    category,
    diff_manifests,
    flatten,
    impact,
    replaces_nodes,
    report,
    widened_keys,
)
from karpenter_infra.stack import load_stack

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
        ("Deployment", "spec.selector.matchLabels.k8s-app", Impact.RECREATE),
        ("PriorityClass", "preemptionPolicy", Impact.RECREATE),
        ("PriorityClass", "value", Impact.RECREATE),
        ("PriorityClass", "description", Impact.HEADROOM),
        # Found by a real API server (tests/e2e/test_updates.py): it refuses these in place.
        ("NodePool", "spec.template.spec.nodeClassRef.group", Impact.RECREATE),
        ("NodePool", "spec.template.spec.nodeClassRef.kind", Impact.RECREATE),
        ("ClusterRoleBinding", "roleRef.name", Impact.RECREATE),
        ("RoleBinding", "roleRef.kind", Impact.RECREATE),
        ("ClusterRoleBinding", "subjects[0].name", Impact.HEADROOM),
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
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
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


def requirement(key: str, operator: str, *values: str) -> dict[str, Any]:
    return {"key": key, "operator": operator, "values": list(values)} if values else {"key": key, "operator": operator}


CT, GEN, FAMILY = (
    "karpenter.sh/capacity-type",
    "karpenter.k8s.aws/instance-generation",
    "karpenter.k8s.aws/instance-family",
)


@pytest.mark.parametrize(
    ("old", "new", "widens"),
    [
        ([requirement(CT, "In", "spot")], [requirement(CT, "In", "spot", "on-demand")], True),
        ([requirement(CT, "In", "spot", "on-demand")], [requirement(CT, "In", "spot")], False),
        ([requirement(CT, "In", "spot")], [requirement(CT, "In", "on-demand")], False),
        ([requirement(CT, "In", "spot")], [], True),  # the key is no longer constrained
        ([], [requirement(CT, "In", "spot")], False),  # a new constraint on nodes launched without it
        ([requirement(CT, "In", "spot")], [requirement(CT, "Exists")], True),
        ([requirement(CT, "Exists")], [requirement(CT, "In", "spot")], False),
        ([requirement(FAMILY, "NotIn", "t3", "t3a")], [requirement(FAMILY, "NotIn", "t3")], True),
        ([requirement(FAMILY, "NotIn", "t3")], [requirement(FAMILY, "NotIn", "t3", "t3a")], False),
        ([requirement(FAMILY, "In", "m7i")], [requirement(FAMILY, "NotIn", "t3")], True),
        ([requirement(FAMILY, "In", "t3")], [requirement(FAMILY, "NotIn", "t3")], False),
        ([requirement(FAMILY, "DoesNotExist")], [requirement(FAMILY, "NotIn", "t3")], True),
        ([requirement(FAMILY, "NotIn", "t3")], [requirement(FAMILY, "Exists")], False),  # NotIn admits no label
        ([requirement(FAMILY, "DoesNotExist")], [requirement(FAMILY, "Exists")], False),
        ([requirement(GEN, "Gt", "5")], [requirement(GEN, "Gt", "4")], True),
        ([requirement(GEN, "Gt", "4")], [requirement(GEN, "Gt", "5")], False),
        ([requirement(GEN, "Lt", "7")], [requirement(GEN, "Lt", "8")], True),
        ([requirement(GEN, "Lt", "8")], [requirement(GEN, "Lt", "7")], False),
        ([requirement(GEN, "In", "6", "7")], [requirement(GEN, "Gt", "5")], True),
        ([requirement(GEN, "In", "5", "7")], [requirement(GEN, "Gt", "5")], False),
        ([requirement(GEN, "Gt", "5")], [requirement(GEN, "Lt", "9")], False),
        # Two terms on one key are an intersection: each new term must cover some old term.
        ([requirement(GEN, "Gt", "5"), requirement(GEN, "Lt", "8")], [requirement(GEN, "Gt", "4")], True),
        ([requirement(GEN, "Gt", "5")], [requirement(GEN, "Gt", "4"), requirement(GEN, "Lt", "8")], False),
    ],
)
def test_requirement_widening(old: list[dict[str, Any]], new: list[dict[str, Any]], widens: bool) -> None:
    keys = {r["key"] for r in old + new}
    assert (widened_keys(old, new) == keys) is widens


def matches(terms: list[dict[str, Any]], label: str | None) -> bool:
    """Kubernetes node-selector semantics for one key's label (``None``: the node has no such label)."""

    def one(term: dict[str, Any]) -> bool:
        values, op = term.get("values", []), term["operator"]
        if op in ("Gt", "Lt"):
            return label is not None and (int(label) > int(values[0]) if op == "Gt" else int(label) < int(values[0]))
        return {
            "In": label in values,
            "NotIn": label not in values,
            "Exists": label is not None,
            "DoesNotExist": label is None,
        }[op]

    return all(one(term) for term in terms)


DIGITS = [str(i) for i in range(8)]
terms = st.one_of(
    st.builds(
        lambda op, vs: requirement(GEN, op, *sorted(vs)),
        st.sampled_from(["In", "NotIn"]),
        st.sets(st.sampled_from(DIGITS), min_size=1, max_size=4),
    ),
    st.builds(lambda op: requirement(GEN, op), st.sampled_from(["Exists", "DoesNotExist"])),
    st.builds(lambda op, v: requirement(GEN, op, v), st.sampled_from(["Gt", "Lt"]), st.sampled_from(DIGITS)),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(terms, min_size=1, max_size=2), st.lists(terms, max_size=2))
@example([requirement(GEN, "NotIn", "1")], [requirement(GEN, "Exists")])  # a node without the label matched
def test_a_widened_key_keeps_every_node_that_matched(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    if GEN in widened_keys(old, new):
        for label in [None, *DIGITS]:
            assert not matches(old, label) or matches(new, label), label


def test_widening_requirements_replace_no_node() -> None:
    spot, both = requirement(CT, "In", "spot"), requirement(CT, "In", "spot", "on-demand")
    arch = requirement("kubernetes.io/arch", "In", "amd64")
    [change] = diff_manifests([pool()], [pool(template__spec__requirements=[both, arch])])
    assert change.impact is Impact.BEHAVIOUR
    [field] = change.fields
    assert (field.path, field.note) == (
        f"spec.template.spec.requirements[{CT}].values",
        "widens: existing nodes still match",
    )
    text = report([change])
    assert "REPLACES NODES" not in text
    assert "(behaviour, widens: existing nodes still match)" in text
    assert "0 object(s) will make Karpenter replace nodes" in text
    # Widening one key while narrowing another still replaces the nodes outside the narrowed key.
    [mixed] = diff_manifests(
        [pool()], [pool(template__spec__requirements=[both, requirement(arch["key"], "In", "arm64")])]
    )
    assert mixed.impact is Impact.DRIFT
    assert {f.path.split("]")[0].split("[")[1]: f.impact for f in mixed.fields} == {
        CT: Impact.BEHAVIOUR,
        "kubernetes.io/arch": Impact.DRIFT,
    }
    assert "REPLACES NODES that no longer match" in report([mixed])
    # minValues is a flexibility floor for launches; nodes are matched on labels only.
    floored = dict(spot, minValues=3)
    [floor] = diff_manifests([pool()], [pool(template__spec__requirements=[floored, arch])])
    assert [(f.impact, f.note) for f in floor.fields] == [
        (Impact.BEHAVIOUR, "flexibility floor: existing nodes still match")
    ]


def test_two_terms_on_one_key_are_named_by_operator() -> None:
    exclude, floor = requirement(FAMILY, "NotIn", "t3", "t3a"), dict(requirement(FAMILY, "Exists"), minValues=5)
    arch = requirement("kubernetes.io/arch", "In", "amd64")
    before = pool(template__spec__requirements=[exclude, floor, arch])
    assert f"spec.template.spec.requirements[{FAMILY} NotIn].values" in flatten(before)
    assert f"spec.template.spec.requirements[{FAMILY} Exists].minValues" in flatten(before)
    # A term inserted in front renames nothing; excluding fewer families widens the key.
    spot = requirement(CT, "In", "spot")
    after = pool(template__spec__requirements=[spot, requirement(FAMILY, "NotIn", "t3"), floor, arch])
    [change] = diff_manifests([before], [after])
    assert [(f.path, f.impact) for f in change.fields] == [
        (f"spec.template.spec.requirements[{FAMILY} NotIn].values", Impact.BEHAVIOUR),
        (f"spec.template.spec.requirements[{CT}].key", Impact.DRIFT),  # a new key: nodes without it are replaced
        (f"spec.template.spec.requirements[{CT}].operator", Impact.DRIFT),
        (f"spec.template.spec.requirements[{CT}].values", Impact.DRIFT),
    ]
    taints = [{"key": "dedicated", "value": "web", "effect": e} for e in ("NoSchedule", "NoExecute")]
    assert set(flatten({"taints": taints})) >= {
        "taints[dedicated NoSchedule].effect",
        "taints[dedicated NoExecute].value",
    }


def test_added_and_removed_objects() -> None:
    [added] = diff_manifests([], [pool()])
    # A new pool launches nodes as pods need them: no existing node is replaced.
    assert (added.change, added.impact, added.replaces_nodes) == ("added", Impact.NEW, False)
    assert "added NodePool web-amd64  [new: replaces no node]" in report([added])
    assert "0 object(s) will make Karpenter replace nodes" in report([added])
    assert not replaces_nodes([added])
    [removed] = diff_manifests([pool()], [])
    # Karpenter drains and terminates the nodes of a deleted NodePool.
    assert (removed.change, removed.replaces_nodes) == ("removed", True)
    assert "REMOVES NODES" in report([removed])
    assert report([]) == "no changes\n"


def test_labels_name_what_an_object_is() -> None:
    fleet = load_stack("dev", PROJECT).fleet().manifests()
    by_kind = {(m["kind"], m["metadata"]["name"]): m for m in fleet}
    assert category(by_kind[("CronJob", "off-hours-jobs-amd64-down")]) is Impact.OFF_HOURS
    assert category(by_kind[("ClusterRole", "karpenter-off-hours")]) is Impact.OFF_HOURS
    assert category(by_kind[("Deployment", "headroom-default-amd64-small")]) is Impact.HEADROOM
    assert category(by_kind[("PriorityClass", "karpenter-headroom")]) is Impact.HEADROOM
    rule = {"kind": "PrometheusRule", "metadata": {"name": "karpenter"}}
    assert category(rule) is Impact.MONITORING
    off_hours = [m for m in fleet if m["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "off-hours"]
    text = report(diff_manifests([], off_hours))
    assert "headroom" not in text
    assert "added CronJob karpenter-off-hours/off-hours-jobs-amd64-down  [new off-hours: replaces no node]" in text
    cron = by_kind[("CronJob", "off-hours-jobs-amd64-down")]
    changed = {**cron, "spec": {**cron["spec"], "schedule": "0 21 * * 1-5"}}
    [change] = diff_manifests([cron], [changed])
    assert change.impact is Impact.OFF_HOURS
    assert "[off-hours only]" in report([change])


def git_repo(tmp_path: Path) -> tuple[Path, Any]:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT / "stacks", repo / "stacks", ignore=shutil.ignore_patterns("__pycache__"))

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return repo, git


def test_diff_exit_code_gates_on_node_replacement(tmp_path: Path) -> None:
    repo, _ = git_repo(tmp_path)
    dev = repo / "stacks" / "nodegroups" / "dev.py"
    original = dev.read_text()
    args = ["diff", "--stack", "dev", "--exit-code", "--project-dir", str(repo)]
    dev.write_text(original.replace("weight=60,", "weight=65,"))  # behaviour only
    assert CliRunner().invoke(app, args).exit_code == 0
    dev.write_text(original.replace('name="graviton",', 'name="graviton2",'))  # one pool added, one removed
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_REPLACES_NODES == 3, result.output
    assert "added NodePool graviton2-arm64  [new: replaces no node]" in result.stdout
    assert "removed NodePool graviton-arm64  [REMOVES NODES" in result.stdout
    # Without --exit-code the diff only reports (test_diff_command_against_a_git_revision: exit 0 with drift).


def test_diff_command_against_a_git_revision(tmp_path: Path) -> None:
    repo, _ = git_repo(tmp_path)
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
    assert "requirement karpenter.k8s.aws/instance-cpu: In [4, 8, 16] -> In [8, 16]  (drift)" in out
    assert "REPLACES NODES" in out
    unchanged = CliRunner().invoke(app, ["diff", "--stack", "prod", "--project-dir", str(repo)])
    assert unchanged.stdout == "no changes\n"


def test_an_immutable_field_is_reported_as_recreating_the_object() -> None:
    from karpenter_infra.diff import diff_manifests, report

    base = {"kind": "PriorityClass", "metadata": {"name": "p"}, "value": -1, "preemptionPolicy": "Never"}
    head = {**base, "preemptionPolicy": "PreemptLowerPriority"}
    (change,) = diff_manifests([base], [head])
    assert change.impact is Impact.RECREATE
    assert "changed PriorityClass p  [RECREATES the object (a field the API cannot update)]" in report([change])


def test_a_recreate_outranks_a_drift_in_the_same_object() -> None:
    """The API server refuses the whole update when one field is immutable (a real server showed it,
    tests/e2e/test_updates.py): a pool whose template and node class group change is deleted and created again."""
    from karpenter_infra.diff import diff_manifests, report

    head = pool(template__spec__expireAfter="24h")
    head["spec"]["template"]["spec"]["nodeClassRef"] = {"group": "eks.amazonaws.com", "kind": "NodeClass", "name": "d"}
    (change,) = diff_manifests([pool()], [head])
    assert change.impact is Impact.RECREATE and change.replaces_nodes
    assert "nodes replaced in NodePool" in report([change]) and "recreated" in report([change])


def test_a_changed_role_binding_is_recreated_not_updated() -> None:
    from karpenter_infra.diff import diff_manifests, report
    from karpenter_infra.render.offhours import rbac

    binding = next(m for m in rbac([], "off") if m["kind"] == "ClusterRoleBinding")
    head = {**binding, "roleRef": {**binding["roleRef"], "name": "view"}}
    (change,) = diff_manifests([binding], [head])
    assert change.impact is Impact.RECREATE
    assert "RECREATES the object (a field the API cannot update)" in report([change])


def test_reordered_requirement_values_are_named_a_reordering_not_a_widening() -> None:
    """The importer's report compares the chart's order with our sorted one: the same values are no wider."""
    family = "karpenter.k8s.aws/instance-family"
    arch = requirement("kubernetes.io/arch", "In", "amd64")
    chart = pool(template__spec__requirements=[requirement(family, "In", "m6a", "c6a"), arch])
    ours = pool(template__spec__requirements=[requirement(family, "In", "c6a", "m6a"), arch])
    [change] = diff_manifests([chart], [ours])
    assert not change.replaces_nodes
    assert [(f.impact, f.note) for f in change.fields] == [(Impact.BEHAVIOUR, "reordered: the same values")]
