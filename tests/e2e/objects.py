"""What the end-to-end tests apply: every object a stack renders, plus its monitoring objects."""

from __future__ import annotations

from pathlib import Path

import yaml

from karpenter_infra.cli.target import resolve
from karpenter_infra.monitoring.manifests import monitoring_manifests
from tests.e2e.kube import Manifest

PROJECT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "prod", "auto")

#: Kinds a stack renders whose CRD no Go module ships, so no real server here can hold them.
NO_CRD = {"NodeClass": "EKS Auto Mode's eks.amazonaws.com NodeClass: its CRD is part of EKS, in no public module"}


def stack_objects(stack: str) -> list[Manifest]:
    """``karpenter-infra render --stack STACK`` (the same target the command resolves), then what
    ``KarpenterMonitoring`` registers when the stack enables monitoring."""
    target = resolve(stack, None, PROJECT, command="render")
    objects = list(target.manifests)
    if target.platform is not None and target.platform.monitoring.enabled:
        objects += monitoring_manifests(target.platform.monitoring, target.group_label_key)
    return objects


def monitoring_namespaces(stack: str) -> list[Manifest]:
    """The monitoring namespace: the Prometheus operator's installation owns it (as it owns the PrometheusRule CRD),
    so the platform applies into it and never creates it."""
    target = resolve(stack, None, PROJECT, command="render")
    if target.platform is None or not target.platform.monitoring.enabled:
        return []
    name = target.platform.monitoring.namespace
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}]


def apply_order(objects: list[Manifest]) -> list[Manifest]:
    """Namespaces first (the NamespaceLifecycle admission plugin refuses objects in a missing one), then the
    render's own order."""
    return sorted(objects, key=lambda m: m["kind"] != "Namespace")


def load_crds(directory: Path) -> list[Manifest]:
    return [doc for path in sorted(directory.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]
