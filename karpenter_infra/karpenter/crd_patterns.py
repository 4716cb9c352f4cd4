"""The Karpenter v1.14 CRDs' patterns, bounds and allow-lists.

Every regex here is the CRD's text, character for character, so ``tests/karpenter/test_enums_match_crds.py`` can
compare them with the CRD files and fail when Karpenter changes one. The apiserver evaluates them with Go's RE2, in
which ``\\d`` and ``\\s`` are ASCII-only; pydantic-core's Rust engine is Unicode-aware, so the models compile them
through :func:`karpenter_infra.karpenter.re2.go_regex` first. The allow-lists are the ones written into the CEL
rules, for the same reason.
"""

from __future__ import annotations

from typing import Final

# --- Labels and taints -------------------------------------------------------------------------------------------

#: ``requirements[].key``, ``taints[].key`` and ``taints[].value`` all use this qualified-name shape.
QUALIFIED_NAME_PATTERN: Final = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
)
REQUIREMENT_KEY_PATTERN: Final = QUALIFIED_NAME_PATTERN
REQUIREMENT_KEY_MAX_LENGTH: Final = 316
TAINT_KEY_PATTERN: Final = QUALIFIED_NAME_PATTERN
TAINT_VALUE_PATTERN: Final = QUALIFIED_NAME_PATTERN

#: ``template.metadata.labels`` values. The CRD also puts this pattern and max length on ``requirements[].values``,
#: but on the array rather than its items, where the apiserver ignores them (see ``nodepool.Requirement``).
LABEL_VALUE_PATTERN: Final = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
LABEL_VALUE_MAX_LENGTH: Final = 63
TEMPLATE_LABELS_MAX_PROPERTIES: Final = 100

#: Not from the CRDs: Karpenter writes NodePool and EC2NodeClass names into label values
#: (``karpenter.sh/nodepool``, ``karpenter.k8s.aws/ec2nodeclass``), so a name must also be a valid label value.
DNS1123_LABEL_PATTERN: Final = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS1123_LABEL_MAX_LENGTH: Final = 63
#: Kubernetes' own rule for ``metadata.labels`` / ``metadata.annotations`` keys (``IsQualifiedName``).
QUALIFIED_KEY_NAME_PATTERN: Final = r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
QUALIFIED_KEY_NAME_MAX_LENGTH: Final = 63
DNS1123_SUBDOMAIN_PATTERN: Final = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS1123_SUBDOMAIN_MAX_LENGTH: Final = 253

#: RFC 3339, the layout Kubernetes writes ``metav1.Time`` in; the CRD says ``format: date-time``.
DATE_TIME_PATTERN: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)

KARPENTER_SH_DOMAIN: Final = "karpenter.sh"
KARPENTER_K8S_AWS_DOMAIN: Final = "karpenter.k8s.aws"
NODEPOOL_LABEL: Final = "karpenter.sh/nodepool"
HOSTNAME_LABEL: Final = "kubernetes.io/hostname"

#: Keys under ``karpenter.sh`` that requirements and template labels may still use.
KARPENTER_SH_ALLOWED_LABELS: Final = frozenset({"karpenter.sh/capacity-type", "karpenter.sh/nodepool"})

#: Keys under ``karpenter.k8s.aws`` that requirements and template labels may still use (well-known labels).
KARPENTER_K8S_AWS_ALLOWED_LABELS: Final = frozenset(
    {
        "karpenter.k8s.aws/instance-tenancy",
        "karpenter.k8s.aws/capacity-reservation-type",
        "karpenter.k8s.aws/capacity-reservation-id",
        "karpenter.k8s.aws/capacity-reservation-interruptible",
        "karpenter.k8s.aws/ec2nodeclass",
        "karpenter.k8s.aws/instance-encryption-in-transit-supported",
        "karpenter.k8s.aws/instance-category",
        "karpenter.k8s.aws/instance-hypervisor",
        "karpenter.k8s.aws/instance-family",
        "karpenter.k8s.aws/instance-generation",
        "karpenter.k8s.aws/instance-local-nvme",
        "karpenter.k8s.aws/instance-size",
        "karpenter.k8s.aws/instance-cpu",
        "karpenter.k8s.aws/instance-cpu-manufacturer",
        "karpenter.k8s.aws/instance-cpu-sustained-clock-speed-mhz",
        "karpenter.k8s.aws/instance-memory",
        "karpenter.k8s.aws/instance-ebs-bandwidth",
        "karpenter.k8s.aws/instance-network-bandwidth",
        "karpenter.k8s.aws/instance-gpu-name",
        "karpenter.k8s.aws/instance-gpu-manufacturer",
        "karpenter.k8s.aws/instance-gpu-count",
        "karpenter.k8s.aws/instance-gpu-memory",
        "karpenter.k8s.aws/instance-accelerator-name",
        "karpenter.k8s.aws/instance-accelerator-manufacturer",
        "karpenter.k8s.aws/instance-accelerator-count",
        "karpenter.k8s.aws/instance-capability-flex",
        "karpenter.k8s.aws/placement-group-id",
        "karpenter.k8s.aws/placement-group-partition",
    }
)

