"""The command line: render and plan, offline, with clear errors and exit status 2 on bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from karpenter_infra.cli import app

PROJECT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_render_prints_the_stack_manifests() -> None:
    result = runner.invoke(app, ["render", "--stack", "dev", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    documents = list(yaml.safe_load_all(result.stdout))
    kinds = {d["kind"] for d in documents}
    assert kinds == {
        "EC2NodeClass",
        "NodePool",
        "PriorityClass",
        "Namespace",
        "Deployment",
        "CronJob",
        "ConfigMap",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
    }
    assert "userData: |" in result.stdout  # block style: reviewable


def test_render_to_a_directory_writes_one_file_per_object_and_a_kustomization(tmp_path: Path) -> None:
    out = tmp_path / "gitops"
    out.mkdir()
    # An earlier run wrote nodepool-gone-amd64.yaml (its own list says so); someone-elses.yaml is not ours.
    (out / "nodepool-gone-amd64.yaml").write_text("stale: true\n")
    (out / ".karpenter-infra").write_text("# written by render -o\nnodepool-gone-amd64.yaml\n")
    (out / "someone-elses.yaml").write_text("kept: true\n")
    result = runner.invoke(app, ["render", "-s", "dev", "-o", str(out), "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    kustomization = yaml.safe_load((out / "kustomization.yaml").read_text())
    files = sorted(p.name for p in out.glob("*.yaml") if p.name not in ("kustomization.yaml", "someone-elses.yaml"))
    assert sorted(kustomization["resources"]) == files
    assert (out / "someone-elses.yaml").exists()
    assert "nodepool-default-amd64.yaml" in files
    assert "deployment-karpenter-headroom-headroom-default-amd64-small.yaml" in files
    assert not (out / "nodepool-gone-amd64.yaml").exists()
    again = runner.invoke(app, ["render", "-s", "dev", "-o", str(out), "--project-dir", str(PROJECT)])
    assert again.exit_code == 0
    assert (
        sorted(p.name for p in out.glob("*.yaml") if p.name not in ("kustomization.yaml", "someone-elses.yaml"))
        == files
    )


def test_plan_json_is_valid_json_for_prod() -> None:
    result = runner.invoke(app, ["plan", "--stack", "prod", "--json", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(set(row) == {"type", "name", "parent", "inputs", "depends_on"} for row in rows)
    assert any(row["type"] == "karpenter-infra:index:KarpenterPlatform" for row in rows)


def test_plan_prints_the_tree_grouped_by_component() -> None:
    result = runner.invoke(app, ["plan", "--stack", "dev", "--project-dir", str(PROJECT)])
    assert result.exit_code == 0, result.output
    for component in ("KarpenterPlatform", "EksCluster", "KarpenterIam", "InterruptionQueue", "NodePoolSet"):
        assert component in result.stdout
    assert "resources by type" in result.stdout


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT / "stacks", tmp_path / "stacks", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_bad_stack_config_names_the_key_and_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    path = project / "stacks" / "Pulumi.broken.yaml"
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["karpenter"]["replicas"] = 0
    path.write_text(yaml.safe_dump(config))
    for command in ("render", "plan"):
        result = runner.invoke(app, [command, "-s", "broken", "--project-dir", str(project)])
        assert result.exit_code == 2
        assert "stack 'broken' (karpenter-infra:platform): karpenter.replicas:" in result.stderr


def test_bad_nodegroup_names_the_group_and_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    module = project / "stacks" / "nodegroups" / "broken.py"
    module.write_text(
        "from karpenter_infra import NodeGroup, NodeGroupDefaults\n"
        "DEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev')\n"
        "NODEGROUPS = [NodeGroup(name='web', node_class='nope')]\n"
    )
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["nodegroups"] = "stacks.nodegroups.broken"
    (project / "stacks" / "Pulumi.broken.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["plan", "-s", "broken", "--project-dir", str(project)])
    assert result.exit_code == 2
    assert "nodegroup 'web': node_class: no node group named 'nope'" in result.stderr


def test_unknown_stack_exits_2() -> None:
    result = runner.invoke(app, ["render", "-s", "nope", "--project-dir", str(PROJECT)])
    assert result.exit_code == 2
    assert "no Pulumi.nope.yaml in" in result.stderr and "stacks here: auto, dev, prod" in result.stderr


def test_errors_are_not_wrapped_inside_long_paths(tmp_path: Path) -> None:
    deep = tmp_path / ("project-" + "x" * 120)
    deep.mkdir()
    result = runner.invoke(app, ["render", "-s", "nope", "--project-dir", str(deep)])
    assert result.exit_code == 2
    assert f"no Pulumi.nope.yaml in {deep}; no Pulumi.<stack>.yaml here" in result.stderr
    assert result.stderr.count("\n") == 1


def test_plan_warns_when_a_production_stack_follows_latest_amis(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["production"] = True
    (project / "stacks" / "Pulumi.devprod.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, ["plan", "-s", "devprod", "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    assert "warning: nodegroup 'default': ami_version: follows @latest" in result.stderr
    clean = runner.invoke(app, ["plan", "-s", "prod", "--project-dir", str(PROJECT)])
    assert "warning:" not in clean.stderr


def test_schedule_shows_which_groups_are_up_at_an_instant() -> None:
    night = runner.invoke(
        app, ["schedule", "-s", "dev", "--at", "2026-11-23T21:00+01:00", "--project-dir", str(PROJECT)]
    )
    assert night.exit_code == 0, night.output
    assert "jobs-amd64" in night.stdout and "default-amd64" not in night.stdout
    assert "down" in night.stdout and "up at 2026-11-24T07:00:00+01:00" in night.stdout
    day = runner.invoke(app, ["schedule", "-s", "dev", "--at", "2026-11-24T12:00+01:00", "--project-dir", str(PROJECT)])
    assert "down at 2026-11-24T20:00:00+01:00" in day.stdout
    naive = runner.invoke(app, ["schedule", "-s", "dev", "--at", "2026-11-24T12:00", "--project-dir", str(PROJECT)])
    assert naive.exit_code == 2


def stack_with(project: Path, name: str, edit: Any, module: str | None = None) -> None:
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    edit(config["config"])
    if module is not None:
        (project / "stacks" / "nodegroups" / f"{name}.py").write_text(module)
        config["config"]["karpenter-infra:platform"]["nodegroups"] = f"stacks.nodegroups.{name}"
    (project / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump(config))


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return str(lines[0])


def test_plan_follows_the_configured_account(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    stack_with(project, "acct", lambda c: c["karpenter-infra:platform"].update(account_id="111122223333"))
    result = runner.invoke(app, ["plan", "-s", "acct", "--json", "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    assert "123456789012" not in result.stdout
    assert "arn:aws:iam::111122223333:role/KarpenterController-karpenter-dev" in result.stdout


def test_plan_prints_each_warning_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = copy_project(tmp_path)
    stack_with(project, "devprod", lambda c: c["karpenter-infra:platform"].update(production=True))
    result = runner.invoke(app, ["plan", "-s", "devprod", "--project-dir", str(project)])
    assert result.exit_code == 0, result.output
    # The mock engine used to log each warning bare through the root logger, then the CLI printed it again.
    assert not [r for r in caplog.records if "follows @latest" in r.getMessage()]
    lines = [line for line in result.stderr.splitlines() if "follows @latest" in line]
    assert lines and all(line.startswith("warning: nodegroup '") for line in lines)
    assert len(lines) == len(set(lines)) == 7  # the seven dev groups, each once
    assert "follows @latest" not in result.stdout


def test_plan_shows_the_stack_outputs() -> None:
    result = runner.invoke(app, ["plan", "-s", "dev", "--project-dir", str(PROJECT)])
    assert "stack outputs" in result.stdout
    assert "arn:aws:iam::123456789012:role/KarpenterController-karpenter-dev" in result.stdout
    assert "[secret]" in result.stdout  # the kubeconfig


NESTED = {
    "capacity_spread": (
        "NodeGroup(name='web', capacity_spread=CapacitySpread(start=5, end=1))",
        "error: nodegroup 'web' (nested.py:4): capacity_spread: start (5) must not be greater than end (1)",
    ),
    "instances": (
        "NodeGroup(name='web', instances=Instances(min_genration=6))",
        "error: nodegroup 'web' (nested.py:4): instances.min_genration: Extra inputs are not permitted "
        "(did you mean 'min_generation'?)",
    ),
    "taint": (
        "NodeGroup(\n    name='gpu',\n    taints=[Taint(key='a'), Taint(key='b', effect='Noschedule')],\n)",
        "error: nodegroup 'gpu' (nested.py:6): taints[1].effect: must be 'NoSchedule', 'PreferNoSchedule' "
        "or 'NoExecute', got 'Noschedule' (did you mean 'NoSchedule'?)",
    ),
    "defaults": (
        "NodeGroup(name='web')]\nDEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev', taints=[Taint(key='x', "
        "effect='Never')])\n_ = [1",
        "error: defaults (nested.py:5): taints[0].effect: must be 'NoSchedule', 'PreferNoSchedule' or 'NoExecute', "
        "got 'Never'",
    ),
    "alone": (
        "NodeGroup(name='web', capacity_spread=SPREAD)]\nSPREAD = CapacitySpread(start=5, end=1)\n_ = [1",
        "error: CapacitySpread (nested.py:5): (root): start (5) must not be greater than end (1)",
    ),
}


@pytest.mark.parametrize("case", sorted(NESTED))
def test_an_error_in_a_nested_model_is_one_line_naming_the_group_and_field(tmp_path: Path, case: str) -> None:
    source, expected = NESTED[case]
    module = (
        "from karpenter_infra import CapacitySpread, Instances, NodeGroup, NodeGroupDefaults, Taint\n"
        "SPREAD = None\nDEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev')\n"
        f"NODEGROUPS = [{source}]\n"
    )
    if case == "alone":
        module = module.replace("SPREAD = None\n", "").replace("NODEGROUPS", "SPREAD = None\nNODEGROUPS", 1)
    project = copy_project(tmp_path)
    stack_with(project, "nested", lambda c: None, module=module)
    for command in ("render", "plan", "schedule", "diff"):
        line = one_error_line(runner.invoke(app, [command, "-s", "nested", "--project-dir", str(project)]))
        assert line.startswith(expected), (command, line)


def test_a_missing_nodegroups_module_is_one_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    stack_with(project, "gone", lambda c: c["karpenter-infra:platform"].update(nodegroups="stacks.nodegroups.gone"))
    line = one_error_line(runner.invoke(app, ["render", "-s", "gone", "--project-dir", str(project)]))
    assert line.startswith(
        "error: stack 'gone' (karpenter-infra:platform): nodegroups: no module 'stacks.nodegroups.gone'"
    )


def test_render_onto_an_existing_file_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("mine\n")
    line = one_error_line(runner.invoke(app, ["render", "-s", "dev", "-o", str(target), "--project-dir", str(PROJECT)]))
    assert f"--out: {target} is a file" in line
    assert target.read_text() == "mine\n"
    line = one_error_line(runner.invoke(app, ["dashboards", "-o", str(target)]))
    assert line == f"error: dashboards: --out: {target} is a file; give a directory (it is created if missing)"


def test_unknown_keys_in_our_config_namespace_are_errors_with_a_guess(tmp_path: Path) -> None:
    project = copy_project(tmp_path)

    def misspell(config: dict[str, Any]) -> None:
        config["karpenter-infra:platfrom"] = config.pop("karpenter-infra:platform")

    stack_with(project, "typo", misspell)
    line = one_error_line(runner.invoke(app, ["plan", "-s", "typo", "--project-dir", str(project)]))
    assert line == (
        "error: stack 'typo': karpenter-infra:platfrom: unknown config key (did you mean 'karpenter-infra:platform'?)"
    )
    stack_with(project, "nested-typo", lambda c: c["karpenter-infra:platform"]["karpenter"].update(replica=1))
    line = one_error_line(runner.invoke(app, ["render", "-s", "nested-typo", "--project-dir", str(project)]))
    assert "karpenter.replica: Extra inputs are not permitted (did you mean 'replicas'?)" in line


def test_empty_zone_names_are_refused(tmp_path: Path) -> None:
    module = (
        "from karpenter_infra import NodeGroup, NodeGroupDefaults\n"
        "DEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev')\n"
        "NODEGROUPS = [NodeGroup(name='web', availability_zones=[''])]\n"
    )
    project = copy_project(tmp_path)
    stack_with(project, "zones", lambda c: None, module=module)
    line = one_error_line(runner.invoke(app, ["render", "-s", "zones", "--project-dir", str(project)]))
    assert line.startswith("error: nodegroup 'web': availability_zones: an empty zone name matches no zone")


def test_help_is_clean_and_names_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert len(names) >= 6
    for name in names:
        assert f"\n  {name} " in result.stdout, name
    for markup in ("``", "[bold", "<bool>", "[/]"):
        assert markup not in result.stdout
    plan_help = runner.invoke(app, ["plan", "--help"]).stdout
    assert "--json " in plan_help and "<bool>" not in plan_help and "--program" in plan_help
    assert runner.invoke(app, ["plan", "--json", "true", "--project-dir", str(PROJECT)]).exit_code == 2


def test_schedule_on_a_stack_without_schedules_says_so() -> None:
    result = runner.invoke(
        app, ["schedule", "-s", "prod", "--at", "2026-11-23T21:00+01:00", "--project-dir", str(PROJECT)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "stack 'prod' schedules no node group: none sets off_hours\n"


def test_plan_runs_a_consumer_program() -> None:
    consumer = PROJECT / "examples" / "consumer"
    args = ["plan", "-s", "prod", "--program", "shop_platform.program:main", "--project-dir", str(consumer)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "nodepool-batch-arm64" in result.stdout
    assert "arn:aws:iam::111122223333:role/KarpenterController-shop-prod" in result.stdout
    bad = runner.invoke(
        app, ["plan", "-s", "prod", "--program", "shop_platform.program", "--project-dir", str(consumer)]
    )
    assert "give the program as module:function" in one_error_line(bad)


def test_a_model_error_inside_a_running_program_names_the_program_line(tmp_path: Path) -> None:
    (tmp_path / "bad_program.py").write_text(
        "from karpenter_infra import CapacitySpread, NodeGroup\n\n\n"
        "def main() -> None:\n"
        "    NodeGroup(name='late', capacity_spread=CapacitySpread(start=9, end=2))\n"
    )
    result = runner.invoke(app, ["plan", "--program", "bad_program:main", "--project-dir", str(tmp_path)])
    line = one_error_line(result)
    assert line.startswith("error: nodegroup 'late' (bad_program.py:5): capacity_spread: start (9) must not be")


@pytest.mark.parametrize("command", ["render", "explain", "schedule", "diff"])
def test_an_error_quoting_brackets_is_printed_verbatim_by_every_command(tmp_path: Path, command: str) -> None:
    """A value such as ``[/x]`` in an error is the user's text, never console markup (which would crash)."""
    project = copy_project(tmp_path)
    (project / "stacks" / "nodegroups" / "brackets.py").write_text(
        "from karpenter_infra import NodeGroup, NodeGroupDefaults\n"
        "DEFAULTS = NodeGroupDefaults(cluster_name='karpenter-dev')\n"
        "NODEGROUPS = [NodeGroup(name='web', labels={'team': '[/x]'})]\n"
    )
    config = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    config["config"]["karpenter-infra:platform"]["nodegroups"] = "stacks.nodegroups.brackets"
    (project / "stacks" / "Pulumi.brackets.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, [command, "-s", "brackets", "--project-dir", str(project)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: nodegroup 'web': labels['team']: value '[/x]' must be [-A-Za-z0-9_.]")
    assert result.stderr.count("\n") == 1


def test_schedule_prints_a_bad_instant_verbatim() -> None:
    result = runner.invoke(app, ["schedule", "-s", "dev", "--at", "[/x]", "--project-dir", str(PROJECT)])
    assert (result.exit_code, result.stderr) == (2, "error: schedule: --at: '[/x]' is not an ISO 8601 instant\n")


def test_explain_refuses_what_plan_refuses(tmp_path: Path) -> None:
    """explain runs the same checks as plan: a fleet built for another cluster is one line, exit 2."""
    project = copy_project(tmp_path)
    stack_with(project, "other", lambda c: c["karpenter-infra:platform"]["cluster"].update(name="shop-prod"))
    line = one_error_line(runner.invoke(app, ["explain", "-s", "other", "--project-dir", str(project)]))
    assert line.startswith("error: defaults: cluster_name: 'karpenter-dev' differs from the platform's cluster.name")
