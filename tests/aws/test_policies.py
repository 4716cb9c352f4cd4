"""Our IAM documents and event patterns against Karpenter v1.14's CloudFormation template, in three partitions.

The template is read from the shared reference directory at test time (never copied into the repository) and its
intrinsics are resolved for the same partition, region, account and cluster we build our documents for.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from karpenter_infra.aws.arns import (
    SPOT_SERVICE_LINKED_ROLE_NAME,
    AwsContext,
    dns_suffix_for,
    spot_service_linked_role_arn,
    url_suffix_for,
)
from karpenter_infra.aws.policies import (
    CONTROLLER_POLICY_KEYS,
    INTERRUPTION_QUEUE_TARGET_ID,
    MANAGED_POLICY_MAX_CHARS,
    QUEUE_MESSAGE_RETENTION_SECONDS,
    QUEUE_POLICY_ID,
    QUEUE_SQS_MANAGED_SSE,
    cni_ipv6_policy,
    controller_policies,
    controller_policy_names,
    ec2_trust_policy,
    extra_statements_policy,
    interruption_event_rules,
    interruption_queue_policy,
    irsa_trust_policy,
    node_role_managed_policy_arns,
    pod_identity_trust_policy,
)

REFERENCE_DIR = Path(
    os.environ.get("KARPENTER_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "karpenter-v1.14"
)
TEMPLATE_PATH = REFERENCE_DIR / "cloudformation.yaml"

ACCOUNT = "111122223333"
CLUSTER = "my-cluster"

# Our short names and the template's resource names; the template test below fails if upstream adds one.
TEMPLATE_POLICIES = {
    "node-lifecycle": "NodeLifecyclePolicy",
    "iam-integration": "IAMIntegrationPolicy",
    "eks-integration": "EKSIntegrationPolicy",
    "interruption": "InterruptionPolicy",
    "zonal-shift": "ZonalShiftPolicy",
    "resource-discovery": "ResourceDiscoveryPolicy",
}
TEMPLATE_RULES = {
    "scheduled-change": "ScheduledChangeRule",
    "spot-interruption": "SpotInterruptionRule",
    "rebalance": "RebalanceRule",
    "instance-state-change": "InstanceStateChangeRule",
    "capacity-reservation-interruption": "CapacityReservationInterruptionRule",
}


# --- the template, with its intrinsics resolved -----------------------------------------------------------------


@dataclass(frozen=True)
class Sub:
    template: str
    variables: dict[str, Any]


@dataclass(frozen=True)
class GetAtt:
    resource: str
    attribute: str


@dataclass(frozen=True)
class Ref:
    name: str


class CfnLoader(yaml.SafeLoader):
    """SafeLoader refuses CloudFormation's short-form tags; these keep them as values to resolve later."""


def _construct_sub(loader: yaml.SafeLoader, node: yaml.Node) -> Sub:
    if isinstance(node, yaml.ScalarNode):
        return Sub(loader.construct_scalar(node), {})
    assert isinstance(node, yaml.SequenceNode)
    template, variables = loader.construct_sequence(node, deep=True)
    return Sub(template, variables)


def _construct_get_att(loader: yaml.SafeLoader, node: yaml.Node) -> GetAtt:
    if isinstance(node, yaml.ScalarNode):
        resource, attribute = loader.construct_scalar(node).split(".", 1)
        return GetAtt(resource, attribute)
    assert isinstance(node, yaml.SequenceNode)
    resource, attribute = loader.construct_sequence(node)
    return GetAtt(resource, attribute)


def _construct_ref(loader: yaml.SafeLoader, node: yaml.Node) -> Ref:
    assert isinstance(node, yaml.ScalarNode)
    return Ref(loader.construct_scalar(node))


CfnLoader.add_constructor("!Sub", _construct_sub)
CfnLoader.add_constructor("!GetAtt", _construct_get_att)
CfnLoader.add_constructor("!Ref", _construct_ref)

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]+)\}")


def resolve(value: Any, params: Mapping[str, str]) -> Any:
    """Unknown names raise: a template that grew a parameter must not compare as an empty string."""
    if isinstance(value, dict):
        return {key: resolve(item, params) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, params) for item in value]
    if isinstance(value, Sub):
        scope = {**params, **{k: resolve(v, params) for k, v in value.variables.items()}}

        def substitute(match: re.Match[str]) -> str:
            literal, name = match.groups()
            return f"${{{name}}}" if literal else scope[name]

        return _SUB_VARIABLE.sub(substitute, value.template)
    if isinstance(value, GetAtt):
        return params[f"{value.resource}.{value.attribute}"]
    if isinstance(value, Ref):
        return params[value.name]
    return value


