"""Check a Pulumi YAML program's use of this package against the package schema, without the Pulumi CLI.

Pulumi YAML type-checks resource properties against the schema before it runs anything; this does the same for
our resources, so a misspelt property or an enum value that does not exist fails in the test suite (and for a
user before `pulumi up`), naming the property. Interpolations (`${...}`) and `fn::` calls are left to Pulumi.
"""

from __future__ import annotations

import re
from typing import Any

from karpenter_infra.suggest import closest

_REFERENCE = re.compile(r"\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)")
_VARIABLE = re.compile(r"^\$\{([A-Za-z0-9_-]+)\}$")


def expand_variables(program: dict[str, Any]) -> dict[str, Any]:
    """The program with each value that is exactly ``${variable}`` replaced by that variable's value."""
    variables = program.get("variables") or {}

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            match = _VARIABLE.match(value)
            if match and match.group(1) in variables:
                return expand(variables[match.group(1)])
            return value
        if isinstance(value, dict):
            return {key: expand(item) for key, item in value.items()}
        if isinstance(value, list):
            return [expand(item) for item in value]
        return value

    return {key: expand(value) if key != "variables" else value for key, value in program.items()}


def _is_expression(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith("fn::")


def _unknown(key: str, known: list[str]) -> str:
    close = closest(key, known)
    return f"unknown property `{key}`" + (f"; did you mean `{close[0]}`?" if close else "")


class ProgramChecker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.package = schema["name"]

    def check(self, program: dict[str, Any]) -> list[str]:
        """Errors, one line each, naming the resource and the property path; empty when the program fits."""
        program = expand_variables(program)
        errors: list[str] = []
        resources = program.get("resources") or {}
        for name, resource in sorted(resources.items()):
            token = resource.get("type", "")
            if not token.startswith(f"{self.package}:"):
                continue
            spec = self.schema["resources"].get(token)
            if spec is None:
                errors.append(f"{name}: unknown resource type `{token}`")
                continue
            self._object(
                spec.get("inputProperties", {}),
                spec.get("requiredInputs", []),
                resource.get("properties") or {},
                name,
                errors,
            )
        errors.extend(self._references(program, resources))
        return errors

    def _references(self, program: dict[str, Any], resources: dict[str, Any]) -> list[str]:
        """``${karpenter.kubeconfig}`` must name an output the component has."""
        errors = []
        for match in sorted(set(_REFERENCE.findall(repr(program)))):
            resource = resources.get(match[0])
            spec = self.schema["resources"].get(resource.get("type", "")) if resource else None
            if spec is not None and match[1] not in spec.get("properties", {}):
                errors.append(f"${{{match[0]}.{match[1]}}}: " + _unknown(match[1], list(spec["properties"])))
        return errors

    def _object(
        self, properties: dict[str, Any], required: list[str], value: Any, path: str, errors: list[str]
    ) -> None:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object, got {type(value).__name__}")
            return
        for key, item in value.items():
            if key not in properties:
                errors.append(f"{path}.{key}: {_unknown(key, list(properties))}")
                continue
            self.value(properties[key], item, f"{path}.{key}", errors)
        errors.extend(f"{path}.{key}: missing required property" for key in required if key not in value)

    def value(self, spec: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
        if value is None or _is_expression(value):
            return
        if "oneOf" in spec:
            tried = [self._errors(option, value, path) for option in spec["oneOf"]]
            if all(tried):
                kinds = " or ".join(option.get("type", "object") for option in spec["oneOf"])
                errors.append(f"{path}: expected {kinds}, got {value!r}")
            return
        ref = spec.get("$ref")
        if ref == "pulumi.json#/Any":
            return
        if ref is not None:
            self._named(ref, value, path, errors)
            return
        kind = spec.get("type")
        if kind == "array":
            if not isinstance(value, list):
                errors.append(f"{path}: expected a list, got {value!r}")
                return
            for index, item in enumerate(value):
                self.value(spec["items"], item, f"{path}[{index}]", errors)
        elif kind == "object":
            if not isinstance(value, dict):
                errors.append(f"{path}: expected a map, got {value!r}")
                return
            element = spec.get("additionalProperties", {"type": "string"})
            for key, item in value.items():
                self.value(element, item, f"{path}.{key}", errors)
        elif not _primitive_ok(kind, value):
            errors.append(f"{path}: expected {kind}, got {value!r}")

    def _errors(self, spec: dict[str, Any], value: Any, path: str) -> list[str]:
        found: list[str] = []
        self.value(spec, value, path, found)
        return found

    def _named(self, ref: str, value: Any, path: str, errors: list[str]) -> None:
        token = ref.removeprefix("#/types/")
        definition = self.schema["types"][token]
        if "enum" in definition:
            allowed = [entry["value"] for entry in definition["enum"]]
            if value not in allowed:
                name = token.rsplit(":", 1)[-1]
                errors.append(
                    f"{path}: {value!r} is not a valid {name}; expected one of {', '.join(map(str, allowed))}"
                )
            return
        self._object(definition.get("properties", {}), definition.get("required", []), value, path, errors)


def _primitive_ok(kind: str | None, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False
