"""Read-only by construction: a hook on every client refuses any operation that could change AWS.

The hook runs on ``provide-client-params``, the first event of every API call (before parameter
validation, signing or sending), so a refused call never leaves the process.
"""

from __future__ import annotations

from typing import Any

READ_PREFIXES = ("Describe", "List", "Get", "Lookup", "BatchGet")
"""Operation-name prefixes the app may issue; everything else is refused."""


class MutationRefused(RuntimeError):
    """Raised instead of sending an operation that is not read-only."""

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(
            f"refused {service}:{operation}: skafu-tui only issues Describe/List/Get/Lookup/BatchGet calls"
        )
        self.service = service
        self.operation = operation


READ_OPERATIONS = frozenset({"FilterLogEvents"})
"""Reads whose names have no read prefix (CloudWatch Logs' search of a log group)."""


def is_read_only(operation: str) -> bool:
    """True when ``operation`` (an API name such as ``ListFindings``) is allowed."""
    return operation.startswith(READ_PREFIXES) or operation in READ_OPERATIONS


def refuse_mutations(model: Any, **_: Any) -> None:
    """botocore ``provide-client-params`` handler: raise before a non-read operation is built."""
    name = str(model.name)
    if not is_read_only(name):
        raise MutationRefused(str(model.service_model.service_name), name)


def guard_client(client: Any) -> None:
    """Register the guard on one client (every operation of that client passes through it)."""
    # Registered first so no other handler sees a mutating call's parameters.
    client.meta.events.register_first("provide-client-params", refuse_mutations, unique_id="skafu-readonly")
    # Belt and braces: also just before the request would be signed and sent.
    client.meta.events.register_first("before-call", refuse_mutations, unique_id="skafu-readonly-call")
