"""The IAM documents and EventBridge patterns of Karpenter v1.14's CloudFormation template, built from Python.

The template (``getting-started-with-karpenter/cloudformation.yaml``) is what Karpenter tests its permissions
against, so every controller policy here reproduces it statement for statement: same Sids, same actions in the
same order, resources and conditions scoped to the same cluster, region, account and partition. The only
deliberate departures:

- ``iam:PassRole`` names every node role the fleet uses (the template knows only its own node role), sorted and
  without wildcards.
- The interruption policy only exists when there is a queue: it is the one controller policy whose resource is
  the queue ARN.
- The queue policy carries ``"Version": "2012-10-17"`` (the template omits it, which means 2008-10-17; no policy
  variable is used, so both grant the same) and the condition value ``"false"`` as IAM stores it (the template
  writes a YAML boolean).

Plain dicts in, plain dicts out: the components serialise them, nothing here imports Pulumi.

One module per concern: ``controller``, ``extra`` (a team's own statements), ``trust``, ``node_role``,
``interruption`` (queue and EventBridge rules) and ``document`` (what every document shares).
"""

from karpenter_infra.aws.policies.controller import (
    CONTROLLER_POLICY_KEYS,
    controller_policies,
    controller_policy_names,
)
from karpenter_infra.aws.policies.document import (
    MANAGED_POLICY_MAX_CHARS,
    POLICY_VERSION,
)
from karpenter_infra.aws.policies.extra import (
    extra_statements_policy,
)
from karpenter_infra.aws.policies.interruption import (
    INTERRUPTION_QUEUE_TARGET_ID,
    QUEUE_MESSAGE_RETENTION_SECONDS,
    QUEUE_POLICY_ID,
    QUEUE_SQS_MANAGED_SSE,
    interruption_event_rules,
    interruption_queue_policy,
)
from karpenter_infra.aws.policies.node_role import (
    CNI_IPV6_POLICY_NAME,
    NODE_ROLE_MANAGED_POLICIES,
    cni_ipv6_policy,
    node_role_managed_policy_arns,
)
from karpenter_infra.aws.policies.trust import (
    IRSA_AUDIENCE,
    POD_IDENTITY_PRINCIPAL,
    ec2_trust_policy,
    irsa_trust_policy,
    pod_identity_trust_policy,
)

__all__ = [
    "CNI_IPV6_POLICY_NAME",
    "CONTROLLER_POLICY_KEYS",
    "INTERRUPTION_QUEUE_TARGET_ID",
    "IRSA_AUDIENCE",
    "MANAGED_POLICY_MAX_CHARS",
    "NODE_ROLE_MANAGED_POLICIES",
    "POD_IDENTITY_PRINCIPAL",
    "POLICY_VERSION",
    "QUEUE_MESSAGE_RETENTION_SECONDS",
    "QUEUE_POLICY_ID",
    "QUEUE_SQS_MANAGED_SSE",
    "cni_ipv6_policy",
    "controller_policies",
    "controller_policy_names",
    "ec2_trust_policy",
    "extra_statements_policy",
    "interruption_event_rules",
    "interruption_queue_policy",
    "irsa_trust_policy",
    "node_role_managed_policy_arns",
    "pod_identity_trust_policy",
]
