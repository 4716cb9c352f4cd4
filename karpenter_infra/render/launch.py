"""The EC2NodeClass launch options: capacity reservations, network interfaces, placement, conntrack, CPU."""

from __future__ import annotations

import json
from typing import Any

from karpenter_infra.spec.launch import CapacityReservationSelectorTerm
from karpenter_infra.spec.resolved import ResolvedNodeClass


def _reservation_term(term: CapacityReservationSelectorTerm) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    if term.id is not None:
        rendered["id"] = term.id
    if term.owner_id is not None:
        rendered["ownerID"] = term.owner_id
    if term.tags is not None:
        rendered["tags"] = dict(sorted(term.tags.items()))
    if term.instance_match_criteria is not None:
        rendered["instanceMatchCriteria"] = str(term.instance_match_criteria)
    return rendered


def launch_options(nodeclass: ResolvedNodeClass) -> dict[str, Any]:
    """Only what is set, in CRD field order; lists whose order means nothing (ORed terms, interfaces) sorted."""
    spec: dict[str, Any] = {}
    if nodeclass.capacity_reservation_selector_terms:
        terms = [_reservation_term(t) for t in nodeclass.capacity_reservation_selector_terms]
        spec["capacityReservationSelectorTerms"] = sorted(terms, key=lambda t: json.dumps(t, sort_keys=True))
    if nodeclass.network_interfaces is not None:
        spec["networkInterfaces"] = [
            {
                "networkCardIndex": i.network_card_index,
                "deviceIndex": i.device_index,
                "interfaceType": str(i.interface_type),
            }
            for i in sorted(nodeclass.network_interfaces, key=lambda i: (i.network_card_index, i.device_index))
        ]
    if nodeclass.placement_group is not None:
        group = nodeclass.placement_group
        spec["placementGroupSelector"] = {"id": group.id} if group.id is not None else {"name": group.name}
    if nodeclass.ip_prefix_count is not None:
        spec["ipPrefixCount"] = nodeclass.ip_prefix_count
    if nodeclass.connection_tracking is not None:
        tracking = nodeclass.connection_tracking
        spec["connectionTracking"] = {
            crd: value
            for crd, value in (
                ("tcpEstablishedTimeout", tracking.tcp_established_timeout),
                ("udpStreamTimeout", tracking.udp_stream_timeout),
                ("udpTimeout", tracking.udp_timeout),
            )
            if value is not None
        }
    if nodeclass.cpu_options is not None:
        nested = nodeclass.cpu_options.nested_virtualization
        spec["cpuOptions"] = {} if nested is None else {"nestedVirtualization": str(nested)}
    return spec
