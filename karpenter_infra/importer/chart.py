"""What the ``karpenter_nodes`` chart 1.1.5 renders for a set of values, and which objects the API would refuse.

The migration report compares this with what the import renders, so a team sees before ``pulumi up`` what adopting
the live release changes. It is a model of the chart's templates written as Python, not a template engine: each
function follows one template key by key, with the chart's two override styles (``x | default y`` falls back on any
empty value and prints ``y`` even when that is ``0`` or ``false``; ``hasKey`` does not fall back) and with YAML's
re-typing of what a template prints unquoted (``true`` becomes a boolean). Values go through ``toYaml`` with their
types. Nulls are dropped as the API server prunes them. A template error (the chart cannot render the values at all)
raises ``ChartFailure``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from karpenter_infra.importer.base import go_int64
from karpenter_infra.importer.helm_render import chart_user_data, render_helm
from karpenter_infra.importer.helm_template import UserDataError, parse_template
from karpenter_infra.importer.keys import KUBELET_MAPS, KUBELET_SCALARS
from karpenter_infra.importer.values import LoadedValues, go_print, is_empty, reparsed
from karpenter_infra.karpenter.validate import ManifestError, validate_manifest
from karpenter_infra.spec.headroom import HEADROOM_SIZES, HeadroomSize
from karpenter_infra.spec.nodeclass import KUBELET_FIELDS

#: The live PriorityClass's description, as the chart writes it; adopting it means repeating it.
CHART_PRIORITY_DESCRIPTION = "Used for dummy pods to generate headroom in karpenter"
CHART_HEADROOM_IMAGE = "registry.k8s.io/pause"
CHART_HEADROOM_LABEL = "k8s-app"
CHART_PRIORITY_VALUE = -1_000_000

Manifest = dict[str, Any]


class ChartFailure(Exception):
    """The chart cannot render these values at all (a template error or output that is not YAML)."""


@dataclass(frozen=True)
class ChartObject:
    manifest: Manifest
    #: Why the API server refuses the object, or ``None`` when it is accepted (and so is live today).
    rejected: str | None = None

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def name(self) -> str:
        return str(self.manifest["metadata"]["name"])


def _or(value: Any, fallback: Any) -> Any:
    """Sprig's ``value | default fallback``."""
    return fallback if is_empty(value) else value


def _printed(value: Any) -> Any:
    """``key: {{ value }}``: printed, then typed again by YAML."""
    return reparsed(go_print(value))


