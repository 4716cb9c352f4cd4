"""The formats of the platform config's settings, as annotated types, and the rules that read several settings.

Each type checks one value with a rule of ``karpenter_infra.rules`` or ``karpenter_infra.aws.formats`` (the source
is there) and reports a ``FieldProblem``, so the error names the setting by its path and quotes only the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

from karpenter_infra.aws.eks_versions import kubernetes_version_problem
from karpenter_infra.aws.formats import arn_problem, base64_problem, cidr_problem, kms_key_problem
from karpenter_infra.errors import FieldProblem
from karpenter_infra.karpenter.chart_values import FEATURE_GATES, VALUES_KEYS
from karpenter_infra.rules.names import (
    dns_label_problem,
    label_problem,
    label_value_problem,
    qualified_name_problem,
    subdomain_problem,
)
from karpenter_infra.rules.tags import id_problem, role_name_problem
from karpenter_infra.safe_text import quoted
from karpenter_infra.scheduling.quantity import QuantityError, parse_quantity_suffix
from karpenter_infra.suggest import did_you_mean


def checked(problem: Callable[[str], str | None]) -> AfterValidator:
    def validate(value: str) -> str:
        found = problem(value)
        if found is not None:
            raise FieldProblem("", found)
        return value

    return AfterValidator(validate)


def _quantity(kind: str) -> Callable[[str], str | None]:
    """The controller's request and limit: a Kubernetes quantity (apimachinery ``ParseQuantity``), above zero."""

    def problem(text: str) -> str | None:
        try:
            value, suffix = parse_quantity_suffix(text)
        except QuantityError:
            example = "1, 500m" if kind == "cpu" else "1Gi, 512Mi; GB is no Kubernetes unit, G or Gi are"
            return f"{quoted(text)} is not a {kind} quantity (like {example})"
        if value <= 0:
            return f"{quoted(text)}: the controller needs more than zero {kind}"
        if kind == "memory" and suffix == "" and value < 1024**2:
            return f"{quoted(text)} is {text} bytes; add a unit (Mi, Gi)"
        return None

    return problem


def _iam_path_problem(path: str) -> str | None:
    # IAM CreateRole ``Path``: 1-512 characters, / alone or /.../ of printable ASCII (IAM API reference).
    if len(path) > 512 or re.fullmatch(r"/(?:[\x21-\x7e]*/)?", path) is None:
        return f"{quoted(path)} is not an IAM path: '/' or '/<segments>/', at most 512 printable characters"
    return None


def _instance_type_problem(name: str) -> str | None:
    # EC2 "Amazon EC2 instance type naming conventions": <family><generation><attributes>.<size>.
    if re.fullmatch(r"[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[0-9a-z]+", name) is None:
        return f"{quoted(name)} is not an EC2 instance type (like m7i.large)"
    return None


# EKS API reference, CreateNodegroup ``amiType`` (https://docs.aws.amazon.com/eks/latest/APIReference/
# API_CreateNodegroup.html): the valid values. The architecture is in the name (ARM_64 or x86_64).
AMI_TYPES = (
    "AL2_x86_64",
    "AL2_x86_64_GPU",
    "AL2_ARM_64",
    "CUSTOM",
    "BOTTLEROCKET_ARM_64",
    "BOTTLEROCKET_x86_64",
    "BOTTLEROCKET_ARM_64_FIPS",
    "BOTTLEROCKET_x86_64_FIPS",
    "BOTTLEROCKET_ARM_64_NVIDIA",
    "BOTTLEROCKET_x86_64_NVIDIA",
    "BOTTLEROCKET_ARM_64_NVIDIA_FIPS",
    "BOTTLEROCKET_x86_64_NVIDIA_FIPS",
    "WINDOWS_CORE_2019_x86_64",
    "WINDOWS_FULL_2019_x86_64",
    "WINDOWS_CORE_2022_x86_64",
    "WINDOWS_FULL_2022_x86_64",
    "WINDOWS_CORE_2025_x86_64",
    "WINDOWS_FULL_2025_x86_64",
    "AL2023_x86_64_STANDARD",
    "AL2023_ARM_64_STANDARD",
    "AL2023_x86_64_NEURON",
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
)


def _ami_type_problem(ami_type: str) -> str | None:
    if ami_type not in AMI_TYPES:
        return f"{quoted(ami_type)} is not an EKS AMI type{did_you_mean(ami_type, AMI_TYPES)}"
    if ami_type.startswith("WINDOWS_"):
        return f"{quoted(ami_type)}: the Karpenter controller runs on Linux nodes only"
    return None


def instance_architecture(instance_type: str) -> str:
    """EC2 "Amazon EC2 instance type naming conventions": a ``g`` among the attributes after the generation digit
    is AWS Graviton (m7g, c7gn, x2gd, is4gen); every other current family is x86_64."""
    family = instance_type.split(".", 1)[0]
    attributes = re.sub(r"^[a-z-]*?[0-9]+", "", family, count=1)
    return "arm64" if "g" in attributes.split("-", 1)[0] else "x86_64"


def ami_architecture_problem(ami_type: str, instance_types: list[str]) -> str | None:
    """EKS launches a managed node group's types with its one AMI: every type must be of the AMI's architecture."""
    if ami_type == "CUSTOM":
        return None
    wanted = "arm64" if "_ARM_64" in ami_type else "x86_64"
    other = [t for t in instance_types if instance_architecture(t) != wanted]
    if other:
        return f"{ami_type} is an {wanted} AMI type, but {quoted(other[0])} is {instance_architecture(other[0])}"
    return None


def _vpc_problem(value: str) -> str | None:
    if re.fullmatch(r"vpc-[0-9a-z]+", value) is None:
        return f"{quoted(value)} is not a VPC id (vpc-0123456789abcdef0)"
    return None


