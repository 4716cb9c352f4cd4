"""The platform config is refused setting by setting, before anything is registered, with one line naming it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from karpenter_infra.errors import SpecError
from karpenter_infra.spec.platform import PlatformSpec
from karpenter_infra.stack import platform_from_config

PROJECT = Path(__file__).resolve().parents[2]
BASE: dict[str, Any] = {
    "nodegroups": "x",
    "cluster": {"name": "c", "vpc_id": "vpc-0a", "private_subnet_ids": ["subnet-0a", "subnet-0b"]},
}
EXISTING = {"endpoint": "https://example.eks.amazonaws.com", "certificate_authority": "Q0E="}
ARN = "arn:aws:iam::123456789012"

Patch = Callable[[dict[str, Any]], object]


def cluster(**fields: Any) -> Patch:
    return lambda raw: raw["cluster"].update(fields)


def section(name: str, **fields: Any) -> Patch:
    return lambda raw: raw.update({name: fields})


def top(**fields: Any) -> Patch:
    return lambda raw: raw.update(fields)


REFUSED: list[tuple[str, Patch, str]] = [
    ("cidr", cluster(public_access_cidrs=["0.0.0.0/33"]), "cluster.public_access_cidrs[0]: '0.0.0.0/33' is not a CIDR"),
    (
        "cidr host bits",
        cluster(public_access_cidrs=["10.1.2.3/8"]),
        "cluster.public_access_cidrs[0]: '10.1.2.3/8' has host bits set: the block is 10.0.0.0/8",
    ),
    (
        "cidr without prefix",
        cluster(public_access_cidrs=["203.0.113.7"]),
        "cluster.public_access_cidrs[0]: '203.0.113.7' is not a CIDR: give the prefix length (203.0.113.7/32 for one "
        "address)",
    ),
    (
        "both endpoints off",
        cluster(endpoint_public_access=False, endpoint_private_access=False),
        "cluster.endpoint_private_access: both API endpoints are off (endpoint_public_access and "
        "endpoint_private_access): EKS needs one",
    ),
    (
        "kubernetes version",
        cluster(kubernetes_version="1.99"),
        "cluster.kubernetes_version: '1.99' is not a Kubernetes version EKS runs (as of 2026-12-01: 1.32, 1.33, "
        "1.34, 1.35, 1.36)",
    ),
    (
        "not a subnet id",
        cluster(private_subnet_ids=["subnet-0a", "sn-0b"]),
        "cluster.private_subnet_ids[1]: 'sn-0b' is not one subnet id (subnet-0123456789abcdef0): no spaces, one id "
        "per term",
    ),
    (
        "repeated subnet",
        cluster(private_subnet_ids=["subnet-0a", "subnet-0a"]),
        "cluster.private_subnet_ids[1]: 'subnet-0a' is listed twice",
    ),
    (
        "subnet private and public",
        cluster(public_subnet_ids=["subnet-0b"]),
        "cluster.public_subnet_ids: 'subnet-0b' is both a private and a public subnet",
    ),
    ("vpc id", cluster(vpc_id="vpc 1"), "cluster.vpc_id: 'vpc 1' is not a VPC id (vpc-0123456789abcdef0)"),
    (
        "aws: tag",
        cluster(tags={"aws:team": "a"}),
        "cluster.tags.aws:team: tag 'aws:team': the aws: prefix is reserved for AWS",
    ),
    (
        "long tag key",
        cluster(tags={"k" * 129: "a"}),
        "cluster.tags." + "k" * 129 + ": tag key 'kkkkkkkkkkkkkkkkkkkk'... is 129 characters, more than 128",
    ),
    (
        "long tag value",
        cluster(tags={"team": "v" * 257}),
        "cluster.tags.team: tag 'team': value is 257 characters, more than 256",
    ),
    (
        "too many tags",
        cluster(tags={f"k{i}": "v" for i in range(49)}),
        "cluster.tags: 49 tags and the 2 the library adds are more than AWS's 50",
    ),
    (
        "IAM character set",
        cluster(tags={"team": "a&b"}),
        "cluster.tags.team: tag 'team': value has '&', which IAM refuses on the roles and instance profile "
        "(letters, digits, spaces and _ . : / = + - @)",
    ),
    (
        "IAM case-insensitive keys",
        cluster(tags={"Team": "a", "team": "b"}),
        "cluster.tags.team: tag 'team' and 'Team' differ only in case: IAM takes tag keys case-insensitively",
    ),
    (
        "CA not base64",
        cluster(existing={**EXISTING, "certificate_authority": "not base64!"}),
        "cluster.existing.certificate_authority: 'not base64!' is not base64 (the cluster's certificateAuthority.data)",
    ),
    (
        "endpoint not https",
        cluster(existing={**EXISTING, "endpoint": "http://x"}),
        "cluster.existing.endpoint: 'http://x' is not an https:// URL",
    ),
    (
        "security group id",
        cluster(existing={**EXISTING, "cluster_security_group_id": "sg-1 sg-2"}),
        "cluster.existing.cluster_security_group_id: 'sg-1 sg-2' is not one sg id (sg-0123456789abcdef0): no "
        "spaces, one id per term",
    ),
    (
        "OIDC provider of another issuer",
        cluster(
            existing={
                **EXISTING,
                "oidc_issuer_url": "https://oidc.eks.eu-west-1.amazonaws.com/id/A",
                "oidc_provider_arn": f"{ARN}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/B",
            }
        ),
        f"cluster.existing.oidc_provider_arn: '{ARN}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/B' is not the "
        "provider of issuer 'oidc.eks.eu-west-1.amazonaws.com/id/A'",
    ),
    (
        "IRSA without OIDC on an existing cluster",
        lambda raw: (raw["cluster"].update(existing=EXISTING), raw.update(iam={"identity": "irsa"})),
        "iam.identity: irsa on an existing cluster needs cluster.existing.oidc_provider_arn and oidc_issuer_url (or "
        "identity pod-identity)",
    ),
    (
        "permissions boundary not an ARN",
        section("iam", permissions_boundary="boundary"),
        "iam.permissions_boundary: 'boundary' is not an ARN (arn:<partition>:iam:...)",
    ),
    (
        "permissions boundary a role",
        section("iam", permissions_boundary=f"{ARN}:role/x"),
        f"iam.permissions_boundary: '{ARN}:role/x' is not an IAM policy ARN (...:policy/<path/><name>)",
    ),
    (
        "unknown partition",
        section("iam", existing_node_role_arn="arn:aws-moon:iam::123456789012:role/x"),
        "iam.existing_node_role_arn: 'arn:aws-moon:iam::123456789012:role/x': unknown partition 'aws-moon' (known: "
        "aws, aws-cn, aws-us-gov)",
    ),
    (
        "policy ARNs colliding",
        section("iam", node_role_policy_arns=[f"{ARN}:policy/a/X", f"{ARN}:policy/b/X"]),
        f"iam.node_role_policy_arns[1]: '{ARN}:policy/b/X' and iam.node_role_policy_arns[0] share the name 'X', "
        "and with it the resource name of their attachment",
    ),
    (
        "policy the library attaches",
        section("iam", node_role_policy_arns=["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"]),
        "iam.node_role_policy_arns[0]: 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy': the library attaches "
        "AmazonEKSWorkerNodePolicy to the node role already",
    ),
    (
        "invalid role name",
        section("iam", node_role_name="bad name"),
        "iam.node_role_name: 'bad name' is not an IAM role name: 1-64 characters of letters, digits and +=,.@_-",
    ),
    (
        "IAM path",
        section("iam", path="team"),
        "iam.path: 'team' is not an IAM path: '/' or '/<segments>/', at most 512 printable characters",
    ),
    (
        "Effect: Alow",
        section("iam", extra_controller_statements=[{"Effect": "Alow", "Action": "s3:*", "Resource": "*"}]),
        "iam.extra_controller_statements[0]: Effect must be 'Allow' or 'Deny', got 'Alow'",
    ),
    (
        "statement with a Principal",
        section(
            "iam",
            extra_controller_statements=[{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}],
        ),
        "iam.extra_controller_statements[0]: unknown keys ['Principal'] (an identity policy names no Principal); "
        "allowed: ['Sid', 'Effect', 'Action', 'Resource', 'Condition']",
    ),
    (
        "KMS key",
        section("iam", queue_kms_key_arn="my key"),
        "iam.queue_kms_key_arn: 'my key' is not an ARN (arn:<partition>:kms:...)",
    ),
    (
        "namespace",
        section("karpenter", namespace="Kube_System"),
        "karpenter.namespace: 'Kube_System' is not a DNS-1123 label (at most 63 of a-z, 0-9, '-', alphanumeric at "
        "the ends)",
    ),
    (
        "service account",
        section("karpenter", service_account="karpenter!"),
        "karpenter.service_account: 'karpenter!' is not a DNS-1123 subdomain (a-z, 0-9, '-', '.', alphanumeric at "
        "the ends)",
    ),
    ("cpu: lots", section("karpenter", cpu="lots"), "karpenter.cpu: 'lots' is not a cpu quantity (like 1, 500m)"),
    (
        "memory: 1GB",
        section("karpenter", memory="1GB"),
        "karpenter.memory: '1GB' is not a memory quantity (like 1Gi, 512Mi; GB is no Kubernetes unit, G or Gi are)",
    ),
    ("memory: 512", section("karpenter", memory="512"), "karpenter.memory: '512' is 512 bytes; add a unit (Mi, Gi)"),
    ("cpu: 0", section("karpenter", cpu="0"), "karpenter.cpu: '0': the controller needs more than zero cpu"),
    (
        "misspelt feature gate",
        section("karpenter", feature_gates={"spotToSpotConsolidaton": True}),
        "karpenter.feature_gates.spotToSpotConsolidaton: not a feature gate of the Karpenter chart (did you mean "
        "'spotToSpotConsolidation'?); it has capacityBuffer, nodeOverlay, nodeRepair, reservedCapacity, "
        "spotToSpotConsolidation, staticCapacity",
    ),
    (
        "extra_values over settings.clusterName",
        section("karpenter", extra_values={"settings": {"clusterName": "other"}}),
        "karpenter.extra_values.settings.clusterName: replaces settings.clusterName, which the library sets from "
        "cluster.name: use that setting, or name 'settings.clusterName' in karpenter.extra_values_override to "
        "override it on purpose",
    ),
    (
        "extra_values over serviceAccount.name",
        section("karpenter", extra_values={"serviceAccount": {"name": "other"}}),
        "karpenter.extra_values.serviceAccount.name: replaces serviceAccount.name, which the library sets from "
        "karpenter.service_account: use that setting, or name 'serviceAccount.name' in "
        "karpenter.extra_values_override to override it on purpose",
    ),
    (
        "extra_values replacing a map that holds a library value",
        section("karpenter", extra_values={"settings": None}),
        "karpenter.extra_values.settings: replaces settings.clusterName, which the library sets from cluster.name: "
        "use that setting, or name 'settings.clusterName' in karpenter.extra_values_override to override it on "
        "purpose",
    ),
    (
        "extra_values key the chart does not read",
        section("karpenter", extra_values={"podAnotations": {}}),
        "karpenter.extra_values.podAnotations: the Karpenter chart reads no value 'podAnotations' (did you mean "
        "'podAnnotations'?)",
    ),
    (
        "override of a value the library does not set",
        section("karpenter", extra_values_override=["settings.batchMaxDuration"]),
        "karpenter.extra_values_override: 'settings.batchMaxDuration' is not a value the library sets "
        "(settings.clusterName, settings.clusterEndpoint, settings.interruptionQueue, settings.featureGates, "
        "serviceAccount.create, serviceAccount.name, serviceAccount.annotations.eks.amazonaws.com/role-arn, "
        "replicas, logLevel, controller.resources, affinity, tolerations, serviceMonitor.enabled, "
        "serviceMonitor.additionalLabels)",
    ),
    (
        "service monitor labels",
        section("karpenter", service_monitor_labels={"release": "kube prometheus"}),
        "karpenter.service_monitor_labels.release: value 'kube prometheus' must be [-A-Za-z0-9_.], starting and "
        "ending alphanumeric",
    ),
    (
        "arm64 types on an x86 AMI",
        section("controller_nodes", instance_types=["m7g.large", "m6g.large"]),
        "controller_nodes.ami_type: AL2023_x86_64_STANDARD is an x86_64 AMI type, but 'm7g.large' is arm64",
    ),
    (
        "x86 types on an arm64 AMI",
        section("controller_nodes", ami_type="AL2023_ARM_64_STANDARD"),
        "controller_nodes.ami_type: AL2023_ARM_64_STANDARD is an arm64 AMI type, but 'm7i.large' is x86_64",
    ),
    (
        "unknown AMI type",
        section("controller_nodes", ami_type="AL2023_X86_64_STANDARD"),
        "controller_nodes.ami_type: 'AL2023_X86_64_STANDARD' is not an EKS AMI type (did you mean "
        "'AL2023_x86_64_STANDARD'?)",
    ),
    (
        "Windows AMI for the controller",
        section("controller_nodes", ami_type="WINDOWS_CORE_2022_x86_64"),
        "controller_nodes.ami_type: 'WINDOWS_CORE_2022_x86_64': the Karpenter controller runs on Linux nodes only",
    ),
    (
        "instance type",
        section("controller_nodes", instance_types=["large"]),
        "controller_nodes.instance_types[0]: 'large' is not an EC2 instance type (like m7i.large)",
    ),
    (
        "label key",
        section("controller_nodes", labels={"a b": "x"}),
        "controller_nodes.labels.a b: name part 'a b' of 'a b' must be [-A-Za-z0-9_.], starting and ending "
        "alphanumeric",
    ),
    (
        "taint key",
        section("controller_nodes", taint_key="Critical Addons"),
        "controller_nodes.taint_key: name part 'Critical Addons' of 'Critical Addons' must be [-A-Za-z0-9_.], "
        "starting and ending alphanumeric",
    ),
    (
        "taint value",
        section("controller_nodes", taint_value="yes please"),
        "controller_nodes.taint_value: value 'yes please' must be [-A-Za-z0-9_.], starting and ending alphanumeric",
    ),
    (
        "disk_size: 100000",
        section("controller_nodes", disk_size=100000),
        "controller_nodes.disk_size: Input should be less than or equal to 16384, got 100000",
    ),
    (
        "monitoring namespace",
        section("monitoring", namespace="mon itoring"),
        "monitoring.namespace: 'mon itoring' is not a DNS-1123 label (at most 63 of a-z, 0-9, '-', alphanumeric at "
        "the ends)",
    ),
    (
        "auto_mode on the karpenter backend",
        section("auto_mode", built_in_node_pools=[]),
        "auto_mode: only backend auto-mode reads it; this stack runs backend karpenter",
    ),
    ("malformed region", top(region="eu-west"), "region: 'eu-west' is not an AWS region (like eu-west-1)"),
    (
        "region of another partition",
        top(region="cn-north-1", partition="aws"),
        "region: 'cn-north-1' belongs to another partition than 'aws'",
    ),
    (
        "region outside its partition",
        top(region="eu-west-1", partition="aws-us-gov"),
        "region: 'eu-west-1' is not a region of partition 'aws-us-gov' (its regions start with us-gov-)",
    ),
    (
        "a long value is quoted shortened",
        top(cluster="token-" + "s" * 200),
        "cluster: Input should be a valid dictionary or instance of ClusterSpec, got "
        "'token-" + "s" * 43 + " ... " + "s" * 24 + "'",
    ),
]


@pytest.mark.parametrize(("patch", "message"), [(p, m) for _, p, m in REFUSED], ids=[c for c, _, _ in REFUSED])
def test_a_bad_setting_is_refused_in_one_line_naming_it(patch: Patch, message: str) -> None:
    raw = copy.deepcopy(BASE)
    patch(raw)
    with pytest.raises(SpecError) as stack:
        platform_from_config("dev", raw)
    assert str(stack.value) == f"stack 'dev' (karpenter-infra:platform): {message}"
    # Built in Python, the platform says the same, owned by the config key.
    with pytest.raises(SpecError) as direct:
        PlatformSpec.model_validate(raw)
    assert str(direct.value) == f"karpenter-infra:platform: {message}"


def test_an_extra_values_secret_never_appears_in_an_error() -> None:
    raw = copy.deepcopy(BASE)
    raw["karpenter"] = {"extra_values": {"settings": {"clusterName": "x"}, "podAnnotations": {"token": "hunter2"}}}
    raw["cluster"]["public_access_cidrs"] = "0.0.0.0/0"  # a root-level type error: its input is the whole section
    with pytest.raises(SpecError) as error:
        platform_from_config("dev", raw)
    assert "hunter2" not in str(error.value)


ACCEPTED: list[tuple[str, Patch]] = [
    ("defaults", lambda raw: None),
    ("IPv6 CIDR", cluster(public_access_cidrs=["2001:db8::/32", "203.0.113.0/24"])),
    ("private endpoint only", cluster(endpoint_public_access=False)),
    ("tags with spaces and unicode", cluster(tags={"Owner Team": "Équipe données", "cost:center": "a/b=c+d@e"})),
    ("arm64 controller", section("controller_nodes", ami_type="AL2023_ARM_64_STANDARD", instance_types=["m7g.large"])),
    ("custom AMI", section("controller_nodes", ami_type="CUSTOM", instance_types=["m7g.large", "m7i.large"])),
    ("Bottlerocket", section("controller_nodes", ami_type="BOTTLEROCKET_x86_64", labels={"node.kubernetes.io/x": "y"})),
    ("quantities", section("karpenter", cpu="500m", memory="768Mi", feature_gates={"staticCapacity": True})),
    (
        "extra values of the chart's own",
        section("karpenter", extra_values={"podAnnotations": {"a": "b"}, "settings": {"batchMaxDuration": "20s"}}),
    ),
    (
        "an override said out loud",
        section("karpenter", extra_values={"tolerations": []}, extra_values_override=["tolerations"]),
    ),
    (
        "IAM ARNs with paths, in aws-us-gov",
        lambda raw: raw.update(
            region="us-gov-west-1",
            partition="aws-us-gov",
            iam={
                "path": "/teams/platform/",
                "permissions_boundary": "arn:aws-us-gov:iam::123456789012:policy/boundaries/Boundary",
                "existing_node_role_arn": "arn:aws-us-gov:iam::123456789012:role/teams/NodeRole",
                "node_role_policy_arns": ["arn:aws-us-gov:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                "queue_kms_key_arn": "alias/karpenter",
                "extra_controller_statements": [{"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "*"}],
            },
        ),
    ),
    (
        "an existing cluster with IRSA",
        lambda raw: (
            raw["cluster"].update(
                existing={
                    **EXISTING,
                    "oidc_issuer_url": "https://oidc.eks.eu-west-1.amazonaws.com/id/A",
                    "oidc_provider_arn": f"{ARN}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/A",
                    "cluster_security_group_id": "sg-0123456789abcdef0",
                }
            ),
            raw.update(iam={"identity": "irsa"}),
        ),
    ),
]


@pytest.mark.parametrize("patch", [p for _, p in ACCEPTED], ids=[c for c, _ in ACCEPTED])
def test_sensible_settings_are_accepted(patch: Patch) -> None:
    raw = copy.deepcopy(BASE)
    patch(raw)
    platform_from_config("dev", raw)


@pytest.mark.parametrize("stack", ["dev", "prod", "auto"])
def test_the_repository_stacks_are_accepted(stack: str) -> None:
    document = yaml.safe_load((PROJECT / "stacks" / f"Pulumi.{stack}.yaml").read_text())
    platform_from_config(stack, document["config"]["karpenter-infra:platform"])


def test_the_example_in_docs_stacks_md_is_the_real_error() -> None:
    """The error line shown in docs/stacks.md ("What the platform config refuses") is the one we print."""
    page = (PROJECT / "docs" / "stacks.md").read_text(encoding="utf-8")
    raw = copy.deepcopy(BASE)
    raw["cluster"]["public_access_cidrs"] = ["0.0.0.0/33"]
    with pytest.raises(SpecError) as error:
        platform_from_config("dev", raw)
    assert f"```text\nerror: {error.value}\n```" in page