def _pruned_manifest(manifest: Manifest) -> Manifest:
    pruned: Manifest = _pruned(manifest)
    return pruned


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _map(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChartFailure(f"{what}: not a mapping")
    return value


def _list(value: Any) -> list[Any]:
    """``range`` over a value: nothing for nil, the items of a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    raise ChartFailure(f"cannot range over {value!r}")


class _Group:
    def __init__(self, values: dict[str, Any], key: str, raw: Any) -> None:
        if not isinstance(raw, dict):
            raise ChartFailure(f"nodeGroups.{key}: not a mapping")
        self.values, self.key, self.raw = values, key, raw
        if not isinstance(raw.get("instances"), dict):
            raise ChartFailure(f"nodeGroups.{key}: hasKey on the missing `instances` fails")
        self.instances: dict[str, Any] = raw["instances"]
        self.top_instances = _map(values.get("instances"), "instances")
        self.architecture = go_print(_or(self.instances.get("architecture"), self.top_instances.get("architecture")))
        self.name = f"{key}-{self.architecture}"
        self.label = _or(raw.get("nodeGroupLabel"), key)

    def pick(self, key: str) -> Any:
        return _or(self.raw.get(key), self.values.get(key))

    def instance(self, key: str) -> Any:
        return _or(self.instances.get(key), self.top_instances.get(key))

    def layer(self, key: str) -> Any:
        """``hasKey $v key`` picks the group's value, else the top level's."""
        return self.raw[key] if key in self.raw else self.values.get(key)

    def has(self, key: str) -> bool:
        return key in self.raw or key in self.values


def _taints(items: Any) -> list[dict[str, Any]]:
    return [
        {"key": _printed(t.get("key")), "value": _printed(t.get("value")), "effect": _printed(t.get("effect"))}
        for t in (_map(item, "taints") for item in _list(items))
    ]


def _requirements(g: _Group) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(key: str, operator: str, values: list[Any]) -> None:
        out.append({"key": key, "operator": operator, "values": values or None})

    if "instanceTypes" not in g.instances:
        add("karpenter.k8s.aws/instance-category", "In", [_printed(c) for c in _list(g.instance("categories"))])
        add("karpenter.k8s.aws/instance-cpu", "In", [go_print(c) for c in _list(g.instance("cores"))])
        generation = go_int64(g.instance("minGeneration")) - 1
        add("karpenter.k8s.aws/instance-generation", "Gt", [str(generation)])
    add("topology.kubernetes.io/zone", "In", [_printed(z) for z in _list(g.pick("availabilityZones"))])
    arch = ["amd64", "arm64"] if g.architecture == "multiarch" else [_printed(g.architecture)]
    add("kubernetes.io/arch", "In", arch)
    add("karpenter.sh/capacity-type", "In", [_printed(c) for c in _list(g.instance("capacityType"))])
    add("kubernetes.io/os", "In", [_printed(o) for o in _list(g.instance("operatingSystems"))])
    if g.has("excludeFamilies"):
        add("karpenter.k8s.aws/instance-family", "NotIn", [_printed(f) for f in _list(g.layer("excludeFamilies"))])
    if g.has("excludeInstanceSize"):
        if "excludeInstanceSize" in g.raw:
            raise ChartFailure(f"nodeGroups.{g.key}.excludeInstanceSize: the template cannot render it per group")
        add("karpenter.k8s.aws/instance-size", "NotIn", [_printed(s) for s in _list(g.values["excludeInstanceSize"])])
    if "capacitySpread" in g.raw:
        spread = g.raw["capacitySpread"]
        if not isinstance(spread, dict):
            raise ChartFailure(f"nodeGroups.{g.key}.capacitySpread: not a mapping")
        start, end = go_int64(spread.get("start")), go_int64(spread.get("end")) + 1
        add("capacity-spread", "In", [str(i) for i in range(start, end)])
    if "instanceTypes" in g.instances:
        add("node.kubernetes.io/instance-type", "In", [_printed(t) for t in _list(g.instances["instanceTypes"])])
    if g.has("additionalRequirements"):
        extra = g.pick("additionalRequirements")
        if extra is None:
            raise ChartFailure(f"nodeGroups.{g.key}: additionalRequirements renders a bare null into the list")
        out.extend(copy.deepcopy(_list(extra)))
    return out


def node_pool(g: _Group) -> Manifest:
    values = g.values
    labels = {go_print(values.get("nodeGroupLabelName")): _printed(g.label), "cluster": _printed(values["clusterName"])}
    if "labels" in g.raw:
        labels.update({str(k): _printed(v) for k, v in sorted(_map(g.raw["labels"], "labels").items())})
    metadata: dict[str, Any] = {"labels": labels}
    if "annotations" in g.raw:
        annotations = _map(g.raw["annotations"], "annotations")
        metadata["annotations"] = {str(k): _printed(v) for k, v in sorted(annotations.items())} or None
    spec: dict[str, Any] = {}
    if "nodeClassRef" in g.raw:
        spec["nodeClassRef"] = copy.deepcopy(g.raw["nodeClassRef"])
    else:
        spec["nodeClassRef"] = {"name": g.name, "group": "karpenter.k8s.aws", "kind": "EC2NodeClass"}
    auto = g.pick("autoTaint")
    if not isinstance(auto, str):
        raise ChartFailure(f"nodeGroups.{g.key}.autoTaint: `eq` of {auto!r} and a string: incompatible types")
    if "taints" in g.raw or auto == "true":
        taints = []
        if auto == "true":
            taints.append(
                {"key": "dedicated", "effect": "NoSchedule", "value": _printed(go_print(g.label).replace("-", "_"))}
            )
        spec["taints"] = taints + _taints(g.raw.get("taints"))
    cilium = g.pick("cilium")
    if "startupTaints" in g.raw or not is_empty(cilium):
        startup = _taints(g.raw.get("startupTaints"))
        if not is_empty(cilium):
            effect = _printed(g.pick("ciliumEffect"))
            startup.append({"key": "node.cilium.io/agent-not-ready", "value": "true", "effect": effect})
        spec["startupTaints"] = startup or None
    spec["requirements"] = _requirements(g)
    spec["expireAfter"] = _printed(g.pick("expireAfter"))
    disruption: dict[str, Any] = {
        "consolidationPolicy": _printed(g.pick("consolidationPolicy")),
        "consolidateAfter": _printed(g.pick("consolidateAfter")),
    }
    if not is_empty(g.raw.get("budgets")):
        disruption["budgets"] = copy.deepcopy(g.raw["budgets"])
    pool: dict[str, Any] = {"template": {"metadata": metadata, "spec": spec}, "disruption": disruption}
    if "limits" in g.raw:
        pool["limits"] = {str(k): _printed(v) for k, v in sorted(_map(g.raw["limits"], "limits").items())} or None
    pool["weight"] = _printed(g.pick("weight"))
    return _pruned_manifest(
        {
            "apiVersion": f"karpenter.sh/{go_print(values.get('ApiVersion'))}",
            "kind": "NodePool",
            "metadata": {"name": g.name},
            "spec": pool,
        }
    )


def _identity(g: _Group) -> dict[str, Any]:
    for layer in (g.raw, g.values):
        for key, field in (("IamRole", "role"), ("IamInstanceProfile", "instanceProfile")):
            if key in layer:
                return {field: _printed(layer[key])}
    raise ChartFailure(f"nodeGroups.{g.key}: nodeClass error: Either IamRole or IamInstanceProfile must be defined")


def _kubelet(g: _Group) -> dict[str, Any]:
    kubelet: dict[str, Any] = {}
    if g.has("kubeletClusterDNS"):
        kubelet["clusterDNS"] = [_printed(ip) for ip in _list(g.layer("kubeletClusterDNS"))] or None
    for key, (ours, entry) in KUBELET_MAPS.items():
        kubelet.setdefault(KUBELET_FIELDS[ours], {})[entry] = _printed(g.pick(key))
    for key in ("kubeletImageGCHighThresholdPercent", "kubeletImageGCLowThresholdPercent"):
        if g.has(key):
            kubelet[KUBELET_FIELDS[KUBELET_SCALARS[key]]] = _printed(g.pick(key))
    # kubeletImageMinimumGCAge renders imageMinimumGCAge, which the v1 CRD does not have: the API server prunes it.
    if g.has("kubeletCpuCFSQuota"):
        kubelet["cpuCFSQuota"] = _printed(g.pick("kubeletCpuCFSQuota"))
    for key in ("kubeletPodsPerCore", "kubeletMaxPods"):
        if g.has(key):
            kubelet[KUBELET_FIELDS[KUBELET_SCALARS[key]]] = _printed(g.pick(key))
    return kubelet


def _user_data(g: _Group) -> str | None:
    if not g.has("userData"):
        return None
    source = g.layer("userData")
    if not isinstance(source, str):
        raise ChartFailure(f"nodeGroups.{g.key}.userData: tpl needs a string")
    try:
        rendered = render_helm(parse_template(source), {"Values": g.values, "key": g.key, "value": g.raw})
    except UserDataError as exc:
        raise ChartFailure(f"nodeGroups.{g.key}.userData: `{exc.construct}`: {exc.problem}") from None
    text = chart_user_data(rendered)
    if text is None:
        raise ChartFailure(f"nodeGroups.{g.key}.userData: the rendered user data breaks the YAML")
    return text


def ec2_node_class(g: _Group) -> Manifest:
    values = g.values
    spec: dict[str, Any] = _identity(g)
    spec["amiFamily"] = _printed(g.pick("amiFamily"))
    if g.has("amiSelectorTerms"):
        spec["amiSelectorTerms"] = copy.deepcopy(g.pick("amiSelectorTerms"))
    else:
        spec["amiSelectorTerms"] = [{"alias": _printed(f"{go_print(values.get('amiFamily')).lower()}@latest")}]
    for key in ("subnetSelectorTerms", "securityGroupSelectorTerms"):
        spec[key] = copy.deepcopy(g.layer(key))
    tags = {"cluster": _printed(values["clusterName"]), go_print(values.get("nodeGroupLabelName")): _printed(g.label)}
    if g.has("nodeTags"):
        tags.update(copy.deepcopy(_map(g.pick("nodeTags"), "nodeTags")))
    if "additionalNodeTags" in g.raw:
        tags.update(copy.deepcopy(_map(g.raw["additionalNodeTags"], "additionalNodeTags")))
    tags["managed_by"] = "karpenter"
    spec["tags"] = tags
    spec["blockDeviceMappings"] = copy.deepcopy(g.layer("blockDeviceMappings"))
    if g.has("instanceStorePolicy"):
        spec["instanceStorePolicy"] = _printed(g.layer("instanceStorePolicy"))
    spec["detailedMonitoring"] = _printed(g.pick("detailedMonitoring"))
    spec["associatePublicIPAddress"] = _printed(g.pick("associatePublicIPAddress"))
    spec["metadataOptions"] = {
        "httpEndpoint": _printed(g.pick("metaDataHttpEndpoint")),
        "httpProtocolIPv6": _printed(g.pick("metaDataHttpProtocolIPv6")),
        "httpPutResponseHopLimit": _printed(g.pick("metaDataHttpPutResponseHopLimit")),
        "httpTokens": _printed(g.pick("metaDataHttpTokens")),
    }
    spec["kubelet"] = _kubelet(g)
    spec["userData"] = _user_data(g)
    return _pruned_manifest(
        {
            "apiVersion": f"karpenter.k8s.aws/{go_print(values.get('ApiVersion'))}",
            "kind": "EC2NodeClass",
            "metadata": {"name": g.name},
            "spec": spec,
        }
    )


def headroom_namespace(values: dict[str, Any]) -> str:
    return go_print(_or(values.get("headRoomNamespace"), "karpenter"))


def headroom_deployments(g: _Group) -> list[ChartObject]:
    out = []
    namespace = headroom_namespace(g.values)
    for item in _list(g.raw.get("headRoom")):
        entry = _map(item, f"nodeGroups.{g.key}.headRoom")
        size = go_print(entry.get("size"))
        name = f"headroom-{g.name}-{size}"
        selector = {CHART_HEADROOM_LABEL: _printed(name)}
        expressions: list[Any] = [{"key": CHART_HEADROOM_LABEL, "operator": "In", "values": [_printed(name)]}]
        if "antiAffinitySpec" in entry:
            if entry["antiAffinitySpec"] is None:
                raise ChartFailure(f"nodeGroups.{g.key}.headRoom: antiAffinitySpec null renders a bare null")
            expressions.extend(copy.deepcopy(_list(entry["antiAffinitySpec"])))
        term: dict[str, Any] = {
            "labelSelector": {"matchExpressions": expressions},
            "topologyKey": "kubernetes.io/hostname",
        }
        rejected = _selector_problem(expressions)
        if "nameSpaces" in entry:
            term["namespaces"] = [_printed(namespace), *(_printed(n) for n in _list(entry["nameSpaces"]))]
        else:
            term["namespaces"] = {}
            rejected = rejected or "podAntiAffinity namespaces: {} is a map where the API wants a list"
        requests = None
        if size in {s.value for s in HeadroomSize}:
            cpu, memory = HEADROOM_SIZES[HeadroomSize(size)]
            requests = {"cpu": cpu, "memory": memory}
        pod = {
            "affinity": {
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {"key": "karpenter.sh/nodepool", "operator": "In", "values": [g.name]}
                                ]
                            }
                        ]
                    }
                },
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]},
            },
            "tolerations": [{"operator": "Exists"}],
            "containers": [{"name": "pause", "image": CHART_HEADROOM_IMAGE, "resources": {"requests": requests}}],
            "priorityClassName": "karpenter-headroom",
        }
        manifest = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(selector)},
            "spec": {
                "replicas": _printed(_or(entry.get("count"), 1)),
                "selector": {"matchLabels": dict(selector)},
                "template": {"metadata": {"labels": dict(selector)}, "spec": pod},
            },
        }
        out.append(ChartObject(_pruned(manifest), rejected))
    return out


def _selector_problem(expressions: list[Any]) -> str | None:
    """What the API server refuses in a LabelSelectorRequirement list (apimachinery ValidateLabelSelector)."""
    for expression in expressions:
        if not isinstance(expression, dict) or not isinstance(expression.get("key"), str):
            return f"antiAffinitySpec: {expression!r} is not a label selector requirement"
        values = expression.get("values")
        if values is not None and not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            return f"antiAffinitySpec: values {values!r} must be strings"
        operator = expression.get("operator")
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return f"antiAffinitySpec: {operator!r} is not a selector operator"
        if (operator in ("In", "NotIn")) != bool(values):
            return f"antiAffinitySpec: {operator} with values {values!r}"
    return None


def priority_class() -> Manifest:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "karpenter-headroom"},
        "value": CHART_PRIORITY_VALUE,
        "globalDefault": False,
        "description": CHART_PRIORITY_DESCRIPTION,
    }


def _checked(manifest: Manifest) -> ChartObject:
    try:
        validate_manifest(manifest)
    except ManifestError as exc:
        path, problem = exc.issues[0]
        return ChartObject(manifest, f"{path}: {problem}")
    return ChartObject(manifest)


def render_chart(loaded: LoadedValues) -> list[ChartObject]:
    """Every object ``helm template`` prints for these values, in the chart's order, each marked accepted or not."""
    values = loaded.values
    groups = _map(values.get("nodeGroups"), "nodeGroups")
    objects: list[ChartObject] = []
    resolved = [_Group(values, key, groups[key]) for key in sorted(groups)]
    for g in resolved:
        if "nodeClassRef" not in g.raw:
            objects.append(_checked(ec2_node_class(g)))
    objects.extend(_checked(node_pool(g)) for g in resolved)
    for g in resolved:
        objects.extend(headroom_deployments(g))
    if not is_empty(values.get("headRoom")):
        objects.append(ChartObject(priority_class()))
    return objects
