"""A Pulumi project on disk: its name, where its stack files are, and where a stack deploys to.

Stack files are found where Pulumi finds them: in the directory ``Pulumi.yaml`` names as ``stackConfigDir``, else
next to ``Pulumi.yaml``; this repository's ``stacks/`` is looked in as well. Every command and ``testing.run`` read
the same files and work out region, partition and account the same way, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from karpenter_infra.errors import SpecError

#: The config key of the platform settings; the namespace ``karpenter-infra`` is ours.
CONFIG_KEY = "karpenter-infra:platform"
#: Where a stack deploys when neither the platform settings nor ``aws:region`` say.
DEFAULT_REGION = "us-east-1"
# The partitions other than "aws", by the prefix of their regions.
_PARTITION_OF_PREFIX = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"))


def _project_file(project_dir: Path) -> dict[str, Any]:
    path = project_dir / "Pulumi.yaml"
    if not path.is_file():
        return {}
    from karpenter_infra.yamlio import load_yaml_file

    document = load_yaml_file(path)
    return document if isinstance(document, dict) else {}


def project_name(project_dir: Path) -> str:
    """``Pulumi.yaml``'s ``name`` (what ``pulumi.Config()`` without a namespace reads), else the directory's name."""
    name = _project_file(project_dir).get("name")
    return name if isinstance(name, str) and name else project_dir.resolve().name


def stack_dirs(project_dir: Path) -> list[Path]:
    configured = _project_file(project_dir).get("stackConfigDir")
    candidates = [project_dir / configured] if isinstance(configured, str) else []
    candidates += [project_dir, project_dir / "stacks"]
    return list(dict.fromkeys(candidates))


def stack_names(project_dir: Path) -> list[str]:
    found = {
        path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for directory in stack_dirs(project_dir)
        if directory.is_dir()
        for path in directory.glob("Pulumi.*.yaml")
    }
    return sorted(found)


def find_stack_file(project_dir: Path, stack: str) -> Path:
    """The stack's ``Pulumi.<stack>.yaml``; an unknown stack is one line naming the stacks that exist."""
    for directory in stack_dirs(project_dir):
        path = directory / f"Pulumi.{stack}.yaml"
        if path.is_file():
            return path
        if path.is_dir():
            raise SpecError.one(f"stack {stack!r}", "file", f"{path} is a directory, not a stack file")
    from karpenter_infra.suggest import did_you_mean

    existing = stack_names(project_dir)
    where = ", ".join(str(d) for d in stack_dirs(project_dir) if d.is_dir()) or str(project_dir)
    known = f"stacks here: {', '.join(existing)}" if existing else "no Pulumi.<stack>.yaml here"
    raise SpecError.one(
        f"stack {stack!r}", "--stack", f"no Pulumi.{stack}.yaml in {where}{did_you_mean(stack, existing)}; {known}"
    )


@dataclass(frozen=True)
class Deployment:
    """Where a stack deploys: what the mock runtime answers for the caller identity, partition and region."""

    region: str
    partition: str
    account_id: str | None


def partition_of(region: str) -> str:
    return next((partition for prefix, partition in _PARTITION_OF_PREFIX if region.startswith(prefix)), "aws")


def deployment(
    config: dict[str, Any] | None,
    *,
    region: str | None = None,
    partition: str | None = None,
    account_id: str | None = None,
) -> Deployment:
    """What a caller gives wins, then the platform settings, then ``aws:region``, then us-east-1; the partition
    follows from the region unless given or named by the platform."""
    settings = (config or {}).get(CONFIG_KEY)
    platform = settings if isinstance(settings, dict) else {}
    chosen = str(region or platform.get("region") or (config or {}).get("aws:region") or DEFAULT_REGION)
    account = account_id or platform.get("account_id")
    return Deployment(
        region=chosen,
        partition=str(partition or platform.get("partition") or partition_of(chosen)),
        account_id=str(account) if account else None,
    )
