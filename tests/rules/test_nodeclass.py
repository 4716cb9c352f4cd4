"""Kubelet, EBS, selectors, ids, tags, role and AMI: what EC2 and Karpenter refuse of a node class."""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.rules.ebs import volume_problems
from karpenter_infra.spec.nodeclass import BlockDevice
from tests.rules.support import accepted, refused, refused_group


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"kubelet": {"cluster_dns": ["10.100.0.10", "kube-dns"]}}, "kubelet.cluster_dns[1]", "not an IP address"),
        ({"kubelet": {"max_pods": 0}}, "kubelet.max_pods", "at least 1"),
        (
            {"kubelet": {"image_gc_low_threshold_percent": 85, "image_gc_high_threshold_percent": 80}},
            "kubelet.image_gc_low_threshold_percent",
            "below image_gc_high_threshold_percent (80)",
        ),
    ],
)
def test_kubelet_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


def test_image_gc_marks_are_checked_after_the_merge() -> None:
    refused(
        "kubelet.image_gc_low_threshold_percent",
        "below",
        {"name": "web", "kubelet": {"image_gc_low_threshold_percent": 90}},
        defaults={"kubelet": {"image_gc_high_threshold_percent": 85}},
    )


def test_kubelet_accepted() -> None:
    accepted(
        kubelet={
            "cluster_dns": ["10.100.0.10", "fd00::a"],
            "max_pods": 110,
            "image_gc_low_threshold_percent": 70,
            "image_gc_high_threshold_percent": 85,
        }
    )


def disk(**fields: Any) -> dict[str, Any]:
    return {"device_name": "/dev/xvda", "volume_size": 100, **fields}


@pytest.mark.parametrize(
    ("volume", "field", "words"),
    [
        (disk(volume_type="gp3", iops=2000), "iops", "gp3 takes 3000 (its free baseline) to 80000"),
        (disk(volume_type="gp3", iops=90000), "iops", "to 80000 iops"),
        (disk(volume_size=10, volume_type="gp3", iops=16000), "iops", "500 iops per GiB"),
        (disk(volume_type="gp3", iops=3000, throughput=1000), "throughput", "0.25 MiB/s per iops"),
        (disk(volume_type="io1"), "iops", "io1 volumes need iops"),
        (disk(volume_type="io2"), "iops", "io2 volumes need iops"),
        (disk(volume_type="io1", iops=64001), "iops", "100 to 64000"),
        (disk(volume_type="io1", iops=6000), "iops", "50 iops per GiB"),
        (disk(volume_type="io2", iops=500, throughput=200), "throughput", "only gp3"),
        (disk(volume_type="gp2", iops=3000), "iops", "gp2 volumes take no iops"),
        (disk(volume_type="st1", volume_size=500, iops=500), "iops", "st1 volumes take no iops"),
        (disk(volume_type="sc1", volume_size=500, iops=500), "iops", "sc1 volumes take no iops"),
        (disk(volume_type="standard", iops=500), "iops", "standard volumes take no iops"),
        (disk(kms_key_id="arn:aws:kms:eu-west-1:111122223333:key/k", encrypted=False), "kms_key_id", "encrypted"),
    ],
)
def test_ebs_refused(volume: dict[str, Any], field: str, words: str) -> None:
    refused_group(f"block_device_mappings[0].{field}", words, block_device_mappings=[volume])


@pytest.mark.parametrize(
    "volume",
    [
        disk(volume_type="gp3"),
        disk(volume_type="gp3", iops=16000, throughput=1000),
        disk(volume_size=200, volume_type="gp3", iops=80000, throughput=2000),
        disk(volume_type="io1", iops=5000),
        disk(volume_size=100, volume_type="io2", iops=100000),
        disk(volume_type="gp2"),
        disk(volume_type="st1", volume_size=500),
        disk(kms_key_id="arn:aws:kms:eu-west-1:111122223333:key/k", encrypted=True),
    ],
)
def test_ebs_accepted(volume: dict[str, Any]) -> None:
    accepted(block_device_mappings=[volume])


