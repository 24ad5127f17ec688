"""UserError (the payload errors of mutations) and turning domain errors into GraphQL responses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from service.errors import UserErrorCode as DomainUserErrorCode
from service.errors import UserInputError

# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class.
UserErrorCode = DomainUserErrorCode
strawberry.enum(UserErrorCode, name="UserErrorCode")


@strawberry.type(description="A validation or workflow failure; nothing was changed.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault; null for the whole input.")
    code: UserErrorCode
    message: str = strawberry.field(description="A sentence in Bahasa Indonesia for the operator.")


def user_errors(exc: UserInputError) -> list[UserError]:
    return [UserError(field=p.field, code=p.code, message=p.message) for p in exc.problems]


T = TypeVar("T")


async def run_mutation(info, call: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Run a domain call; UserInputErrors become payload errors, and request caches are dropped after a write."""
    try:
        result = await call()
    except UserInputError as exc:
        return None, user_errors(exc)
    info.context.after_write()
    return result, []


def payload_errors(exc: UserInputError) -> dict[str, Any]:
    return {"errors": user_errors(exc)}
