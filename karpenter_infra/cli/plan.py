"""``karpenter-infra plan``: the Pulumi program (ours or the user's) under the mock runtime, offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from karpenter_infra.cli.common import (
    ProgramOption,
    ProjectOption,
    StackOption,
    stdout_console,
    user_errors,
    warn,
)


def plan(
    stack: StackOption = "dev",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every resource as {type, name, parent, inputs, depends_on}.")
    ] = False,
    program: ProgramOption = None,
    project_dir: ProjectOption = Path("."),
) -> None:
    """Run the Pulumi program offline under the mock runtime and show what it would create, and its outputs."""
    from karpenter_infra.plan.report import print_outputs, print_plan

    with user_errors():
        if program is None:
            from karpenter_infra.program import deploy
            from karpenter_infra.project import project_name
            from karpenter_infra.stack import load_stack
            from karpenter_infra.testing import run

            loaded = load_stack(stack, project_dir)
            result = run(lambda: deploy(loaded), stack=stack, project=project_name(project_dir), config=loaded.config)
        else:
            from karpenter_infra.cli.target import run_consumer_program, stack_config

            config = stack_config(stack, project_dir)
            result, _ = run_consumer_program(program, stack, project_dir, config, command="plan")
    if as_json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        console = stdout_console()
        print_plan(result, stack, console)
        print_outputs(result, console)
    # What the program logged (the platform logs each check's warning): printed once, here.
    warn(result.warnings)
