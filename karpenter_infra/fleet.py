"""The fleet: a nodegroup list resolved, rendered and validated once, when it is built."""

from __future__ import annotations

import gc
import marshal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from karpenter_infra.backends import NodeBackend, backend_for
from karpenter_infra.catalog.report import CatalogReport, fleet_report
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.karpenter.validate import ManifestError
from karpenter_infra.ledger.core import Collector, Finding, Severity, Stage, raise_errors, run, run_each
from karpenter_infra.ledger.registry import load_rules
from karpenter_infra.render.headroom import deployment, namespace, priority_class
from karpenter_infra.render.offhours import config_map, cron_job, rbac, scheduled
from karpenter_infra.spec.automode import Backend
from karpenter_infra.spec.nodegroup import NodeGroup, NodeGroupDefaults
from karpenter_infra.spec.resolve import resolve
from karpenter_infra.spec.resolved import ResolvedNodeGroup

if TYPE_CHECKING:
    from karpenter_infra.catalog.model import Catalog

Manifest = dict[str, Any]

# Lists that collect every Fleet built while they are open (``built_fleets``).
_collectors: list[list[Fleet]] = []


@contextmanager
def built_fleets() -> Iterator[list[Fleet]]:
    """Every fleet built inside the block: how the CLI finds the fleet a user's program hands its components."""
    collected: list[Fleet] = []
    _collectors.append(collected)
    try:
        yield collected
    finally:
        _collectors.remove(collected)


@contextmanager
def _bulk_allocation() -> Iterator[None]:
    """Pause the cyclic GC while building thousands of small dicts that hold no cycles, then move them to the oldest
    generation without a sweep.

    Without the pause, generation sweeps triggered by the allocations alone cost as much as the rendering itself.
    Without the move, the first young sweep after it walks every object just built: a sixth of a 1,000-group build.
    ``gc.freeze()`` then ``gc.unfreeze()`` moves every tracked object to the oldest generation in constant time, so
    the young generations are swept first: the program's own young garbage is collected as it would have been, not
    moved. The move is left out when the program keeps objects frozen itself (as before a fork): those stay frozen.
    """
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect(1)
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _copy(data: Any) -> Any:
    """A deep copy of plain JSON-like data at C speed; ``copy.deepcopy`` would dominate a 1,000-group render."""
    with _bulk_allocation():
        return marshal.loads(marshal.dumps(data))


