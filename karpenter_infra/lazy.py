"""Lazy package exports (PEP 562), written once for the two packages that use them.

``karpenter_infra`` and ``karpenter_infra.components`` export names whose modules are expensive to import (the
pydantic models, the provider SDKs). Each package keeps its own table of names and homes; this module gives it the
``__getattr__`` and ``__dir__`` that import a name's home on first access and then cache the name as an ordinary
module attribute.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], names: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The package's ``__getattr__`` and ``__dir__``: ``homes`` maps each exported name to its defining module."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*namespace, *names])

    return __getattr__, __dir__