def _https_problem(value: str) -> str | None:
    if re.fullmatch(r"https://[^\s/]+(/\S*)?", value) is None:
        return f"{quoted(value)} is not an https:// URL"
    return None


SubnetId = Annotated[str, checked(lambda v: id_problem("subnet", v))]
VpcId = Annotated[str, checked(_vpc_problem)]
HttpsUrl = Annotated[str, checked(_https_problem)]
AmiType = Annotated[str, checked(_ami_type_problem)]
SecurityGroupId = Annotated[str, checked(lambda v: id_problem("sg", v))]
Cidr = Annotated[str, checked(cidr_problem)]
KubernetesVersion = Annotated[str, checked(kubernetes_version_problem)]
CertificateData = Annotated[str, checked(base64_problem)]
RoleArn = Annotated[str, checked(lambda v: arn_problem(v, "iam", "role"))]
PolicyArn = Annotated[str, checked(lambda v: arn_problem(v, "iam", "policy", aws_owned=True))]
OidcProviderArn = Annotated[str, checked(lambda v: arn_problem(v, "iam", "oidc-provider"))]
KmsKey = Annotated[str, checked(kms_key_problem)]
RoleName = Annotated[str, checked(role_name_problem)]
IamPath = Annotated[str, checked(_iam_path_problem)]
Namespace = Annotated[str, checked(dns_label_problem)]
ObjectName = Annotated[str, checked(subdomain_problem)]
CpuQuantity = Annotated[str, checked(_quantity("cpu"))]
MemoryQuantity = Annotated[str, checked(_quantity("memory"))]
InstanceType = Annotated[str, checked(_instance_type_problem)]
TaintKey = Annotated[str, checked(qualified_name_problem)]
TaintValue = Annotated[str, checked(label_value_problem)]


def check_labels(labels: Mapping[str, str]) -> Mapping[str, str]:
    """Node labels, or labels on an object: key and value as Kubernetes takes them (``rules.names``)."""
    for key, value in labels.items():
        problem = label_problem(key, value)
        if problem:
            raise FieldProblem((key,), problem)
    return labels


Labels = Annotated[dict[str, str], AfterValidator(check_labels)]


def check_object_labels(labels: Mapping[str, str]) -> Mapping[str, str]:
    """Labels of objects we render (rules, monitors): no node-domain rule, only key and value formats."""
    for key, value in labels.items():
        problem = qualified_name_problem(key) or label_value_problem(value)
        if problem:
            raise FieldProblem((key,), problem)
    return labels


ObjectLabels = Annotated[dict[str, str], AfterValidator(check_object_labels)]


def check_feature_gates(gates: Mapping[str, bool]) -> Mapping[str, bool]:
    """The gates the chart knows (``settings.featureGates`` of its values.yaml, generated in chart_values)."""
    for name in gates:
        if name not in FEATURE_GATES:
            hint = did_you_mean(name, FEATURE_GATES)
            raise FieldProblem(
                (name,), f"not a feature gate of the Karpenter chart{hint}; it has {', '.join(FEATURE_GATES)}"
            )
    return gates


#: Helm values the library writes from a setting of its own (``helm.karpenter_values``), and that setting. An
#: ``extra_values`` key that replaces one would silently undo it; naming it in ``extra_values_override`` says the
#: override is meant.
LIBRARY_VALUES: dict[tuple[str, ...], str] = {
    ("settings", "clusterName"): "cluster.name",
    ("settings", "clusterEndpoint"): "the cluster's endpoint",
    ("settings", "interruptionQueue"): "iam.interruption_queue",
    ("settings", "featureGates"): "karpenter.feature_gates",
    ("serviceAccount", "create"): "the release (it creates the service account)",
    ("serviceAccount", "name"): "karpenter.service_account",
    ("serviceAccount", "annotations", "eks.amazonaws.com/role-arn"): "iam.identity (IRSA)",
    ("replicas",): "karpenter.replicas",
    ("logLevel",): "karpenter.log_level",
    ("controller", "resources"): "karpenter.cpu and karpenter.memory",
    ("affinity",): "controller_nodes.labels",
    ("tolerations",): "controller_nodes.taint_key and taint_value",
    ("serviceMonitor", "enabled"): "karpenter.service_monitor",
    ("serviceMonitor", "additionalLabels"): "karpenter.service_monitor_labels",
}


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _leaves(values: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in values.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, path)
        else:
            yield path


def extra_values_problems(
    values: Mapping[str, Any], overrides: frozenset[str]
) -> Iterator[tuple[tuple[str, ...], str]]:
    """``(key path, problem)`` for each top-level key the chart does not read and each library value replaced."""
    for key in values:
        if key not in VALUES_KEYS and key != "global":  # Helm passes ``global`` to every chart
            yield (str(key),), f"the Karpenter chart reads no value {quoted(key)}{did_you_mean(str(key), VALUES_KEYS)}"
    for leaf in _leaves(values):
        for owned, setting in LIBRARY_VALUES.items():
            # A leaf inside the owned value (settings.featureGates.x) or replacing a map that holds it (settings: x).
            if leaf[: len(owned)] == owned or owned[: len(leaf)] == leaf:
                if dotted(owned) not in overrides:
                    yield (
                        leaf,
                        (
                            f"replaces {dotted(owned)}, which the library sets from {setting}: use that setting, or "
                            f"name {dotted(owned)!r} in karpenter.extra_values_override to override it on purpose"
                        ),
                    )
                break


def first_duplicate(items: list[str]) -> tuple[int, str] | None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item in seen:
            return index, item
        seen.add(item)
    return None
