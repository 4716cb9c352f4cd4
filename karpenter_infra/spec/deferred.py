"""Model errors collected while a user's nodegroup module runs, so that every problem is reported in one run.

Python stops a module at its first exception: with a typo in the defaults, the groups below it were never checked,
and a user with three typos needed three runs. While ``collecting()`` is open, ``NodeGroupDefaults`` and
``NodeGroup`` record their error and build a minimal stand-in instead of raising, so the module runs to its end; the
caller then raises every recorded error together. The stand-ins never reach a ``Fleet``: the caller raises first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ValidatorFunctionWrapHandler

from karpenter_infra.errors import SpecError, issues_from

_ERRORS: ContextVar[list[SpecError] | None] = ContextVar("karpenter_infra_deferred_errors", default=None)


@contextmanager
def collecting() -> Iterator[list[SpecError]]:
    """Inside the block the owner models record their errors in the yielded list instead of raising them."""
    errors: list[SpecError] = []
    token = _ERRORS.set(errors)
    try:
        yield errors
    finally:
        _ERRORS.reset(token)


def deferred(error: SpecError) -> bool:
    """Record ``error`` if collecting (the model then builds its stand-in); ``False``: the model raises it."""
    errors = _ERRORS.get()
    if errors is None:
        return False
    errors.append(error)
    return True


def validate_owned(
    model: type[BaseModel],
    data: Any,
    handler: ValidatorFunctionWrapHandler,
    owner: Callable[[], str],
    stand_in: dict[str, Any],
) -> Any:
    """An owner model's wrap validator: every error names ``owner()`` (worked out only on failure, since a fleet
    validates a thousand groups); while collecting, the error is recorded and ``stand_in`` is validated instead."""
    try:
        return handler(data)
    except ValidationError as exc:
        error = SpecError(owner(), issues_from(exc, model))
    except SpecError as exc:  # a cross-field rule of the model
        error = exc
    if not deferred(error):
        raise error from None
    return handler(stand_in)
