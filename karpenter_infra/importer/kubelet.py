"""The ``kubelet*`` keys: the EC2NodeClass kubelet block."""

from __future__ import annotations

from typing import Any

from karpenter_infra.importer.base import Mapper
from karpenter_infra.importer.keys import KUBELET_MAPS, KUBELET_SCALARS
from karpenter_infra.importer.values import go_print, is_empty


class KubeletMapping(Mapper):
    def _kubelet(self, raw: dict[str, Any]) -> dict[str, Any]:
        kubelet: dict[str, Any] = {}
        maps: dict[str, dict[str, str]] = {}
        for key, (ours, entry) in KUBELET_MAPS.items():
            self.ignored_override(raw, key)
            value = self.dflt(raw, key)
            if is_empty(value):
                continue  # the chart prints an empty value, which the API server prunes
            maps.setdefault(ours, {})[entry] = self.text(key, value, "kubelet value")
        soft, grace = maps.get("eviction_soft", {}), maps.get("eviction_soft_grace_period", {})
        for entry in sorted(set(soft) ^ set(grace)):
            missing = next(
                key
                for key, (ours, name) in KUBELET_MAPS.items()
                if name == entry and ours == ("eviction_soft" if entry not in soft else "eviction_soft_grace_period")
            )
            self.warn(
                missing,
                f"empty: the chart renders the soft eviction {entry} without its pair (threshold and grace period), "
                "which Karpenter rejects; left both out",
            )
            soft.pop(entry, None)
            grace.pop(entry, None)
        for ours in (
            "system_reserved",
            "kube_reserved",
            "eviction_hard",
            "eviction_soft",
            "eviction_soft_grace_period",
        ):
            kubelet[ours] = maps.get(ours) or None
        dns = raw["kubeletClusterDNS"] if "kubeletClusterDNS" in raw else self.values.get("kubeletClusterDNS")
        kubelet["cluster_dns"] = self.string_list("kubeletClusterDNS", dns) or None
        for key, ours in KUBELET_SCALARS.items():
            kubelet[ours] = None
            if key in raw or key in self.values:
                self.ignored_override(raw, key)
                # `x | default y` prints y whatever it is, 0 included; only a missing y prints nothing.
                value = self.dflt(raw, key)
                if value is not None and not (value == "" and isinstance(value, str)):
                    high = 100 if "Threshold" in key else 1_000_000
                    kubelet[ours] = self.integer(key, value, 0, high)
                elif key in raw and raw[key] is not None:
                    self.warn(
                        key,
                        f"the chart treats the group's {go_print(raw[key])!r} as empty and prints nothing, so the "
                        "kubelet keeps its own default; imported as the chart renders it (left out)",
                    )
        if not is_empty(self.dflt(raw, "kubeletImageMinimumGCAge")):
            self.warn(
                "kubeletImageMinimumGCAge",
                "imageMinimumGCAge is not a field of the Karpenter v1 EC2NodeClass kubelet (the API server prunes "
                "or rejects it); left out",
            )
        kubelet["cpu_cfs_quota"] = None
        if "kubeletCpuCFSQuota" in raw or "kubeletCpuCFSQuota" in self.values:
            value = self.dflt(raw, "kubeletCpuCFSQuota")
            if value is None:
                if raw.get("kubeletCpuCFSQuota") is False:
                    # A group's false with no top-level value: `false | default nil` prints nothing.
                    if self.modernize:
                        kubelet["cpu_cfs_quota"] = False
                    self.warn(
                        "kubeletCpuCFSQuota",
                        "the chart prints the group's false as nothing, so the kubelet keeps enforcing CPU limits; "
                        + (
                            "set as meant (cpuCFSQuota: false)"
                            if self.modernize
                            else "imported as the chart renders it (left out; --modernize sets it)"
                        ),
                    )
            else:
                kubelet["cpu_cfs_quota"] = self.boolean("kubeletCpuCFSQuota", value)
        return kubelet
