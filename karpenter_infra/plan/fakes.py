"""Fake cloud answers for the offline plan: stable values derived from names, shaped like AWS's."""

from __future__ import annotations

import hashlib
from typing import Any

_ARN_SERVICES = {
    "aws:iam/role:Role": ("iam", "role/"),
    "aws:iam/policy:Policy": ("iam", "policy/"),
    "aws:iam/instanceProfile:InstanceProfile": ("iam", "instance-profile/"),
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": ("iam", "role/aws-service-role/spot.amazonaws.com/"),
    "aws:sqs/queue:Queue": ("sqs", ""),
    "aws:cloudwatch/eventRule:EventRule": ("events", "rule/"),
    "aws:eks/nodeGroup:NodeGroup": ("eks", "nodegroup/"),
    "aws:eks/addon:Addon": ("eks", "addon/"),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("eks", "podidentityassociation/"),
    "aws:eks/accessEntry:AccessEntry": ("eks", "access-entry/"),
    "aws:kms/key:Key": ("kms", "key/"),
}


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:17]


def fake_outputs(
    type_: str, name: str, inputs: dict[str, Any], region: str, partition: str, account: str
) -> tuple[str, dict[str, Any]]:
    outputs = dict(inputs)
    physical = str(inputs.get("name") or inputs.get("roleName") or name)
    outputs.setdefault("name", physical)
    if type_ in _ARN_SERVICES:
        service, prefix = _ARN_SERVICES[type_]
        scope = "" if service == "iam" else region
        path = (
            str(inputs.get("path") or "/")
            if service == "iam" and type_ != "aws:iam/serviceLinkedRole:ServiceLinkedRole"
            else ""
        )
        outputs["arn"] = f"arn:{partition}:{service}:{scope}:{account}:{prefix}{path.lstrip('/')}{physical}"
    if type_ == "aws:sqs/queue:Queue":
        outputs["url"] = f"https://sqs.{region}.amazonaws.com/{account}/{physical}"
    if type_ == "eks:index:Cluster":
        issuer = f"oidc.eks.{region}.amazonaws.com/id/{_short_hash(physical).upper()}"
        outputs.update(
            kubeconfigJson=f'{{"clusters":[{{"name":"{physical}"}}]}}',
            kubeconfig={"clusters": [{"name": physical}]},
            oidcIssuer=issuer,
            oidcProviderUrl=f"https://{issuer}",
            oidcProviderArn=f"arn:{partition}:iam::{account}:oidc-provider/{issuer}",
            clusterSecurityGroupId=f"sg-{_short_hash(physical + 'cluster')}",
            nodeSecurityGroupId=f"sg-{_short_hash(physical + 'node')}",
        )
    if type_ == "aws:eks/nodeGroup:NodeGroup":
        outputs["resources"] = [{"autoscalingGroups": [{"name": f"eks-{physical}-{_short_hash(physical)}"}]}]
    if type_ == "kubernetes:helm.sh/v3:Release":
        outputs["status"] = {"status": "deployed", "version": inputs.get("version", "")}
    if type_ == "aws:kms/key:Key":
        outputs["keyId"] = _short_hash(physical)
    return f"{physical}-id", outputs


def fake_call(token: str, args: dict[str, Any], region: str, partition: str, account: str) -> dict[str, Any]:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": account, "arn": f"arn:{partition}:iam::{account}:user/plan", "userId": "PLAN"}
    if token == "aws:index/getPartition:getPartition":
        suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        return {"partition": partition, "dnsSuffix": suffix, "id": partition}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region}
    if token == "aws:eks/getCluster:getCluster":
        name = str(args.get("name", "cluster"))
        issuer = f"https://oidc.eks.{region}.amazonaws.com/id/{_short_hash(name).upper()}"
        return {
            "name": name,
            "endpoint": f"https://{_short_hash(name).upper()}.gr7.{region}.eks.amazonaws.com",
            "certificateAuthorities": [{"data": "UExBTi1DQQ=="}],
            "identities": [{"oidcs": [{"issuer": issuer}]}],
            "vpcConfig": {"clusterSecurityGroupId": f"sg-{_short_hash(name + 'eks-cluster-sg')}"},
        }
    return {}
