"""Can each NodePool launch a node? Errors when the fleet is built, from the pool's requirements and the catalog.

The catalog core (model, evaluate, summary) knows nothing of node groups; this module is where the two meet, so
that every error names the group and the spec field that caused it.
"""

from __future__ import annotations

from typing import Any

from karpenter_infra.catalog.data_format import INSTANCE_TYPE_LABEL
from karpenter_infra.catalog.evaluate import Step, trace
from karpenter_infra.catalog.fields import field_of, short
from karpenter_infra.catalog.model import ARCH_LABEL, OS_LABEL, Catalog
from karpenter_infra.catalog.summary import BASE_RESOURCES, fits, largest, summarize
from karpenter_infra.catalog.view import KARPENTER, CatalogView
from karpenter_infra.catalog.warnings import CatalogWarning
from karpenter_infra.errors import SpecError, nodegroup_owner
from karpenter_infra.ledger.core import Severity, Stage, declare
from karpenter_infra.scheduling.quantity import MEBIBYTE, quantity_or_none
from karpenter_infra.spec.origin import DEFAULTS, with_origin
from karpenter_infra.spec.resolved import ResolvedNodeGroup
from karpenter_infra.suggest import closest

Manifest = dict[str, Any]

#: The reference's allocatable amounts are for AL2023 with default kubelet settings; other AMI families and
#: kubelet reservations move them a little (reference README), so a headroom pod within this share is a warning.
FIT_MARGIN = 0.05
#: Keys whose values are checked against the catalog: the arch and OS values are enums of the spec.
_UNCHECKED_VALUES = frozenset({ARCH_LABEL, OS_LABEL})


#: What ``check_pool`` finds that runs but looks wrong: ``(field, message, kind)``.
Notes = list[tuple[str, str, CatalogWarning]]


def located(group: ResolvedNodeGroup, field: str) -> str:
    """``field``, saying ``(from defaults)`` when the group inherited the value it names."""
    return with_origin(field, DEFAULTS) if group.inherits(field) else field


def _fail(group: ResolvedNodeGroup, field: str, problem: str) -> SpecError:
    return SpecError.one(nodegroup_owner(group.name), located(group, field), problem)


def check_pool(
    group: ResolvedNodeGroup,
    pool: Manifest,
    catalog: Catalog,
    view: CatalogView = KARPENTER,
    notes: Notes | None = None,
) -> int:
    """The types the pool admits, or a ``SpecError`` saying why the pool can never launch a node.

    ``view`` reads a pool of another backend (EKS Auto Mode) in the catalog's keys, among the types it launches.
    What runs but looks wrong is appended to ``notes``.
    """
    notes = [] if notes is None else notes
    requirements = view.requirements(pool)
    launchable = view.launchable(catalog)
    bits = launchable
    for term in requirements:
        if not catalog.knows(term["key"]):
            continue  # capacity type, zone, a custom label: it says nothing about instance types
        memo = ("term", term["key"], term["operator"], *(term.get("values") or ()))
        found = catalog.memo.get(memo)
        if found is None:
            values = tuple(term.get("values") or ())
            found = catalog.memo[memo] = (
                catalog.select(term["key"], term["operator"], values),
                _unknown_value(catalog, term["key"], term["operator"], values),
            )
        if found[1] is not None:
            error = _unknown(group, term, found[1], catalog)
            if term["operator"] == "In" and not found[0] & launchable:
                raise error  # nothing but unknown values: the pool can never launch
            # Karpenter ignores a value no type carries (an In among known ones, or any NotIn): a warning.
            field, problem = error.issues[0]
            notes.append((field, f"{problem}; Karpenter ignores it", CatalogWarning.UNKNOWN_VALUE))
        bits &= found[0]
    if launchable != catalog.all:
        _check_launchable_types(group, requirements, launchable, catalog, view)
    if group.instances.instance_types or not bits:
        steps = trace(requirements, catalog, launchable)
        _check_explicit_types(group, steps, catalog)
        if not bits:
            raise _emptied(group, steps, catalog, view)
    _check_min_values(group, requirements, bits, catalog)
    _check_headroom(group, bits, catalog)
    _check_limits(group, bits, catalog, notes)
    return bits


def _suggest(value: str, known: list[str]) -> str:
    close = closest(value, known, n=3)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _unknown_value(catalog: Catalog, key: str, operator: str, values: tuple[str, ...]) -> str | None:
    """A value no type carries is a typo or a type of another region: it would silently admit (or exclude) nothing.

    ``check_pool`` caches it per term: a thousand pools share a handful of distinct terms.
    """
    if operator in {"In", "NotIn"} and key not in _UNCHECKED_VALUES and catalog.knows(key):
        index = catalog.labels[key]
        return next((v for v in values if v not in index), None)
    return None


