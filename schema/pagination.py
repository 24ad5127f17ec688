"""Relay cursor connections over a queryset: first/after and last/before, totalCount, capped page size."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from schema.ids import given
from service.errors import UserErrorCode, UserInputError

MAX_PAGE = 100
DEFAULT_PAGE = 20
NodeT = TypeVar("NodeT")


class PaginationError(UserInputError):
    """A bad first/last/cursor: reported as a top-level error on the field."""


# Text that JSON writes between quotes as it is (ISO dates and times): the common key skips json.dumps.
_PLAIN_TEXT = re.compile(r"[0-9A-Za-z:.+\- ]*")


def _key_json(key: Any) -> str:
    if type(key) is list and len(key) == 2 and type(key[1]) is int:
        value = key[0]
        if type(value) is int:
            return f"[{value},{key[1]}]"
        if type(value) is str and _PLAIN_TEXT.fullmatch(value):
            return f'["{value}",{key[1]}]'
    return json.dumps(key, separators=(",", ":"))


def _encode_cursor(offset: int, key: Any = None) -> str:
    """`cursor:<offset>`, and where the list can seek, `:<the row's ordering value and id as JSON>`."""
    text = f"cursor:{offset}" if key is None else f"cursor:{offset}:{_key_json(key)}"
    return base64.b64encode(text.encode()).decode("ascii")


def _decode_cursor(cursor: str, name: str) -> tuple[int, Any]:
    """The offset a cursor stands for, and the position it carries (None for an offset-only cursor)."""
    try:
        if len(cursor) > 400:
            raise ValueError
        raw = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        prefix, _, rest = raw.partition(":")
        num, _, key_text = rest.partition(":")
        if prefix != "cursor" or not num.isdigit() or len(num) > 12:
            raise ValueError
        key = None
        if key_text:
            key = json.loads(key_text)
            if not isinstance(key, list) or len(key) != 2:
                raise ValueError
        return int(num), key
    except (binascii.Error, UnicodeError, ValueError):
        raise PaginationError.one(name, UserErrorCode.INVALID, f"Kursor '{cursor[:40]}' tidak sah.") from None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _queryset: strawberry.Private[Any]
    _total: strawberry.Private[int | None] = None

    @strawberry.field(description="How many items the whole list holds, across every page.")
    async def total_count(self) -> int:
        return await self.count()

    async def count(self) -> int:
        if self._total is None:
            self._total = await self._queryset.count()
        return self._total


def check_page_args(first: int | None, last: int | None) -> None:
    for name, value in (("first", given(first)), ("last", given(last))):
        if value is None:
            continue
        if value < 0:
            raise PaginationError.one(name, UserErrorCode.INVALID, f"'{name}' tidak boleh negatif.")
        if value > MAX_PAGE:
            raise PaginationError.one(
                name, UserErrorCode.TOO_LARGE, f"'{name}' paling banyak {MAX_PAGE}; minta halaman berikutnya dengan 'after'."
            )


async def paginate(
    queryset: Any,
    convert: Callable[[Any], Any],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    every_cursor: bool = True,
) -> Connection:
    """A page of `queryset`. A queryset that can seek (`seek(key)`, `key_of(row)`) gets cursors carrying the
    row's position, and a page after such a cursor starts there on the index instead of at an OFFSET.
    With `every_cursor` False only the first and last edge carry theirs (pageInfo's), for a caller that
    reads no other."""
    first, after, last, before = given(first), given(after), given(last), given(before)
    check_page_args(first, last)
    start, after_key = _decode_cursor(after, "after") if after else (-1, None)
    start += 1
    upper = _decode_cursor(before, "before")[0] if before else None
    seekable = hasattr(queryset, "seek")
    total: int | None = None
    if last is not None and first is None:
        if upper is None:
            total = await queryset.count()
            upper = total
        offset = max(start, upper - last)
        limit = max(0, upper - offset)
        rows = await queryset.offset(offset).limit(limit) if limit else []
        has_next = upper < (total if total is not None else upper + 1) if before else False
        has_previous = offset > 0
    else:
        size = DEFAULT_PAGE if first is None else first
        if upper is not None:
            size = max(0, min(size, upper - start))
        offset = start
        source = queryset.offset(offset)
        if seekable and after_key is not None:
            try:
                source = queryset.seek(after_key)
            except (TypeError, ValueError):
                raise PaginationError.one("after", UserErrorCode.INVALID, f"Kursor '{after[:40]}' tidak sah.") from None
        rows = list(await source.limit(size + 1))
        has_next = len(rows) > size
        rows = rows[:size]
        if upper is not None and not has_next:
            has_next = True if before else False
        has_previous = offset > 0
    key_of = queryset.key_of if seekable else lambda row: None
    last_index = len(rows) - 1
    edges = [Edge(cursor=_encode_cursor(offset + i, key_of(row)) if every_cursor or i in (0, last_index) else "",
                  node=convert(row)) for i, row in enumerate(rows)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _queryset=queryset,
        _total=total,
    )
