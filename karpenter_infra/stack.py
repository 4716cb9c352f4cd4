"""A stack as files on disk: ``stacks/Pulumi.<name>.yaml`` plus the nodegroup module it names.

The offline commands (render, plan, diff) and the Pulumi program read stacks the same way (``project`` finds
the file: next to ``Pulumi.yaml``, in its ``stackConfigDir`` or in ``stacks/``), so a stack that
renders offline is exactly the stack ``pulumi up`` deploys.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from karpenter_infra.aws.arns import region_problem
from karpenter_infra.catalog.model import Catalog
from karpenter_infra.catalog.stack import stack_catalog
from karpenter_infra.errors import SpecError, issues_from
from karpenter_infra.fleet import Fleet
from karpenter_infra.ledger.core import collected
from karpenter_infra.locate import located
from karpenter_infra.project import CONFIG_KEY, find_stack_file
from karpenter_infra.spec.deferred import collecting
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.platform import PlatformSpec
from karpenter_infra.suggest import did_you_mean
from karpenter_infra.yamlio import load_yaml_file

#: Every key of the ``karpenter-infra`` config namespace this library reads; any other is a typo.
CONFIG_KEYS = (CONFIG_KEY,)


@dataclass(frozen=True)
class Stack:
    name: str
    platform: PlatformSpec
    defaults: NodeGroupDefaults
    nodegroups: list[NodeGroup]
    config: dict[str, Any]
    project_dir: Path | None = None
    #: The module's ``ADOPT`` (written by ``import-helm-values``): live objects the first ``pulumi up`` imports.
    adopt: dict[str, str] = field(default_factory=dict)

    def fleet(self) -> Fleet:
        return Fleet(
            self.defaults,
            self.nodegroups,
            node_role=self.platform.node_role_name,
            catalog=self.catalog(),
            backend=self.platform.backend,
        )

    def catalog(self) -> Catalog | None:
        """The catalog file the stack names (``platform.catalog``), or ``None`` for the shipped one."""
        return stack_catalog(self.name, self.platform.catalog, self.project_dir or Path.cwd())


def platform_from_config(stack: str, raw: object) -> PlatformSpec:
    owner = f"stack {stack!r} ({CONFIG_KEY})"
    if not isinstance(raw, dict):
        raise SpecError.one(owner, "(root)", "must be a mapping")
    try:
        return PlatformSpec.model_validate(raw)
    except SpecError as exc:  # the model's own one-line errors, here naming the stack too
        raise SpecError(owner, exc.issues) from None
    except ValidationError as exc:
        raise SpecError(owner, issues_from(exc, PlatformSpec)) from None


AWS_REGION_KEY = "aws:region"


def one_region(stack: str, platform: PlatformSpec, aws_region: object) -> PlatformSpec:
    """``platform.region`` and the provider's ``aws:region`` are one region: they must agree, and when only the
    provider's is set the platform takes it, so the zone and partition checks run whichever one is set."""
    if aws_region is None:
        return platform
    owner = f"stack {stack!r}"
    if not isinstance(aws_region, str):
        raise SpecError.one(owner, AWS_REGION_KEY, "must be a string")
    problem = region_problem(aws_region, platform.partition)
    if problem is not None:
        raise SpecError.one(owner, AWS_REGION_KEY, problem)
    if platform.region is None:
        return platform.model_copy(update={"region": aws_region})
    if platform.region != aws_region:
        raise SpecError.one(
            f"{owner} ({CONFIG_KEY})",
            "region",
            f"{platform.region!r} differs from {AWS_REGION_KEY} {aws_region!r}: the provider deploys to one region; "
            "set one of them, or both alike",
        )
    return platform


def check_config_keys(stack: str, config: dict[str, Any]) -> None:
    """Keys of our namespace that nothing reads are typos (``karpenter-infra:plaftorm``): say so, with a guess."""
    for key in sorted(config):
        if key.startswith("karpenter-infra:") and key not in CONFIG_KEYS:
            raise SpecError.one(f"stack {stack!r}", key, "unknown config key" + did_you_mean(key, CONFIG_KEYS))


