"""The backends behind one interface: what each renders as a node class, and who loads the Auto Mode backend."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from karpenter_infra.automode.render import AutoModeBackend
from karpenter_infra.backends import NODE_CLASS_KINDS, SelfManagedKarpenter, backend_for
from karpenter_infra.spec.nodegroup import NodeGroupDefaults

PROJECT = Path(__file__).resolve().parents[1]


def test_node_class_kinds_are_the_kinds_the_backends_render() -> None:
    assert (SelfManagedKarpenter.node_class_kind, AutoModeBackend.node_class_kind) == NODE_CLASS_KINDS


def test_each_backend_name_gets_its_backend() -> None:
    defaults = NodeGroupDefaults(cluster_name="c")
    assert isinstance(backend_for("auto-mode", defaults, []), AutoModeBackend)
    assert isinstance(backend_for("karpenter", defaults, []), SelfManagedKarpenter)


def test_a_self_managed_fleet_does_not_load_the_auto_mode_backend() -> None:
    code = (
        "import sys\nfrom karpenter_infra.stack import load_stack\nload_stack('dev').fleet()\n"
        "print('karpenter_infra.automode.render' in sys.modules, 'karpenter_infra.automode.nodeclass' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
