"""Read-only by construction: the code can only issue Describe/List/Get/Lookup/BatchGet calls,
and a mutating call through the pool is refused before anything is sent."""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest
import pytest_asyncio
from botocore import xform_name
from fault_proxy import CLIENT_HOOKS, FaultProxy
from sources_support import SeededDemo, settings_for

from skafu_tui.aws import catalog
from skafu_tui.aws.readonly import MutationRefused, is_read_only
from skafu_tui.aws.session import ClientPool
from skafu_tui.config import Config
from skafu_tui.poller import Poller

AWS_DIR = Path(catalog.__file__).parent
NOT_API = {"get_paginator", "can_paginate", "close", "meta", "exceptions", "get_waiter"}


def snake_to_operation(service: str) -> dict[str, str]:
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


def module_services(tree: ast.Module) -> dict[str, str]:
    """Client variable name → service, from ``x = await <pool>.client("service", ...)``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Await):
            call = node.value.value
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "client"
                and call.args
                and isinstance(call.args[0], ast.Constant)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        names[target.id] = str(call.args[0].value)
    return names


def calls_in(path: Path) -> Iterator[tuple[str, str]]:
    """(service, snake_case method) for every API call the module's code can make."""
    tree = ast.parse(path.read_text())
    services = module_services(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        # pages(client, "list_findings", ...): the shared paginating helper.
        if isinstance(func, ast.Name) and func.id == "pages":
            client, op = node.args[0], node.args[1]
            assert isinstance(client, ast.Name) and isinstance(op, ast.Constant), ast.dump(node)
            yield services[client.id], str(op.value)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in services:
            if func.attr == "get_paginator":
                arg = node.args[0]
                assert isinstance(arg, ast.Constant)
                yield services[func.value.id], str(arg.value)
            elif func.attr not in NOT_API:
                yield services[func.value.id], func.attr


def declared_operations(path: Path) -> set[tuple[str, str]]:
    if path.parent.name == "sources" and not path.name.startswith("_"):
        module: Any = __import__(f"skafu_tui.aws.sources.{path.stem}", fromlist=["OPERATIONS"])
        return set(module.OPERATIONS)
    return set(catalog.OPERATIONS)


def test_every_declared_operation_exists_and_is_read_only() -> None:
    assert catalog.OPERATIONS
    for service, operation in catalog.OPERATIONS:
        assert operation in snake_to_operation(service).values(), (service, operation)
        assert is_read_only(operation), (service, operation)


def test_code_calls_only_declared_read_operations() -> None:
    found: set[tuple[str, str]] = set()
    files = sorted(AWS_DIR.rglob("*.py"))
    for path in files:
        declared = declared_operations(path)
        for service, method in calls_in(path):
            operation = snake_to_operation(service).get(method)
            assert operation is not None, f"{path.name}: {service}.{method} is not an AWS API"
            assert (service, operation) in declared, f"{path.name}: {service}:{operation} not in OPERATIONS"
            assert is_read_only(operation)
            found.add((service, operation))
    # And nothing is declared that the code does not call (the registry stays honest).
    assert found == set(catalog.OPERATIONS)


def test_a_full_poll_issues_only_declared_operations(demo: SeededDemo, cfg: Config) -> None:
    issued: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        issued.add((model.service_model.service_name, model.name))

    async def poll() -> None:
        async with Poller(cfg, settings_for(demo.endpoint), client_hooks=[("before-call", record)]) as poller:
            await poller.poll_once()

    import asyncio

    asyncio.run(poll())
    assert issued and issued <= catalog.OPERATIONS
    assert all(is_read_only(op) for _, op in issued)


@pytest_asyncio.fixture
async def proxy(demo: SeededDemo) -> AsyncIterator[FaultProxy]:
    p = FaultProxy(demo.endpoint)
    await p.start()
    yield p
    await p.stop()


@pytest.mark.parametrize(
    ("service", "method", "params"),
    [
        ("guardduty", "create_detector", {"Enable": True}),
        ("guardduty", "archive_findings", {"DetectorId": "x", "FindingIds": ["y"]}),
        ("s3", "delete_bucket", {"Bucket": "skafu-prod-artifacts"}),
        ("cloudwatch", "put_metric_alarm", {}),  # refused before parameters are even validated
        ("rds", "reboot_db_instance", {"DBInstanceIdentifier": "skafu-prod-db"}),
        ("cloudtrail", "stop_logging", {"Name": "skafu-org-trail"}),
    ],
)
async def test_a_mutating_call_is_refused_before_it_is_sent(
    proxy: FaultProxy, service: str, method: str, params: dict[str, Any]
) -> None:
    async with ClientPool(settings_for(proxy.endpoint), client_hooks=CLIENT_HOOKS) as pool:
        client = await pool.client(service)
        with pytest.raises(MutationRefused) as refused:
            await getattr(client, method)(**params)
        # A read through the same client still works and does reach the endpoint.
        read = next(
            m
            for m in ("list_detectors", "list_buckets", "describe_alarms", "describe_db_instances", "describe_trails")
            if hasattr(client, m)
        )
        await getattr(client, read)()
    assert refused.value.operation == snake_to_operation(service)[method]
    assert [op for (svc, op) in proxy.seen if svc == service] == [snake_to_operation(service)[read]]
    assert pool.meter.total_calls == 1
