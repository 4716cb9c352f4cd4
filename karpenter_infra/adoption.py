"""Adopting live objects: the Pulumi resource name each manifest gets, and the id Pulumi imports it by.

Pure (no Pulumi import), so the Helm importer can write the ids into the module it generates and the components
can take them: a first ``pulumi up`` with ``ResourceOptions(import_=id)`` adopts the live object instead of creating
it. Pulumi's Kubernetes provider names objects ``namespace/name`` (namespaced) or ``name`` (cluster-scoped).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def resource_name(manifest: dict[str, Any]) -> str:
    """Stable: kind and object name (and namespace). Reordering the nodegroup list renames nothing."""
    metadata = manifest["metadata"]
    namespace = f"{metadata['namespace']}-" if "namespace" in metadata else ""
    return f"{manifest['kind'].lower()}-{namespace}{metadata['name']}"


def import_id(manifest: dict[str, Any]) -> str:
    metadata = manifest["metadata"]
    return f"{metadata['namespace']}/{metadata['name']}" if "namespace" in metadata else str(metadata["name"])


def import_ids(manifests: Iterable[dict[str, Any]], live: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Resource name -> import id of every manifest whose object (same kind, namespace and name) is live."""
    existing = {(m["kind"], import_id(m)) for m in live}
    return {
        resource_name(m): import_id(m)
        for m in sorted(manifests, key=resource_name)
        if (m["kind"], import_id(m)) in existing
    }
