"""Queries over achievements."""

import strawberry

from schema.achievements.inputs import AchievementFilter, AchievementOrder, OrderDirection
from schema.achievements.types import AchievementType
from schema.ids import decode_id
from schema.pagination import Connection, check_page_args, paginate
from schema.permissions import GATE
from service import achievements as service
from service.enums import AchievementLevel, AchievementRank, AchievementStatus, AchieverKind


def to_service_filter(f: AchievementFilter | None) -> service.AchievementFilter | None:
    if f is None:
        return None
    return service.AchievementFilter(
        status=AchievementStatus(f.status) if f.status else None,
        level=AchievementLevel(f.level) if f.level else None,
        rank=AchievementRank(f.rank) if f.rank else None,
        category_id=decode_id(f.category_id, "Category", "categoryId"),
        kecamatan_id=decode_id(f.kecamatan_id, "Kecamatan", "kecamatanId"),
        desa_id=decode_id(f.desa_id, "Desa", "desaId"),
        institution_id=decode_id(f.institution_id, "Institution", "institutionId"),
        achiever_kind=AchieverKind(f.achiever_kind) if f.achiever_kind else None,
        date_from=f.date_from,
        date_to=f.date_to,
        search=f.search,
    )


@strawberry.type
class AchievementQueries:
    @strawberry.field(permission_classes=GATE)
    async def achievements(
        self,
        info: strawberry.Info,
        filter: AchievementFilter | None = None,  # noqa: A002 - contract name
        order_by: AchievementOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AchievementType]:
        check_page_args(first, last)
        field = order_by.field.value if order_by else "DATE"
        descending = order_by.direction == OrderDirection.DESC if order_by else True
        qs = await service.filtered_achievements(info.context.actor, to_service_filter(filter), field, descending)
        return await paginate(qs, AchievementType.from_row, first=first, after=after, last=last, before=before)
