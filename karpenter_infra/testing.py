"""Test your own Pulumi program offline: run it under Pulumi's mock runtime, then assert on what it registered.

```python
from karpenter_infra.testing import run

def test_the_pools_exist() -> None:
    result = run(my_program.main, account_id="111122223333", region="eu-central-1", config={...})
    assert result.outputs["cluster_name"] == "shop-prod"
    assert {r.name for r in result.find("kubernetes:karpenter.sh/v1:NodePool")} == {"web-amd64", "batch-arm64"}
```

No Pulumi CLI, AWS account or cluster is involved: cloud answers (ARNs, ids, the caller identity, the partition and
region lookups) are fakes derived from names and from the ``account_id``, ``region`` and ``partition`` given, so two
runs agree byte for byte. This is the same harness ``karpenter-infra plan`` uses.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from karpenter_infra.plan.mocks import MOCK_ACCOUNT, PlanResult, Registration

__all__ = ["MOCK_ACCOUNT", "PlanResult", "Registration", "load_program", "run"]


def run(
    program: Callable[[], object],
    *,
    account_id: str | None = None,
    region: str | None = None,
    partition: str | None = None,
    stack: str = "test",
    project: str = "test",
    config: dict[str, Any] | None = None,
) -> PlanResult:
    """Run ``program`` (what ``__main__.py`` calls) and return its resources, stack outputs and warnings.

    ``config`` is the stack configuration as a stack file holds it (``{"karpenter-infra:platform": {...}}``):
    the program reads it with ``pulumi.Config`` as under ``pulumi up``. ``account_id``, ``region`` and
    ``partition`` default to what ``karpenter-infra plan --program`` takes from the same config (the platform's
    ``account_id``, ``region`` and ``partition``, then ``aws:region``; us-east-1 and a made-up account when
    neither says). Bad input is a ``SpecError``, one line per problem naming the owner and field, as the CLI prints it
    (a pydantic ``ValidationError`` of a model the program built becomes one too); any other exception the program
    raises propagates unchanged.
    """
    from pydantic import ValidationError

    from karpenter_infra.locate import located
    from karpenter_infra.plan.mocks import run_program
    from karpenter_infra.project import deployment

    where = deployment(config, region=region, partition=partition, account_id=account_id)
    try:
        return run_program(
            program,
            project=project,
            stack=stack,
            region=where.region,
            partition=where.partition,
            account_id=where.account_id or MOCK_ACCOUNT,
            config=config,
        )
    except ValidationError as exc:  # a model the program built: located like every other path reports it
        raise located(exc, "program") from None


def load_program(reference: str, project_dir: Path | None = None) -> Callable[[], object]:
    """``"package.module:function"`` -> the function, imported with ``project_dir`` (default: cwd) on the path."""
    module_name, _, function_name = reference.partition(":")
    if not module_name or not function_name.isidentifier():
        raise ValueError(f"{reference!r}: give the program as module:function, e.g. shop_platform.program:main")
    root = str((project_dir or Path.cwd()).resolve())
    if root not in sys.path:
        sys.path.insert(0, root)
    module = importlib.import_module(module_name)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise ValueError(f"{reference!r}: module {module_name!r} has no function {function_name!r}")
    return function  # type: ignore[no-any-return]
