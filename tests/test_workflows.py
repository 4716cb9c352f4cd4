"""The CI workflows parse and hold the jobs and steps the project relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(workflow, dict)
    return workflow


def triggers(workflow: dict[Any, Any]) -> set[str]:
    # YAML 1.1 reads the key `on` as True.
    return set(workflow.get("on") or workflow[True])


def runs(job: dict[str, Any]) -> list[str]:
    return [step.get("run", "") for step in job["steps"]]


def test_ci_runs_tests_and_plans_every_stack_on_push_and_pull_request() -> None:
    workflow = load("ci.yaml")
    assert triggers(workflow) == {"push", "pull_request"}
    assert "make test" in runs(workflow["jobs"]["test"])
    plan = workflow["jobs"]["plan"]
    assert plan["strategy"]["matrix"]["stack"] == ["dev", "prod", "auto"]
    commands = " ".join(runs(plan))
    assert "karpenter-infra plan --stack ${{ matrix.stack }}" in commands
    assert "karpenter-infra diff --stack ${{ matrix.stack }}" in commands


def test_preview_comments_each_stack_with_oidc_credentials() -> None:
    workflow = load("preview.yaml")
    assert triggers(workflow) == {"pull_request"}
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["preview"]
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod", "auto"]
    uses = {step.get("uses", "").split("@")[0]: step for step in job["steps"]}
    assert uses["aws-actions/configure-aws-credentials"]["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
    pulumi = uses["pulumi/actions"]["with"]
    assert pulumi["command"] == "preview"
    assert pulumi["comment-on-pr"] is True
    assert pulumi["stack-name"] == "${{ matrix.stack }}"
    assert "make setup" in runs(job)


def test_stacks_in_workflows_exist() -> None:
    stacks = {p.name.split(".")[1] for p in (WORKFLOWS.parents[1] / "stacks").glob("Pulumi.*.yaml")}
    assert stacks == {"dev", "prod", "auto"}


def test_diff_workflow_posts_the_diff_and_gates_on_node_replacement() -> None:
    from karpenter_infra.cli.diff import EXIT_REPLACES_NODES

    workflow = load("diff.yaml")
    assert triggers(workflow) == {"pull_request"}
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["diff"]
    assert job["steps"][0]["with"]["fetch-depth"] == 0  # the base revision is rendered from git history
    commands = "\n".join(runs(job))
    assert "make setup" in commands
    assert ".venv/bin/karpenter-infra diff --stack" in commands and "--exit-code" in commands
    assert f'"$code" -eq {EXIT_REPLACES_NODES}' in commands
    assert '--workloads "examples/workloads/$stack"' in commands  # a change that strands pods fails the check too
    assert "gh pr comment" in commands and "--body-file diff.md" in commands
    gate = next(step for step in job["steps"] if step.get("name") == "gate on node replacement")
    assert "replaces-nodes" in gate["run"] and "exit 1" in gate["run"]
