"""NodePoolSet adopts live objects by id and never deletes what it adopted, unless asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from karpenter_infra import Fleet, Headroom, HeadroomPriorityClass, Instances, NodeGroup, NodeGroupDefaults, SpecError
from karpenter_infra.adoption import import_ids, resource_name
from karpenter_infra.components.nodepools import NodePoolSet
from karpenter_infra.components.platform import KarpenterPlatform
from karpenter_infra.plan import mocks
from karpenter_infra.program import deploy
from karpenter_infra.stack import load_stack


def _recorded(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, bool]]:
    """Resource name -> (import id, retain on delete) as the engine receives them, filled as the program runs."""
    seen: dict[str, tuple[str, bool]] = {}
    original = mocks.RecordingMonitor.RegisterResource

    def register(self: mocks.RecordingMonitor, request: Any) -> Any:
        seen[request.name] = (request.importId, request.retainOnDelete)
        return original(self, request)

    monkeypatch.setattr(mocks.RecordingMonitor, "RegisterResource", register)
    return seen


def _registered(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> dict[str, tuple[str, bool]]:
    seen = _recorded(monkeypatch)
    defaults = NodeGroupDefaults(cluster_name="c", headroom_namespace="capacity", create_headroom_namespace=False)
    fleet = Fleet(defaults, [NodeGroup(name="web", headroom=[Headroom(size="small")])], node_role="nodes")
    manifests = fleet.manifests()
    mocks.run_program(lambda: NodePoolSet("fleet", manifests, **kwargs))
    return seen


def test_adopted_objects_are_imported_and_kept_on_destroy(monkeypatch: pytest.MonkeyPatch) -> None:
    adopt = {"nodepool-web-amd64": "web-amd64", "deployment-capacity-headroom-web-amd64-small": "capacity/x"}
    seen = _registered(monkeypatch, adopt=adopt)
    assert seen["nodepool-web-amd64"] == ("web-amd64", True)
    assert seen["deployment-capacity-headroom-web-amd64-small"] == ("capacity/x", True)
    assert seen["ec2nodeclass-web-amd64"] == ("", False)  # not live: created, and the stack's to delete
    assert "namespace-capacity" not in seen  # referenced, never a resource of the stack


def test_adopted_objects_can_be_deleted_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _registered(monkeypatch, adopt={"nodepool-web-amd64": "web-amd64"}, delete_adopted=True)
    assert seen["nodepool-web-amd64"] == ("web-amd64", False)


def test_import_ids_name_namespaced_objects_namespace_slash_name() -> None:
    deployment = {"kind": "Deployment", "metadata": {"name": "h", "namespace": "capacity"}}
    pool = {"kind": "NodePool", "metadata": {"name": "web-amd64"}}
    created = {"kind": "NodePool", "metadata": {"name": "new-amd64"}}
    ids = import_ids([deployment, pool, created], live=[deployment, pool])
    assert ids == {resource_name(deployment): "capacity/h", resource_name(pool): "web-amd64"}


def test_a_stack_module_with_adopt_imports_its_live_objects(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The stack path: the module's ADOPT reaches the fleet's resources through load_stack and the platform."""
    project = Path(__file__).resolve().parents[2]
    (tmp_path / "stacks").mkdir()
    text = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(text.replace("stacks.nodegroups.dev", "adopted"))
    module = (project / "stacks" / "nodegroups" / "dev.py").read_text()
    (tmp_path / "adopted.py").write_text(module + '\nADOPT = {"nodepool-default-amd64": "default-amd64"}\n')
    monkeypatch.syspath_prepend(str(project))
    stack = load_stack("dev", tmp_path)
    assert stack.adopt == {"nodepool-default-amd64": "default-amd64"}

    seen = _recorded(monkeypatch)
    mocks.run_program(lambda: deploy(stack))
    assert seen["nodepool-default-amd64"] == ("default-amd64", True)
    assert all(not import_id for name, (import_id, _) in seen.items() if name != "nodepool-default-amd64")


