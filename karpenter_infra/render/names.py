"""Kubernetes name limits, met without losing what a name says or making two names collide."""

from __future__ import annotations

import hashlib


def shorten(name: str, limit: int) -> str:
    """Keep a readable prefix and a stable hash of the whole name when it is over ``limit`` characters."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-')}-{digest}"
