"""Errors raised for bad user input, before any resource is registered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError


class SpecError(Exception):
    """Bad input, pinned to the node group (or other owner) and the fields that carry it.

    Each line reads ``<owner>: <field>: <problem>`` so that a platform engineer finds the line in their nodegroup
    list without a traceback. It deliberately is not a ``ValueError``: pydantic would wrap a ``ValueError`` raised
    inside a validator into its own error and lose the owner.
    """

    def __init__(self, owner: str, issues: Sequence[tuple[str, str]]) -> None:
        self.owner = owner
        self.issues = list(issues)
        super().__init__("\n".join(f"{owner}: {field}: {problem}" for field, problem in self.issues))

    @classmethod
    def one(cls, owner: str, field: str, problem: str) -> SpecError:
        return cls(owner, [(field, problem)])


def nodegroup_owner(name: object) -> str:
    return f"nodegroup {name!r}"


def loc_to_path(loc: Iterable[int | str]) -> str:
    """Turn pydantic's ``('instances', 'cores', 0)`` into the ``instances.cores[0]`` a user would write."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(root)"


def issues_from(exc: ValidationError) -> list[tuple[str, str]]:
    issues = []
    for err in exc.errors(include_url=False):
        message = err["msg"]
        if err["type"] not in {"missing", "extra_forbidden"} and "input" in err:
            message = f"{message}, got {err['input']!r}"
        issues.append((loc_to_path(err["loc"]), message.removeprefix("Value error, ")))
    return issues
