"""Launch options of the EC2NodeClass: capacity reservations, network interfaces (EFA), placement, CPU, conntrack.

The vocabulary (patterns, enums, limits) comes from the typed CRD mirror; the rules here are the CRD's CEL rules,
checked per term so that the error names the group and the term (``capacity_reservation_selector_terms[1]``).
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from karpenter_infra.karpenter import patterns as p
from karpenter_infra.karpenter.patterns import InstanceMatchCriteria, NetworkInterfaceType, Toggle
from karpenter_infra.spec.base import Spec

__all__ = [
    "CapacityReservationSelectorTerm",
    "ConnectionTracking",
    "CpuOptions",
    "InstanceMatchCriteria",
    "NetworkInterface",
    "NetworkInterfaceType",
    "PlacementGroup",
    "check_network_interfaces",
]

NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class CapacityReservationSelectorTerm(Spec):
    """One way to pick On-Demand Capacity Reservations (or Capacity Blocks) Karpenter may launch into; terms OR."""

    id: str | None = Field(
        default=None, pattern=p.CAPACITY_RESERVATION_ID_PATTERN, description="A reservation id, `cr-...`."
    )
    owner_id: str | None = Field(
        default=None,
        pattern=p.CAPACITY_RESERVATION_OWNER_ID_PATTERN,
        description="Account (12 digits) that owns the reservations, e.g. one shared through RAM; with `tags`.",
    )
    tags: dict[NonEmpty, NonEmpty] | None = Field(
        default=None, max_length=p.SELECTOR_TAGS_MAX_PROPERTIES, description="Tags the reservations carry."
    )
    instance_match_criteria: InstanceMatchCriteria | None = Field(
        default=None, description="`open` or `targeted` reservations."
    )

    @model_validator(mode="after")
    def _crd_rules(self) -> Self:
        # EC2NodeClass CRD, capacityReservationSelectorTerms CEL rules.
        if self.id is None and self.tags is None and self.instance_match_criteria is None:
            raise ValueError("set id, tags or instance_match_criteria")
        if self.id is not None and (
            self.tags is not None or self.owner_id is not None or self.instance_match_criteria is not None
        ):
            raise ValueError("id selects one reservation: set it alone, without tags, owner_id or match criteria")
        return self


class NetworkInterface(Spec):
    """One network interface of the launch template: EFA-capable instance types take `efa-only` on extra cards."""

    network_card_index: int = Field(default=0, ge=0, le=p.INT32_MAX, description="Network card it attaches to.")
    device_index: int = Field(default=0, ge=0, le=p.INT32_MAX, description="Device index on that card.")
    interface_type: NetworkInterfaceType = Field(
        default=NetworkInterfaceType.INTERFACE, description="`interface` (ENA, with EFA where offered) or `efa-only`."
    )


def check_network_interfaces(interfaces: list[NetworkInterface] | None) -> list[NetworkInterface] | None:
    """The CRD's list rules: a primary ENA interface (card 0, device 0), unique slots, one `efa-only` per card."""
    if not interfaces:
        return interfaces
    if not any(
        i.network_card_index == 0 and i.device_index == 0 and i.interface_type == "interface" for i in interfaces
    ):
        raise ValueError(
            "needs the primary interface: network_card_index 0, device_index 0, interface_type 'interface'"
        )
    slots: set[tuple[int, int]] = set()
    efa_cards: set[int] = set()
    for interface in interfaces:
        slot = (interface.network_card_index, interface.device_index)
        if slot in slots:
            raise ValueError(f"two interfaces on network card {slot[0]}, device {slot[1]}")
        slots.add(slot)
        if interface.interface_type == "efa-only":
            if interface.network_card_index in efa_cards:
                raise ValueError(f"more than one efa-only interface on network card {interface.network_card_index}")
            efa_cards.add(interface.network_card_index)
    return interfaces


class PlacementGroup(Spec):
    """An existing placement group (cluster, partition or spread), by name or id."""

    name: str | None = Field(default=None, min_length=1, description="Placement group name.")
    id: str | None = Field(
        default=None, pattern=p.PLACEMENT_GROUP_ID_PATTERN, description="Placement group id, `pg-...`."
    )

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.name is None) == (self.id is None):
            raise ValueError("set name or id, exactly one")
        return self


class ConnectionTracking(Spec):
    """Idle timeouts of the ENIs' connection tracking; ranges from the CRD (which mirror EC2's)."""

    tcp_established_timeout: int | None = Field(
        default=None, ge=60, le=432000, description="Seconds an established TCP flow may idle."
    )
    udp_stream_timeout: int | None = Field(
        default=None, ge=60, le=180, description="Seconds a UDP flow seen in both directions may idle."
    )
    udp_timeout: int | None = Field(default=None, ge=30, le=60, description="Seconds a one-way UDP flow may idle.")

    @model_validator(mode="after")
    def _some(self) -> Self:
        if self.tcp_established_timeout is None and self.udp_stream_timeout is None and self.udp_timeout is None:
            raise ValueError("set at least one of tcp_established_timeout, udp_stream_timeout, udp_timeout")
        return self


class CpuOptions(Spec):
    nested_virtualization: Toggle | None = Field(
        default=None,
        description="Unset leaves EC2's default (Karpenter accepts an empty cpuOptions). "
        "`enabled`: only instance types that support nested virtualisation, with it turned on.",
    )
