"""What every policy document shares: its version, and the size IAM allows a managed policy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

POLICY_VERSION = "2012-10-17"
# IAM rejects a customer managed policy longer than this (whitespace not counted); failing here names the
# policy and the cause, failing in AWS happens halfway through a deployment.
MANAGED_POLICY_MAX_CHARS = 6144


def policy_document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def check_size(what: str, document: Mapping[str, Any]) -> None:
    size = len(json.dumps(document, separators=(",", ":")))
    if size > MANAGED_POLICY_MAX_CHARS:
        raise ValueError(
            f"{what}: {size} characters, IAM allows {MANAGED_POLICY_MAX_CHARS} per managed policy; "
            "split the statements or pass fewer roles"
        )