@dataclass(frozen=True)
class Case:
    ctx: AwsContext

    @property
    def node_role_arn(self) -> str:
        return f"arn:{self.ctx.partition}:iam::{ACCOUNT}:role/KarpenterNodeRole-{CLUSTER}"

    @property
    def queue_arn(self) -> str:
        return f"arn:{self.ctx.partition}:sqs:{self.ctx.region}:{ACCOUNT}:{CLUSTER}"

    def params(self) -> dict[str, str]:
        return {
            "AWS::Partition": self.ctx.partition,
            "AWS::Region": self.ctx.region,
            "AWS::AccountId": self.ctx.account_id,
            "AWS::URLSuffix": self.ctx.url_suffix,
            "ClusterName": CLUSTER,
            "KarpenterNodeRole.Arn": self.node_role_arn,
            "KarpenterInterruptionQueue.Arn": self.queue_arn,
            "KarpenterInterruptionQueue": f"https://sqs.{self.ctx.region}.{self.ctx.url_suffix}/{ACCOUNT}/{CLUSTER}",
        }

    def policies(self) -> dict[str, dict[str, Any]]:
        return controller_policies(self.ctx, CLUSTER, [self.node_role_arn], self.queue_arn)


CASES = [
    Case(AwsContext.for_partition("aws", region="us-west-2", account_id=ACCOUNT)),
    Case(AwsContext.for_partition("aws-cn", region="cn-north-1", account_id=ACCOUNT)),
    Case(AwsContext.for_partition("aws-us-gov", region="us-gov-west-1", account_id=ACCOUNT)),
]
CASE_IDS = [case.ctx.partition for case in CASES]
AWS = CASES[0]


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    if not TEMPLATE_PATH.is_file():
        pytest.skip(f"reference template not found at {TEMPLATE_PATH} (set KARPENTER_REFERENCE_DIR)")
    loaded = yaml.load(TEMPLATE_PATH.read_text(), Loader=CfnLoader)
    assert isinstance(loaded, dict)
    return loaded


def resources(template: dict[str, Any], case: Case) -> dict[str, Any]:
    resolved: dict[str, Any] = resolve(template["Resources"], case.params())
    for resource in resolved.values():
        properties = resource.get("Properties", {})
        # Most policies are JSON strings inside !Sub, because CloudFormation cannot interpolate keys.
        if isinstance(properties.get("PolicyDocument"), str):
            properties["PolicyDocument"] = json.loads(properties["PolicyDocument"])
    return resolved


def of_type(template: dict[str, Any], type_: str) -> set[str]:
    return {name for name, resource in template["Resources"].items() if resource["Type"] == type_}


# --- statement-level comparison ---------------------------------------------------------------------------------


def _strings(value: Any) -> frozenset[str]:
    values = value if isinstance(value, list) else [value]
    # IAM stores condition values as strings; the template writes `false` as a YAML boolean.
    return frozenset(str(v).lower() if isinstance(v, bool) else str(v) for v in values)


def normal(statement: Mapping[str, Any]) -> dict[str, Any]:
    principal = statement.get("Principal")
    return {
        "Effect": statement["Effect"],
        "Action": _strings(statement.get("Action", [])),
        "Resource": _strings(statement.get("Resource", [])),
        "Principal": (
            principal
            if principal is None or isinstance(principal, str)
            else {kind: _strings(who) for kind, who in principal.items()}
        ),
        "Condition": {
            operator: {key: _strings(v) for key, v in values.items()}
            for operator, values in statement.get("Condition", {}).items()
        },
    }


