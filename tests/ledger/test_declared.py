"""Every in-place check (a model validator, a resolver raise, a backend refusal) is declared in the ledger."""

from __future__ import annotations

import ast
import importlib
import inspect

from karpenter_infra.ledger.registry import all_rules
from karpenter_infra.spec.base import Spec


def _wheres() -> set[str]:
    return {rule.where for rule in all_rules().values()}


def _models() -> list[type[Spec]]:
    import karpenter_infra.spec.nodegroup
    import karpenter_infra.spec.platform  # noqa: F401 (every model is a subclass once imported)

    todo: list[type[Spec]] = [Spec]
    seen: list[type[Spec]] = []
    while todo:
        model = todo.pop()
        seen.append(model)
        todo.extend(model.__subclasses__())
    return seen[1:]


def test_every_model_validator_that_can_refuse_is_a_declared_rule() -> None:
    wheres = _wheres()
    missing = []
    for model in _models():
        for name, decorator in model.__pydantic_decorators__.model_validators.items():
            function = getattr(model, name)
            where = f"{function.__module__}.{function.__qualname__}"
            # the model's own validator (not one it inherits), run after the fields: the cross-field rules
            if decorator.info.mode != "after" or not where.endswith(f"{model.__qualname__}.{name}"):
                continue
            if "raise" in inspect.getsource(function) and where not in wheres:
                missing.append(where)
    assert not missing, sorted(set(missing))


#: Modules whose functions raise on bad input in place: each function that raises must be a rule's ``where``.
IN_PLACE = (
    "karpenter_infra.spec.resolve",
    "karpenter_infra.spec.resolve_nodeclass",
    "karpenter_infra.automode.refuse",
    "karpenter_infra.adoption",
)


def test_every_function_that_refuses_in_place_is_a_declared_rule() -> None:
    wheres = _wheres()
    missing = []
    for name in IN_PLACE:
        module = importlib.import_module(name)
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            raises = [r for r in ast.walk(node) if isinstance(r, ast.Raise) and r.exc is not None]
            if raises and f"{name}.{node.name}" not in wheres:
                missing.append(f"{name}.{node.name}")
    assert not missing, missing
