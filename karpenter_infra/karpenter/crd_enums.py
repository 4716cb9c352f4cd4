"""The closed sets of the Karpenter v1.14 CRDs (``enum:`` in their schemas), as ``StrEnum``s."""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class ConsolidationPolicy(StrEnum):
    WHEN_EMPTY = "WhenEmpty"
    WHEN_EMPTY_OR_UNDERUTILIZED = "WhenEmptyOrUnderutilized"
    BALANCED = "Balanced"


class DisruptionReason(StrEnum):
    UNDERUTILIZED = "Underutilized"
    EMPTY = "Empty"
    DRIFTED = "Drifted"


class Operator(StrEnum):
    """In the CRD's order, which is not alphabetical: the enum test compares lists."""

    GTE = "Gte"
    LTE = "Lte"
    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"
    GT = "Gt"
    LT = "Lt"


#: Operators whose single value must parse as a non-negative integer.
NUMERIC_OPERATORS: Final = frozenset({Operator.GT, Operator.LT, Operator.GTE, Operator.LTE})


class TaintEffect(StrEnum):
    NO_SCHEDULE = "NoSchedule"
    PREFER_NO_SCHEDULE = "PreferNoSchedule"
    NO_EXECUTE = "NoExecute"


class AmiFamily(StrEnum):
    AL2 = "AL2"
    AL2023 = "AL2023"
    BOTTLEROCKET = "Bottlerocket"
    CUSTOM = "Custom"
    WINDOWS2019 = "Windows2019"
    WINDOWS2022 = "Windows2022"
    WINDOWS2025 = "Windows2025"


class AmiAliasFamily(StrEnum):
    """The ``family`` half of an ``amiSelectorTerms[].alias`` (``al2023@latest``); from the CEL rules."""

    AL2 = "al2"
    AL2023 = "al2023"
    BOTTLEROCKET = "bottlerocket"
    WINDOWS2019 = "windows2019"
    WINDOWS2022 = "windows2022"
    WINDOWS2025 = "windows2025"

    @property
    def ami_family(self) -> AmiFamily:
        """The only ``amiFamily`` besides ``Custom`` that may accompany this alias."""
        return _ALIAS_TO_AMI_FAMILY[self]

    @property
    def is_windows(self) -> bool:
        return self.value.startswith("windows")


_ALIAS_TO_AMI_FAMILY: Final = {
    AmiAliasFamily.AL2: AmiFamily.AL2,
    AmiAliasFamily.AL2023: AmiFamily.AL2023,
    AmiAliasFamily.BOTTLEROCKET: AmiFamily.BOTTLEROCKET,
    AmiAliasFamily.WINDOWS2019: AmiFamily.WINDOWS2019,
    AmiAliasFamily.WINDOWS2022: AmiFamily.WINDOWS2022,
    AmiAliasFamily.WINDOWS2025: AmiFamily.WINDOWS2025,
}


class VolumeType(StrEnum):
    STANDARD = "standard"
    IO1 = "io1"
    IO2 = "io2"
    GP2 = "gp2"
    SC1 = "sc1"
    ST1 = "st1"
    GP3 = "gp3"


class InstanceStorePolicy(StrEnum):
    RAID0 = "RAID0"


class InstanceMatchCriteria(StrEnum):
    OPEN = "open"
    TARGETED = "targeted"


class Toggle(StrEnum):
    """``metadataOptions.httpEndpoint``, ``metadataOptions.httpProtocolIPv6``, ``cpuOptions.nestedVirtualization``."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class HttpTokens(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"


class NetworkInterfaceType(StrEnum):
    INTERFACE = "interface"
    EFA_ONLY = "efa-only"