def by_sid(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    statements = document["Statement"]
    keyed = {s.get("Sid", f"#{index}"): normal(s) for index, s in enumerate(statements)}
    assert len(keyed) == len(statements), "Sids must be unique"
    return keyed


def assert_same_statements(ours: Mapping[str, Any], reference: Mapping[str, Any]) -> None:
    mine, theirs = by_sid(ours), by_sid(reference)
    assert set(mine) == set(theirs)
    for sid, statement in theirs.items():
        for field in ("Effect", "Action", "Resource", "Principal", "Condition"):
            assert mine[sid][field] == statement[field], f"{sid}: {field}"


# --- the template is what we think it is ------------------------------------------------------------------------


def test_the_template_has_the_policies_and_rules_we_mirror(template: dict[str, Any]) -> None:
    assert of_type(template, "AWS::IAM::ManagedPolicy") == set(TEMPLATE_POLICIES.values())
    assert of_type(template, "AWS::Events::Rule") == set(TEMPLATE_RULES.values())
    assert set(TEMPLATE_POLICIES) == set(CONTROLLER_POLICY_KEYS)
    assert set(TEMPLATE_RULES) == set(interruption_event_rules())


# --- controller policies ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("key", CONTROLLER_POLICY_KEYS)
def test_controller_policy_matches_the_template_statement_by_statement(
    template: dict[str, Any], case: Case, key: str
) -> None:
    reference = resources(template, case)[TEMPLATE_POLICIES[key]]["Properties"]["PolicyDocument"]
    assert_same_statements(case.policies()[key], reference)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_controller_policies_keep_the_template_order_and_shape(template: dict[str, Any], case: Case) -> None:
    resolved = resources(template, case)
    ours = case.policies()
    assert list(ours) == list(CONTROLLER_POLICY_KEYS)
    for key, name in TEMPLATE_POLICIES.items():
        assert ours[key] == resolved[name]["Properties"]["PolicyDocument"], key


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_policy_names_are_the_templates(template: dict[str, Any], case: Case) -> None:
    resolved = resources(template, case)
    names = controller_policy_names(CLUSTER)
    assert names == {key: resolved[name]["Properties"]["ManagedPolicyName"] for key, name in TEMPLATE_POLICIES.items()}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_statement_reaches_further_than_the_template(template: dict[str, Any], case: Case) -> None:
    resolved = resources(template, case)
    extra_roles = [f"arn:{case.ctx.partition}:iam::{ACCOUNT}:role/team-{n}" for n in range(3)]
    ours = controller_policies(case.ctx, CLUSTER, [case.node_role_arn, *extra_roles], case.queue_arn)
    for key, document in ours.items():
        theirs = by_sid(resolved[TEMPLATE_POLICIES[key]]["Properties"]["PolicyDocument"])
        for sid, statement in by_sid(document).items():
            if sid == "AllowPassingInstanceRole":
                assert statement["Resource"] == frozenset([case.node_role_arn, *extra_roles])
                continue
            assert statement["Resource"] <= theirs[sid]["Resource"], f"{key}/{sid}"
            assert "*" not in statement["Resource"] or "*" in theirs[sid]["Resource"], f"{key}/{sid}"
            assert statement["Condition"] == theirs[sid]["Condition"], f"{key}/{sid}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_arn_is_in_the_partition_region_and_account(case: Case) -> None:
    arns = re.findall(r"arn:[^\"]+", json.dumps(case.policies()))
    assert arns
    for arn in arns:
        partition, _service, region, account = arn.split(":")[1:5]
        assert partition == case.ctx.partition, arn
        assert region in ("", case.ctx.region), arn
        assert account in ("", "*", ACCOUNT), arn


def _pass_role(policies: dict[str, dict[str, Any]]) -> dict[str, Any]:
    statements: list[dict[str, Any]] = policies["iam-integration"]["Statement"]
    (statement,) = [s for s in statements if s["Sid"] == "AllowPassingInstanceRole"]
    return statement


def test_pass_role_names_each_role_once_sorted() -> None:
    ctx = AWS.ctx
    roles = [
        f"arn:aws:iam::{ACCOUNT}:role/zeta",
        f"arn:aws:iam::{ACCOUNT}:role/platform/KarpenterNodeRole-{CLUSTER}",
        f"arn:aws:iam::{ACCOUNT}:role/alpha",
        f"arn:aws:iam::{ACCOUNT}:role/zeta",
    ]
    statement = _pass_role(controller_policies(ctx, CLUSTER, roles, None))
    assert statement["Resource"] == sorted(set(roles))
    assert statement["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"]}
    }


def test_pass_role_of_one_role_reads_like_the_template() -> None:
    assert _pass_role(AWS.policies())["Resource"] == AWS.node_role_arn


role_names = st.from_regex(r"[A-Za-z0-9_+=,.@-]{1,64}", fullmatch=True)


