"""User data as EC2 and Karpenter's bootstrap read it, once its final text is known.

- EC2 takes at most 16 KB (16,384 bytes) before base64-encoding, 21,848 characters after (EC2 user guide, "Work with
  instance user data").
- Bottlerocket user data is TOML that Karpenter merges its settings into (aws/karpenter-provider-aws
  ``pkg/providers/amifamily/bootstrap/bottlerocket.go``); a parse error there fails every launch.
- Windows user data is PowerShell that Karpenter places inside its own ``<powershell>`` ... ``</powershell>`` block,
  ahead of the EKS bootstrap call (``bootstrap/windows.go``): it must be bare PowerShell, since a tag of its own would
  close Karpenter's block early and the bootstrap would never run.
"""

from __future__ import annotations

import base64
import re
import tomllib
from functools import cache

from karpenter_infra.errors import SpecError, nodegroup_owner

MAX_BYTES = 16 * 1024
_WINDOWS_TAGS = re.compile(r"</?(powershell|script|persist|runAsLocalSystem)>", re.IGNORECASE)


def _base64_length(size: int) -> int:
    return -(-size // 3) * 4


@cache
def user_data_problem(ami_family: str, text: str) -> str | None:
    size = len(text.encode())
    if size > MAX_BYTES:
        return (
            f"is {size} bytes ({_base64_length(size)} after base64); EC2 takes at most {MAX_BYTES} "
            f"({len(base64.b64encode(b'x' * MAX_BYTES))} after base64)"
        )
    if ami_family == "Bottlerocket":
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            return f"Bottlerocket user data must be TOML: {exc}"
    if ami_family.startswith("Windows"):
        for number, line in enumerate(text.splitlines(), start=1):
            if number == 1 and line.startswith("#!"):
                return f"line 1: {line.strip()!r} starts a shell script; Windows user data is PowerShell"
            tag = _WINDOWS_TAGS.search(line)
            if tag:
                return (
                    f"line {number}: {tag.group(0)!r}: Karpenter wraps Windows user data in <powershell> itself; "
                    "give the bare PowerShell"
                )
    return None


def check_user_data(group_name: str, ami_family: str, text: str) -> None:
    """The hook the renderer calls once the user data's final text is known."""
    if problem := user_data_problem(ami_family, text):
        raise SpecError.one(nodegroup_owner(group_name), "user_data", problem)
