"""Tests against a real API server: `make e2e-apiserver` builds it and runs them; `make test` skips them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.e2e.kube import BINARY_ENV, ApiServer, binary, crds_dir
from tests.e2e.objects import load_crds

if not os.environ.get(BINARY_ENV):
    collect_ignore_glob = ["test_*.py"]


def start() -> ApiServer:
    """A fresh server (its own etcd) with the Karpenter and PrometheusRule CRDs installed."""
    server = ApiServer(binary())
    try:
        server.install_crds(load_crds(crds_dir()))
    except BaseException:
        server.close()
        raise
    return server


@pytest.fixture(scope="module")
def server() -> Iterator[ApiServer]:
    running = start()
    yield running
    running.close()
