"""The last gate before Pulumi: a rendered NodePool or EC2NodeClass must pass the v1.14 CRD mirror as it stands.

Only Karpenter's own kinds are checked; a Deployment or CronJob rendered next to them is the business of whoever
rendered it. A Karpenter kind under the wrong API version is reported rather than skipped, because skipping it
would wave through exactly the manifest most likely to be wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError

from karpenter_infra.karpenter.ec2nodeclass import EC2NodeClass
from karpenter_infra.karpenter.nodepool import NodePool
from karpenter_infra.karpenter.patterns import CrdModel

#: kind -> (API group prefix that makes it ours, model).
_MODELS: Final[dict[str, tuple[str, type[CrdModel]]]] = {
    "NodePool": ("karpenter.sh/", NodePool),
    "EC2NodeClass": ("karpenter.k8s.aws/", EC2NodeClass),
}
# Error types whose message already says everything; the rest get the offending input appended.
_SELF_EXPLANATORY: Final = frozenset({"cel", "missing", "extra_forbidden", "qualified_name"})
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_INPUT_REPR: Final = 80


class ManifestError(ValueError):
    """A manifest the apiserver would reject, with every problem as ``(path, message)``.

    ``path`` is where the problem sits in the manifest as written, e.g. ``spec.template.spec.requirements[2].values``
    or ``spec.template.metadata.labels["karpenter.sh/team"]``.
    """

    def __init__(self, kind: str, name: str, issues: Sequence[tuple[str, str]]) -> None:
        self.kind = kind
        self.name = name
        self.issues = list(issues)
        super().__init__("\n".join(f"{kind} {name}: {path}: {message}" for path, message in self.issues))


def validate_manifest(manifest: Mapping[str, Any]) -> None:
    kind = manifest.get("kind")
    if not isinstance(kind, str) or kind not in _MODELS:
        return
    group, model = _MODELS[kind]
    api_version = manifest.get("apiVersion")
    if not (isinstance(api_version, str) and api_version.startswith(group)):
        return
    try:
        # by_name=False: a snake_case key is a rendering bug, not an alias for the camelCase one.
        model.model_validate(manifest, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise ManifestError(kind, _name(manifest), manifest_issues(exc)) from None


def manifest_issues(exc: ValidationError) -> list[tuple[str, str]]:
    issues = []
    for error in exc.errors(include_url=False, include_context=False):
        message = error["msg"]
        if error["type"] not in _SELF_EXPLANATORY:
            message = f"{message}, got {_short_repr(error['input'])}"
        issues.append((manifest_path(error["loc"]), message))
    return issues


def manifest_path(loc: Iterable[int | str]) -> str:
    """``('spec', 'limits', 'nvidia.com/gpu')`` -> ``spec.limits["nvidia.com/gpu"]``; indices in brackets."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            continue  # pydantic's marker for "the key itself is bad"; the message names the key
        elif _IDENTIFIER.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(part)}]"
    return path or "(root)"


def _name(manifest: Mapping[str, Any]) -> str:
    metadata = manifest.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    return name if isinstance(name, str) and name else "<unnamed>"


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_INPUT_REPR else f"{text[: _MAX_INPUT_REPR - 3]}..."