# --- Durations, budgets, quantities --------------------------------------------------------------------------------

#: ``expireAfter`` and ``consolidateAfter``.
DURATION_OR_NEVER_PATTERN: Final = r"^(([0-9]+(s|m|h))+|Never)$"
#: ``terminationGracePeriod``.
DURATION_PATTERN: Final = r"^([0-9]+(s|m|h))+$"
BUDGET_DURATION_PATTERN: Final = r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$"
BUDGET_NODES_PATTERN: Final = r"^((100|[0-9]{1,2})%|[0-9]+)$"
BUDGET_SCHEDULE_PATTERN: Final = (
    r"^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$"
)
BUDGETS_MAX_ITEMS: Final = 50
BUDGET_REASONS_MAX_ITEMS: Final = 50
REQUIREMENTS_MAX_ITEMS: Final = 100
MIN_VALUES_MINIMUM: Final = 1
MIN_VALUES_MAXIMUM: Final = 50
WEIGHT_MINIMUM: Final = 1
WEIGHT_MAXIMUM: Final = 100

#: A Kubernetes resource quantity: ``limits``, ``kubeReserved``, ``systemReserved``.
QUANTITY_PATTERN: Final = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)
#: ``evictionHard`` / ``evictionSoft`` values: a percentage, empty, or a quantity.
EVICTION_THRESHOLD_PATTERN: Final = (
    r"^((\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)%||(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|"
    r"([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?)$"
)

NODE_CLASS_GROUP_PATTERN: Final = r"^[^/]*$"

#: ``format: int32`` / ``int64`` bounds. The apiserver does not check them, but Karpenter's Go types cannot decode a
#: value outside them, so an out-of-range number would be accepted and then break the controller.
INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1

# --- EC2NodeClass --------------------------------------------------------------------------------------------------

VOLUME_SIZE_PATTERN: Final = (
    r"^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}"
    r"|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$"
)
#: The CRD's id patterns are unanchored (``ami-[0-9a-z]+`` matches anywhere in the string); mirrored as written.
AMI_ID_PATTERN: Final = r"ami-[0-9a-z]+"
SECURITY_GROUP_ID_PATTERN: Final = r"sg-[0-9a-z]+"
SUBNET_ID_PATTERN: Final = r"subnet-[0-9a-z]+"
CAPACITY_RESERVATION_ID_PATTERN: Final = r"^cr-[0-9a-z]+$"
CAPACITY_RESERVATION_OWNER_ID_PATTERN: Final = r"^[0-9]{12}$"
PLACEMENT_GROUP_ID_PATTERN: Final = r"^pg-[0-9a-z]+$"
#: From the alias CEL rule (``self.matches(...)``), not a schema ``pattern``.
AMI_ALIAS_PATTERN: Final = r"^[a-zA-Z0-9]+@.+$"
AMI_ALIAS_MAX_LENGTH: Final = 30
AMI_ALIAS_LATEST: Final = "latest"
SELECTOR_TERMS_MAX_ITEMS: Final = 30
SELECTOR_TAGS_MAX_PROPERTIES: Final = 20
BLOCK_DEVICE_MAPPINGS_MAX_ITEMS: Final = 50
NETWORK_INTERFACES_MAX_ITEMS: Final = 150

#: Keys the kubelet's eviction maps accept, in the CRD's order (its messages list them in this order).
EVICTION_SIGNALS: Final = (
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
)
#: Keys ``kubeReserved`` and ``systemReserved`` accept.
RESERVED_RESOURCES: Final = ("cpu", "memory", "ephemeral-storage", "pid")

#: Tag keys Karpenter sets itself and an EC2NodeClass may not.
RESTRICTED_TAG_KEYS: Final = (
    "eks:eks-cluster-name",
    "karpenter.sh/nodepool",
    "karpenter.sh/nodeclaim",
    "karpenter.k8s.aws/ec2nodeclass",
)
RESTRICTED_TAG_PREFIX: Final = "kubernetes.io/cluster"
