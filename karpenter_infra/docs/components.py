"""The components' reference page: import path, type token, inputs and outputs, read off the classes themselves.

This module imports the components (and so Pulumi); only the docs generator and its test use it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pulumi

import karpenter_infra.components as package

_TOKEN = re.compile(r'token\("(\w+)"\)')
_SKIPPED_PARAMETERS = {"self", "name", "opts"}


def component_classes() -> list[type[pulumi.ComponentResource]]:
    found: dict[str, type[pulumi.ComponentResource]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, pulumi.ComponentResource)
                and value.__module__ == module.__name__
            ):
                found[value.__name__] = value
    return [found[name] for name in sorted(found)]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def component_section(component: type[pulumi.ComponentResource]) -> str:
    source = inspect.getsource(component)
    tokens = _TOKEN.findall(source)
    lines = [f"## {component.__name__}", ""]
    # The package's name when it exports the component (every public one): the import a user writes.
    home = package.__name__ if component.__name__ in package.__all__ else component.__module__
    lines.append(f"`from {home} import {component.__name__}`")
    if tokens:
        lines[-1] += f" · type token `karpenter-infra:index:{tokens[0]}`"
    lines.append("")
    doc = inspect.getdoc(component)
    if doc:
        lines += [doc, ""]
    parameters = [
        parameter
        for parameter in inspect.signature(component.__init__).parameters.values()
        if parameter.name not in _SKIPPED_PARAMETERS
    ]
    lines += ["| input | type | default |", "|---|---|---|"]
    for parameter in parameters:
        default = "required" if parameter.default is inspect.Parameter.empty else f"`{parameter.default!r}`"
        annotation = "" if parameter.annotation is inspect.Parameter.empty else str(parameter.annotation)
        lines.append(f"| `{parameter.name}` | `{_cell(annotation)}` | {default} |")
    outputs = {
        name: str(annotation)
        for name, annotation in inspect.get_annotations(component).items()
        if "Output" in str(annotation)
    }
    if outputs:
        lines += ["", "| output | type |", "|---|---|"]
        lines += [f"| `{name}` | `{_cell(annotation)}` |" for name, annotation in outputs.items()]
    return "\n".join(lines) + "\n"
