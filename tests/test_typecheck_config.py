"""mypy follows only the provider SDK modules the code uses; every one the code uses must be followed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SOURCES = ("karpenter_infra", "components", "stacks", "tests", "benchmarks", "examples")
#: Calls such as ``aws.eks.NodeGroup(`` or ``k8s.core.v1.Namespace(``: service, API version, name.
USE = re.compile(r"\b(aws|k8s)\.([a-z_0-9]+)\.(?:([a-z_0-9]+)\.)?([A-Za-z_0-9]+)\(")
PACKAGES = {"aws": "pulumi_aws", "k8s": "pulumi_kubernetes"}


def followed() -> tuple[set[str], set[str]]:
    overrides = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    normal = {m for o in overrides if o.get("follow_imports") == "normal" for m in o["module"]}
    skipped = {m for o in overrides if o.get("follow_imports") == "skip" for m in o["module"]}
    return normal, skipped


def defining_module(alias: str, name: str) -> str:
    """Where pulumi-aws defines a name: ``EventRule`` in ``event_rule``, ``*Args`` in ``_inputs``, ``get_x_output``
    in ``get_x`` (pulumi-kubernetes names its modules after the class, and its API groups are followed whole)."""
    if alias == "k8s":
        return name
    if name.endswith("Args"):
        return "_inputs"
    if name.startswith("get_"):
        return name.removesuffix("_output")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def is_followed(module: str, normal: set[str]) -> bool:
    parts = module.split(".")
    return module in normal or any(".".join(parts[:i]) + ".*" in normal for i in range(1, len(parts)))


def test_every_sdk_service_the_code_uses_is_type_checked() -> None:
    normal, skipped = followed()
    assert skipped == {"pulumi_aws.*", "pulumi_kubernetes.*"}
    used: set[str] = set()
    for folder in SOURCES:
        for path in (PROJECT / folder).rglob("*.py"):
            for alias, service, sub, _name in USE.findall(path.read_text()):
                if service in ("aws", "io", "amazonaws") or service.startswith("get_"):
                    continue  # label domains (karpenter.k8s.aws/...) and top-level lookups
                used.add(".".join(filter(None, (PACKAGES[alias], service, sub, defining_module(alias, _name)))))
    assert {"pulumi_aws.ec2.tag", "pulumi_aws.eks._inputs", "pulumi_kubernetes.core.v1.Namespace"} <= used
    missing = sorted(m for m in used if not is_followed(m, normal))
    assert missing == [], f"add these to the follow_imports = 'normal' override in pyproject.toml: {missing}"
