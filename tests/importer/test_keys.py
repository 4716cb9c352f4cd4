"""Every key of the chart's configuration table, one values file each, checked in the manifests the import renders.

Each case sets one key (top level or under ``nodeGroups.ng``) on top of ``support.BASE`` and names where the chart
puts it. ``test_the_table_covers_every_key_of_the_chart`` keeps the table complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from karpenter_infra.importer.keys import KUBELET_MAPS

from .support import one, requirement, with_base

NP, NC = "NodePool", "EC2NodeClass"

#: The chart's README configuration tables (global, per node group, headroom, kubelet), plus the keys its templates
#: read that the README leaves out (clusterName, nodeGroupLabel, headRoomNamespace).
CHART_TABLE_KEYS = {
    "ApiVersion",
    "IamRole",
    "IamInstanceProfile",
    "amiFamily",
    "amiSelectorTerms",
    "subnetSelectorTerms",
    "securityGroupSelectorTerms",
    "nodeGroupLabelName",
    "nodeTags",
    "nodeGroups",
    "blockDeviceMappings",
    "detailedMonitoring",
    "associatePublicIPAddress",
    "instanceStorePolicy",
    "metaDataHttpEndpoint",
    "metaDataHttpProtocolIPv6",
    "metaDataHttpPutResponseHopLimit",
    "metaDataHttpTokens",
    "userData",
    "instances",
    "instances.minGeneration",
    "instances.architecture",
    "instances.categories",
    "instances.cores",
    "instances.capacityType",
    "instances.operatingSystems",
    "instances.instanceTypes",
    "availabilityZones",
    "expireAfter",
    "weight",
    "excludeFamilies",
    "consolidationPolicy",
    "consolidateAfter",
    "excludeInstanceSize",
    "headRoom",
    "additionalRequirements",
    "autoTaint",
    "cilium",
    "ciliumEffect",
    "labels",
    "additionalNodeTags",
    "annotations",
    "nodeClassRef",
    "taints",
    "startupTaints",
    "limits",
    "capacitySpread",
    "budgets",
    "headRoom.size",
    "headRoom.count",
    "headRoom.antiAffinitySpec",
    "headRoom.nameSpaces",
    "kubeletClusterDNS",
    *KUBELET_MAPS,
    "kubeletImageGCHighThresholdPercent",
    "kubeletImageGCLowThresholdPercent",
    "kubeletImageMinimumGCAge",
    "kubeletCpuCFSQuota",
    "kubeletPodsPerCore",
    "kubeletMaxPods",
    "clusterName",
    "nodeGroupLabel",
    "headRoomNamespace",
}


@dataclass(frozen=True)
class Case:
    key: str
    values: dict[str, Any]
    kind: str
    name: str
    path: str
    expected: Any


def group(**settings: Any) -> dict[str, Any]:
    return {"nodeGroups": {"ng": {"instances": {}, **settings}}}


def at(manifest: dict[str, Any], path: str) -> Any:
    """``spec.kubelet.maxPods`` (or ``/``-separated where keys hold dots); ``requirement:<key>`` is that requirement
    as ``(operator, values)``; absent is None."""
    if path.startswith("requirement:"):
        term = requirement(manifest, path.split(":", 1)[1])
        return None if term is None else (term["operator"], term.get("values"))
    value: Any = manifest
    for part in path.split("/" if "/" in path else "."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _kubelet_value(key: str) -> str:
    if "GracePeriod" in key:
        return "3m0s"
    if key.endswith("Cpu"):
        return "300m"
    if key.endswith("EphemeralStorage"):
        return "3Gi"
    if "MemoryAvailable" in key or key.endswith("Memory"):
        return "300Mi"
    return "11%"


_CRD_KUBELET = {
    "system_reserved": "systemReserved",
    "kube_reserved": "kubeReserved",
    "eviction_hard": "evictionHard",
    "eviction_soft": "evictionSoft",
    "eviction_soft_grace_period": "evictionSoftGracePeriod",
}

HEADROOM = "headroom-ng-amd64-small"

CASES = [
    Case("ApiVersion", {"ApiVersion": "v1"}, NP, "ng-amd64", "apiVersion", "karpenter.sh/v1"),
    Case("clusterName", {"clusterName": "prod-1"}, NP, "ng-amd64", "spec.template.metadata.labels.cluster", "prod-1"),
    Case("nodeGroups", {"nodeGroups": {"other": {"instances": {}}}}, NP, "other-amd64", "kind", "NodePool"),
    Case(
        "nodeGroupLabelName", {"nodeGroupLabelName": "pool"}, NP, "ng-amd64", "spec.template.metadata.labels.pool", "ng"
    ),
    Case("nodeGroupLabel", group(nodeGroupLabel="shared"), NC, "ng-amd64", "spec.tags.nodegroup", "shared"),
    Case("IamRole", group(IamRole="my-role"), NC, "ng-amd64", "spec.role", "my-role"),
    Case(
        "IamInstanceProfile",
        group(IamInstanceProfile="my-profile"),
        NC,
        "ng-amd64",
        "spec.instanceProfile",
        "my-profile",
    ),
    Case(
        "amiFamily",
        {"amiFamily": "Bottlerocket"},
        NC,
        "ng-amd64",
        "spec.amiSelectorTerms",
        [{"alias": "bottlerocket@latest"}],
    ),
    Case(
        "amiSelectorTerms",
        group(amiSelectorTerms=[{"id": "ami-0123"}]),
        NC,
        "ng-amd64",
        "spec.amiSelectorTerms",
        [{"id": "ami-0123"}],
    ),
    Case(
        "subnetSelectorTerms",
        group(subnetSelectorTerms=[{"id": "subnet-1"}]),
        NC,
        "ng-amd64",
        "spec.subnetSelectorTerms",
        [{"id": "subnet-1"}],
    ),
    Case(
        "securityGroupSelectorTerms",
        group(securityGroupSelectorTerms=[{"name": "nodes"}]),
        NC,
        "ng-amd64",
        "spec.securityGroupSelectorTerms",
        [{"name": "nodes"}],
    ),
    Case(
        "nodeTags",
        group(nodeTags={"team": "data"}),
        NC,
        "ng-amd64",
        "spec.tags",
        {"cluster": "c1", "managed_by": "karpenter", "nodegroup": "ng", "team": "data"},
    ),
    Case("additionalNodeTags", group(additionalNodeTags={"cost": "ml"}), NC, "ng-amd64", "spec.tags.cost", "ml"),
    Case(
        "blockDeviceMappings",
        group(blockDeviceMappings=[{"deviceName": "/dev/xvdb", "ebs": {"volumeSize": "50Gi", "volumeType": "gp3"}}]),
        NC,
        "ng-amd64",
        "spec.blockDeviceMappings",
        [
            {
                "deviceName": "/dev/xvdb",
                "ebs": {"volumeSize": "50Gi", "volumeType": "gp3"},  # verbatim: nothing the chart did not render
            }
        ],
    ),
    Case("detailedMonitoring", group(detailedMonitoring=True), NC, "ng-amd64", "spec.detailedMonitoring", True),
    Case(
        "associatePublicIPAddress",
        group(associatePublicIPAddress=True),
        NC,
        "ng-amd64",
        "spec.associatePublicIPAddress",
        True,
    ),
    Case(
        "instanceStorePolicy", group(instanceStorePolicy="RAID0"), NC, "ng-amd64", "spec.instanceStorePolicy", "RAID0"
    ),
    Case(
        "metaDataHttpEndpoint",
        group(metaDataHttpEndpoint="disabled"),
        NC,
        "ng-amd64",
        "spec.metadataOptions.httpEndpoint",
        "disabled",
    ),
    Case(
        "metaDataHttpProtocolIPv6",
        group(metaDataHttpProtocolIPv6="enabled"),
        NC,
        "ng-amd64",
        "spec.metadataOptions.httpProtocolIPv6",
        "enabled",
    ),
    Case(
        "metaDataHttpPutResponseHopLimit",
        group(metaDataHttpPutResponseHopLimit=3),
        NC,
        "ng-amd64",
        "spec.metadataOptions.httpPutResponseHopLimit",
        3,
    ),
    Case(
        "metaDataHttpTokens",
        group(metaDataHttpTokens="optional"),
        NC,
        "ng-amd64",
        "spec.metadataOptions.httpTokens",
        "optional",
    ),
    Case("userData", group(userData="echo {{ .key }}\n"), NC, "ng-amd64", "spec.userData", "echo ng\n"),
    Case(
        "instances",
        {"instances": {"categories": ["c"]}},
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-category",
        ("In", ["c"]),
    ),
    Case(
        "instances.minGeneration",
        group(instances={"minGeneration": 7}),
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-generation",
        ("Gt", ["6"]),
    ),
    Case(
        "instances.architecture",
        group(instances={"architecture": "arm64"}),
        NP,
        "ng-arm64",
        "requirement:kubernetes.io/arch",
        ("In", ["arm64"]),
    ),
    Case(
        "instances.categories",
        group(instances={"categories": ["r", "c"]}),
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-category",
        ("In", ["c", "r"]),
    ),
    Case(
        "instances.cores",
        group(instances={"cores": ["2", 4]}),
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-cpu",
        ("In", ["2", "4"]),
    ),
    Case(
        "instances.capacityType",
        group(instances={"capacityType": ["on-demand"]}),
        NP,
        "ng-amd64",
        "requirement:karpenter.sh/capacity-type",
        ("In", ["on-demand"]),
    ),
    Case(
        "instances.operatingSystems",
        group(instances={"operatingSystems": ["linux"]}),
        NP,
        "ng-amd64",
        "requirement:kubernetes.io/os",
        ("In", ["linux"]),
    ),
    Case(
        "instances.instanceTypes",
        group(instances={"instanceTypes": ["m5.large"]}),
        NP,
        "ng-amd64",
        "requirement:node.kubernetes.io/instance-type",
        ("In", ["m5.large"]),
    ),
    Case(
        "availabilityZones",
        group(availabilityZones=["eu-west-1c", "eu-west-1b"]),
        NP,
        "ng-amd64",
        "requirement:topology.kubernetes.io/zone",
        ("In", ["eu-west-1b", "eu-west-1c"]),
    ),
    Case("expireAfter", group(expireAfter="Never"), NP, "ng-amd64", "spec.template.spec.expireAfter", "Never"),
    Case("weight", group(weight=7), NP, "ng-amd64", "spec.weight", 7),
    Case(
        "excludeFamilies",
        {"excludeFamilies": ["t3"]},
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-family",
        ("NotIn", ["t3"]),
    ),
    Case(
        "excludeInstanceSize",
        {"excludeInstanceSize": ["metal"]},
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-size",
        ("NotIn", ["metal"]),
    ),
    Case(
        "consolidationPolicy",
        group(consolidationPolicy="WhenEmpty"),
        NP,
        "ng-amd64",
        "spec.disruption.consolidationPolicy",
        "WhenEmpty",
    ),
    Case("consolidateAfter", group(consolidateAfter="10m"), NP, "ng-amd64", "spec.disruption.consolidateAfter", "10m"),
    Case(
        "additionalRequirements",
        group(additionalRequirements=[{"key": "karpenter.k8s.aws/instance-local-nvme", "operator": "Exists"}]),
        NP,
        "ng-amd64",
        "requirement:karpenter.k8s.aws/instance-local-nvme",
        ("Exists", None),
    ),
    Case(
        "autoTaint",
        group(autoTaint="true", nodeGroupLabel="my-group"),
        NP,
        "ng-amd64",
        "spec.template.spec.taints",
        [{"key": "dedicated", "value": "my_group", "effect": "NoSchedule"}],
    ),
    Case(
        "cilium",
        group(cilium=True),
        NP,
        "ng-amd64",
        "spec.template.spec.startupTaints",
        [{"key": "node.cilium.io/agent-not-ready", "value": "true", "effect": "NoExecute"}],
    ),
    Case(
        "ciliumEffect",
        {"ciliumEffect": "NoSchedule", **group(cilium=True)},
        NP,
        "ng-amd64",
        "spec.template.spec.startupTaints",
        [{"key": "node.cilium.io/agent-not-ready", "value": "true", "effect": "NoSchedule"}],
    ),
    Case("labels", group(labels={"team": "search"}), NP, "ng-amd64", "spec.template.metadata.labels.team", "search"),
    Case(
        "annotations",
        group(annotations={"example.com/owner": "search"}),
        NP,
        "ng-amd64",
        "spec.template.metadata.annotations",
        {"example.com/owner": "search"},
    ),
    Case(
        "nodeClassRef",
        {
            "nodeGroups": {
                "od": {
                    "instances": {"capacityType": ["on-demand"]},
                    "nodeClassRef": {"name": "ng-amd64", "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"},
                }
            }
        },
        NP,
        "od-amd64",
        "spec.template.spec.nodeClassRef",
        {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "ng-amd64"},
    ),
    Case(
        "taints",
        group(taints=[{"key": "example.com/gpu", "value": "a10", "effect": "NoExecute"}]),
        NP,
        "ng-amd64",
        "spec.template.spec.taints",
        [{"key": "example.com/gpu", "value": "a10", "effect": "NoExecute"}],
    ),
    Case(
        "startupTaints",
        group(startupTaints=[{"key": "example.com/init", "value": "pending", "effect": "NoSchedule"}]),
        NP,
        "ng-amd64",
        "spec.template.spec.startupTaints",
        [{"key": "example.com/init", "value": "pending", "effect": "NoSchedule"}],
    ),
    Case(
        "limits",
        group(limits={"cpu": 100, "memory": "200Gi"}),
        NP,
        "ng-amd64",
        "spec.limits",
        {"cpu": "100", "memory": "200Gi"},
    ),
    Case(
        "capacitySpread",
        group(capacitySpread={"start": 1, "end": 3}),
        NP,
        "ng-amd64",
        "requirement:capacity-spread",
        ("In", ["1", "2", "3"]),
    ),
    Case("budgets", group(budgets=[{"nodes": "20%"}]), NP, "ng-amd64", "spec.disruption.budgets", [{"nodes": "20%"}]),
    Case(
        "headRoom",
        {"headRoom": True, **group(headRoom=[{"size": "small"}])},
        "PriorityClass",
        "karpenter-headroom",
        "value",
        -1000000,
    ),
    Case(
        "headRoom.size",
        group(headRoom=[{"size": "xlarge"}]),
        "Deployment",
        "headroom-ng-amd64-xlarge",
        "spec.template.spec.containers",
        None,
    ),
    Case("headRoom.count", group(headRoom=[{"size": "small", "count": 3}]), "Deployment", HEADROOM, "spec.replicas", 3),
    Case(
        "headRoom.antiAffinitySpec",
        group(headRoom=[{"size": "small", "antiAffinitySpec": [{"key": "app", "operator": "In", "values": ["db"]}]}]),
        "Deployment",
        HEADROOM,
        "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        None,
    ),
    Case(
        "headRoom.nameSpaces",
        group(
            headRoom=[
                {
                    "size": "small",
                    "antiAffinitySpec": [{"key": "app", "operator": "In", "values": ["db"]}],
                    "nameSpaces": ["data"],
                }
            ]
        ),
        "Deployment",
        HEADROOM,
        "spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        None,
    ),
    Case(
        "headRoomNamespace",
        {"headRoomNamespace": "warm", **group(headRoom=[{"size": "small"}])},
        "Deployment",
        HEADROOM,
        "metadata.namespace",
        "warm",
    ),
    Case(
        "kubeletClusterDNS",
        group(kubeletClusterDNS=["10.0.0.10"]),
        NC,
        "ng-amd64",
        "spec.kubelet.clusterDNS",
        ["10.0.0.10"],
    ),
    Case(
        "kubeletImageGCHighThresholdPercent",
        group(kubeletImageGCHighThresholdPercent=90),
        NC,
        "ng-amd64",
        "spec.kubelet.imageGCHighThresholdPercent",
        90,
    ),
    Case(
        "kubeletImageGCLowThresholdPercent",
        group(kubeletImageGCLowThresholdPercent=70),
        NC,
        "ng-amd64",
        "spec.kubelet.imageGCLowThresholdPercent",
        70,
    ),
    Case(
        "kubeletImageMinimumGCAge",
        group(kubeletImageMinimumGCAge="2m0s"),
        NC,
        "ng-amd64",
        "spec.kubelet.imageMinimumGCAge",
        None,
    ),
    Case("kubeletCpuCFSQuota", group(kubeletCpuCFSQuota=True), NC, "ng-amd64", "spec.kubelet.cpuCFSQuota", True),
    Case("kubeletPodsPerCore", group(kubeletPodsPerCore=10), NC, "ng-amd64", "spec.kubelet.podsPerCore", 10),
    Case("kubeletMaxPods", group(kubeletMaxPods=58), NC, "ng-amd64", "spec.kubelet.maxPods", 58),
    *(
        Case(
            key,
            group(**{key: _kubelet_value(key)}),
            NC,
            "ng-amd64",
            f"spec/kubelet/{_CRD_KUBELET[ours]}/{entry}",
            _kubelet_value(key),
        )
        for key, (ours, entry) in KUBELET_MAPS.items()
    ),
]

#: Cases whose ``expected`` is checked by a function instead of by equality.
CHECKS: dict[str, Callable[[Any], bool]] = {
    "headRoom.size": lambda containers: containers[0]["resources"]["requests"] == {"cpu": "8", "memory": "32Gi"},
    # The chart's one term: its own k8s-app selector with the antiAffinitySpec ANDed on, verbatim.
    "headRoom.antiAffinitySpec": lambda terms: (
        len(terms) == 1
        and terms[0]["labelSelector"]["matchExpressions"][1] == {"key": "app", "operator": "In", "values": ["db"]}
        and "namespaces" not in terms[0]
    ),
    "headRoom.nameSpaces": lambda terms: terms[0]["namespaces"] == ["karpenter", "data"],
}


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_chart_key(tmp_path: Path, case: Case) -> None:
    result = with_base(tmp_path, case.values)
    found = at(one(result, case.kind, case.name), case.path)
    if case.key in CHECKS:
        assert CHECKS[case.key](found), found
    else:
        assert found == case.expected


def test_the_table_covers_every_key_of_the_chart() -> None:
    assert {c.key for c in CASES} == CHART_TABLE_KEYS


def test_global_keys_apply_to_every_group_and_groups_override_them(tmp_path: Path) -> None:
    result = with_base(
        tmp_path,
        {
            "weight": 5,
            "IamInstanceProfile": "ignored-while-IamRole-has-its-default",
            "nodeGroups": {"a": {"instances": {}}, "b": {"instances": {}, "weight": 9, "IamRole": "b-role"}},
        },
    )
    assert one(result, NP, "a-amd64")["spec"]["weight"] == 5
    assert one(result, NP, "b-amd64")["spec"]["weight"] == 9
    assert one(result, NC, "a-amd64")["spec"]["role"] == "eks_nodes_role"
    assert one(result, NC, "b-amd64")["spec"]["role"] == "b-role"


def test_a_global_instance_profile_applies_once_the_default_role_is_nulled(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"IamRole": None, "IamInstanceProfile": "profile"})
    spec = one(result, NC, "ng-amd64")["spec"]
    assert spec["instanceProfile"] == "profile"
    assert "role" not in spec


def test_default_style_keys_ignore_a_groups_empty_value_as_the_chart_does(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"detailedMonitoring": True, **group(detailedMonitoring=False)})
    assert one(result, NC, "ng-amd64")["spec"]["detailedMonitoring"] is True
    assert any("ignores the group's empty value" in str(w) for w in result.warnings)


def test_has_key_style_keys_take_a_groups_empty_list(tmp_path: Path) -> None:
    result = with_base(tmp_path, {"excludeFamilies": ["t3"], **group(excludeFamilies=["m6a"])})
    assert requirement(one(result, NP, "ng-amd64"), "karpenter.k8s.aws/instance-family") == {
        "key": "karpenter.k8s.aws/instance-family",
        "operator": "NotIn",
        "values": ["m6a"],
    }


def test_user_data_keys_of_a_group_are_not_typos(tmp_path: Path) -> None:
    result = with_base(
        tmp_path,
        {"mirror": "https://m", "userData": "M={{ .value.mirror | default $.Values.mirror }}\n", **group(mirror="x")},
    )
    assert one(result, NC, "ng-amd64")["spec"]["userData"] == "M=x\n"