def _unknown(group: ResolvedNodeGroup, term: Manifest, value: str, catalog: Catalog) -> SpecError:
    key = term["key"]
    index = catalog.labels[key]
    field, _ = field_of(term, group)
    if key == INSTANCE_TYPE_LABEL:
        problem = f"{value!r} is not in the instance-type catalog ({catalog.region})"
    else:
        label = key.rsplit("/", 1)[-1]
        known = sorted(index, key=lambda v: (len(v), v))
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        problem = f"{value!r} is no {label} of any instance type in the catalog (known: {shown})"
    return _fail(group, field, problem + _suggest(value, sorted(index)))


def _check_launchable_types(
    group: ResolvedNodeGroup, requirements: list[Manifest], launchable: int, catalog: Catalog, view: CatalogView
) -> None:
    """A type named outright that the backend never launches: without this the pool would silently run without it."""
    for term in requirements:
        if term["key"] != INSTANCE_TYPE_LABEL or term["operator"] != "In":
            continue
        refused = [v for v in term.get("values") or () if v in catalog.ids and not launchable >> catalog.ids[v] & 1]
        if refused:
            why = ", ".join(f"{name!r} ({_why_not(catalog, view, catalog.ids[name])})" for name in refused)
            verb = "is not an instance type" if len(refused) == 1 else "are not instance types"
            raise _fail(group, field_of(term, group)[0], f"{why} {verb} {view.backend} launches")


def _why_not(catalog: Catalog, view: CatalogView, i: int) -> str:
    for term, why in view.supported:
        if not catalog.select(term["key"], term["operator"], term.get("values") or ()) >> i & 1:
            bit = 1 << i
            return why.format(
                value=next((v for v, b in catalog.labels.get(term["key"], {}).items() if b & bit), "unset")
            )
    return "unsupported"


def _check_explicit_types(group: ResolvedNodeGroup, steps: list[Step], catalog: Catalog) -> None:
    explicit = group.instances.instance_types
    for name in explicit:
        if name not in catalog.ids:
            continue  # not in this region's catalog: a warning (unknown-value) already says so
        bit = 1 << catalog.ids[name]
        for step in steps:
            if step.term["key"] == INSTANCE_TYPE_LABEL or step.after & bit or not step.before & bit:
                continue
            field, value = field_of(step.term, group)
            i = catalog.ids[name]
            if step.term["key"] == OS_LABEL:
                why = f"it is {catalog.architectures[i]}, and no Windows AMI runs on arm64"
            elif step.term["key"] == ARCH_LABEL:
                why = f"it is {catalog.architectures[i]}"
            else:
                why = f"its {step.term['key']} is {_label_of(catalog, step.term['key'], i)}"
            raise _fail(
                group, "instances.instance_types", f"{name!r} contradicts {located(group, field)} {value}: {why}"
            )


def _label_of(catalog: Catalog, key: str, i: int) -> str:
    bit = 1 << i
    values = [value for value, bits in catalog.labels.get(key, {}).items() if bits & bit]
    return repr(values[0]) if values else "unset"


def _emptied(group: ResolvedNodeGroup, steps: list[Step], catalog: Catalog, view: CatalogView) -> SpecError:
    culprit = next(s for s in steps if not s.after)
    field, value = field_of(culprit.term, group)
    narrowing = [field_of(s.term, group) for s in steps if s is not culprit and s.after != s.before and s.after]
    narrowing = [(f, v) for f, v in narrowing if f != field][-3:]
    within = ", ".join(f"{short(f)} {v}" for f, v in narrowing) if narrowing else f"the catalog ({catalog.region})"
    kind = "instance type" if view.backend is None else f"instance type {view.backend} launches"
    return _fail(group, field, f"{value} leaves no {kind} in {within}")


def _check_min_values(group: ResolvedNodeGroup, requirements: list[Manifest], bits: int, catalog: Catalog) -> None:
    """Karpenter counts ``minValues`` over the types that meet every requirement (karpenter.sh docs, NodePools,
    "Min Values"); fewer distinct values and the pool launches nothing."""
    for term in requirements:
        floor = term.get("minValues")
        key = term["key"]
        if floor is None or not catalog.knows(key):
            continue
        found = catalog.distinct(key, bits)
        if len(found) >= floor:
            continue
        label = key.rsplit("/", 1)[-1]
        field = "instances.min_values" if group.instances.min_values.get(key) == floor else field_of(term, group)[0]
        shown = ", ".join(found[:8]) + (", ..." if len(found) > 8 else "")
        raise _fail(group, field, f"{label} needs {floor} distinct values, but the pool admits {len(found)} ({shown})")


