"""GraphQL types of accounts."""

from __future__ import annotations

import strawberry

from schema.directory.types import InstitutionType, load_institution
from schema.errors import UserError
from schema.ids import encode_id
from schema.node import Node
from service.enums import Role
from service.models import User

# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class.
RoleEnum = Role
strawberry.enum(RoleEnum, name="Role")


@strawberry.type(name="User", description="An account of the system.")
class UserType(Node):
    id: strawberry.ID
    username: str
    full_name: str
    role: RoleEnum
    is_active: bool
    initials: str = strawberry.field(description='For the byline "(ABC/Kominfo)": 2–4 capital letters, from fullName unless set.')
    _institution_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: User) -> UserType:
        return cls(
            id=strawberry.ID(encode_id("User", row.id)), username=row.username, full_name=row.full_name,
            role=row.role, is_active=row.is_active, initials=row.initials, _institution_id=row.institution_id,
        )

    @strawberry.field
    async def institution(self, info: strawberry.Info) -> InstitutionType | None:
        return await load_institution(info, self._institution_id)


@strawberry.type
class LoginPayload:
    token: str | None = strawberry.field(description="Send as `Authorization: Bearer <token>`.")
    user: UserType | None
    errors: list[UserError]


@strawberry.type
class UserPayload:
    user: UserType | None
    errors: list[UserError]


@strawberry.type
class ChangePasswordPayload:
    ok: bool
    errors: list[UserError]
