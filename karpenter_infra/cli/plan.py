"""``karpenter-infra plan``: the Pulumi program (ours or the user's) under the mock runtime, offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from karpenter_infra.cli.common import (
    ProgramOption,
    ProjectOption,
    StackOption,
    stdout_console,
    user_errors,
    warn,
)
from karpenter_infra.errors import SpecError

if TYPE_CHECKING:
    from karpenter_infra.plan.mocks import PlanResult


def plan(
    stack: StackOption = "dev",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every resource as {type, name, parent, inputs, depends_on}.")
    ] = False,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Run the Pulumi program offline under the mock runtime and show what it would create, and its outputs."""
    from karpenter_infra.plan.mocks import MOCK_ACCOUNT, run_program
    from karpenter_infra.plan.report import print_outputs, print_plan
    from karpenter_infra.stack import load_stack

    with user_errors():
        if program is None:
            from karpenter_infra.program import deploy

            loaded = load_stack(stack, project_dir)
            platform = loaded.platform
            result = run_program(
                lambda: deploy(loaded),
                stack=stack,
                region=platform.region or str(loaded.config.get("aws:region", "us-east-1")),
                partition=platform.partition or "aws",
                account_id=platform.account_id or MOCK_ACCOUNT,
                config=loaded.config,
            )
        else:
            result = _run_consumer_program(program, stack, project_dir)
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        console = stdout_console()
        print_plan(result, stack, console)
        print_outputs(result, console)
    # What the program logged (the platform logs each check's warning): printed once, here.
    warn(result.warnings)


def _run_consumer_program(reference: str, stack: str, project_dir: Path) -> PlanResult:
    from pydantic import ValidationError

    from karpenter_infra.locate import located
    from karpenter_infra.plan.mocks import MOCK_ACCOUNT
    from karpenter_infra.stack import CONFIG_KEY, check_config_keys, read_config
    from karpenter_infra.testing import load_program, run

    candidates = [project_dir / f"Pulumi.{stack}.yaml", project_dir / "stacks" / f"Pulumi.{stack}.yaml"]
    path = next((c for c in candidates if c.is_file()), None)
    config = read_config(stack, path) if path is not None else {}
    check_config_keys(stack, config)
    try:
        function = load_program(reference, project_dir)
    except ValueError as exc:
        raise SpecError.one("plan", "--program", str(exc)) from None
    except ValidationError as exc:
        raise located(exc, f"program {reference!r}") from None
    except ImportError as exc:
        raise SpecError.one("plan", "--program", f"{reference!r}: {exc}") from None
    platform = config.get(CONFIG_KEY)
    settings = platform if isinstance(platform, dict) else {}
    return run(
        function,
        stack=stack,
        project=project_dir.resolve().name,
        region=str(settings.get("region") or config.get("aws:region") or "us-east-1"),
        partition=str(settings.get("partition") or "aws"),
        account_id=str(settings.get("account_id") or MOCK_ACCOUNT),
        config=config,
    )
