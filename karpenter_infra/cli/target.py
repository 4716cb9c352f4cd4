"""What a command works on: a stack of this repository's layout (``--stack``) or a consumer's program (``--program``).

Either way the command gets the same ``Target``: the stack's config, the fleet's manifests and, where one is
known, the ``Fleet``. A program's fleet is what it registers, run under the mock runtime exactly as ``plan``
runs it: the NodePools, node classes and their companions its ``NodePoolSet`` registered, and the ``Fleet`` it
handed its components. A consumer never writes a ``nodegroups:`` key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karpenter_infra.errors import SpecError

if TYPE_CHECKING:
    from karpenter_infra.catalog.model import Catalog
    from karpenter_infra.fleet import Fleet
    from karpenter_infra.plan.mocks import PlanResult
    from karpenter_infra.spec.platform import PlatformSpec

Manifest = dict[str, Any]
_FLEET_COMPONENT = "karpenter-infra:index:NodePoolSet"


@dataclass(frozen=True)
class Target:
    stack: str
    project_dir: Path
    config: dict[str, Any]
    #: The fleet's manifests, in the order ``render`` prints them.
    manifests: list[Manifest]
    #: The fleet, when the stack names a nodegroup module or the program built exactly one ``Fleet``.
    fleet: Fleet | None
    #: The platform settings (``karpenter-infra:platform``), when the config has them.
    platform: PlatformSpec | None
    #: The instance-type catalog the stack names (``platform.catalog``), or ``None`` for the shipped one.
    catalog: Catalog | None = None
    #: The consumer's program (``module:function``), or ``None`` for a stack of this repository's layout.
    program: str | None = None
    #: Warnings the checks found (printed by the command that asked for them).
    warnings: list[str] = field(default_factory=list)

    def require_fleet(self, command: str) -> Fleet:
        if self.fleet is None:
            raise SpecError.one(
                command,
                "--program",
                f"{self.program!r} builds no karpenter_infra.Fleet (or several): {command} reads the node groups "
                "of one fleet; hand the components a Fleet",
            )
        return self.fleet

    @property
    def group_label_key(self) -> str:
        if self.fleet is not None:
            return self.fleet.defaults.group_label_key
        from karpenter_infra.spec.nodegroup import NodeGroupDefaults

        default: str = NodeGroupDefaults.model_fields["group_label_key"].default
        return default


def resolve(stack: str, program: str | None, project_dir: Path, *, command: str) -> Target:
    """The stack (``program`` is ``None``) or the program's fleet, after every check ``plan`` runs."""
    if program is None:
        return _from_stack(stack, project_dir)
    config = stack_config(stack, project_dir)
    result, fleets = run_consumer_program(program, stack, project_dir, config, command=command)
    registered = [r.inputs for r in result.registrations if r.parent and _type_of(r.parent) == _FLEET_COMPONENT]
    names = {_identity(m) for m in registered}
    mine = [f for f in fleets if {_identity(m) for m in f.manifests()} <= names]
    fleet = mine[0] if len(mine) == 1 else None
    rendered = {_identity(m): m for m in fleet.manifests()} if fleet else {}
    order = {identity: i for i, identity in enumerate(rendered)}
    # What the program registered, in the fleet's order and key order where the fleet rendered the same object
    # (the registered copy came back through protobuf: keys sorted, numbers as floats).
    manifests = [
        rendered[_identity(m)] if rendered.get(_identity(m)) == m else m
        for m in sorted(registered, key=lambda m: (order.get(_identity(m), len(order)), _identity(m)))
    ]
    platform = _platform(stack, config)
    return Target(
        stack=stack,
        project_dir=project_dir,
        config=config,
        manifests=manifests,
        fleet=fleet,
        platform=platform,
        catalog=_catalog(stack, platform, project_dir),
        program=program,
        warnings=list(result.warnings),
    )


def _from_stack(stack: str, project_dir: Path) -> Target:
    from karpenter_infra.checks import check
    from karpenter_infra.stack import load_stack

    loaded = load_stack(stack, project_dir)
    fleet = loaded.fleet()
    warnings = [str(w) for w in check(loaded.platform, fleet)]
    return Target(
        stack=stack,
        project_dir=project_dir,
        config=loaded.config,
        manifests=fleet.manifests(),
        fleet=fleet,
        platform=loaded.platform,
        catalog=loaded.catalog(),
        warnings=warnings,
    )


def _catalog(stack: str, platform: PlatformSpec | None, project_dir: Path) -> Catalog | None:
    from karpenter_infra.catalog.stack import stack_catalog

    return stack_catalog(stack, platform.catalog if platform is not None else None, project_dir)


def _identity(manifest: Manifest) -> tuple[str, str, str]:
    metadata = manifest.get("metadata", {})
    return (str(manifest.get("kind")), str(metadata.get("namespace", "")), str(metadata.get("name")))


def _type_of(urn: str) -> str:
    """``urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>`` -> ``<type>``."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) > 3 else ""


def _platform(stack: str, config: dict[str, Any]) -> PlatformSpec | None:
    from karpenter_infra.project import CONFIG_KEY

    if CONFIG_KEY not in config:
        return None
    from karpenter_infra.stack import platform_from_config

    return platform_from_config(stack, config[CONFIG_KEY])


def stack_config(stack: str, project_dir: Path) -> dict[str, Any]:
    """The stack file's config, its keys of our namespace checked; an unknown stack names the stacks there are.

    A project without any stack file runs with an empty config, as a fresh ``pulumi stack init`` would.
    """
    from karpenter_infra.project import find_stack_file, stack_names
    from karpenter_infra.stack import check_config_keys, read_config

    if not stack_names(project_dir):
        return {}
    config = read_config(stack, find_stack_file(project_dir, stack))
    check_config_keys(stack, config)
    return config


def run_consumer_program(
    reference: str, stack: str, project_dir: Path, config: dict[str, Any], *, command: str
) -> tuple[PlanResult, list[Fleet]]:
    """Run ``module:function`` under the mock runtime with the stack file's config, as ``pulumi up`` would: the
    project named as ``Pulumi.yaml`` names it, region, partition and account as ``testing.run`` works them out."""
    from pydantic import ValidationError

    from karpenter_infra.fleet import built_fleets
    from karpenter_infra.locate import located
    from karpenter_infra.project import project_name
    from karpenter_infra.testing import load_program, run

    _forget(reference.partition(":")[0].partition(".")[0], project_dir)
    try:
        function = load_program(reference, project_dir)
    # ValidationError first: it is a ValueError, and its text is pydantic's multi-line dump.
    except ValidationError as exc:
        raise located(exc, f"program {reference!r}") from None
    except ValueError as exc:
        raise SpecError.one(command, "--program", str(exc)) from None
    except ImportError as exc:
        raise SpecError.one(command, "--program", f"{reference!r}: {exc}") from None
    with built_fleets() as fleets:
        try:
            result = run(function, stack=stack, project=project_name(project_dir), config=config)
        except ValidationError as exc:
            raise located(exc, f"program {reference!r}") from None
    return result, fleets


def _forget(package: str, project_dir: Path) -> None:
    """The program's package is imported from the project's files as they are now, not as an earlier run saw them
    (``diff`` runs the program twice in one process when it is the base's too; tests run it many times)."""
    import sys

    root = project_dir.resolve()
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        where = getattr(sys.modules[name], "__file__", None)
        if where is not None and Path(where).resolve().is_relative_to(root):
            del sys.modules[name]
