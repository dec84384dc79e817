"""Read-only by construction: the code can only issue Describe/List/Get/Lookup/BatchGet calls.

(That a full poll issues only these, and that a mutating call through the pool is refused before
anything is sent, is shown against the demo endpoint in test_faults.py.)"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sources_support import snake_to_operation

from skafu_tui.aws import catalog
from skafu_tui.aws.readonly import is_read_only

AWS_DIR = Path(catalog.__file__).parent
NOT_API = {"get_paginator", "can_paginate", "close", "meta", "exceptions", "get_waiter"}


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
