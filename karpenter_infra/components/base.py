"""Conventions every component shares: type tokens and child options."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

PACKAGE = "karpenter-infra"


def token(name: str) -> str:
    return f"{PACKAGE}:index:{name}"


def child(
    parent: pulumi.Resource,
    *,
    depends_on: Sequence[pulumi.Resource] | None = None,
    provider: pulumi.ProviderResource | None = None,
) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on) if depends_on else None, provider=provider)
