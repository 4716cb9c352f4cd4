"""A real Kubernetes API server for the end-to-end tests, and a small client for it.

The server is the ``e2e-apiserver`` Go program (``e2e/apiserver``): kube-apiserver from ``k8s.io/kubernetes`` and
etcd from ``go.etcd.io/etcd/server/v3``, in one process, with the RBAC authorizer and the default admission plugins.
The client is the standard library (``urllib``, ``ssl``) speaking JSON over HTTPS: server-side apply is a PATCH
with ``application/apply-patch+yaml`` (JSON is YAML), authorization questions are ``SubjectAccessReview``s.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

#: Environment variable naming the built server; `make e2e-apiserver` sets it, and only then are these tests collected.
BINARY_ENV: Final = "KARPENTER_E2E_APISERVER"
#: The CRDs to install: the Karpenter CRDs `conformance crds` writes and the PrometheusRule CRD generated from the
#: Prometheus operator's API module (see the Makefile).
CRDS_ENV: Final = "KARPENTER_E2E_CRDS"

#: The field manager the tests apply the fleet with, as Pulumi's Kubernetes provider applies it with its own.
FIELD_MANAGER: Final = "karpenter-infra-e2e"

Manifest = dict[str, Any]


class ApiError(Exception):
    """A refusal: the HTTP status and the ``Status`` object the server answered with."""

    def __init__(self, status: int, body: Manifest) -> None:
        self.status = status
        self.body = body
        super().__init__(f"{status} {body.get('reason', '')}: {body.get('message', '')}")


@dataclass(frozen=True)
class Resource:
    group_version_path: str  # /api/v1 or /apis/GROUP/VERSION
    plural: str
    namespaced: bool


class ApiServer:
    def __init__(self, binary: Path) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close(), with the server)
        # The server stops when its stdin closes, so it never outlives this process.
        self._process = subprocess.Popen(
            [str(binary), "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the API server did not start (exit {self._process.wait()}):\n{self.log_tail()}")
        ready = json.loads(line)
        self.url: str = ready["url"]
        self._token: str = ready["token"]
        self._tls = ssl.create_default_context(cafile=ready["certificate"])
        self._resources: dict[tuple[str, str], Resource] = {}

    def log_tail(self, lines: int = 40) -> str:
        self._log.seek(0)
        return b"\n".join(self._log.read().splitlines()[-lines:]).decode(errors="replace")

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()

    def request(
        self,
        method: str,
        path: str,
        body: Manifest | None = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Manifest:
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(request, context=self._tls, timeout=60) as response:
                answer: Manifest = json.loads(response.read() or b"{}")
                return answer
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                status = json.loads(raw)
            except ValueError:
                status = {"message": raw.decode(errors="replace")}
            raise ApiError(error.code, status) from None

    def resource(self, api_version: str, kind: str) -> Resource:
        """From the server's discovery, as kubectl maps a kind to its resource; asked again for a new group."""
        if (api_version, kind) not in self._resources:
            base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
            for item in self.request("GET", base)["resources"]:
                if "/" not in item["name"]:  # subresources (status, scale) are not kinds
                    self._resources[(api_version, item["kind"])] = Resource(base, item["name"], item["namespaced"])
        return self._resources[(api_version, kind)]

    def path(self, manifest: Manifest) -> str:
        resource = self.resource(manifest["apiVersion"], manifest["kind"])
        metadata = manifest["metadata"]
        namespace = f"/namespaces/{metadata['namespace']}" if resource.namespaced else ""
        return f"{resource.group_version_path}{namespace}/{resource.plural}/{metadata['name']}"

    def apply(
        self, manifest: Manifest, *, manager: str = FIELD_MANAGER, force: bool = True, user: str | None = None
    ) -> Manifest:
        """Server-side apply with strict field validation: an unknown or duplicated field is refused, not pruned.
        ``user`` impersonates someone (the server adds a service account's groups itself)."""
        query = urllib.parse.urlencode(
            {"fieldManager": manager, "force": str(force).lower(), "fieldValidation": "Strict"}
        )
        return self.request(
            "PATCH",
            f"{self.path(manifest)}?{query}",
            manifest,
            content_type="application/apply-patch+yaml",
            headers={"Impersonate-User": user} if user else None,
        )

    def get(self, manifest: Manifest) -> Manifest:
        return self.request("GET", self.path(manifest))

    def allowed(self, user: str, groups: list[str], attributes: dict[str, str]) -> bool:
        """The RBAC authorizer's answer for ``user`` (a ``SubjectAccessReview``)."""
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {"user": user, "groups": groups, "resourceAttributes": attributes},
        }
        answer = self.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
        return bool(answer["status"].get("allowed", False))

    def install_crds(self, crds: list[Manifest]) -> None:
        """Apply the CRDs and wait until each is established and its resource is served."""
        for crd in crds:
            self.apply(crd)
        deadline = time.monotonic() + 120
        for crd in crds:
            name, spec = crd["metadata"]["name"], crd["spec"]
            path = f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"
            version = next(v["name"] for v in spec["versions"] if v.get("storage"))
            while not _established(self.request("GET", path)) or not self._serves(
                f"{spec['group']}/{version}", spec["names"]["plural"]
            ):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"CRD {name} was not established:\n{self.log_tail()}")
                time.sleep(0.2)

    def _serves(self, group_version: str, plural: str) -> bool:
        try:
            resources = self.request("GET", f"/apis/{group_version}")["resources"]
        except ApiError:
            return False
        return any(r["name"] == plural for r in resources)


def _established(crd: Manifest) -> bool:
    return any(
        c["type"] == "Established" and c["status"] == "True" for c in crd.get("status", {}).get("conditions", [])
    )


def binary() -> Path:
    return Path(os.environ[BINARY_ENV])


def crds_dir() -> Path:
    return Path(os.environ[CRDS_ENV])