def import_module(module_name: str, project_dir: Path, owner: str) -> Any:
    """Run a user's module from this project's files, fresh each time, never a cached module of another tree.

    This is where the user's code runs, so its errors become one-line ``SpecError``s here: a model that fails on
    its own (a nested ``CapacitySpread``) is pinned to the group and field by ``locate``.
    """
    if str(project_dir) not in sys.path:
        sys.path.insert(0, str(project_dir))
    path = project_dir.joinpath(*module_name.split(".")).with_suffix(".py")
    # Models that fail record their error and the module runs on, so every problem is reported in one run.
    before = set(sys.modules)
    errors: list[SpecError] = []
    try:
        with collecting() as errors:
            try:
                module = _run_module(module_name, path)
            except ValidationError as exc:
                raise collected([*errors, located(exc, f"module {module_name!r}")]) from None
            except SpecError as exc:
                raise collected([*errors, exc]) from None
            except ModuleNotFoundError as exc:
                if exc.name is None or not (module_name == exc.name or module_name.startswith(exc.name + ".")):
                    if errors:
                        raise collected(errors) from exc
                    raise  # the module exists; something it imports does not: that traceback is the user's to read
                raise SpecError.one(owner, "nodegroups", f"no module {module_name!r} (no file {path})") from None
            except Exception as exc:
                if errors:
                    # The module tripped over the stand-in of a model that failed (``base.instances.cores`` of a
                    # group whose model was refused): the refusal is the cause, and the user reads it, not this.
                    raise collected(errors) from exc
                raise
        if errors:
            raise collected(errors)
    finally:
        if errors:
            _forget_modules(before, project_dir)
    return module


def _forget_modules(before: set[str], project_dir: Path) -> None:
    """A module of the project imported on the way (a shared ``common``) holds stand-ins now: the next run must
    import it afresh, or a stand-in would reach a ``Fleet`` without its error."""
    for name in set(sys.modules) - before:
        if str(getattr(sys.modules[name], "__file__", None) or "").startswith(str(project_dir)):
            del sys.modules[name]


def _run_module(module_name: str, path: Path) -> Any:
    if path.is_file():
        spec = importlib.util.spec_from_file_location(module_name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    # an installed package of the user's, not a file of this project
    return importlib.import_module(module_name)


def load_nodegroups(
    module_name: str, project_dir: Path, owner: str = "nodegroups"
) -> tuple[NodeGroupDefaults, list[NodeGroup]]:
    defaults, nodegroups, _ = load_module(module_name, project_dir, owner)
    return defaults, nodegroups


def load_module(
    module_name: str, project_dir: Path, owner: str = "nodegroups"
) -> tuple[NodeGroupDefaults, list[NodeGroup], dict[str, str]]:
    """The module's ``DEFAULTS``, ``NODEGROUPS`` and, when ``import-helm-values`` wrote one, ``ADOPT``."""
    module = import_module(module_name, project_dir, owner)
    defaults, nodegroups = getattr(module, "DEFAULTS", None), getattr(module, "NODEGROUPS", None)
    if not isinstance(defaults, NodeGroupDefaults):
        raise SpecError.one(f"module {module_name!r}", "DEFAULTS", "must be a NodeGroupDefaults")
    if not isinstance(nodegroups, list) or not all(isinstance(g, NodeGroup) for g in nodegroups):
        raise SpecError.one(f"module {module_name!r}", "NODEGROUPS", "must be a list of NodeGroup")
    adopt = getattr(module, "ADOPT", {})
    if not isinstance(adopt, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in adopt.items()):
        raise SpecError.one(f"module {module_name!r}", "ADOPT", "must map resource names to import ids (strings)")
    return defaults, nodegroups, dict(adopt)


def read_config(name: str, path: Path) -> dict[str, Any]:
    document = load_yaml_file(path) or {}
    config = document.get("config", {}) if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise SpecError.one(f"stack {name!r}", "config", f"{path}: must be a mapping")
    return config


def load_stack(name: str, project_dir: Path | None = None, config: dict[str, Any] | None = None) -> Stack:
    """Read a stack from its file, or from ``config`` (what the Pulumi engine hands a running program)."""
    project_dir = (project_dir or Path.cwd()).resolve()
    if config is None:
        config = read_config(name, find_stack_file(project_dir, name))
    check_config_keys(name, config)
    platform = one_region(name, platform_from_config(name, config.get(CONFIG_KEY)), config.get(AWS_REGION_KEY))
    owner = f"stack {name!r} ({CONFIG_KEY})"
    if platform.nodegroups is None:
        raise SpecError.one(owner, "nodegroups", "name the module of the nodegroup list")
    # Whether the defaults' cluster_name agrees with cluster.name is checked with the rest (checks.check), so the
    # components check it too.
    defaults, nodegroups, adopt = load_module(platform.nodegroups, project_dir, owner)
    return Stack(
        name=name,
        platform=platform,
        defaults=defaults,
        nodegroups=nodegroups,
        config=config,
        project_dir=project_dir,
        adopt=adopt,
    )