@settings(deadline=None)  # a loaded CI runner must not turn a slow example into a failure
@given(st.lists(role_names, min_size=1, max_size=20))
def test_pass_role_is_exactly_the_given_roles(names: list[str]) -> None:
    arns = [f"arn:aws:iam::{ACCOUNT}:role/{name}" for name in names]
    policies = controller_policies(AWS.ctx, CLUSTER, arns, AWS.queue_arn)
    resource = _pass_role(policies)["Resource"]
    assert ([resource] if isinstance(resource, str) else resource) == sorted(set(arns))
    # Nothing but PassRole depends on the roles.
    single = AWS.policies()
    assert {k: v for k, v in policies.items() if k != "iam-integration"} == {
        k: v for k, v in single.items() if k != "iam-integration"
    }


@pytest.mark.parametrize(
    "roles",
    [
        [],
        ["*"],
        [f"arn:aws:iam::{ACCOUNT}:role/*"],
        [f"arn:aws:iam::{ACCOUNT}:role/Karpenter*"],
        [f"arn:aws:iam::{ACCOUNT}:role/a?"],
        ["arn:aws:iam::999999999999:role/other-account"],
        [f"arn:aws-cn:iam::{ACCOUNT}:role/other-partition"],
        [f"arn:aws:iam::{ACCOUNT}:user/not-a-role"],
        [f"arn:aws:iam::{ACCOUNT}:role/"],
    ],
    ids=repr,
)
def test_pass_role_refuses_no_role_a_wildcard_or_a_foreign_role(roles: list[str]) -> None:
    with pytest.raises(ValueError, match=r"node_role_arns|role ARN"):
        controller_policies(AWS.ctx, CLUSTER, roles, None)


def test_a_single_string_is_not_a_list_of_roles() -> None:
    with pytest.raises(TypeError, match="node_role_arns"):
        controller_policies(AWS.ctx, CLUSTER, AWS.node_role_arn, None)


def test_without_a_queue_there_is_no_interruption_policy() -> None:
    policies = controller_policies(AWS.ctx, CLUSTER, [AWS.node_role_arn], None)
    assert list(policies) == [key for key in CONTROLLER_POLICY_KEYS if key != "interruption"]
    with_queue = AWS.policies()
    assert {k: v for k, v in with_queue.items() if k != "interruption"} == policies


def test_only_the_interruption_policy_names_the_queue() -> None:
    naming = [key for key, document in AWS.policies().items() if AWS.queue_arn in json.dumps(document)]
    assert naming == ["interruption"]


@pytest.mark.parametrize(
    "queue_arn",
    [
        "*",
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{CLUSTER}",
        f"arn:aws:sqs:us-west-2:999999999999:{CLUSTER}",
        f"arn:aws:sqs:us-west-2:{ACCOUNT}:*",
    ],
)
def test_a_queue_of_another_region_account_or_a_wildcard_is_refused(queue_arn: str) -> None:
    with pytest.raises(ValueError, match="queue ARN"):
        controller_policies(AWS.ctx, CLUSTER, [AWS.node_role_arn], queue_arn)
    with pytest.raises(ValueError, match="queue ARN"):
        interruption_queue_policy(AWS.ctx, queue_arn)


@pytest.mark.parametrize("name", ["", "*", "my/cluster", "-leading-dash", "x" * 101, "a b"])
def test_cluster_names_eks_would_refuse_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="cluster name"):
        controller_policies(AWS.ctx, name, [AWS.node_role_arn], None)


def test_policy_names_longer_than_iam_allows_are_refused() -> None:
    # Valid for EKS (100 characters), too long once prefixed with KarpenterControllerResourceDiscoveryPolicy-.
    with pytest.raises(ValueError, match="128"):
        controller_policy_names("c" * 100)
    assert len(controller_policy_names("c" * 85)["resource-discovery"]) == 128


def test_controller_policies_stay_within_the_managed_policy_size() -> None:
    roles = [f"arn:aws:iam::{ACCOUNT}:role/team-{n:03}" for n in range(200)]
    with pytest.raises(ValueError, match=str(MANAGED_POLICY_MAX_CHARS)):
        controller_policies(AWS.ctx, CLUSTER, roles, None)


# --- extra statements -------------------------------------------------------------------------------------------


def test_extra_statements_become_their_own_policy() -> None:
    statements: list[dict[str, Any]] = [
        {
            "Resource": f"arn:aws:ssm:us-west-2:{ACCOUNT}:parameter/amis/*",
            "Action": ["ssm:GetParameter"],
            "Effect": "Allow",
            "Sid": "ReadOurAmis",
        },
        {"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*", "Condition": {"Bool": {"x": "true"}}},
    ]
    document = extra_statements_policy(statements)
    assert document == {"Version": "2012-10-17", "Statement": statements}
    # Keys read in the usual order, and the caller's data is not shared.
    assert list(document["Statement"][0]) == ["Sid", "Effect", "Action", "Resource"]
    statements[0]["Action"].append("ssm:PutParameter")
    assert document["Statement"][0]["Action"] == ["ssm:GetParameter"]


