"""The interruption queue's policy and settings, and the EventBridge rules that feed it."""

from __future__ import annotations

from typing import Any

from karpenter_infra.aws.arns import (
    AwsContext,
    check_queue_arn,
)
from karpenter_infra.aws.policies.document import POLICY_VERSION

# Interruption queue settings of the template. An interruption message is only useful for minutes (a Spot
# warning gives two), so older ones are dropped; SSE-SQS encrypts at rest without a key to manage.
QUEUE_MESSAGE_RETENTION_SECONDS = 300
QUEUE_SQS_MANAGED_SSE = True
QUEUE_POLICY_ID = "EC2InterruptionPolicy"
INTERRUPTION_QUEUE_TARGET_ID = "KarpenterInterruptionQueueTarget"
# The template names these principals literally, in every partition, rather than with ${AWS::URLSuffix}.
_QUEUE_SENDERS = ["events.amazonaws.com", "sqs.amazonaws.com"]


def interruption_queue_policy(ctx: AwsContext, queue_arn: str) -> dict[str, Any]:
    """EventBridge delivers into the queue; everything without TLS is refused, whoever asks."""
    arn = check_queue_arn(ctx, queue_arn)
    return {
        "Version": POLICY_VERSION,
        "Id": QUEUE_POLICY_ID,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": list(_QUEUE_SENDERS)},
                "Action": "sqs:SendMessage",
                "Resource": arn,
            },
            {
                "Sid": "DenyHTTP",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sqs:*",
                "Resource": arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def interruption_event_rules() -> dict[str, dict[str, list[str]]]:
    """Keys are the template's rule names in kebab case, without "Rule".

    ``scheduled-change`` matches every AWS Health event, not only scheduled changes, as the template's does;
    Karpenter ignores the ones it does not act on.
    """
    return {
        "scheduled-change": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
        "spot-interruption": {"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]},
        "rebalance": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]},
        "instance-state-change": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
        },
        "capacity-reservation-interruption": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
        },
    }