def test_a_priority_class_left_as_the_chart_had_it_is_registered_as_rendered() -> None:
    """Adoption keeps a live PriorityClass's unset ``preemptionPolicy`` (immutable) and its description: the
    resource must carry exactly the rendered fields, not fail on the ones left out."""
    chart_like = HeadroomPriorityClass(preemption_policy=None, description=None, labels={})
    defaults = NodeGroupDefaults(cluster_name="c", headroom_priority_class=chart_like)
    manifests = Fleet(defaults, [NodeGroup(name="web", headroom=[Headroom(size="small")])], node_role="n").manifests()
    result = mocks.run_program(lambda: NodePoolSet("fleet", manifests))
    inputs = result.one("kubernetes:scheduling.k8s.io/v1:PriorityClass").inputs
    assert "preemptionPolicy" not in inputs and "description" not in inputs
    assert (inputs["value"], inputs["globalDefault"]) == (-1_000_000, False)


def test_the_module_the_importer_writes_plans_through_the_stack_path(tmp_path: Path) -> None:
    """The README's migration path: import the chart's values (adoption, the default), point a stack at the module,
    plan. Every live object is imported, nothing else is."""
    from karpenter_infra.importer.command import import_helm_values

    values = Path(__file__).resolve().parents[1] / "importer" / "values" / "prod"
    imported = import_helm_values([values / name for name in ("common.yaml", "nodegroups.yaml", "override.yaml")])
    (tmp_path / "imported.py").write_text(imported.output)
    project = Path(__file__).resolve().parents[2]
    stack_text = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    stack_text = stack_text.replace("stacks.nodegroups.dev", "imported").replace(
        "name: karpenter-dev", "name: Prod_EKS"
    )
    stack_text = stack_text.replace(
        "    karpenter:\n",
        "    iam:\n      instance_profile_roles: {KarpenterWindowsProfile: KarpenterWindows}\n    karpenter:\n",
    )
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(stack_text)
    stack = load_stack("dev", tmp_path)
    assert stack.adopt == imported.adopt and stack.adopt

    result = mocks.run_program(lambda: deploy(stack))
    priority_class = result.one("kubernetes:scheduling.k8s.io/v1:PriorityClass")
    assert "preemptionPolicy" not in priority_class.inputs  # the chart's, kept: the API refuses to change it
    fleet_resources = {r.name for r in result.resources if (r.parent or "").endswith("karpenter-fleet")}
    assert set(stack.adopt) <= fleet_resources


def test_adopt_reaches_the_fleet_on_auto_mode_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both backends hand ``adopt`` to the fleet: a live object the stack renders is imported and kept on destroy,
    never created a second time next to the live one."""
    import dataclasses

    project = Path(__file__).resolve().parents[2]
    adopt = {"priorityclass-karpenter-headroom": "karpenter-headroom"}
    stack = dataclasses.replace(load_stack("auto", project), adopt=adopt)
    seen: dict[str, tuple[str, bool]] = {}
    original = mocks.RecordingMonitor.RegisterResource

    def register(self: mocks.RecordingMonitor, request: Any) -> Any:
        seen[request.name] = (request.importId, request.retainOnDelete)
        return original(self, request)

    monkeypatch.setattr(mocks.RecordingMonitor, "RegisterResource", register)
    mocks.run_program(lambda: deploy(stack))
    assert seen["priorityclass-karpenter-headroom"] == ("karpenter-headroom", True)


def test_a_stale_adopt_key_is_refused_before_anything_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key that names no rendered object would adopt nothing: the live object would be created a second time."""
    with pytest.raises(
        SpecError, match=r"^adopt: nodepool-web-arm64: no object .* \(did you mean 'nodepool-web-amd64'"
    ):
        _registered(monkeypatch, adopt={"nodepool-web-arm64": "web-arm64"})
    project = Path(__file__).resolve().parents[2]
    stack = load_stack("dev", project)
    seen = _recorded(monkeypatch)
    with pytest.raises(SpecError, match=r"^adopt: nodepool-gone-amd64: no object of the fleet"):
        mocks.run_program(
            lambda: KarpenterPlatform("karpenter", stack.platform, stack.fleet(), adopt={"nodepool-gone-amd64": "x"})
        )
    assert list(seen) == ["karpenter-infra-dev"]  # the stack itself, which the runtime registers; nothing else


