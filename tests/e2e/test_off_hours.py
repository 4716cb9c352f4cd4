"""The off-hours jobs against the real RBAC authorizer: their ServiceAccount may do exactly what the jobs' commands
need, and the limit they apply coexists with the fleet's own server-side apply (render/offhours.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from karpenter_infra.render.offhours import FIELD_MANAGER, SERVICE_ACCOUNT
from tests.e2e.conftest import start
from tests.e2e.kube import ApiError, ApiServer, Manifest
from tests.e2e.objects import NO_CRD, apply_order, monitoring_namespaces, stack_objects

STACK = "dev"
NAMESPACE = "karpenter-off-hours"
USER = f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
GROUPS = ["system:serviceaccounts", f"system:serviceaccounts:{NAMESPACE}", "system:authenticated"]
VERBS = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")


@dataclass
class Cluster:
    server: ApiServer
    objects: list[Manifest]

    def of_kind(self, kind: str) -> list[Manifest]:
        return [m for m in self.objects if m["kind"] == kind]

    def documents(self) -> dict[str, Manifest]:
        """The NodePool documents the jobs apply, by file name, from the ConfigMap they mount."""
        (config_map,) = [m for m in self.of_kind("ConfigMap") if m["metadata"]["name"] == SERVICE_ACCOUNT]
        return {name: json.loads(text) for name, text in config_map["data"].items()}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    server = start()
    for namespace in monitoring_namespaces(STACK):
        server.apply(namespace)
    objects = apply_order([m for m in stack_objects(STACK) if m["kind"] not in NO_CRD])
    for manifest in objects:
        server.apply(manifest)
    yield Cluster(server, objects)
    server.close()


Access = tuple[str, str, str, str]  # verb, API group, resource, name ("" for any)


def needed(cluster: Cluster) -> set[Access]:
    """What the jobs' commands do, read from the rendered CronJobs: ``kubectl apply --server-side -f FILE`` gets
    the object (to migrate client-side apply's annotation) and patches it; ``kubectl delete nodeclaims -l ...``
    lists them and deletes each."""
    documents = cluster.documents()
    access: set[Access] = set()
    for job in cluster.of_kind("CronJob"):
        pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == SERVICE_ACCOUNT
        for container in pod.get("initContainers", []) + pod["containers"]:
            args = container["args"]
            if args[:2] == ["apply", "--server-side"]:
                document = documents[args[args.index("-f") + 1].removeprefix("/config/")]
                name = document["metadata"]["name"]
                access |= {("get", "karpenter.sh", "nodepools", name), ("patch", "karpenter.sh", "nodepools", name)}
            elif args[:2] == ["delete", "nodeclaims"]:
                access |= {("list", "karpenter.sh", "nodeclaims", ""), ("delete", "karpenter.sh", "nodeclaims", "")}
            else:
                raise AssertionError(f"a command this test does not know: {args}")
    return access


def asked(cluster: Cluster) -> list[Access]:
    """Every verb on the fleet's own kinds (each pool by name and any pool) and on what else a job could touch."""
    names = [""] + [m["metadata"]["name"] for m in cluster.of_kind("NodePool")]
    resources = [("karpenter.sh", "nodepools", name) for name in names] + [
        ("karpenter.sh", "nodeclaims", ""),
        ("karpenter.k8s.aws", "ec2nodeclasses", ""),
        ("", "nodes", ""),
        ("", "pods", ""),
        ("", "secrets", ""),
        ("", "configmaps", ""),
        ("apps", "deployments", ""),
        ("batch", "cronjobs", ""),
        ("rbac.authorization.k8s.io", "clusterroles", ""),
    ]
    return [(verb, group, resource, name) for group, resource, name in resources for verb in VERBS]


def test_the_service_account_may_do_exactly_what_the_jobs_need(cluster: Cluster) -> None:
    def allowed(access: Access) -> bool:
        verb, group, resource, name = access
        attributes = {"verb": verb, "group": group, "resource": resource, "name": name}
        if resource in ("pods", "secrets", "configmaps", "deployments", "cronjobs"):
            attributes["namespace"] = NAMESPACE
        return cluster.server.allowed(USER, GROUPS, attributes)

    need = needed(cluster)
    assert {a for a in asked(cluster) if allowed(a)} == need
    # Each job's pool is one the RBAC names, and only scheduled pools are named.
    scheduled = {m["metadata"]["labels"]["nodegroup"] for m in cluster.of_kind("CronJob")}
    assert len({name for _, _, resource, name in need if resource == "nodepools"}) >= len(scheduled) > 0


def test_the_jobs_limit_and_the_fleets_apply_leave_each_other_alone(cluster: Cluster) -> None:
    server, documents = cluster.server, cluster.documents()
    down = next(d for name, d in sorted(documents.items()) if name.endswith("-down.yaml"))
    up = documents[f"{down['metadata']['name']}-up.yaml"]
    (pool,) = [m for m in cluster.of_kind("NodePool") if m["metadata"]["name"] == down["metadata"]["name"]]

    # The down job, as the ServiceAccount and with its field manager (kubectl apply does not force).
    assert server.apply(down, manager=FIELD_MANAGER, force=False, user=USER)["spec"]["limits"]["nodes"] == "0"
    # The fleet's next apply (a `pulumi up` at night) neither conflicts nor resets the job's limit.
    night = server.apply(pool, force=False)
    assert night["spec"]["limits"] == {**pool["spec"].get("limits", {}), "nodes": "0"}
    # The up job removes its limit and nothing else.
    morning = server.apply(up, manager=FIELD_MANAGER, force=False, user=USER)
    assert morning["spec"].get("limits", {}) == pool["spec"].get("limits", {})
    assert server.get(pool)["spec"] == morning["spec"]


def test_the_service_account_cannot_touch_an_unscheduled_pool(cluster: Cluster) -> None:
    scheduled = {d["metadata"]["name"] for d in cluster.documents().values()}
    other = next(m for m in cluster.of_kind("NodePool") if m["metadata"]["name"] not in scheduled)
    document = {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": other["metadata"]["name"]}}
    with pytest.raises(ApiError) as refused:
        cluster.server.apply({**document, "spec": {"limits": {"nodes": "0"}}}, manager=FIELD_MANAGER, user=USER)
    assert refused.value.status == 403