@pytest.mark.parametrize(
    ("statements", "message"),
    [
        ([], "got none"),
        ([{"Effect": "Allow", "Action": "s3:GetObject"}], r"missing \['Resource'\]"),
        ([{"Effect": "Allow", "Resource": "*"}], r"missing \['Action'\]"),
        ([{"Action": "s3:GetObject", "Resource": "*"}], r"missing \['Effect'\]"),
        ([{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}], "Effect"),
        ([{"Effect": "Allow", "Action": [], "Resource": "*"}], "Action"),
        ([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [""]}], "Resource"),
        ([{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}], "Principal"),
        ([{"Effect": "Allow", "Actions": "s3:*", "Resource": "*"}], "unknown keys"),
        ([{"Sid": "has-dash", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}], "Sid"),
        ([{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": "x"}], "Condition"),
        ([{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}] * 2, "unique"),
        (["not a statement"], "mapping"),
    ],
)
def test_extra_statements_are_validated(statements: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        extra_statements_policy(statements)


def test_an_extra_policy_iam_would_refuse_for_size_is_refused() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::b/{n:05}" for n in range(400)],
    }
    with pytest.raises(ValueError, match="6144"):
        extra_statements_policy([statement])


# --- trust policies ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ec2_trust_is_the_template_node_role_trust(template: dict[str, Any], case: Case) -> None:
    node_role = resources(template, case)["KarpenterNodeRole"]["Properties"]
    assert ec2_trust_policy(case.ctx) == node_role["AssumeRolePolicyDocument"]


def test_ec2_trust_uses_the_partition_url_suffix() -> None:
    principals = {case.ctx.partition: ec2_trust_policy(case.ctx)["Statement"][0]["Principal"] for case in CASES}
    assert principals == {
        "aws": {"Service": "ec2.amazonaws.com"},
        "aws-cn": {"Service": "ec2.amazonaws.com.cn"},
        "aws-us-gov": {"Service": "ec2.amazonaws.com"},
    }


def test_pod_identity_trust() -> None:
    assert pod_identity_trust_policy() == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }


ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"


def test_irsa_trust_pins_audience_and_service_account() -> None:
    assert irsa_trust_policy(AWS.ctx, PROVIDER, ISSUER, "kube-system", "karpenter") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                        f"{ISSUER}:sub": "system:serviceaccount:kube-system:karpenter",
                    }
                },
            }
        ],
    }


@pytest.mark.parametrize(
    ("provider", "issuer", "namespace", "service_account", "message"),
    [
        (PROVIDER, f"https://{ISSUER}", "kube-system", "karpenter", "https"),
        (f"arn:aws:iam::{ACCOUNT}:oidc-provider/other.example.com", ISSUER, "kube-system", "karpenter", "issuer"),
        (f"arn:aws:iam::999999999999:oidc-provider/{ISSUER}", ISSUER, "kube-system", "karpenter", "account"),
        (PROVIDER, ISSUER, "*", "karpenter", "namespace"),
        (PROVIDER, ISSUER, "kube-system", "*", "service account"),
    ],
)
def test_irsa_trust_refuses_inconsistent_input(
    provider: str, issuer: str, namespace: str, service_account: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        irsa_trust_policy(AWS.ctx, provider, issuer, namespace, service_account)


# --- node role --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_node_role_policies_are_the_templates(template: dict[str, Any], case: Case) -> None:
    expected = resources(template, case)["KarpenterNodeRole"]["Properties"]["ManagedPolicyArns"]
    ours = node_role_managed_policy_arns(case.ctx, ipv6=False)
    assert sorted(ours) == sorted(expected)
    assert len(ours) == len(set(ours)) == 4


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ipv6_swaps_the_cni_policy(case: Case) -> None:
    p = case.ctx.partition
    ipv4 = node_role_managed_policy_arns(case.ctx, ipv6=False)
    ipv6 = node_role_managed_policy_arns(case.ctx, ipv6=True)
    assert set(ipv4) - set(ipv6) == {f"arn:{p}:iam::aws:policy/AmazonEKS_CNI_Policy"}
    assert set(ipv6) < set(ipv4)
    document = cni_ipv6_policy(case.ctx)
    assert [normal(s) for s in document["Statement"]] == [
        normal(
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:AssignIpv6Addresses",
                    "ec2:DescribeInstances",
                    "ec2:DescribeTags",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeInstanceTypes",
                ],
                "Resource": "*",
            }
        ),
        normal({"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": f"arn:{p}:ec2:*:*:network-interface/*"}),
    ]
    assert document["Version"] == "2012-10-17"


