"""Karpenter's own code as a test oracle: the `conformance` Go program (conformance/ at the repository root).

It validates each object the way the API server does for a custom resource (pruning with strict field validation,
defaulting, the OpenAPI schema, list types, CEL) with the CRDs that karpenter-provider-aws and sigs.k8s.io/karpenter
embed, then runs Karpenter's runtime checks (NodePool ``RuntimeValidate``; the user data merge of an EC2NodeClass).
One process answers every object of a session (`conformance serve`), so hypothesis pays the start-up once.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

#: Environment variable naming the built program; `make conformance` sets it, and only then are these tests collected.
BINARY_ENV: Final = "KARPENTER_CONFORMANCE"
#: Where `make conformance` writes the CRDs the Go modules embed (the `crds/` folder of a reference-like directory).
CRDS_ENV: Final = "KARPENTER_CONFORMANCE_CRDS"

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    kind: str
    name: str
    #: "accepted", "refused" or "skipped" (no Karpenter CRD for the kind).
    verdict: str
    errors: tuple[str, ...]

    @property
    def schema_errors(self) -> tuple[str, ...]:
        """What the API server refuses (schema, CEL, metadata), without Karpenter's runtime checks."""
        return tuple(e for e in self.errors if not e.startswith("runtime: "))

    @property
    def accepted(self) -> bool:
        return self.verdict == "accepted"

    def line(self) -> str:
        return f"{self.verdict} {self.kind}/{self.name}" + "".join(f"\n    {e}" for e in self.errors)


class Oracle:
    def __init__(self, binary: Path) -> None:
        self._process = subprocess.Popen(
            [str(binary), "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def check(self, manifest: Manifest) -> Verdict:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(manifest) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the conformance program stopped (exit {self._process.wait()})")
        answer = json.loads(line)
        return Verdict(answer["kind"], answer["name"], answer["verdict"], tuple(answer["errors"]))

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)


def binary() -> Path:
    return Path(os.environ[BINARY_ENV])
