"""Each update ``karpenter-infra diff`` classifies, applied to a real API server.

``diff`` calls a change RECREATE when the API refuses to update the field in place (``diff._IMMUTABLE`` and the
NodePool's static/dynamic rule), so Pulumi has to delete and create the object. The server is the judge: every
RECREATE change must be refused, for the reason ``diff`` gives, and every other change must be accepted.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from karpenter_infra import diff
from tests.e2e.conftest import start
from tests.e2e.kube import ApiError, ApiServer, Manifest
from tests.e2e.objects import NO_CRD, apply_order, monitoring_namespaces, stack_objects

STACK = "dev"
POOL = "default-amd64"
Change = Callable[[Manifest], None]


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    name: str
    change: Change
    #: What the server says when it refuses the change (only read when ``diff`` calls it RECREATE).
    refusal: str = ""


def static_pool(pool: Manifest) -> Manifest:
    """A static NodePool (``replicas``) beside the rendered ones: no weight, no limits but ``nodes``."""
    static = copy.deepcopy(pool)
    static["metadata"]["name"] = f"{POOL}-static"
    del static["spec"]["weight"], static["spec"]["limits"]
    static["spec"]["replicas"] = 2
    return static


def _set(path: str, value: object) -> Change:
    def change(manifest: Manifest) -> None:
        *parents, last = path.split(".")
        node = manifest
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value

    return change


def _make_static(pool: Manifest) -> None:
    del pool["spec"]["weight"], pool["spec"]["limits"]
    pool["spec"]["replicas"] = 2


def _make_dynamic(pool: Manifest) -> None:
    del pool["spec"]["replicas"]


def _auto_mode_class(pool: Manifest) -> None:
    pool["spec"]["template"]["spec"]["nodeClassRef"].update(group="eks.amazonaws.com", kind="NodeClass")


def _new_selector(deployment: Manifest) -> None:
    # The template's labels change with it: a selector the template does not match is refused for that instead.
    deployment["spec"]["selector"]["matchLabels"]["tier"] = "headroom"
    deployment["spec"]["template"]["metadata"]["labels"]["tier"] = "headroom"


def _narrow_zones(pool: Manifest) -> None:
    for requirement in pool["spec"]["template"]["spec"]["requirements"]:
        if requirement["key"] == "topology.kubernetes.io/zone":
            requirement["values"] = requirement["values"][:1]


def _instance_profile(node_class: Manifest) -> None:
    del node_class["spec"]["role"]
    node_class["spec"]["instanceProfile"] = "KarpenterNodeInstanceProfile"


def _first_rule_for(rule: Manifest) -> None:
    rule["spec"]["groups"][0]["rules"][0]["for"] = "42m"


def _other_pools(role: Manifest) -> None:
    role["rules"][0]["resourceNames"] = role["rules"][0]["resourceNames"][:1]


def _dashboard_data(config_map: Manifest) -> None:
    config_map["data"] = {
        name: text.replace("Karpenter", "Karpenter (edited)") for name, text in config_map["data"].items()
    }


STATIC = f"{POOL}-static"
CASES = [
    # What diff calls RECREATE.
    Case("nodepool-replicas-added", "NodePool", POOL, _make_static, "Cannot transition NodePool between static"),
    Case("nodepool-replicas-removed", "NodePool", STATIC, _make_dynamic, "Cannot transition NodePool between static"),
    Case("nodepool-node-class-group", "NodePool", POOL, _auto_mode_class, "nodeClassRef.group is immutable"),
    Case("deployment-selector", "Deployment", "headroom-default-amd64-small", _new_selector, "field is immutable"),
    Case("priorityclass-value", "PriorityClass", "karpenter-headroom", _set("value", -999), "may not be changed"),
    Case(
        "priorityclass-preemption",
        "PriorityClass",
        "karpenter-headroom",
        _set("preemptionPolicy", "PreemptLowerPriority"),
        "field is immutable",
    ),
    Case(
        "clusterrolebinding-role",
        "ClusterRoleBinding",
        "karpenter-off-hours",
        _set("roleRef.name", "view"),
        "cannot change roleRef",
    ),
    # What diff calls an update in place.
    Case("nodepool-static-replicas", "NodePool", STATIC, _set("spec.replicas", 3)),
    Case("nodepool-weight", "NodePool", POOL, _set("spec.weight", 60)),
    Case("nodepool-limits", "NodePool", POOL, _set("spec.limits.cpu", "300")),
    Case("nodepool-consolidate-after", "NodePool", POOL, _set("spec.disruption.consolidateAfter", "5m")),
    Case("nodepool-requirement", "NodePool", POOL, _narrow_zones),
    Case("nodepool-node-labels", "NodePool", POOL, _set("spec.template.metadata.labels.tier", "general")),
    Case("nodepool-node-class-name", "NodePool", POOL, _set("spec.template.spec.nodeClassRef.name", "jobs-amd64")),
    Case("nodepool-metadata", "NodePool", POOL, _set("metadata.labels.team", "platform")),
    Case("ec2nodeclass-tags", "EC2NodeClass", POOL, _set("spec.tags.team", "payments")),
    Case("ec2nodeclass-instance-profile", "EC2NodeClass", POOL, _instance_profile),
    Case("ec2nodeclass-ami", "EC2NodeClass", POOL, _set("spec.amiSelectorTerms", [{"alias": "al2023@v20250101"}])),
    Case("deployment-replicas", "Deployment", "headroom-default-amd64-small", _set("spec.replicas", 3)),
    Case("priorityclass-description", "PriorityClass", "karpenter-headroom", _set("description", "spare capacity")),
    Case("cronjob-schedule", "CronJob", "off-hours-jobs-amd64-down", _set("spec.schedule", "0 20 * * *")),
    Case("cronjob-suspend", "CronJob", "off-hours-jobs-amd64-up", _set("spec.suspend", True)),
    Case("configmap-data", "ConfigMap", "karpenter-off-hours", _set("data", {"x.yaml": "{}"})),
    Case("clusterrole-rules", "ClusterRole", "karpenter-off-hours", _other_pools),
    Case(
        "clusterrolebinding-subjects",
        "ClusterRoleBinding",
        "karpenter-off-hours",
        _set("subjects", [{"kind": "ServiceAccount", "name": "default", "namespace": "karpenter-off-hours"}]),
    ),
    Case("namespace-labels", "Namespace", "karpenter-headroom", _set("metadata.labels.team", "platform")),
    Case("prometheusrule-for", "PrometheusRule", "karpenter", _first_rule_for),
    Case("dashboards-data", "ConfigMap", "karpenter-dashboards", _dashboard_data),
]


@dataclass
class Fleet:
    server: ApiServer
    objects: dict[tuple[str, str], Manifest]


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    server = start()
    for namespace in monitoring_namespaces(STACK):
        server.apply(namespace)
    objects = with_static_pool(apply_order([m for m in stack_objects(STACK) if m["kind"] not in NO_CRD]))
    for manifest in objects:
        server.apply(manifest)
    yield Fleet(server, {(m["kind"], m["metadata"]["name"]): m for m in objects})
    server.close()


def with_static_pool(objects: list[Manifest]) -> list[Manifest]:
    return [
        *objects,
        static_pool(next(m for m in objects if m["kind"] == "NodePool" and m["metadata"]["name"] == POOL)),
    ]


@functools.cache
def rendered() -> dict[tuple[str, str], Manifest]:
    return {(m["kind"], m["metadata"]["name"]): m for m in with_static_pool(stack_objects(STACK))}


def case_change(case: Case, objects: dict[tuple[str, str], Manifest] | None = None) -> diff.ObjectChange:
    """``diff``'s verdict on the case: the rendered object against the changed one."""
    old = (objects or rendered())[(case.kind, case.name)]
    new = copy.deepcopy(old)
    case.change(new)
    (change,) = diff.diff_manifests([old], [new])
    return change


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_server_refuses_exactly_what_diff_calls_recreate(fleet: Fleet, case: Case) -> None:
    old = fleet.objects[(case.kind, case.name)]
    change = case_change(case, fleet.objects)
    assert change.change == "changed"
    new = change.new
    assert new is not None
    try:
        fleet.server.apply(new)
    except ApiError as error:
        assert change.impact is diff.Impact.RECREATE, f"diff calls it {change.impact.value}; the server: {error}"
        assert error.status == 422 and case.refusal in str(error), str(error)
        return
    fleet.server.apply(old)  # back to the rendered object for the next case
    assert change.impact is not diff.Impact.RECREATE, "diff calls it RECREATE, the server updated it in place"


def test_every_recreate_rule_of_diff_has_a_case() -> None:
    recreated = {
        (case.kind, field.path)
        for case in CASES
        for field in case_change(case).fields
        if field.impact is diff.Impact.RECREATE
    }
    kinds = {kind for kind, _ in rendered()}  # RoleBinding is in diff's table, but no stack renders one
    rules = [(kind, prefix) for kind, prefixes in diff._IMMUTABLE.items() if kind in kinds for prefix in prefixes]
    rules.append(("NodePool", "spec.replicas"))
    assert [r for r in rules if not any(k == r[0] and p.startswith(r[1]) for k, p in recreated)] == []
