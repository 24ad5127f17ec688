"""Opaque Relay global IDs: base64("Type:pk")."""

from __future__ import annotations

import base64
import binascii
from typing import Any, overload

import strawberry

from service.errors import UserErrorCode, UserInputError


def encode_id(type_name: str, pk: int | str) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


def decode_any(global_id: str) -> tuple[str, int] | None:
    """(type, pk) of a global ID, or None when it is not one of ours."""
    if not isinstance(global_id, str) or len(global_id) > 200:
        return None
    try:
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, pk = raw.partition(":")
    if not sep or not pk.isdigit() or len(pk) > 18:
        return None
    return type_name, int(pk)


def given(value: Any) -> Any:
    """None for an optional input field or argument the client left out (UNSET), else the value."""
    return None if value is strawberry.UNSET else value


@overload
def decode_id(global_id: str, expected: str, field: str | None = None) -> int: ...
@overload
def decode_id(global_id: str | None, expected: str, field: str | None = None) -> int | None: ...
def decode_id(global_id: str | None, expected: str, field: str | None = None) -> int | None:
    """The primary key behind a global ID of the expected type; a malformed one is a UserError."""
    if global_id is None or global_id is strawberry.UNSET:
        return None
    decoded = decode_any(global_id)
    if decoded is None or decoded[0] != expected:
        raise UserInputError.one(field, UserErrorCode.INVALID, f"ID '{str(global_id)[:60]}' bukan ID {expected} yang sah.")
    return decoded[1]


def decode_ids(global_ids: list[str] | None, expected: str, field: str) -> list[int] | None:
    if global_ids is None or global_ids is strawberry.UNSET:
        return None
    return [decode_id(g, expected, field) for g in global_ids]
