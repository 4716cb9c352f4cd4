"""IAM settings of the platform that are checked while Pulumi registers resources otherwise: the extra controller
statements (IAM's policy grammar) and the resource names the extra node-role policies become."""

from __future__ import annotations

from typing import Any

from karpenter_infra.aws.policies import NODE_ROLE_MANAGED_POLICIES
from karpenter_infra.aws.policies.extra import check_statement, extra_statements_policy
from karpenter_infra.errors import FieldProblem
from karpenter_infra.safe_text import quoted

#: "Amazon EKS Auto Mode node IAM role": the two policies the library attaches to the Auto Mode node role.
AUTO_MODE_NODE_POLICIES = ("AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly")


def check_statements(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """IAM JSON policy grammar (IAM User Guide, "Grammar of the IAM JSON policy language"): each statement's keys,
    ``Effect`` of ``Allow`` or ``Deny``, string actions and resources, unique Sids, the managed-policy size."""
    for index, statement in enumerate(statements):
        try:
            check_statement(index, statement)
        except ValueError as exc:
            raise FieldProblem(f"[{index}]", str(exc).removeprefix(f"extra statement [{index}]: ")) from None
    if statements:
        try:
            extra_statements_policy(statements)
        except ValueError as exc:
            raise FieldProblem("", str(exc).removeprefix("extra statements: ")) from None
    return statements


def policy_name_collision(arns: list[str], *, auto_mode: bool) -> tuple[int, str] | None:
    """Each extra node policy is attached as ``<role>-<policy name>``, next to the library's own attachments: two
    ARNs with one name (``policy/a/X`` and ``policy/b/X``), or one of the library's policies, collide."""
    builtin = AUTO_MODE_NODE_POLICIES if auto_mode else NODE_ROLE_MANAGED_POLICIES
    seen: dict[str, int] = {}
    for index, arn in enumerate(arns):
        name = arn.rsplit("/", 1)[-1]
        if name in builtin:
            return index, f"{quoted(arn)}: the library attaches {name} to the node role already"
        if name in seen:
            return index, (
                f"{quoted(arn)} and iam.node_role_policy_arns[{seen[name]}] share the name {name!r}, and with it the "
                "resource name of their attachment"
            )
        seen[name] = index
    return None
