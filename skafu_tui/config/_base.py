"""The base every config model shares, and the error helpers its validators use."""

from __future__ import annotations

from typing import Annotated, NoReturn

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

#: The pydantic error type our own validators raise; the loader shows its message verbatim.
ERROR_TYPE = "skafu_config"

NonEmptyStr = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
"""A string that must not be empty or blank."""


class ConfigModel(BaseModel):
    """Immutable, strict about unknown keys, documented field by field (attribute docstrings)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


def invalid(message: str, field: str | None = None) -> NoReturn:
    """Reject a value with `message`.

    `field` names the key inside the model being validated when the check runs on the whole
    model (a model validator): the loader appends it to the error's location so the problem
    points at that key's line rather than at the model's.
    """
    if field is None:
        # Without a context pydantic-core leaves the message untouched, braces included.
        raise PydanticCustomError(ERROR_TYPE, message)
    # With a context it substitutes "{field}"; spell the braces so user text cannot trigger that.
    safe = message.replace("{field}", "{ field }")
    raise PydanticCustomError(ERROR_TYPE, safe, {"field": field})