def test_kms_key_needs_encrypted_true_even_when_encrypted_is_left_unsaid() -> None:
    # issue-17 makes `encrypted` optional (None = omitted): only an explicit True carries the key.
    class Unsaid:
        device_name, volume_type, volume_size, iops, throughput = "/dev/xvda", "gp3", "20Gi", None, None
        kms_key_id, encrypted = "alias/nodes", None

    assert [field for field, _ in volume_problems(Unsaid())] == ["kms_key_id"]
    assert volume_problems(BlockDevice(volume_size=20, kms_key_id="alias/nodes")) == []


def test_device_names_are_unique() -> None:
    refused_group(
        "block_device_mappings[1].device_name", "mapped twice", block_device_mappings=[disk(), disk(volume_size=50)]
    )
    accepted(block_device_mappings=[disk(), disk(device_name="/dev/xvdb")])


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"subnet_selector_terms": [{"tags": {}}]}, "subnet_selector_terms[0].tags", "every resource"),
        ({"security_group_selector_terms": [{"tags": {}}]}, "security_group_selector_terms[0].tags", "every"),
        ({"subnet_selector_terms": []}, "subnet_selector_terms", "at least one term"),
        ({"security_group_selector_terms": []}, "security_group_selector_terms", "at least one term"),
        ({"ami_selector_terms": []}, "ami_selector_terms", "at least one term"),
        ({"subnet_selector_terms": [{"id": "subnet-0a subnet-0b"}]}, "subnet_selector_terms[0].id", "one subnet id"),
        ({"subnet_selector_terms": [{"id": " subnet-0a"}]}, "subnet_selector_terms[0].id", "no spaces"),
        ({"security_group_selector_terms": [{"id": "sg-0a,sg-0b"}]}, "security_group_selector_terms[0].id", "sg"),
        ({"ami_selector_terms": [{"id": "ami-0a\n"}]}, "ami_selector_terms[0].id", "one ami id"),
        ({"node_tags": {"aws:owner": "me"}}, "node_tags['aws:owner']", "reserved for AWS"),
        ({"node_tags": {"k" * 129: "v"}}, f"node_tags[{'k' * 129!r}]", "more than 128"),
        ({"node_tags": {"team": "v" * 257}}, "node_tags['team']", "more than 256"),
        ({"node_tags": {f"t{i}": "v" for i in range(42)}}, "node_tags", "EC2 allows 50"),
        ({"role": "arn:aws:iam::1111:role/Nodes"}, "role", "is not an IAM role ARN"),
        ({"role": "node role"}, "role", "not an IAM role name"),
        ({"role": "r" * 65}, "role", "not an IAM role name"),
        (
            {"ami_version": "v20251016", "ami_selector_terms": [{"id": "ami-0a"}]},
            "ami_version",
            "not both",
        ),
    ],
)
def test_network_tags_role_ami_refused(settings: dict[str, Any], field: str, words: str) -> None:
    refused_group(field, words, **settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"subnet_selector_terms": [{"id": "subnet-0123456789abcdef0"}, {"tags": {"tier": "private"}}]},
        {"security_group_selector_terms": [{"id": "sg-0a"}, {"name": "nodes"}]},
        {"ami_selector_terms": [{"id": "ami-0123456789abcdef0"}]},
        {"node_tags": {f"t{i}": "v" for i in range(41)}},  # + 3 of the library's + 6 of Karpenter's = 50
        {"role": "Karpenter+Nodes=eu,west.1@team_a-b"},
        {"ami_version": "v20251016"},
    ],
)
def test_network_tags_role_ami_accepted(settings: dict[str, Any]) -> None:
    accepted(**settings)


def test_explicit_empty_selector_list_is_not_discovery_in_the_defaults_either() -> None:
    refused("subnet_selector_terms", "at least one term", {"name": "web"}, defaults={"subnet_selector_terms": []})


def test_a_role_arn_names_its_role_as_karpenter_reads_it() -> None:
    """Karpenter takes the part after the last '/' (instanceprofile.go Create): a role ARN with a path works."""
    from tests.rules.support import accepted

    built = accepted(role="arn:aws:iam::111122223333:role/team/Nodes")
    [nodeclass] = [m for m in built.manifests() if m["kind"] == "EC2NodeClass"]
    assert nodeclass["spec"]["role"] == "Nodes"
