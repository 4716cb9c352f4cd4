"""The public offline harness a consumer tests their own program with."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest

from karpenter_infra.testing import MOCK_ACCOUNT, load_program, run

PROJECT = Path(__file__).resolve().parents[1]


def program() -> None:
    identity = aws.get_caller_identity_output()
    partition = aws.get_partition_output()
    region = aws.get_region_output()
    queue = aws.sqs.Queue("q", name="orders", message_retention_seconds=300)
    pulumi.export("account", identity.account_id)
    pulumi.export("where", pulumi.Output.all(partition.partition, region.region).apply("/".join))
    pulumi.export("queue_arn", queue.arn)
    pulumi.export("token", pulumi.Output.secret("s3cr3t"))
    pulumi.export("nested", {"retention": queue.message_retention_seconds, "names": [queue.name]})
    pulumi.log.warn("careful")


def test_run_follows_account_region_and_partition_and_returns_outputs() -> None:
    result = run(program, account_id="111122223333", region="cn-north-1", partition="aws-cn")
    assert result.outputs["account"] == "111122223333"
    assert result.outputs["where"] == "aws-cn/cn-north-1"
    assert result.outputs["queue_arn"] == "arn:aws-cn:sqs:cn-north-1:111122223333:orders"
    assert result.outputs["nested"] == {"retention": 300, "names": ["orders"]}
    assert result.outputs["token"] == "s3cr3t" and result.secret_outputs == {"token"}
    assert result.warnings == ["careful"]
    [queue] = result.find("aws:sqs/queue:Queue")
    assert queue is result.one("aws:sqs/queue:Queue", "q") and queue in result.resources
    assert queue.inputs["messageRetentionSeconds"] == 300 and type(queue.inputs["messageRetentionSeconds"]) is int


def test_runs_do_not_see_each_other() -> None:
    first, second = run(program), run(program, account_id="999999999999")
    assert first.outputs["account"] == MOCK_ACCOUNT
    assert second.outputs["account"] == "999999999999"
    assert len(first.resources) == len(second.resources)


def test_load_program_imports_module_function() -> None:
    main = load_program("shop_platform.program:main", PROJECT / "examples" / "consumer")
    assert main.__name__ == "main"
    with pytest.raises(ValueError, match="module:function"):
        load_program("shop_platform.program")
    with pytest.raises(ValueError, match="has no function 'nope'"):
        load_program("shop_platform.program:nope", PROJECT / "examples" / "consumer")


def test_run_takes_account_region_and_partition_from_the_config_as_plan_program_does() -> None:
    config = {"aws:region": "cn-north-1", "karpenter-infra:platform": {"account_id": "111122223333"}}
    result = run(program, config=config)
    assert result.outputs["account"] == "111122223333"
    assert result.outputs["where"] == "aws-cn/cn-north-1"  # the partition follows from the region
    assert run(program, config=config, region="eu-west-1").outputs["where"] == "aws/eu-west-1"


def test_the_consumer_program_runs_with_only_its_stack_config() -> None:
    """No account_id argument: a queue of another account would make the platform refuse the run."""
    import yaml

    consumer = PROJECT / "examples" / "consumer"
    config = yaml.safe_load((consumer / "Pulumi.prod.yaml").read_text())["config"]
    result = run(load_program("shop_platform.program:main", consumer), stack="prod", config=config)
    assert result.outputs["controller_role_arn"] == "arn:aws:iam::111122223333:role/KarpenterController-shop-prod"