# --- interruption queue -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_queue_policy_matches_the_template(template: dict[str, Any], case: Case) -> None:
    reference = resources(template, case)["KarpenterInterruptionQueuePolicy"]["Properties"]["PolicyDocument"]
    ours = interruption_queue_policy(case.ctx, case.queue_arn)
    assert ours["Id"] == reference["Id"] == QUEUE_POLICY_ID
    assert_same_statements(ours, reference)
    assert ours["Version"] == "2012-10-17"


def test_queue_policy_admits_eventbridge_and_refuses_plain_http() -> None:
    allow, deny = interruption_queue_policy(AWS.ctx, AWS.queue_arn)["Statement"]
    assert allow["Principal"] == {"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]}
    assert allow["Action"] == "sqs:SendMessage"
    assert deny["Effect"] == "Deny"
    assert deny["Principal"] == "*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Resource"] == deny["Resource"] == AWS.queue_arn


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_queue_settings_are_the_templates(template: dict[str, Any], case: Case) -> None:
    queue = resources(template, case)["KarpenterInterruptionQueue"]["Properties"]
    assert queue["MessageRetentionPeriod"] == QUEUE_MESSAGE_RETENTION_SECONDS
    assert queue["SqsManagedSseEnabled"] is QUEUE_SQS_MANAGED_SSE
    # The queue is named after the cluster, which is what the chart's settings.interruptionQueue expects.
    assert queue["QueueName"] == CLUSTER


def test_event_rules_match_the_template(template: dict[str, Any]) -> None:
    resolved = resources(template, AWS)
    rules = interruption_event_rules()
    assert list(rules) == list(TEMPLATE_RULES)
    for key, name in TEMPLATE_RULES.items():
        properties = resolved[name]["Properties"]
        assert rules[key] == properties["EventPattern"], key
        assert properties["Targets"] == [{"Id": INTERRUPTION_QUEUE_TARGET_ID, "Arn": AWS.queue_arn}], key


# --- context ----------------------------------------------------------------------------------------------------


def test_suffixes_per_partition() -> None:
    assert {p: (url_suffix_for(p), dns_suffix_for(p)) for p in ("aws", "aws-cn", "aws-us-gov")} == {
        "aws": ("amazonaws.com", "amazonaws.com"),
        "aws-cn": ("amazonaws.com.cn", "amazonaws.com.cn"),
        "aws-us-gov": ("amazonaws.com", "amazonaws.com"),
    }
    assert [case.ctx.dns_suffix for case in CASES] == ["amazonaws.com", "amazonaws.com.cn", "amazonaws.com"]
    with pytest.raises(ValueError, match="aws-mars"):
        url_suffix_for("aws-mars")


@pytest.mark.parametrize(
    ("partition", "region", "account_id"),
    [
        ("aws", "cn-north-1", ACCOUNT),
        ("aws", "us-gov-west-1", ACCOUNT),
        ("aws-cn", "us-west-2", ACCOUNT),
        ("aws-us-gov", "us-east-1", ACCOUNT),
        ("aws", "us-west-2", "1234"),
        ("aws", "US-WEST-2", ACCOUNT),
    ],
)
def test_a_context_that_cannot_exist_is_refused(partition: str, region: str, account_id: str) -> None:
    with pytest.raises(ValueError):
        AwsContext.for_partition(partition, region=region, account_id=account_id)


def test_a_url_suffix_that_contradicts_the_partition_is_refused() -> None:
    with pytest.raises(ValueError, match="url_suffix"):
        AwsContext(partition="aws-cn", region="cn-north-1", account_id=ACCOUNT, url_suffix="amazonaws.com")


def test_spot_service_linked_role() -> None:
    assert spot_service_linked_role_arn(CASES[1].ctx) == (
        f"arn:aws-cn:iam::{ACCOUNT}:role/aws-service-role/spot.amazonaws.com/{SPOT_SERVICE_LINKED_ROLE_NAME}"
    )
