"""The public names of ``karpenter_infra`` and ``karpenter_infra.components`` load lazily but read as ordinary imports.

Each package keeps three lists of its names: ``__all__``, the module each name lives in (``_HOMES``), and the imports
under ``TYPE_CHECKING`` that mypy and editors read. These tests hold the three to each other and to what the
names resolve to, so a name added to one list and forgotten in another fails here, not in a user's program.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pulumi
import pytest

import karpenter_infra
import karpenter_infra.components

PACKAGES = [karpenter_infra, karpenter_infra.components]


def _type_checking_imports(package: ModuleType) -> dict[str, str]:
    """Name -> module of each ``from m import name`` under ``if TYPE_CHECKING:`` in the package's ``__init__``."""
    tree = ast.parse(Path(str(package.__file__)).read_text())
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module
                found.update((alias.name, statement.module) for alias in statement.names)
    return found


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_all_homes_and_type_checking_imports_name_the_same_things(package: ModuleType) -> None:
    homes: dict[str, str] = package._HOMES
    assert sorted(package.__all__) == sorted(homes) == sorted(_type_checking_imports(package))
    assert homes == _type_checking_imports(package)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_name_is_the_object_its_module_defines(package: ModuleType) -> None:
    for name, home in package._HOMES.items():
        assert getattr(package, name) is getattr(importlib.import_module(home), name), name
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_an_unknown_name_is_an_attribute_error(package: ModuleType) -> None:
    with pytest.raises(AttributeError, match="has no attribute 'NodeGrop'"):
        package.NodeGrop  # noqa: B018 (the access is the test)
    assert not hasattr(package, "_not_a_name")


def test_a_star_import_gets_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from karpenter_infra import *", namespace)
    assert set(karpenter_infra.__all__) <= set(namespace)


def test_every_component_is_exported_from_components() -> None:
    """Every ComponentResource a components module defines (not a private helper) is importable from the package."""
    defined = set()
    for info in pkgutil.iter_modules(karpenter_infra.components.__path__):
        module = importlib.import_module(f"karpenter_infra.components.{info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, pulumi.ComponentResource)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                defined.add(name)
    assert "NodePoolSet" in defined
    assert defined == set(karpenter_infra.components.__all__)


def test_the_packages_load_no_model_and_one_component_loads_no_other_sdk() -> None:
    """``import karpenter_infra`` and ``karpenter_infra.components`` load no model, template or SDK; ``NodePoolSet``
    alone needs the Kubernetes SDK, not pulumi_aws (most of a second to import). One fresh interpreter, in order."""
    code = (
        "import sys\n"
        "def loaded():\n    return ' '.join(sorted({m.split('.')[0] for m in sys.modules}))\n"
        "import karpenter_infra, karpenter_infra.components\n"
        "print(loaded())\n"
        "from karpenter_infra.components import NodePoolSet\n"
        "print(loaded())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    packages, component = (set(line.split()) for line in done.stdout.splitlines())
    assert not packages & {"pydantic", "pulumi", "pulumi_aws", "pulumi_kubernetes", "jinja2", "yaml"}
    assert "pulumi_kubernetes" in component
    assert "pulumi_aws" not in component
