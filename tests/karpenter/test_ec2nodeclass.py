"""EC2NodeClass: valid manifests pass; each schema constraint and CEL rule rejects, at the right path, with its message.

``VALID`` and ``INVALID`` are also replayed against the real CRDs by ``test_agreement_with_crds.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from karpenter_infra.karpenter import EC2NodeClass, ManifestError, validate_manifest
from karpenter_infra.karpenter.ec2nodeclass import EC2NodeClassRule, alias_family
from karpenter_infra.karpenter.patterns import AmiFamily, HttpTokens, Toggle, VolumeType
from tests.karpenter.test_nodepool import DELETE, Case, edit

Manifest = dict[str, Any]
Rule = EC2NodeClassRule

EC2_NODE_CLASS: Manifest = {
    "apiVersion": "karpenter.k8s.aws/v1",
    "kind": "EC2NodeClass",
    "metadata": {"name": "workers-amd64", "labels": {"app.kubernetes.io/managed-by": "karpenter-infra"}},
    "spec": {
        "role": "KarpenterNodeRole-dev",
        "amiFamily": "AL2023",
        "amiSelectorTerms": [{"alias": "al2023@v20250101"}],
        "subnetSelectorTerms": [{"tags": {"karpenter.sh/discovery": "dev"}}, {"id": "subnet-0abc123"}],
        "securityGroupSelectorTerms": [{"tags": {"karpenter.sh/discovery": "dev"}}, {"name": "nodes"}],
        "capacityReservationSelectorTerms": [
            {"tags": {"team": "ml"}, "ownerID": "123456789012"},
            {"instanceMatchCriteria": "open"},
        ],
        "associatePublicIPAddress": False,
        "blockDeviceMappings": [
            {
                "deviceName": "/dev/xvda",
                "rootVolume": True,
                "ebs": {
                    "volumeSize": "100Gi",
                    "volumeType": "gp3",
                    "iops": 3000,
                    "throughput": 125,
                    "encrypted": True,
                    "deleteOnTermination": True,
                    "kmsKeyID": "arn:aws:kms:eu-west-1:123456789012:key/abc",
                },
            },
            {"deviceName": "/dev/xvdb", "ebs": {"snapshotID": "snap-0abc", "volumeInitializationRate": 200}},
        ],
        "connectionTracking": {"tcpEstablishedTimeout": 432000, "udpTimeout": 30},
        "context": "fleet-context",
        "cpuOptions": {"nestedVirtualization": "disabled"},
        "detailedMonitoring": True,
        "instanceStorePolicy": "RAID0",
        "ipPrefixCount": 1,
        "kubelet": {
            "clusterDNS": ["10.100.0.10"],
            "cpuCFSQuota": True,
            "maxPods": 110,
            "podsPerCore": 10,
            "systemReserved": {"cpu": "100m", "memory": "200Mi", "ephemeral-storage": "1Gi", "pid": "100"},
            "kubeReserved": {"cpu": "200m", "memory": "500Mi"},
            "evictionHard": {"memory.available": "5%", "nodefs.available": "10%", "pid.available": ""},
            "evictionSoft": {"memory.available": "500Mi"},
            "evictionSoftGracePeriod": {"memory.available": "1m30s"},
            "evictionMaxPodGracePeriod": 60,
            "imageGCHighThresholdPercent": 85,
            "imageGCLowThresholdPercent": 80,
        },
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 1,
            "httpTokens": "required",
        },
        "networkInterfaces": [
            {"networkCardIndex": 0, "deviceIndex": 0, "interfaceType": "interface"},
            {"networkCardIndex": 0, "deviceIndex": 1, "interfaceType": "efa-only"},
            {"networkCardIndex": 1, "deviceIndex": 0, "interfaceType": "efa-only"},
        ],
        "placementGroupSelector": {"name": "training"},
        "tags": {"team": "platform", "kubernetes.io/role": "node"},
        "userData": "#!/bin/bash\necho hello\n",
    },
}

MINIMAL: Manifest = {
    "apiVersion": "karpenter.k8s.aws/v1",
    "kind": "EC2NodeClass",
    "metadata": {"name": "minimal"},
    "spec": {
        "instanceProfile": "KarpenterNodeInstanceProfile",
        "amiFamily": "Bottlerocket",
        "amiSelectorTerms": [{"tags": {"Name": "*"}}],
        "subnetSelectorTerms": [{"id": "subnet-1"}],
        "securityGroupSelectorTerms": [{"id": "sg-1"}],
    },
}


def spec(changes: dict[str, Any]) -> Manifest:
    return edit(EC2_NODE_CLASS, {f"spec.{path}": value for path, value in changes.items()})


def ami(terms: list[dict[str, Any]], ami_family: str | object = DELETE) -> Manifest:
    return spec({"amiSelectorTerms": terms, "amiFamily": ami_family})


VALID: list[Case] = [
    Case("full", EC2_NODE_CLASS),
    Case("minimal", MINIMAL),
    Case("alias-implies-family", ami([{"alias": "bottlerocket@v1.30.0"}])),
    Case("alias-with-custom-family", ami([{"alias": "al2@latest"}], "Custom")),
    Case("windows-latest", ami([{"alias": "windows2025@latest"}], "Windows2025")),
    Case("ami-by-id", ami([{"id": "ami-0abc"}], "AL2")),
    Case(
        "ami-by-id-name-tags-ssm",
        ami(
            [
                {"id": "ami-0abc"},
                {"name": "my-ami", "owner": "self"},
                {"tags": {"a": "b"}},
                {"ssmParameter": "/aws/service/eks/ami"},
            ],
            "Custom",
        ),
    ),
    Case("id-pattern-is-unanchored", ami([{"id": "my-ami-0abc"}], "Custom")),
    Case("capacity-reservation-by-id", spec({"capacityReservationSelectorTerms": [{"id": "cr-0abc"}]})),
    # The CRD's 'id' exclusivity rules only fire when every term combines id with another field.
    Case(
        "id-exclusivity-needs-every-term",
        spec(
            {
                "securityGroupSelectorTerms": [{"id": "sg-1", "name": "x"}, {"tags": {"a": "b"}}],
                "subnetSelectorTerms": [{"id": "subnet-1", "tags": {"a": "b"}}, {"id": "subnet-2"}],
                "capacityReservationSelectorTerms": [{"id": "cr-1", "ownerID": "123456789012"}, {"id": "cr-2"}],
            }
        ),
    ),
    Case(
        "volume-sizes",
        spec(
            {
                "blockDeviceMappings": [
                    {"ebs": {"volumeSize": "59000Gi"}},
                    {"ebs": {"volumeSize": "64000G"}},
                    {"ebs": {"volumeSize": "58Ti"}},
                    {"ebs": {"volumeSize": "64T"}},
                    {"ebs": {"volumeSize": "1Gi", "volumeType": "standard"}},
                ]
            }
        ),
    ),
    Case("no-root-volume", spec({"blockDeviceMappings": [{"ebs": {"volumeSize": "20Gi"}, "rootVolume": False}] * 2})),
    Case(
        "eviction-percent-edges",
        spec({"kubelet": {"evictionHard": {"memory.available": "100.00%", "nodefs.inodesFree": "99.99%"}}}),
    ),
    Case("soft-eviction-both-empty", spec({"kubelet": {"evictionSoft": {}}})),
    Case("image-gc-bounds", spec({"kubelet": {"imageGCHighThresholdPercent": 100, "imageGCLowThresholdPercent": 0}})),
    Case("empty-network-interfaces", spec({"networkInterfaces": []})),
    Case("placement-group-by-id", spec({"placementGroupSelector": {"id": "pg-0abc"}})),
    Case("metadata-options-partial", spec({"metadataOptions": {"httpTokens": "optional"}})),
    Case(
        "tags-that-only-look-restricted",
        spec({"tags": {"kubernetes.io/role": "x", "eks:cluster": "x", "karpenter.sh/nodepool-owner": "x"}}),
    ),
    Case("connection-tracking-one", spec({"connectionTracking": {"udpStreamTimeout": 60}})),
]


INVALID: list[Case] = [
    # --- CEL: amiSelectorTerms
    Case("alias-no-at", ami([{"alias": "al2023"}]), "spec.amiSelectorTerms[0].alias", Rule.ALIAS_FORMAT),
    Case("alias-empty-version", ami([{"alias": "al2023@"}]), "spec.amiSelectorTerms[0].alias", Rule.ALIAS_FORMAT),
    Case(
        "alias-unknown-family", ami([{"alias": "ubuntu@latest"}]), "spec.amiSelectorTerms[0].alias", Rule.ALIAS_FAMILY
    ),
    Case(
        "alias-uppercase-family", ami([{"alias": "AL2023@latest"}]), "spec.amiSelectorTerms[0].alias", Rule.ALIAS_FAMILY
    ),
    Case(
        "windows-pinned",
        ami([{"alias": "windows2022@v20250101"}]),
        "spec.amiSelectorTerms[0].alias",
        Rule.ALIAS_WINDOWS_LATEST,
    ),
    Case(
        "alias-over-30",
        ami([{"alias": "bottlerocket@v1.30.0-0123456789ab"}]),
        "spec.amiSelectorTerms[0].alias",
        "at most 30",
    ),
    Case("ami-term-empty", ami([{"owner": "self"}], "AL2"), "spec.amiSelectorTerms[0]", Rule.AMI_TERM_EMPTY),
    Case(
        "ami-id-with-owner",
        ami([{"id": "ami-1", "owner": "self"}], "AL2"),
        "spec.amiSelectorTerms[0].id",
        Rule.AMI_ID_EXCLUSIVE,
    ),
    Case(
        "ami-alias-with-tags",
        ami([{"alias": "al2@latest", "tags": {"a": "b"}}]),
        "spec.amiSelectorTerms[0].alias",
        Rule.AMI_ALIAS_EXCLUSIVE,
    ),
    Case(
        "ami-alias-not-alone",
        ami([{"alias": "al2@latest"}, {"id": "ami-1"}]),
        "spec.amiSelectorTerms",
        Rule.AMI_ALIAS_ALONE,
    ),
    Case(
        "ami-tags-empty-value",
        ami([{"tags": {"Name": ""}}], "AL2"),
        "spec.amiSelectorTerms[0].tags.Name",
        Rule.SELECTOR_TAGS_EMPTY,
    ),
    Case("ami-terms-empty", ami([], "AL2"), "spec.amiSelectorTerms", "at least 1 item"),
    Case("ami-id-bad", ami([{"id": "img-1"}], "AL2"), "spec.amiSelectorTerms[0].id", "should match pattern"),
    # --- CEL: spec level
    Case("role-and-profile", spec({"instanceProfile": "profile"}), "spec", Rule.EXACTLY_ONE_IDENTITY),
    Case("neither-role-nor-profile", spec({"role": DELETE}), "spec", Rule.EXACTLY_ONE_IDENTITY),
    Case("role-empty", spec({"role": ""}), "spec.role", Rule.ROLE_EMPTY),
    Case(
        "profile-empty",
        spec({"role": DELETE, "instanceProfile": ""}),
        "spec.instanceProfile",
        Rule.INSTANCE_PROFILE_EMPTY,
    ),
    Case("al2-alias-al2023-family", ami([{"alias": "al2@latest"}], "AL2023"), "spec.amiFamily", Rule.AL2_ALIAS_FAMILY),
    Case(
        "al2023-alias-al2-family", ami([{"alias": "al2023@latest"}], "AL2"), "spec.amiFamily", Rule.AL2023_ALIAS_FAMILY
    ),
    Case(
        "bottlerocket-alias-al2-family",
        ami([{"alias": "bottlerocket@latest"}], "AL2"),
        "spec.amiFamily",
        Rule.BOTTLEROCKET_ALIAS_FAMILY,
    ),
    Case(
        "windows2019-alias-mismatch",
        ami([{"alias": "windows2019@latest"}], "Windows2022"),
        "spec.amiFamily",
        Rule.WINDOWS2019_ALIAS_FAMILY,
    ),
    Case(
        "windows2022-alias-mismatch",
        ami([{"alias": "windows2022@latest"}], "Windows2025"),
        "spec.amiFamily",
        Rule.WINDOWS2022_ALIAS_FAMILY,
    ),
    Case(
        "windows2025-alias-mismatch",
        ami([{"alias": "windows2025@latest"}], "Windows2019"),
        "spec.amiFamily",
        Rule.WINDOWS2025_ALIAS_FAMILY,
    ),
    Case("no-alias-no-family", ami([{"id": "ami-1"}]), "spec.amiFamily", Rule.AMI_FAMILY_REQUIRED),
    # --- CEL: block devices
    Case(
        "ebs-without-size-or-snapshot",
        spec({"blockDeviceMappings[0].ebs.volumeSize": DELETE}),
        "spec.blockDeviceMappings[0].ebs",
        Rule.EBS_SIZE_OR_SNAPSHOT,
    ),
    Case(
        "initialization-rate-without-snapshot",
        spec({"blockDeviceMappings[0].ebs.volumeInitializationRate": 100}),
        "spec.blockDeviceMappings[0].ebs.volumeInitializationRate",
        Rule.EBS_INITIALIZATION_RATE,
    ),
    Case(
        "initialization-rate-empty-snapshot",
        spec({"blockDeviceMappings[1].ebs.snapshotID": ""}),
        "spec.blockDeviceMappings[1].ebs.volumeInitializationRate",
        Rule.EBS_INITIALIZATION_RATE,
    ),
    Case(
        "two-root-volumes",
        spec({"blockDeviceMappings[1].rootVolume": True}),
        "spec.blockDeviceMappings",
        Rule.ONE_ROOT_VOLUME,
    ),
    Case(
        "volume-size-without-unit",
        spec({"blockDeviceMappings[0].ebs.volumeSize": "100"}),
        "spec.blockDeviceMappings[0].ebs.volumeSize",
        "should match pattern",
    ),
    Case(
        "volume-size-too-big",
        spec({"blockDeviceMappings[0].ebs.volumeSize": "59001Gi"}),
        "spec.blockDeviceMappings[0].ebs.volumeSize",
        "should match pattern",
    ),
    Case(
        "volume-type-unknown",
        spec({"blockDeviceMappings[0].ebs.volumeType": "gp4"}),
        "spec.blockDeviceMappings[0].ebs.volumeType",
        "Input should be 'standard'",
    ),
    Case(
        "initialization-rate-over-300",
        spec({"blockDeviceMappings[1].ebs.volumeInitializationRate": 301}),
        "spec.blockDeviceMappings[1].ebs.volumeInitializationRate",
        "less than or equal to 300",
    ),
    Case(
        "iops-beyond-int64",
        spec({"blockDeviceMappings[0].ebs.iops": 2**63}),
        "spec.blockDeviceMappings[0].ebs.iops",
        "less than or equal",
    ),
    Case(
        "51-block-devices",
        spec({"blockDeviceMappings": [{"ebs": {"volumeSize": "1Gi"}}] * 51}),
        "spec.blockDeviceMappings",
        "at most 50 items",
    ),
    # --- CEL: capacity reservations
    Case(
        "capacity-reservation-term-empty",
        spec({"capacityReservationSelectorTerms[1]": {"ownerID": "123456789012"}}),
        "spec.capacityReservationSelectorTerms[1]",
        Rule.CAPACITY_RESERVATION_TERM_EMPTY,
    ),
    Case(
        "capacity-reservation-id-with-owner",
        spec({"capacityReservationSelectorTerms": [{"id": "cr-1", "ownerID": "123456789012"}]}),
        "spec.capacityReservationSelectorTerms",
        Rule.CAPACITY_RESERVATION_ID_EXCLUSIVE,
    ),
    Case(
        "capacity-reservations-empty-list",
        spec({"capacityReservationSelectorTerms": []}),
        "spec.capacityReservationSelectorTerms",
        Rule.CAPACITY_RESERVATION_ID_EXCLUSIVE,
    ),
    Case(
        "capacity-reservation-owner-short",
        spec({"capacityReservationSelectorTerms[0].ownerID": "12345"}),
        "spec.capacityReservationSelectorTerms[0].ownerID",
        "should match pattern",
    ),
    Case(
        "capacity-reservation-bad-criteria",
        spec({"capacityReservationSelectorTerms[1].instanceMatchCriteria": "any"}),
        "spec.capacityReservationSelectorTerms[1].instanceMatchCriteria",
        "Input should be 'open' or 'targeted'",
    ),
    # --- CEL: connection tracking, placement group
    Case(
        "connection-tracking-empty",
        spec({"connectionTracking": {}}),
        "spec.connectionTracking",
        Rule.CONNECTION_TRACKING_EMPTY,
    ),
    Case(
        "udp-timeout-over-60",
        spec({"connectionTracking.udpTimeout": 61}),
        "spec.connectionTracking.udpTimeout",
        "less than or equal to 60",
    ),
    Case(
        "placement-group-empty",
        spec({"placementGroupSelector": {}}),
        "spec.placementGroupSelector",
        Rule.PLACEMENT_GROUP_EMPTY,
    ),
    Case(
        "placement-group-both",
        spec({"placementGroupSelector": {"name": "a", "id": "pg-1"}}),
        "spec.placementGroupSelector",
        Rule.PLACEMENT_GROUP_EXCLUSIVE,
    ),
    Case(
        "placement-group-empty-name",
        spec({"placementGroupSelector": {"name": ""}}),
        "spec.placementGroupSelector.name",
        "at least 1 character",
    ),
    # --- CEL: kubelet
    Case(
        "eviction-hard-unknown-signal",
        spec({"kubelet.evictionHard": {"memory.free": "5%"}}),
        'spec.kubelet.evictionHard["memory.free"]',
        Rule.EVICTION_HARD_KEYS,
    ),
    Case(
        "eviction-soft-unknown-signal",
        spec({"kubelet.evictionSoft": {"cpu": "5%"}, "kubelet.evictionSoftGracePeriod": {"cpu": "1m"}}),
        "spec.kubelet.evictionSoft.cpu",
        Rule.EVICTION_SOFT_KEYS,
    ),
    Case(
        "grace-period-unknown-signal",
        spec({"kubelet.evictionSoft": {"cpu": "5%"}, "kubelet.evictionSoftGracePeriod": {"cpu": "1m"}}),
        "spec.kubelet.evictionSoftGracePeriod.cpu",
        Rule.EVICTION_SOFT_GRACE_PERIOD_KEYS,
    ),
    Case(
        "kube-reserved-unknown-resource",
        spec({"kubelet.kubeReserved": {"gpu": "1"}}),
        "spec.kubelet.kubeReserved.gpu",
        Rule.KUBE_RESERVED_KEYS,
    ),
    Case(
        "kube-reserved-negative",
        spec({"kubelet.kubeReserved": {"cpu": "-100m"}}),
        "spec.kubelet.kubeReserved.cpu",
        Rule.KUBE_RESERVED_NEGATIVE,
    ),
    Case(
        "system-reserved-unknown-resource",
        spec({"kubelet.systemReserved": {"storage": "1Gi"}}),
        "spec.kubelet.systemReserved.storage",
        Rule.SYSTEM_RESERVED_KEYS,
    ),
    Case(
        "system-reserved-negative",
        spec({"kubelet.systemReserved": {"memory": "-1Gi"}}),
        "spec.kubelet.systemReserved.memory",
        Rule.SYSTEM_RESERVED_NEGATIVE,
    ),
    Case(
        "image-gc-high-equals-low",
        spec({"kubelet.imageGCLowThresholdPercent": 85}),
        "spec.kubelet",
        Rule.IMAGE_GC_THRESHOLDS,
    ),
    Case(
        "soft-eviction-without-grace-period",
        spec({"kubelet.evictionSoftGracePeriod": DELETE}),
        'spec.kubelet.evictionSoft["memory.available"]',
        Rule.EVICTION_SOFT_WITHOUT_GRACE_PERIOD,
    ),
    Case(
        "grace-period-without-soft-eviction",
        spec({"kubelet.evictionSoftGracePeriod": {"memory.available": "1m", "nodefs.available": "1m"}}),
        'spec.kubelet.evictionSoftGracePeriod["nodefs.available"]',
        Rule.GRACE_PERIOD_WITHOUT_EVICTION_SOFT,
    ),
    Case(
        "eviction-percent-over-100",
        spec({"kubelet.evictionHard": {"memory.available": "100.5%"}}),
        'spec.kubelet.evictionHard["memory.available"]',
        "should match pattern",
    ),
    Case(
        "eviction-unicode-digits",
        spec({"kubelet.evictionHard": {"memory.available": "\u0665%"}}),
        'spec.kubelet.evictionHard["memory.available"]',
        "should match pattern",
    ),
    Case(
        "reserved-bad-quantity",
        spec({"kubelet.kubeReserved": {"memory": "1GB"}}),
        "spec.kubelet.kubeReserved.memory",
        "should match pattern",
    ),
    Case(
        "image-gc-over-100",
        spec({"kubelet.imageGCHighThresholdPercent": 101}),
        "spec.kubelet.imageGCHighThresholdPercent",
        "less than or equal to 100",
    ),
    Case("max-pods-negative", spec({"kubelet.maxPods": -1}), "spec.kubelet.maxPods", "greater than or equal to 0"),
    Case("max-pods-beyond-int32", spec({"kubelet.maxPods": 2**31}), "spec.kubelet.maxPods", "less than or equal"),
    Case(
        "kubelet-unknown-field",
        spec({"kubelet.registryPullQPS": 5}),
        "spec.kubelet.registryPullQPS",
        "Extra inputs are not permitted",
    ),
    Case("cluster-dns-not-a-list", spec({"kubelet.clusterDNS": "10.0.0.10"}), "spec.kubelet.clusterDNS", "valid list"),
    # --- CEL: network interfaces
    Case(
        "no-primary-interface",
        spec({"networkInterfaces[0].interfaceType": "efa-only"}),
        "spec.networkInterfaces",
        Rule.PRIMARY_INTERFACE,
    ),
    Case(
        "duplicate-interface-slot",
        spec({"networkInterfaces[1].deviceIndex": 0, "networkInterfaces[1].interfaceType": "interface"}),
        "spec.networkInterfaces[1]",
        Rule.INTERFACE_DUPLICATES,
    ),
    Case(
        "two-efa-on-one-card",
        spec({"networkInterfaces[2]": {"networkCardIndex": 0, "deviceIndex": 2, "interfaceType": "efa-only"}}),
        "spec.networkInterfaces[2]",
        Rule.INTERFACE_DUPLICATES,
    ),
    Case(
        "interface-missing-field",
        spec({"networkInterfaces[1].deviceIndex": DELETE}),
        "spec.networkInterfaces[1].deviceIndex",
        "Field required",
    ),
    Case(
        "interface-unknown-type",
        spec({"networkInterfaces[1].interfaceType": "ena"}),
        "spec.networkInterfaces[1].interfaceType",
        "Input should be 'interface' or 'efa-only'",
    ),
    # --- CEL: security groups, subnets
    Case(
        "security-groups-empty",
        spec({"securityGroupSelectorTerms": []}),
        "spec.securityGroupSelectorTerms",
        Rule.SECURITY_GROUP_TERMS_EMPTY,
    ),
    Case(
        "security-group-term-empty",
        spec({"securityGroupSelectorTerms[1]": {}}),
        "spec.securityGroupSelectorTerms[1]",
        Rule.SECURITY_GROUP_TERM_EMPTY,
    ),
    Case(
        "security-group-id-with-tags",
        spec({"securityGroupSelectorTerms": [{"id": "sg-1", "tags": {"a": "b"}}]}),
        "spec.securityGroupSelectorTerms",
        Rule.SECURITY_GROUP_ID_EXCLUSIVE,
    ),
    Case(
        "security-group-name-with-tags",
        spec({"securityGroupSelectorTerms": [{"name": "n", "tags": {"a": "b"}}]}),
        "spec.securityGroupSelectorTerms",
        Rule.SECURITY_GROUP_NAME_EXCLUSIVE,
    ),
    Case(
        "security-group-tags-empty-key",
        spec({"securityGroupSelectorTerms[0].tags": {"": "x"}}),
        'spec.securityGroupSelectorTerms[0].tags[""]',
        Rule.SELECTOR_TAGS_EMPTY,
    ),
    Case(
        "security-group-21-tags",
        spec({"securityGroupSelectorTerms[0].tags": {f"t{i}": "v" for i in range(21)}}),
        "spec.securityGroupSelectorTerms[0].tags",
        "at most 20 items",
    ),
    Case(
        "no-security-groups",
        spec({"securityGroupSelectorTerms": DELETE}),
        "spec.securityGroupSelectorTerms",
        "Field required",
    ),
    Case("subnets-empty", spec({"subnetSelectorTerms": []}), "spec.subnetSelectorTerms", Rule.SUBNET_TERMS_EMPTY),
    Case(
        "subnet-term-empty", spec({"subnetSelectorTerms[0]": {}}), "spec.subnetSelectorTerms[0]", Rule.SUBNET_TERM_EMPTY
    ),
    Case(
        "subnet-id-with-tags",
        spec({"subnetSelectorTerms": [{"id": "subnet-1", "tags": {"a": "b"}}]}),
        "spec.subnetSelectorTerms",
        Rule.SUBNET_ID_EXCLUSIVE,
    ),
    Case(
        "subnet-id-bad",
        spec({"subnetSelectorTerms[1].id": "net-1"}),
        "spec.subnetSelectorTerms[1].id",
        "should match pattern",
    ),
    Case(
        "31-subnet-terms",
        spec({"subnetSelectorTerms": [{"id": "subnet-1"}] * 31}),
        "spec.subnetSelectorTerms",
        "at most 30 items",
    ),
    # --- CEL: tags
    Case("tag-empty-key", spec({"tags": {"": "x"}}), 'spec.tags[""]', Rule.TAG_KEY_EMPTY),
    Case(
        "tag-eks-cluster-name",
        spec({"tags": {"eks:eks-cluster-name": "dev"}}),
        'spec.tags["eks:eks-cluster-name"]',
        Rule.TAG_EKS_CLUSTER_NAME,
    ),
    Case(
        "tag-kubernetes-cluster",
        spec({"tags": {"kubernetes.io/cluster/dev": "owned"}}),
        'spec.tags["kubernetes.io/cluster/dev"]',
        Rule.TAG_KUBERNETES_CLUSTER,
    ),
    Case(
        "tag-kubernetes-cluster-prefix-only",
        spec({"tags": {"kubernetes.io/clusterwide": "x"}}),
        'spec.tags["kubernetes.io/clusterwide"]',
        Rule.TAG_KUBERNETES_CLUSTER,
    ),
    Case(
        "tag-nodepool",
        spec({"tags": {"karpenter.sh/nodepool": "x"}}),
        'spec.tags["karpenter.sh/nodepool"]',
        Rule.TAG_NODEPOOL,
    ),
    Case(
        "tag-nodeclaim",
        spec({"tags": {"karpenter.sh/nodeclaim": "x"}}),
        'spec.tags["karpenter.sh/nodeclaim"]',
        Rule.TAG_NODECLAIM,
    ),
    Case(
        "tag-ec2nodeclass",
        spec({"tags": {"karpenter.k8s.aws/ec2nodeclass": "x"}}),
        'spec.tags["karpenter.k8s.aws/ec2nodeclass"]',
        Rule.TAG_EC2NODECLASS,
    ),
    # --- schema: everything else
    Case("unknown-ami-family", spec({"amiFamily": "Ubuntu"}), "spec.amiFamily", "Input should be 'AL2'"),
    Case(
        "metadata-hop-limit-zero",
        spec({"metadataOptions.httpPutResponseHopLimit": 0}),
        "spec.metadataOptions.httpPutResponseHopLimit",
        "greater than or equal to 1",
    ),
    Case(
        "metadata-hop-limit-over-64",
        spec({"metadataOptions.httpPutResponseHopLimit": 65}),
        "spec.metadataOptions.httpPutResponseHopLimit",
        "less than or equal to 64",
    ),
    Case(
        "metadata-tokens-unknown",
        spec({"metadataOptions.httpTokens": "v2"}),
        "spec.metadataOptions.httpTokens",
        "Input should be 'required' or 'optional'",
    ),
    Case(
        "metadata-endpoint-bool",
        spec({"metadataOptions.httpEndpoint": True}),
        "spec.metadataOptions.httpEndpoint",
        "valid string",
    ),
    Case(
        "nested-virtualization-unknown",
        spec({"cpuOptions.nestedVirtualization": "on"}),
        "spec.cpuOptions.nestedVirtualization",
        "Input should be 'enabled' or 'disabled'",
    ),
    Case(
        "instance-store-raid1",
        spec({"instanceStorePolicy": "RAID1"}),
        "spec.instanceStorePolicy",
        "Input should be 'RAID0'",
    ),
    Case("ip-prefix-negative", spec({"ipPrefixCount": -1}), "spec.ipPrefixCount", "greater than or equal to 0"),
    Case(
        "public-ip-as-string",
        spec({"associatePublicIPAddress": "false"}),
        "spec.associatePublicIPAddress",
        "valid boolean",
    ),
    Case("user-data-not-a-string", spec({"userData": ["#!/bin/bash"]}), "spec.userData", "valid string"),
    Case("tag-value-not-a-string", spec({"tags": {"cost-center": 42}}), 'spec.tags["cost-center"]', "valid string"),
    Case(
        "wrong-api-version",
        edit(EC2_NODE_CLASS, {"apiVersion": "karpenter.k8s.aws/v1beta1"}),
        "apiVersion",
        "karpenter.k8s.aws/v1",
    ),
    Case("name-over-63", edit(EC2_NODE_CLASS, {"metadata.name": "n" * 64}), "metadata.name", "at most 63"),
]


@pytest.mark.parametrize("case", VALID, ids=[case.id for case in VALID])
def test_valid(case: Case) -> None:
    validate_manifest(case.manifest)
    EC2NodeClass.model_validate(case.manifest)


@pytest.mark.parametrize("case", INVALID, ids=[case.id for case in INVALID])
def test_invalid(case: Case) -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(case.manifest)
    assert caught.value.kind == "EC2NodeClass"
    issues = caught.value.issues
    if isinstance(case.message, EC2NodeClassRule):
        assert (case.path, case.message.value) in issues
    else:
        assert any(path == case.path and case.message in message for path, message in issues), issues


def test_every_rule_is_exercised() -> None:
    exercised = {case.message for case in INVALID if isinstance(case.message, EC2NodeClassRule)}
    assert exercised == set(EC2NodeClassRule)


def test_empty_security_groups_break_three_rules_as_in_the_crd() -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(spec({"securityGroupSelectorTerms": []}))
    assert caught.value.issues == [
        ("spec.securityGroupSelectorTerms", Rule.SECURITY_GROUP_TERMS_EMPTY),
        ("spec.securityGroupSelectorTerms", Rule.SECURITY_GROUP_ID_EXCLUSIVE),
        ("spec.securityGroupSelectorTerms", Rule.SECURITY_GROUP_NAME_EXCLUSIVE),
    ]


def test_broken_alias_reports_every_rule_it_breaks() -> None:
    with pytest.raises(ManifestError) as caught:
        validate_manifest(ami([{"alias": "windows2019"}, {"id": "ami-1"}]))
    assert caught.value.issues == [
        ("spec.amiSelectorTerms[0].alias", Rule.ALIAS_FORMAT),
        ("spec.amiSelectorTerms[0].alias", Rule.ALIAS_WINDOWS_LATEST),
        ("spec.amiSelectorTerms", Rule.AMI_ALIAS_ALONE),
    ]


@pytest.mark.parametrize(
    ("alias", "family"),
    [("al2023@latest", "al2023"), ("al2@v1@x", "al2"), ("@latest", ""), ("bottlerocket", "bottlerocket")],
)
def test_alias_family_is_the_text_before_the_first_at(alias: str, family: str) -> None:
    assert alias_family(alias) == family


def test_model_gives_typed_access() -> None:
    node_class = EC2NodeClass.model_validate(EC2_NODE_CLASS)
    spec_ = node_class.spec
    assert spec_.ami_family is AmiFamily.AL2023
    assert spec_.metadata_options is not None
    assert spec_.metadata_options.http_tokens is HttpTokens.REQUIRED
    assert spec_.metadata_options.http_protocol_ipv6 is Toggle.DISABLED
    assert spec_.block_device_mappings is not None
    ebs = spec_.block_device_mappings[0].ebs
    assert ebs is not None and ebs.volume_type is VolumeType.GP3 and ebs.kms_key_id is not None
    assert spec_.kubelet is not None and spec_.kubelet.cluster_dns == ["10.100.0.10"]
