"""A stack as files on disk: ``stacks/Pulumi.<name>.yaml`` plus the nodegroup module it names.

The offline commands (render, plan, diff) and the Pulumi program read stacks the same way, so a stack that
renders offline is exactly the stack ``pulumi up`` deploys.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from karpenter_infra.errors import SpecError, issues_from
from karpenter_infra.fleet import Fleet
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import PlatformSpec

CONFIG_KEY = "karpenter-infra:platform"


@dataclass(frozen=True)
class Stack:
    name: str
    platform: PlatformSpec
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    config: dict[str, Any]

    def fleet(self) -> Fleet:
        return Fleet(
            self.defaults, self.nodegroups, node_role=self.platform.node_role_name, backend=self.platform.backend
        )


def stack_file(project_dir: Path, name: str) -> Path:
    return project_dir / "stacks" / f"Pulumi.{name}.yaml"


def platform_from_config(stack: str, raw: object) -> PlatformSpec:
    owner = f"stack {stack!r} ({CONFIG_KEY})"
    if not isinstance(raw, dict):
        raise SpecError.one(owner, "(root)", "must be a mapping")
    try:
        return PlatformSpec.model_validate(raw)
    except ValidationError as exc:
        raise SpecError(owner, issues_from(exc)) from None


def load_nodegroups(module_name: str, project_dir: Path) -> tuple[NodeGroupDefaults, list[NodeGroup]]:
    """Run the stack's module from this project's files, fresh each time, never a cached module of another tree."""
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    path = project_dir.joinpath(*module_name.split(".")).with_suffix(".py")
    if path.is_file():
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:  # an installed package of the user's, not a file of this project
        module = importlib.import_module(module_name)
    defaults, nodegroups = getattr(module, "DEFAULTS", None), getattr(module, "NODEGROUPS", None)
    if not isinstance(defaults, NodeGroupDefaults):
        raise SpecError.one(f"module {module_name!r}", "DEFAULTS", "must be a NodeGroupDefaults")
    if not isinstance(nodegroups, list) or not all(isinstance(g, NodeGroup) for g in nodegroups):
        raise SpecError.one(f"module {module_name!r}", "NODEGROUPS", "must be a list of NodeGroup")
    return defaults, nodegroups


def load_stack(name: str, project_dir: Path | None = None, config: dict[str, Any] | None = None) -> Stack:
    """Read a stack from its file, or from ``config`` (what the Pulumi engine hands a running program)."""
    project_dir = (project_dir or Path.cwd()).resolve()
    if config is None:
        path = stack_file(project_dir, name)
        if not path.is_file():
            raise SpecError.one(f"stack {name!r}", "file", f"{path} does not exist")
        config = (yaml.safe_load(path.read_text()) or {}).get("config", {})
    platform = platform_from_config(name, config.get(CONFIG_KEY))
    if platform.nodegroups is None:
        raise SpecError.one(f"stack {name!r} ({CONFIG_KEY})", "nodegroups", "name the module of the nodegroup list")
    defaults, nodegroups = load_nodegroups(platform.nodegroups, project_dir)
    if defaults.cluster_name != platform.cluster.name:
        raise SpecError.one(
            f"stack {name!r}",
            "cluster.name",
            f"{platform.cluster.name!r} differs from the nodegroup defaults' cluster_name {defaults.cluster_name!r}",
        )
    return Stack(name=name, platform=platform, defaults=defaults, nodegroups=nodegroups, config=config)
