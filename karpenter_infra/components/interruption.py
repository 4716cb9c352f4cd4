"""The SQS queue Karpenter reads interruption events from, and the EventBridge rules that feed it."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from karpenter_infra.aws.arns import AwsContext
from karpenter_infra.aws.policies import (
    QUEUE_MESSAGE_RETENTION_SECONDS,
    interruption_event_rules,
    interruption_queue_policy,
)
from karpenter_infra.components.base import child, token


class InterruptionQueue(pulumi.ComponentResource):
    """With it, Karpenter drains a node before a spot reclaim or a scheduled event instead of losing it mid-flight."""

    queue_name: pulumi.Output[str]
    queue_arn: pulumi.Output[str]
    queue_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        cluster_name: str,
        context: pulumi.Output[AwsContext],
        kms_key_arn: pulumi.Input[str] | None = None,
        tags: dict[str, str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(token("InterruptionQueue"), name, None, opts)
        queue = aws.sqs.Queue(
            f"{name}-queue",
            name=cluster_name,
            message_retention_seconds=QUEUE_MESSAGE_RETENTION_SECONDS,
            # SSE-SQS unless the organisation insists on its own key.
            sqs_managed_sse_enabled=None if kms_key_arn else True,
            kms_master_key_id=kms_key_arn,
            tags=tags,
            opts=child(self),
        )
        aws.sqs.QueuePolicy(
            f"{name}-policy",
            queue_url=queue.url,
            policy=pulumi.Output.all(context, queue.arn).apply(
                lambda args: json.dumps(interruption_queue_policy(args[0], args[1]), sort_keys=True)
            ),
            opts=child(self),
        )
        for rule_name, pattern in sorted(interruption_event_rules().items()):
            rule = aws.cloudwatch.EventRule(
                f"{name}-{rule_name}",
                event_pattern=json.dumps(pattern, sort_keys=True),
                description=f"Karpenter interruption events ({rule_name}) for {cluster_name}",
                tags=tags,
                opts=child(self),
            )
            aws.cloudwatch.EventTarget(
                f"{name}-{rule_name}-target",
                rule=rule.name,
                arn=queue.arn,
                target_id="KarpenterInterruptionQueueTarget",
                opts=child(self),
            )
        self.queue_name = queue.name
        self.queue_arn = queue.arn
        self.queue_url = queue.url
        self.register_outputs({"queue_name": self.queue_name, "queue_arn": self.queue_arn})