STANDALONE = NodeGroupDefaults(cluster_name="c")


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        # a group rule (the group reference resolves), with the CLI's "did you mean"
        (
            [NodeGroup(name="web", node_class="gpus"), NodeGroup(name="gpu")],
            "nodegroup 'web': node_class: no node group named 'gpus' (did you mean 'gpu'?)",
        ),
        # a fleet rule
        ([NodeGroup(name="web"), NodeGroup(name="web")], "nodegroup 'web': name: appears more than once"),
        # the catalog check
        (
            [NodeGroup(name="web", instances=Instances(cores=[3]))],
            "nodegroup 'web': instances.cores: '3' is no instance-cpu of any instance type in the catalog",
        ),
    ],
    ids=["group-rule", "fleet-rule", "catalog"],
)
def test_node_groups_given_to_nodepoolset_alone_are_checked_before_anything_is_registered(
    monkeypatch: pytest.MonkeyPatch, groups: list[NodeGroup], message: str
) -> None:
    """A program that uses only NodePoolSet (Karpenter installed by someone else) gets the checks the platform runs
    on a fleet, as the same one-line errors, and a bad list registers nothing."""
    seen = _recorded(monkeypatch)
    with pytest.raises(SpecError) as caught:
        mocks.run_program(
            lambda: NodePoolSet("fleet", groups, defaults=STANDALONE, node_role_name="nodes", kubeconfig="{}")
        )
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert list(seen) == ["karpenter-infra-dev"]  # the stack itself, which the runtime registers; nothing else


def test_node_groups_given_to_nodepoolset_alone_register_the_fleet_and_log_its_warnings() -> None:
    # A narrow spot pool: the catalog warns about it.
    groups = [
        NodeGroup(name="web", headroom=[Headroom(size="small")]),
        NodeGroup(name="gpu", instances=Instances(capacity_types=["spot"], categories=["p"])),
    ]
    expected = Fleet(STANDALONE, groups, node_role="nodes")
    assert expected.warnings
    result = mocks.run_program(lambda: NodePoolSet("fleet", groups, defaults=STANDALONE, node_role_name="nodes"))
    registered = sorted(r.name for r in result.resources if (r.parent or "").endswith("::fleet"))
    assert registered == sorted(resource_name(m) for m in expected.manifests())
    assert result.warnings == [str(w) for w in expected.warnings]


def test_node_groups_without_their_defaults_are_refused() -> None:
    with pytest.raises(SpecError, match=r"^NodePoolSet: defaults: node groups need their NodeGroupDefaults"):
        mocks.run_program(lambda: NodePoolSet("fleet", [NodeGroup(name="web")]))


def test_hand_written_manifests_pass_the_crd_mirror_before_anything_is_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    manifests = Fleet(STANDALONE, [NodeGroup(name="web")], node_role="nodes").manifests()
    pool = next(m for m in manifests if m["kind"] == "NodePool")
    pool["spec"]["disruption"]["consolidationPolicy"] = "Sometimes"
    seen = _recorded(monkeypatch)
    with pytest.raises(SpecError, match=r"^NodePoolSet manifests: NodePool web-amd64: spec\.disruption\.consol"):
        mocks.run_program(lambda: NodePoolSet("fleet", manifests))
    assert list(seen) == ["karpenter-infra-dev"]


def test_omit_leaves_out_an_object_another_component_creates() -> None:
    defaults = NodeGroupDefaults(cluster_name="c", headroom_namespace="capacity")
    fleet = Fleet(defaults, [NodeGroup(name="web", headroom=[Headroom(size="small")])], node_role="nodes")
    assert "namespace-capacity" in {resource_name(m) for m in fleet.manifests()}
    result = mocks.run_program(lambda: NodePoolSet("fleet", fleet, omit=[("Namespace", "capacity")]))
    assert "namespace-capacity" not in {r.name for r in result.resources}
