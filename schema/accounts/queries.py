"""Account queries."""

import strawberry

from schema.accounts.types import UserType
from schema.pagination import Connection, paginate
from schema.permissions import GATE
from service.models import User


@strawberry.type
class AccountQueries:
    @strawberry.field(permission_classes=GATE, description="The caller; null when anonymous.")
    async def me(self, info: strawberry.Info) -> UserType | None:
        actor = info.context.actor
        if actor is None:
            return None
        row = await info.context.loaders.user_by_id.load(actor.user_id)
        return UserType.from_row(row) if row else None

    @strawberry.field(permission_classes=GATE, description="Every account (ADMIN).")
    async def users(
        self, first: int | None = strawberry.UNSET, after: str | None = strawberry.UNSET, last: int | None = strawberry.UNSET, before: str | None = strawberry.UNSET
    ) -> Connection[UserType]:
        return await paginate(User.all().order_by("username", "id"), UserType.from_row,
                              first=first, after=after, last=last, before=before)
