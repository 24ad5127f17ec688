"""Queries over press releases."""

import strawberry

from schema.ids import decode_id, given
from schema.pagination import Connection, paginate
from schema.permissions import GATE
from schema.press.inputs import PressReleaseFilter
from schema.press.types import PressReleaseType
from service import press


@strawberry.type
class PressQueries:
    @strawberry.field(permission_classes=GATE)
    async def press_releases(
        self,
        info: strawberry.Info,
        filter: PressReleaseFilter | None = strawberry.UNSET,  # noqa: A002 - contract name
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
    ) -> Connection[PressReleaseType]:
        qs = press.visible_releases(info.context.actor)
        if filter:
            if given(filter.status) is not None:
                qs = qs.filter(status=filter.status)
            if given(filter.achievement_id) is not None:
                qs = qs.filter(achievement_id=decode_id(filter.achievement_id, "Achievement", "achievementId"))
        return await paginate(qs.order_by("-id"), PressReleaseType.from_row,
                              first=first, after=after, last=last, before=before)
