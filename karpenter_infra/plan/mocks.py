"""Pulumi's mock runtime, made deterministic, recording every resource the program registers.

Two things make naive mock runs flaky or useless for a plan:
- Resource references as inputs are deserialized on the mock monitor's thread and race (pulumi/pulumi#6561). The
  recording monitor does not advertise the resource-reference feature, so the SDK sends a referenced resource as
  its id: plain data, the same on every run. Components never pass resources as inputs anyway.
- The stock monitor forgets dependencies. The recording monitor keeps parent and ``depends_on`` per resource, which
  is what a reviewer needs to check destroy order.
- Numbers come back from the protobuf Struct as doubles; see ``fidelity`` for how integers stay integers.

A run also collects what the program logs (``pulumi.log.warn``) and its stack outputs (``pulumi.export``), so the
plan shows them once and a consumer's tests can assert on them (``karpenter_infra.testing``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2

from karpenter_infra.plan.fakes import fake_call, fake_outputs
from karpenter_infra.plan.fidelity import Sent, observe_serialization, with_ints

MOCK_ACCOUNT = "123456789012"


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str | None
    inputs: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    custom: bool = True
    #: Inputs Pulumi marks secret (``pulumi.Output.secret``, a secure config value): ``inputs`` holds their plain
    #: values for tests; ``as_json`` prints them as ``[secret]``.
    secret_inputs: frozenset[str] = frozenset()

    def as_json(self, names: dict[str, str]) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "parent": names.get(self.parent) if self.parent else None,
            "inputs": masked(self.inputs, self.secret_inputs),
            "depends_on": sorted(names.get(u, u) for u in self.depends_on),
        }


#: Keys whose values are credentials wherever they appear, secret-marked or not (a kubeconfig given as plain text).
SECRET_KEYS = frozenset({"kubeconfig"})
SECRET = "[secret]"


def masked(inputs: dict[str, Any], secret: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``inputs`` with every secret-marked input and every credential key, at any depth, printed as ``[secret]``."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: SECRET if k in SECRET_KEYS else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {k: SECRET if k in secret or k in SECRET_KEYS else walk(v) for k, v in inputs.items()}


class PlanMocks(pulumi.runtime.Mocks):
    """Outputs that look like AWS's, derived from names only, so two runs agree byte for byte."""

    def __init__(self, region: str, partition: str, account: str = MOCK_ACCOUNT) -> None:
        self.region = region
        self.partition = partition
        self.account = account

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        return fake_outputs(args.typ, args.name, dict(args.inputs), self.region, self.partition, self.account)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return fake_call(args.token, dict(args.args), self.region, self.partition, self.account), []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: PlanMocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        self.sent: Sent = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            inputs = with_ints(
                rpc.deserialize_properties(request.object), self.sent.pop((request.type, request.name), {})
            )
            # A secret anywhere in an input marks the whole top-level input (the SDK pushes secretness up).
            secret = frozenset(k for k, v in inputs.items() if rpc.is_rpc_secret(v))
            inputs = {k: rpc.unwrap_rpc_secret(v) for k, v in inputs.items()}
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    urn=response.urn,
                    parent=request.parent or None,
                    inputs=_plain(inputs),
                    depends_on=list(request.dependencies),
                    custom=bool(request.custom),
                    secret_inputs=secret,
                )
            )
        return response

    def SupportsFeature(self, request: Any) -> Any:
        supported = request.id not in {"outputValues", "resourceReferences"}
        return type("SupportsFeatureResponse", (object,), {"hasSupport": supported})

    def GetDeploymentInfo(self, request: Any) -> Any:
        info = super().GetDeploymentInfo(request)  # type: ignore[no-untyped-call]
        features = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)


def _plain(value: Any) -> Any:
    """Inputs as JSON-able data; unknowns (a preview's computed values) become a marker string."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        elif record.levelno >= logging.WARNING:
            self.warnings.append(record.getMessage())


@dataclass
class PlanResult:
    registrations: list[Registration]
    #: The stack outputs (``pulumi.export``), resolved; secrets as their plain values, unknowns as ``None``.
    outputs: dict[str, Any] = field(default_factory=dict)
    #: What the program logged at warning level (``pulumi.log.warn``), in order, each once.
    warnings: list[str] = field(default_factory=list)
    #: Names of the outputs exported as secrets (``pulumi.Output.secret``): the plan masks them.
    secret_outputs: set[str] = field(default_factory=set)

    @property
    def resources(self) -> list[Registration]:
        """Every resource the program registered (components included), in registration order."""
        return self.registrations

    def names(self) -> dict[str, str]:
        return {r.urn: f"{r.type}::{r.name}" for r in self.registrations}

    def as_json(self) -> list[dict[str, Any]]:
        names = self.names()
        rows = [r.as_json(names) for r in self.registrations]
        return sorted(rows, key=lambda row: (row["type"], row["name"]))

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, sort_keys=True)

    def find(self, type_: str, name: str | None = None) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_ and (name is None or r.name == name)]

    def one(self, type_: str, name: str | None = None) -> Registration:
        found = self.find(type_, name)
        if len(found) != 1:
            raise AssertionError(f"expected one {type_} {name or ''}, found {[r.name for r in found]}")
        return found[0]


def run_program(
    program: Callable[[], object],
    *,
    project: str = "karpenter-infra",
    stack: str = "dev",
    region: str = "eu-west-1",
    partition: str = "aws",
    account_id: str = MOCK_ACCOUNT,
    config: dict[str, Any] | None = None,
) -> PlanResult:
    """Run ``program`` under mocks to completion and return what it registered, exported and warned about.

    Each run gets a fresh event loop and fresh runtime settings, so runs never see each other's resources.
    """
    monitor = RecordingMonitor(PlanMocks(region, partition, account_id))
    collected = _Collect()
    logger = logging.Logger(f"karpenter-infra.plan.{stack}")  # not registered: nothing propagates or prints
    logger.addHandler(collected)
    pulumi.runtime.settings.reset_options()
    pulumi.runtime.set_all_config({"aws:region": region, **{k: _config_value(v) for k, v in (config or {}).items()}})
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    outputs: dict[str, Any] = {}
    secrets: set[str] = set()
    try:
        pulumi.runtime.set_mocks(
            monitor.mocks, project=project, stack=stack, preview=False, logger=logger, monitor=monitor
        )

        def call() -> None:
            program()

        async def run() -> None:
            await pulumi.runtime.stack.run_pulumi_func(call)
            outputs.update(await _stack_outputs(secrets))

        with observe_serialization(monitor.sent):
            loop.run_until_complete(run())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    return PlanResult(monitor.registrations, outputs, list(dict.fromkeys(collected.warnings)), secrets)


async def _stack_outputs(secrets: set[str]) -> dict[str, Any]:
    """The exports, resolved: under mocks the root stack registers its outputs before the program adds to them."""
    root = pulumi.runtime.settings.get_root_resource()
    exported: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
    resolved = {}
    for name in sorted(exported):
        output = pulumi.Output.from_input(exported[name])
        resolved[name] = _plain(await output.future(with_unknowns=False))
        if await output.is_secret():
            secrets.add(name)
    return resolved


def _config_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
