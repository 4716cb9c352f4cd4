"""The EC2NodeClass keys: identity, AMI, selectors, tags, IMDS, disks; and ``nodeClassRef``."""

from __future__ import annotations

from functools import partial
from typing import Any

from pydantic import BaseModel

from karpenter_infra.importer.base import suggest
from karpenter_infra.importer.hoist import KUBELET_KEYS
from karpenter_infra.importer.instances import InstancesMapping
from karpenter_infra.importer.keys import NODECLASS_GROUP, NODECLASS_KIND
from karpenter_infra.importer.kubelet import KubeletMapping
from karpenter_infra.importer.userdata_mapping import UserDataMapping
from karpenter_infra.importer.values import go_print, is_empty
from karpenter_infra.spec.nodeclass import (
    AmiFamily,
    AmiSelectorTerm,
    BlockDevice,
    MetadataOptions,
    SecurityGroupSelectorTerm,
    SubnetSelectorTerm,
)


class NodeClassMapping(KubeletMapping, UserDataMapping, InstancesMapping):
    def _nodeclass(self, raw: dict[str, Any], group_label: str) -> dict[str, Any]:
        nodeclass: dict[str, Any] = {"identity": self.attempt(lambda: self._identity(raw))}
        nodeclass["ami"] = self.attempt(lambda: self._ami(raw))
        for key, model, ours in (
            ("subnetSelectorTerms", SubnetSelectorTerm, "subnet_selector_terms"),
            ("securityGroupSelectorTerms", SecurityGroupSelectorTerm, "security_group_selector_terms"),
        ):
            nodeclass[ours] = self.attempt(partial(self._selector_terms, raw, key, model))
        nodeclass["node_tags"] = self.attempt(lambda: self._node_tags(raw, group_label), {})
        nodeclass["metadata_options"] = self.attempt(lambda: self._metadata_options(raw))
        nodeclass["block_device_mappings"] = self.attempt(lambda: self._block_devices(raw))
        for key, ours in (
            ("detailedMonitoring", "detailed_monitoring"),
            ("associatePublicIPAddress", "associate_public_ip_address"),
        ):
            self.ignored_override(raw, key)
            nodeclass[ours] = self.attempt(partial(self.boolean, key, self.dflt(raw, key)))
        nodeclass["instance_store_policy"] = self.attempt(lambda: self._instance_store_policy(raw))
        kubelet = self.attempt(lambda: self._kubelet(raw), {})
        nodeclass.update({f"kubelet.{k}": kubelet.get(k) for k in KUBELET_KEYS})
        user_data, user_data_template, user_data_values = self.attempt(
            lambda: self._user_data(raw, group_label), (None, None, {})
        )
        nodeclass["user_data"] = user_data
        nodeclass["user_data_template"] = user_data_template
        nodeclass["user_data_values"] = user_data_values
        return nodeclass

    def _identity(self, raw: dict[str, Any]) -> tuple[str | None, str | None] | None:
        for layer in (raw, self.values):
            for key, role in (("IamRole", True), ("IamInstanceProfile", False)):
                if key in layer:
                    value = layer[key]
                    if is_empty(value):
                        raise self.error(key, "empty: the chart renders it null and the EC2NodeClass has neither")
                    text = go_print(value)
                    return (text, None) if role else (None, text)
        if self.node_role is not None:
            return None  # the fleet's node role
        raise self.error(
            "IamRole",
            "neither IamRole nor IamInstanceProfile is set (the chart fails on this); set one, or import with a "
            "node role",
        )

    def _ami(self, raw: dict[str, Any]) -> tuple[str, list[AmiSelectorTerm] | None]:
        family = go_print(self.dflt(raw, "amiFamily"))
        allowed = {f.value for f in AmiFamily}
        if family not in allowed:
            same = [f for f in allowed if f.lower() == family.lower()]
            hint = f"; did you mean {same[0]!r}?" if same else f"; one of {sorted(allowed)}"
            raise self.error("amiFamily", f"{family!r} is not an AMI family Karpenter accepts{hint}")
        if "amiSelectorTerms" in raw or "amiSelectorTerms" in self.values:
            value = self.dflt(raw, "amiSelectorTerms")
            self.ignored_override(raw, "amiSelectorTerms")
            if is_empty(value):
                self.warn(
                    "amiSelectorTerms",
                    "empty: the chart renders null and Karpenter requires AMI selector terms; used the alias "
                    f"{family.lower()}@latest",
                )
            else:
                terms = []
                fields = {
                    "alias": "alias",
                    "id": "id",
                    "name": "name",
                    "owner": "owner",
                    "ssmParameter": "ssm_parameter",
                }
                for index, item in enumerate(self.items("amiSelectorTerms", value, [*fields, "tags"])):
                    where = f"amiSelectorTerms[{index}]"
                    kwargs: dict[str, Any] = {
                        ours: self.tag_value(f"{where}.{k}", item[k]) for k, ours in fields.items() if k in item
                    }
                    if "tags" in item:
                        kwargs["tags"] = {
                            str(k): self.tag_value(f"{where}.tags.{k}", v)
                            for k, v in self.mapping(f"{where}.tags", item["tags"]).items()
                        }
                    alias = kwargs.get("alias")
                    if alias is not None and alias.split("@")[0] != family.lower():
                        raise self.error(
                            f"{where}.alias",
                            f"{alias!r} does not match amiFamily {family!r}; Karpenter rejects the EC2NodeClass",
                        )
                    terms.append(self.model(where, AmiSelectorTerm, **kwargs))
                return family, terms
        top = go_print(self.values.get("amiFamily"))
        if top != family:
            self.warn(
                "amiFamily",
                f"the chart takes the AMI alias from the top-level amiFamily ({top.lower()}@latest) while the group "
                f"runs {family}; Karpenter rejects the mismatch; used {family.lower()}@latest",
            )
        return family, None

    def _selector_terms(self, raw: dict[str, Any], key: str, model: type[BaseModel]) -> list[Any] | None:
        value = raw[key] if key in raw else self.values.get(key)
        allowed = [f for f in model.model_fields if f != "tags"]
        items = self.items(key, value, [*allowed, "tags"])
        if not items:
            self.warn(
                key,
                f"empty: the chart renders {key}: [] and Karpenter rejects it; used the discovery tag "
                f"karpenter.sh/discovery: <cluster name>",
            )
            return None
        terms = []
        for index, item in enumerate(items):
            where = f"{key}[{index}]"
            kwargs: dict[str, Any] = {k: self.tag_value(f"{where}.{k}", item[k]) for k in allowed if k in item}
            if "tags" in item:
                kwargs["tags"] = {
                    str(k): self.tag_value(f"{where}.tags.{k}", v)
                    for k, v in self.mapping(f"{where}.tags", item["tags"]).items()
                }
            terms.append(self.model(where, model, **kwargs))
        return terms

    def _node_tags(self, raw: dict[str, Any], group_label: str) -> dict[str, str]:
        tags: dict[str, str] = {}
        if "nodeTags" in raw or "nodeTags" in self.values:
            self.ignored_override(raw, "nodeTags")
            for k, v in self.mapping("nodeTags", self.dflt(raw, "nodeTags")).items():
                tags[str(k)] = self.tag_value(f"nodeTags.{k}", v)
        for k, v in self.mapping("additionalNodeTags", raw.get("additionalNodeTags")).items():
            if str(k) in tags:
                self.warn(
                    f"additionalNodeTags.{k}",
                    "repeats a nodeTags key: the chart writes the key twice, which strict YAML parsers reject; "
                    "the additional value wins",
                )
            tags[str(k)] = self.tag_value(f"additionalNodeTags.{k}", v)
        builtin = {"cluster", "managed_by", go_print(self.values.get("nodeGroupLabelName"))}
        for k in sorted(set(tags) & builtin):
            self.warn(
                f"nodeTags.{k}",
                "the chart writes this tag itself too, a duplicate key strict YAML parsers reject; kept the chart's "
                "own value",
            )
            del tags[k]
        return tags

    def _metadata_options(self, raw: dict[str, Any]) -> MetadataOptions:
        chart_keys = {
            "http_endpoint": "metaDataHttpEndpoint",
            "http_protocol_ipv6": "metaDataHttpProtocolIPv6",
            "http_put_response_hop_limit": "metaDataHttpPutResponseHopLimit",
            "http_tokens": "metaDataHttpTokens",
        }
        kwargs: dict[str, Any] = {}
        for ours, key in chart_keys.items():
            value = self.dflt(raw, key)
            self.ignored_override(raw, key)
            if ours == "http_put_response_hop_limit":
                kwargs[ours] = self.integer(key, value, 1, 64)
            else:
                kwargs[ours] = go_print(value)
                self.model(key, MetadataOptions, **{ours: kwargs[ours]})
        return MetadataOptions(**kwargs)

    def _block_devices(self, raw: dict[str, Any]) -> list[BlockDevice]:
        value = raw["blockDeviceMappings"] if "blockDeviceMappings" in raw else self.values.get("blockDeviceMappings")
        devices = []
        ebs_fields = {
            "volumeSize": "volume_size",
            "volumeType": "volume_type",
            "iops": "iops",
            "throughput": "throughput",
            "encrypted": "encrypted",
            "kmsKeyID": "kms_key_id",
            "snapshotID": "snapshot_id",
            "deleteOnTermination": "delete_on_termination",
            "volumeInitializationRate": "volume_initialization_rate",
        }
        for index, item in enumerate(self.items("blockDeviceMappings", value, ("deviceName", "ebs", "rootVolume"))):
            where = f"blockDeviceMappings[{index}]"
            if is_empty(item.get("deviceName")):
                raise self.error(f"{where}.deviceName", "missing")
            ebs = self.mapping(f"{where}.ebs", item.get("ebs"))
            for key in ebs:
                if key not in ebs_fields:
                    raise self.error(f"{where}.ebs.{key}", "unknown key" + suggest(key, ebs_fields))
            size = ebs.get("volumeSize")
            if isinstance(size, int | float) and not isinstance(size, bool):
                raise self.error(
                    f"{where}.ebs.volumeSize",
                    f"{size!r} is a number of bytes to Karpenter; write a quantity like 100Gi",
                )
            kwargs: dict[str, Any] = {ebs_fields[k]: v for k, v in ebs.items() if v is not None}
            # What the chart leaves out stays out: EC2 decides it (and Karpenter hashes an unset field differently
            # from a set one, so filling in EC2's answer would replace every node of the class).
            for unset in ("encrypted", "delete_on_termination", "volume_type"):
                kwargs.setdefault(unset, None)
            if self.modernize and kwargs["encrypted"] is not True:
                kwargs["encrypted"] = True
            if "rootVolume" in item:
                kwargs["root_volume"] = self.boolean(f"{where}.rootVolume", item["rootVolume"])
            devices.append(self.model(where, BlockDevice, device_name=item["deviceName"], **kwargs))
        return devices

    def _instance_store_policy(self, raw: dict[str, Any]) -> str | None:
        for layer in (raw, self.values):
            if "instanceStorePolicy" in layer:
                value = layer["instanceStorePolicy"]
                if value is None:
                    return None
                if value != "RAID0":
                    raise self.error(
                        "instanceStorePolicy",
                        f"{value!r} is not an instance store policy Karpenter accepts; the only one is 'RAID0'",
                    )
                return "RAID0"
        return None

    def _node_class_ref(self, raw: dict[str, Any], all_groups: dict[str, Any]) -> tuple[str | None, str | None]:
        """(group whose class it reuses, name of an existing class the values do not render)."""
        ref = self.mapping("nodeClassRef", raw["nodeClassRef"])
        for key in ref:
            if key not in ("name", "group", "kind"):
                raise self.error(f"nodeClassRef.{key}", "unknown key" + suggest(key, ("name", "group", "kind")))
        name = go_print(ref.get("name"))
        if ref.get("group", NODECLASS_GROUP) != NODECLASS_GROUP or ref.get("kind", NODECLASS_KIND) != NODECLASS_KIND:
            raise self.error("nodeClassRef", f"must reference a {NODECLASS_GROUP} {NODECLASS_KIND}, got {ref!r}")
        owner = None
        for other in sorted(all_groups):
            settings = all_groups[other]
            if not isinstance(settings, dict) or "nodeClassRef" in settings:
                continue
            if f"{other}-{self._architecture_of(settings)}" == name:
                owner = other
        if owner is None:
            # The chart documents a reference to a class it does not render (another team's or an add-on's).
            self.warn(
                "nodeClassRef.name",
                f"{name!r} is not an EC2NodeClass these values render: imported as a reference to the existing "
                "class (existing_node_class), which the fleet neither creates nor deletes",
            )
        if "group" not in ref or "kind" not in ref:
            self.warn(
                "nodeClassRef",
                f"the chart passes nodeClassRef through without group and kind, which Karpenter v1 requires; "
                f"rendered with group {NODECLASS_GROUP} and kind {NODECLASS_KIND}",
            )
        return (owner, None) if owner is not None else (None, name)
