"""Tests that need the Go conformance program: `make conformance` builds it and runs them; `make test` skips them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conformance.oracle import BINARY_ENV, Oracle, binary

if not os.environ.get(BINARY_ENV):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    running = Oracle(binary())
    yield running
    running.close()