def _check_headroom(group: ResolvedNodeGroup, bits: int, catalog: Catalog) -> None:
    for j, entry in enumerate(group.headroom):
        cpu_text, memory_text = entry.resources
        cpu, memory = quantity_or_none(cpu_text), quantity_or_none(memory_text)
        assert cpu is not None and memory is not None  # the Headroom model's patterns
        if fits(catalog, bits, cpu * 1000, memory / float(MEBIBYTE), FIT_MARGIN) is None:
            top = largest(catalog, bits)
            i = catalog.ids[top]
            raise _fail(
                group,
                f"headroom[{j}]",
                f"headroom pods of size {entry.key} ({cpu_text} cpu, {memory_text}) fit no node the pool admits; the "
                f"largest, "
                f"{top}, has {catalog.resources['cpu'][i]}m cpu and {catalog.resources['memory'][i]}Mi allocatable",
            )


def _check_limits(group: ResolvedNodeGroup, bits: int, catalog: Catalog, notes: Notes) -> None:
    """Karpenter launches a type only if its capacity fits what remains of ``limits`` (karpenter core,
    ``pkg/controllers/provisioning/scheduling``: instance types are filtered by the pool's remaining resources)."""
    summary = summarize(catalog, bits)
    for resource, text in sorted(group.limits.items()):
        amount = quantity_or_none(text)
        if amount is None:
            continue
        if resource == "cpu":
            name, smallest = summary.smallest_cpu
            if amount < smallest:
                raise _fail(
                    group,
                    "limits",
                    f"cpu {text} is less than the smallest node the pool admits ({name}, {smallest} vCPU): "
                    "it can never launch",
                )
        elif resource == "memory":
            name, smallest_mib = summary.smallest_memory
            if amount / float(MEBIBYTE) < smallest_mib:
                raise _fail(
                    group,
                    "limits",
                    f"memory {text} is less than the smallest node the pool admits ({name}, {smallest_mib}Mi): "
                    "it can never launch",
                )
        # Only resources the catalog knows: a device plugin's own resource (``example.com/widget``) is not EC2's.
        # The pool still launches (the limit is dead config), so it is a warning, and none for a limit inherited from
        # the defaults, which every pool shares.
        elif (
            resource in catalog.resources
            and resource not in BASE_RESOURCES
            and amount > 0
            and (resource not in summary.extended)
            and resource not in group.limits_inherited
        ):
            notes.append(
                (
                    f"limits[{resource!r}]",
                    f"{resource} {text} is set, but no instance type the pool admits offers {resource}: the limit "
                    "bounds nothing",
                    CatalogWarning.LIMIT_NOT_OFFERED,
                )
            )


for _id, _summary, _source, _where in (
    (
        "unknown-value-only",
        "a requirement In whose values no instance type in the catalog carries: the pool admits nothing by it",
        "core pkg/controllers/provisioning/scheduling/nodeclaim.go filterInstanceTypesByRequirements (a type must "
        "meet every requirement: compatible)",
        _unknown,
    ),
    (
        "type-not-launched",
        "an instance type named outright that the backend never launches (EKS Auto Mode's supported types)",
        "EKS User Guide, Auto Mode supported instance types",
        _check_launchable_types,
    ),
    (
        "explicit-type-contradiction",
        "an instance type named in instance_types that another setting of the same layer excludes",
        "ours: instance_types and the filter beside it say different things",
        _check_explicit_types,
    ),
    (
        "pool-admits-nothing",
        "requirements, or template labels, that leave no instance type of the catalog: the pool can never launch",
        "core pkg/controllers/provisioning/scheduling/nodeclaimtemplate.go NewNodeClaimTemplate (types filtered by "
        "every requirement, template labels included: pkg/scheduling/requirements.go NewLabelRequirements)",
        _emptied,
    ),
    (
        "min-values-unmet",
        "minValues above the distinct values the admitted types offer: the pool launches nothing",
        "core pkg/cloudprovider/types.go InstanceTypes.SatisfiesMinValues (counted over the compatible types)",
        _check_min_values,
    ),
    (
        "headroom-fits-no-node",
        "headroom pods larger than the largest admitted node's allocatable resources",
        "core pkg/controllers/provisioning/scheduling/nodeclaim.go fits (a pod fits only a type whose allocatable "
        "holds it)",
        _check_headroom,
    ),
    (
        "limits-below-smallest-node",
        "cpu or memory limits below the smallest admitted node: the pool can never launch",
        "core pkg/controllers/provisioning/scheduling/scheduler.go filterByRemainingResources (types over the "
        "pool's remaining limits are dropped)",
        _check_limits,
    ),
):
    declare(_id, severity=Severity.ERROR, stage=Stage.CATALOG, source=_source, summary=_summary, where=_where)