class Fleet:
    """Build it and every manifest exists and has passed the Karpenter v1.14 rules, or a ``SpecError`` says why.

    ``node_role`` is the IAM role name the platform creates for nodes; groups that name no role or instance
    profile of their own use it. ``catalog`` is the instance-type catalog every NodePool must be able to launch
    from (default: the shipped one).
    ``backend`` says who runs Karpenter (``karpenter`` or ``auto-mode``): it renders
    each group's node class and pool, and refuses what it cannot express.
    """

    def __init__(
        self,
        defaults: NodeGroupDefaults,
        nodegroups: Sequence[NodeGroup],
        *,
        node_role: str | None = None,
        catalog: Catalog | None = None,
        backend: Backend | str = Backend.KARPENTER,
    ) -> None:
        self.defaults = defaults
        self.node_role = node_role
        self.backend: NodeBackend = backend_for(backend, defaults, nodegroups)
        with _bulk_allocation():
            errors = Collector()
            self.groups: list[ResolvedNodeGroup] = resolve(defaults, nodegroups, node_role, errors)
            load_rules()
            # Each stage reports every problem it finds; a later stage runs only on what passed the earlier ones.
            found = run_each(Stage.GROUP, self.groups)
            with errors.step():
                raise_errors(found)
            errors.raise_if_any()
            # Rendering first: a backend's own refusal (Auto Mode runs no Windows) says more than a fleet rule would.
            self._by_group: dict[str, list[Manifest]] = {}
            for group in self.groups:
                with errors.step():
                    self._by_group[group.name] = self._render(group)
            errors.raise_if_any()
            found += run(Stage.FLEET, self.groups)
            raise_errors(found)
            self._warnings = [f for f in found if f.severity == Severity.WARNING]
            self.catalog_report: CatalogReport = fleet_report(
                self.groups, self._by_group, nodegroups, defaults, catalog, self.backend.catalog_view
            )
        self._shared: list[Manifest] = []
        if any(g.headroom for g in self.groups) or defaults.headroom_priority_class.always:
            self._shared = [priority_class(defaults.headroom_priority_class)]
        if any(g.headroom for g in self.groups) and defaults.create_headroom_namespace:
            self._shared.append(namespace(defaults.headroom_namespace))
        off_hours = scheduled(self.groups)
        if off_hours:
            self._shared += [
                *rbac(off_hours, defaults.off_hours_namespace),
                config_map(off_hours, defaults.off_hours_namespace),
            ]
        # Headroom and off-hours may share one namespace: it is one object. A referenced headroom namespace is
        # someone else's even when off-hours shares it: rendering it would make `pulumi destroy` delete it.
        referenced = None if defaults.create_headroom_namespace else ("Namespace", defaults.headroom_namespace)
        first: dict[tuple[str, str], Manifest] = {}
        for manifest in self._shared:
            identity = (manifest["kind"], manifest["metadata"]["name"])
            if identity != referenced:
                first.setdefault(identity, manifest)
        self._shared = list(first.values())
        for collected in _collectors:
            collected.append(self)

    @property
    def warnings(self) -> list[Finding]:
        """The group and fleet rules' warnings, then the catalog's, less those the groups switched off."""
        off = {nodegroup_owner(g.name): g.warnings_off for g in self.groups}
        own = [f for f in self._warnings if f.rule not in off.get(f.owner, frozenset())]
        catalog = [Finding(w.owner, w.field, w.message, w.kind.value) for w in self.catalog_report.warnings]
        return sorted([*own, *catalog])

    def _render(self, group: ResolvedNodeGroup) -> list[Manifest]:
        rendered = []
        if group.nodeclass is not None:
            rendered.append(self.backend.node_class(group))
        if group.renders_nodepool:
            rendered.append(self.backend.node_pool(group))
        rendered.extend(
            deployment(group, entry, self.defaults.headroom_namespace, self.defaults.headroom_image)
            for entry in group.headroom
        )
        if group.off_hours is not None:
            rendered.extend(
                cron_job(
                    group,
                    group.off_hours,
                    down,
                    self.defaults.off_hours_namespace,
                    self.defaults.kubectl_image,
                )
                for down in (True, False)
            )
        for manifest in rendered:
            try:
                self.backend.validate(manifest)
            except ManifestError as exc:
                raise SpecError(
                    nodegroup_owner(group.name),
                    [(f"{exc.kind} {exc.name}: {path}", msg) for path, msg in exc.issues],
                ) from None
        return rendered

    def manifests(self) -> list[Manifest]:
        """Shared objects first, then each group's node class, NodePool and headroom, groups sorted by name.

        Copies, so a caller that edits one (a component wiring in an Output) cannot change the fleet.
        """
        ordered = [*self._shared, *(m for name in sorted(self._by_group) for m in self._by_group[name])]
        copied: list[Manifest] = _copy(ordered)
        return copied

    def manifests_by_group(self) -> dict[str, list[Manifest]]:
        copied: dict[str, list[Manifest]] = _copy(self._by_group)
        return copied

    @property
    def node_roles(self) -> list[str]:
        """Every role name a node class uses: the controller must be allowed to pass each one."""
        return sorted({g.nodeclass.role for g in self.groups if g.nodeclass and g.nodeclass.role})

    @property
    def instance_profiles(self) -> list[str]:
        return sorted(
            {g.nodeclass.instance_profile for g in self.groups if g.nodeclass and g.nodeclass.instance_profile}
        )
