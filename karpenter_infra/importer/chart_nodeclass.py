"""The chart's EC2NodeClass, key by key, with its user data rendered as Helm's ``tpl`` renders it."""

from __future__ import annotations

import copy
from typing import Any

from karpenter_infra.importer.chart_template import (
    ChartFailure,
    ChartGroup,
    Manifest,
    as_list,
    as_map,
    printed,
    pruned_manifest,
)
from karpenter_infra.importer.helm_render import chart_user_data, render_helm
from karpenter_infra.importer.helm_template import UserDataError, parse_template
from karpenter_infra.importer.keys import KUBELET_MAPS, KUBELET_SCALARS
from karpenter_infra.importer.values import go_print
from karpenter_infra.spec.nodeclass import KUBELET_FIELDS


def _identity(g: ChartGroup) -> dict[str, Any]:
    for layer in (g.raw, g.values):
        for key, field in (("IamRole", "role"), ("IamInstanceProfile", "instanceProfile")):
            if key in layer:
                return {field: printed(layer[key])}
    raise ChartFailure(f"nodeGroups.{g.key}: nodeClass error: Either IamRole or IamInstanceProfile must be defined")


def _kubelet(g: ChartGroup) -> dict[str, Any]:
    kubelet: dict[str, Any] = {}
    if g.has("kubeletClusterDNS"):
        kubelet["clusterDNS"] = [printed(ip) for ip in as_list(g.layer("kubeletClusterDNS"))] or None
    for key, (ours, entry) in KUBELET_MAPS.items():
        kubelet.setdefault(KUBELET_FIELDS[ours], {})[entry] = printed(g.pick(key))
    for key in ("kubeletImageGCHighThresholdPercent", "kubeletImageGCLowThresholdPercent"):
        if g.has(key):
            kubelet[KUBELET_FIELDS[KUBELET_SCALARS[key]]] = printed(g.pick(key))
    # kubeletImageMinimumGCAge renders imageMinimumGCAge, which the v1 CRD does not have: the API server prunes it.
    if g.has("kubeletCpuCFSQuota"):
        kubelet["cpuCFSQuota"] = printed(g.pick("kubeletCpuCFSQuota"))
    for key in ("kubeletPodsPerCore", "kubeletMaxPods"):
        if g.has(key):
            kubelet[KUBELET_FIELDS[KUBELET_SCALARS[key]]] = printed(g.pick(key))
    return kubelet


def _user_data(g: ChartGroup) -> str | None:
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


def ec2_node_class(g: ChartGroup) -> Manifest:
    values = g.values
    spec: dict[str, Any] = _identity(g)
    spec["amiFamily"] = printed(g.pick("amiFamily"))
    if g.has("amiSelectorTerms"):
        spec["amiSelectorTerms"] = copy.deepcopy(g.pick("amiSelectorTerms"))
    else:
        spec["amiSelectorTerms"] = [{"alias": printed(f"{go_print(values.get('amiFamily')).lower()}@latest")}]
    for key in ("subnetSelectorTerms", "securityGroupSelectorTerms"):
        spec[key] = copy.deepcopy(g.layer(key))
    tags = {"cluster": printed(values["clusterName"]), go_print(values.get("nodeGroupLabelName")): printed(g.label)}
    if g.has("nodeTags"):
        tags.update(copy.deepcopy(as_map(g.pick("nodeTags"), "nodeTags")))
    if "additionalNodeTags" in g.raw:
        tags.update(copy.deepcopy(as_map(g.raw["additionalNodeTags"], "additionalNodeTags")))
    tags["managed_by"] = "karpenter"
    spec["tags"] = tags
    spec["blockDeviceMappings"] = copy.deepcopy(g.layer("blockDeviceMappings"))
    if g.has("instanceStorePolicy"):
        spec["instanceStorePolicy"] = printed(g.layer("instanceStorePolicy"))
    spec["detailedMonitoring"] = printed(g.pick("detailedMonitoring"))
    spec["associatePublicIPAddress"] = printed(g.pick("associatePublicIPAddress"))
    spec["metadataOptions"] = {
        "httpEndpoint": printed(g.pick("metaDataHttpEndpoint")),
        "httpProtocolIPv6": printed(g.pick("metaDataHttpProtocolIPv6")),
        "httpPutResponseHopLimit": printed(g.pick("metaDataHttpPutResponseHopLimit")),
        "httpTokens": printed(g.pick("metaDataHttpTokens")),
    }
    spec["kubelet"] = _kubelet(g)
    spec["userData"] = _user_data(g)
    return pruned_manifest(
        {
            "apiVersion": f"karpenter.k8s.aws/{go_print(values.get('ApiVersion'))}",
            "kind": "EC2NodeClass",
            "metadata": {"name": g.name},
            "spec": spec,
        }
    )
