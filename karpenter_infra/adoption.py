"""Adopting live objects: the Pulumi resource name each manifest gets, and the id Pulumi imports it by.

Pure (no Pulumi import), so the Helm importer can write the ids into the module it generates and the components
can take them: a first ``pulumi up`` with ``ResourceOptions(import_=id)`` adopts the live object instead of creating
it. Pulumi's Kubernetes provider names objects ``namespace/name`` (namespaced) or ``name`` (cluster-scoped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from karpenter_infra.errors import SpecError
from karpenter_infra.suggest import did_you_mean


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


def check_adopt(manifests: Iterable[dict[str, Any]], adopt: Mapping[str, str]) -> None:
    """Every key of ``adopt`` names an object the fleet renders.

    A stale key (a renamed group, an EC2NodeClass id after a switch to Auto Mode) would adopt nothing: the first
    ``pulumi up`` would then try to create an object that is live, next to the one it was meant to take over.
    """
    names = {resource_name(m) for m in manifests}
    for key in sorted(set(adopt) - names):
        raise SpecError.one("adopt", key, "no object of the fleet has this resource name" + did_you_mean(key, names))
