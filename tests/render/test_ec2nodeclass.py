"""EC2NodeClass fields, user data templating and tags."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra import (
    BlockDevice,
    Fleet,
    Kubelet,
    MetadataOptions,
    NodeGroup,
    NodeGroupDefaults,
    SpecError,
    SubnetSelectorTerm,
)


def nodeclass(group: NodeGroup, **defaults: Any) -> dict[str, Any]:
    fleet = Fleet(NodeGroupDefaults.model_validate({"cluster_name": "t", **defaults}), [group], node_role="R")
    [manifest] = [m for m in fleet.manifests() if m["kind"] == "EC2NodeClass"]
    return manifest


def test_defaults_are_explicit() -> None:
    spec = nodeclass(NodeGroup(name="a"))["spec"]
    assert spec == {
        "role": "R",
        "amiFamily": "AL2023",
        "amiSelectorTerms": [{"alias": "al2023@latest"}],
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "t"}}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "t"}}],
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 1,
            "httpTokens": "required",
        },
        "detailedMonitoring": False,
        "tags": {"cluster": "t", "managed_by": "karpenter", "nodegroup": "a"},
    }


def test_every_node_class_field() -> None:
    spec = nodeclass(
        NodeGroup(
            name="a",
            instance_profile="Profile",
            block_device_mappings=[BlockDevice(volume_size=100, iops=4000, throughput=250, root_volume=True)],
            metadata_options=MetadataOptions(http_put_response_hop_limit=2),
            detailed_monitoring=True,
            associate_public_ip_address=False,
            instance_store_policy="RAID0",
            kubelet=Kubelet(max_pods=58, cpu_cfs_quota=False, cluster_dns=["10.100.0.10"]),
            subnet_selector_terms=[SubnetSelectorTerm(id="subnet-0abc")],
        )
    )["spec"]
    assert spec["instanceProfile"] == "Profile"
    assert "role" not in spec
    assert spec["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/xvda",
            "rootVolume": True,
            "ebs": {
                "volumeSize": "100Gi",
                "volumeType": "gp3",
                "iops": 4000,
                "throughput": 250,
                "encrypted": True,
                "deleteOnTermination": True,
            },
        }
    ]
    assert spec["metadataOptions"]["httpPutResponseHopLimit"] == 2
    assert spec["detailedMonitoring"] is True
    assert spec["associatePublicIPAddress"] is False
    assert spec["instanceStorePolicy"] == "RAID0"
    assert spec["kubelet"] == {"clusterDNS": ["10.100.0.10"], "maxPods": 58, "cpuCFSQuota": False}
    assert spec["subnetSelectorTerms"] == [{"id": "subnet-0abc"}]


def test_user_data_template_sees_cluster_group_and_merged_values() -> None:
    template = "{{ cluster_name }} {{ group.name }} {{ group.group_label }} {{ values.a }} {{ values.b }}"
    spec = nodeclass(
        NodeGroup(name="web", group_label="frontend", user_data_values={"b": "group"}),
        user_data_template=template,
        user_data_values={"a": "defaults", "b": "defaults"},
    )["spec"]
    assert spec["userData"] == "t web frontend defaults group"


def test_group_carries_the_library_tags_and_the_users() -> None:
    tags = nodeclass(NodeGroup(name="a", group_label="shared"), node_tags={"team": "x", "managed_by": "karpenter"})[
        "spec"
    ]["tags"]
    assert tags == {"cluster": "t", "managed_by": "karpenter", "nodegroup": "shared", "team": "x"}


@pytest.mark.parametrize(
    ("tags", "key"),
    [
        ({"managed_by": "someone-else"}, "managed_by"),
        ({"cluster": "prod-eu-1"}, "cluster"),
        ({"nodegroup": "b"}, "nodegroup"),
    ],
)
def test_a_tag_that_clashes_with_a_library_tag_is_an_error(tags: dict[str, str], key: str) -> None:
    with pytest.raises(SpecError, match=rf"^nodegroup 'a': node_tags: '{key}' is a tag the library writes"):
        nodeclass(NodeGroup(name="a", node_tags=tags))


@pytest.mark.parametrize("where", ["group", "defaults"])
def test_library_tags_off_writes_only_the_users_tags(where: str) -> None:
    tags = {"cluster": "prod-eu-1", "owner": "team"}
    if where == "group":
        spec = nodeclass(NodeGroup(name="a", library_tags=False, node_tags=tags))["spec"]
    else:
        spec = nodeclass(NodeGroup(name="a"), library_tags=False, node_tags=tags)["spec"]
    assert spec["tags"] == tags


def test_library_tags_off_and_no_tags_renders_no_tags_field() -> None:
    assert "tags" not in nodeclass(NodeGroup(name="a"), library_tags=False)["spec"]


def test_a_group_may_turn_library_tags_back_on() -> None:
    spec = nodeclass(NodeGroup(name="a", library_tags=True), library_tags=False)["spec"]
    assert spec["tags"] == {"cluster": "t", "managed_by": "karpenter", "nodegroup": "a"}


def test_block_device_defaults_stay_explicit_when_unsaid() -> None:
    [device] = nodeclass(NodeGroup(name="a", block_device_mappings=[BlockDevice(volume_size=20)]))["spec"][
        "blockDeviceMappings"
    ]
    assert device == {
        "deviceName": "/dev/xvda",
        "ebs": {"volumeSize": "20Gi", "volumeType": "gp3", "encrypted": True, "deleteOnTermination": True},
    }


def test_block_device_fields_set_to_none_are_not_rendered() -> None:
    device = BlockDevice(
        device_name="/dev/xvdb", snapshot_id="snap-0abc", volume_type=None, encrypted=None, delete_on_termination=None
    )
    [rendered] = nodeclass(NodeGroup(name="a", block_device_mappings=[device]))["spec"]["blockDeviceMappings"]
    assert rendered == {"deviceName": "/dev/xvdb", "ebs": {"snapshotID": "snap-0abc"}}


def test_block_device_false_is_rendered_as_false() -> None:
    device = BlockDevice(volume_size="50Gi", encrypted=False, delete_on_termination=False)
    [rendered] = nodeclass(NodeGroup(name="a", block_device_mappings=[device]))["spec"]["blockDeviceMappings"]
    assert rendered["ebs"]["encrypted"] is False and rendered["ebs"]["deleteOnTermination"] is False
