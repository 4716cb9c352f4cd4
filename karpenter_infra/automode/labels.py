"""The requirement keys of a self-managed NodePool, as EKS Auto Mode spells them; translated once, here.

Source: AWS "Create a Node Pool for EKS Auto Mode", sections "EKS Auto Mode Supported" (the well-known labels, under
``eks.amazonaws.com/`` where Karpenter uses ``karpenter.k8s.aws/``) and "EKS Auto Mode Not Supported" (Auto Mode runs
Linux only: ``kubernetes.io/os`` and ``node.kubernetes.io/windows-build`` are not labels it offers).
"""

from __future__ import annotations

from typing import Any, Final

KARPENTER_PREFIX: Final = "karpenter.k8s.aws/"
AUTO_MODE_PREFIX: Final = "eks.amazonaws.com/"
OS_LABEL: Final = "kubernetes.io/os"
WINDOWS_BUILD_LABEL: Final = "node.kubernetes.io/windows-build"

#: Karpenter's well-known instance labels that Auto Mode offers under its own domain, same suffix, same values.
_SHARED_SUFFIXES: Final = (
    "instance-hypervisor",
    "instance-encryption-in-transit-supported",
    "instance-category",
    "instance-generation",
    "instance-family",
    "instance-size",
    "instance-cpu",
    "instance-cpu-manufacturer",
    "instance-memory",
    "instance-ebs-bandwidth",
    "instance-network-bandwidth",
    "instance-gpu-name",
    "instance-gpu-manufacturer",
    "instance-gpu-count",
    "instance-gpu-memory",
    "instance-local-nvme",
)
LABELS: Final[dict[str, str]] = {KARPENTER_PREFIX + s: AUTO_MODE_PREFIX + s for s in _SHARED_SUFFIXES}

#: Keys both backends spell the same way (Kubernetes' and Karpenter's core labels).
UNCHANGED: Final = frozenset(
    {
        "topology.kubernetes.io/zone",
        "node.kubernetes.io/instance-type",
        "kubernetes.io/arch",
        "karpenter.sh/capacity-type",
    }
)


class Untranslatable(ValueError):
    """A requirement Auto Mode cannot express; ``key`` is the offending label key."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        super().__init__(reason)


def auto_mode_key(key: str) -> str:
    if key in LABELS:
        return LABELS[key]
    if key.startswith(KARPENTER_PREFIX):
        raise Untranslatable(key, f"label {key!r} has no EKS Auto Mode equivalent")
    if key == WINDOWS_BUILD_LABEL:
        raise Untranslatable(key, "EKS Auto Mode runs Linux nodes only")
    return key


def translate_requirements(terms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same terms with Auto Mode's keys; ``kubernetes.io/os In [linux]`` is dropped, being always true there.

    Any other ``kubernetes.io/os`` term would ask for Windows (or nothing), which Auto Mode cannot launch.
    """
    translated = []
    for term in terms:
        key = term["key"]
        if key == OS_LABEL:
            if term["operator"] == "In" and term.get("values") == ["linux"] and "minValues" not in term:
                continue
            raise Untranslatable(key, "EKS Auto Mode runs Linux nodes only; it has no kubernetes.io/os label")
        new_key = auto_mode_key(key)
        translated.append(term if new_key == key else {**term, "key": new_key})
    return translated
