"""The last gate before Pulumi: a rendered NodePool or EC2NodeClass must pass the v1.14 CRD mirror as it stands.

Only Karpenter's own kinds are checked; a Deployment or CronJob rendered next to them is the business of whoever
rendered it. A Karpenter kind under the wrong API version is reported rather than skipped, because skipping it
would wave through exactly the manifest most likely to be wrong.

A fleet's manifests differ mostly by names, labels, user data and tags, so each is split into parts that no other
part's rule reads (checked on their own every time) and the rest, its shape, which is checked once per distinct
shape. Anything unusual, or any failure, takes the whole check, so the errors are always the whole check's.
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from pydantic import ValidationError

from karpenter_infra.karpenter.ec2nodeclass import EC2NodeClass
from karpenter_infra.karpenter.nodepool import NodeClaimTemplateMetadata, NodePool
from karpenter_infra.karpenter.patterns import CrdModel, ObjectMeta

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
    split = _split(kind, manifest)
    if split is not None and split.key in _VALID_SHAPES and _all_valid(split.parts):
        return
    try:
        _validate(model, manifest)
    except ValidationError as exc:
        raise ManifestError(kind, _name(manifest), manifest_issues(exc)) from None
    if split is not None:
        _validate(model, split.shape)  # valid, since the whole is: the parts were swapped for valid stand-ins
        if len(_VALID_SHAPES) >= _MAX_SHAPES:
            _VALID_SHAPES.clear()
        _VALID_SHAPES.add(split.key)


def _validate(model: type[CrdModel], data: Any) -> None:
    # by_name=False: a snake_case key is a rendering bug, not an alias for the camelCase one.
    model.model_validate(data, by_alias=True, by_name=False)


#: Shapes known to pass, keyed by their ``marshal`` bytes (exact: ``True`` and ``1`` differ, so do lists and
#: tuples). Bounded, so a long-lived process does not grow it without end.
_VALID_SHAPES: set[bytes] = set()
_MAX_SHAPES: Final = 4096
#: Valid stand-ins for the independent parts.
_NAME: Final = "x"
_METADATA: Final = {"name": _NAME}


class _Split(NamedTuple):
    shape: dict[str, Any]
    key: bytes
    #: Each independent part with the model that checks it; a plain ``str`` part needs no check (see ``_split``).
    parts: list[tuple[type[CrdModel], Any]]


def _all_valid(parts: list[tuple[type[CrdModel], Any]]) -> bool:
    try:
        for model, data in parts:
            _validate(model, data)
    except ValidationError:
        return False
    return True


def _split(kind: str, manifest: Mapping[str, Any]) -> _Split | None:
    """``manifest`` as its shape and its independent parts, or ``None`` when it is anything but plain as rendered.

    Independent, read by no rule of an enclosing object (``NodePool`` and ``EC2NodeClass`` have none,
    ``NodePoolSpec``'s reads limits, replicas and weight, ``EC2NodeClassSpec``'s the identity and AMI fields):
    ``metadata``; a NodePool's template ``metadata`` and ``nodeClassRef.name`` (any non-empty string); an
    EC2NodeClass's ``userData`` and tag values (any string). A part that is an exact ``str`` where any non-empty or
    any string will do is valid by its type alone.
    """
    if type(manifest) is not dict or "metadata" not in manifest or type(spec := manifest.get("spec")) is not dict:
        return None
    parts: list[tuple[type[CrdModel], Any]] = [(ObjectMeta, manifest["metadata"])]
    if kind == "NodePool":
        template = spec.get("template")
        if type(template) is not dict or type(template_spec := template.get("spec")) is not dict:
            return None
        ref = template_spec.get("nodeClassRef")
        if type(ref) is not dict or type(ref.get("name")) is not str or not ref["name"]:
            return None
        stand_in = {**template, "spec": {**template_spec, "nodeClassRef": {**ref, "name": _NAME}}}
        if "metadata" in template:
            parts.append((NodeClaimTemplateMetadata, template["metadata"]))
            stand_in["metadata"] = {}
        spec = {**spec, "template": stand_in}
    else:
        spec = dict(spec)
        if "userData" in spec:
            if type(spec["userData"]) is not str:
                return None
            spec["userData"] = ""
        if "tags" in spec:
            tags = spec["tags"]
            if type(tags) is not dict or any(type(value) is not str for value in tags.values()):
                return None
            spec["tags"] = dict.fromkeys(tags, "")
    shape = {**manifest, "metadata": _METADATA, "spec": spec}
    try:
        key = marshal.dumps(shape)
    except ValueError:  # something marshal cannot write (a str subclass, an object): the whole check says what
        return None
    return _Split(shape, key, parts)


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
