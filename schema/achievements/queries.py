"""Queries over achievements."""

import strawberry

from schema.achievements.inputs import AchievementFilter, AchievementOrder, OrderDirection
from schema.achievements.prefetch import JOINABLE, PageFirst, prime_page, requested_node_fields
from schema.achievements.types import AchievementType
from schema.ids import decode_id, given
from schema.pagination import Connection, check_page_args, paginate
from schema.permissions import GATE
from service import achievements as service
from service.enums import AchievementLevel, AchievementRank, AchievementStatus, AchieverKind


def to_service_filter(f: AchievementFilter | None) -> service.AchievementFilter | None:
    if not f:
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
        date_from=given(f.date_from),
        date_to=given(f.date_to),
        search=given(f.search),
    )


def achievement_order(order_by: AchievementOrder | None) -> tuple[str, bool]:
    """The ordering field and whether it runs downwards."""
    order_by = given(order_by)
    field = order_by.field.value if order_by else "DATE"
    return field, (order_by.direction == OrderDirection.DESC if order_by else True)


async def achievement_queryset(actor, filter: AchievementFilter | None, order_by: AchievementOrder | None):  # noqa: A002
    """The caller's visible achievements, filtered and ordered as the arguments of `achievements` ask."""
    return await service.filtered_achievements(actor, to_service_filter(given(filter)), *achievement_order(order_by))


@strawberry.type
class AchievementQueries:
    @strawberry.field(permission_classes=GATE)
    async def achievements(
        self,
        info: strawberry.Info,
        filter: AchievementFilter | None = strawberry.UNSET,  # noqa: A002 - contract name
        order_by: AchievementOrder | None = strawberry.UNSET,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
    ) -> Connection[AchievementType]:
        # The common shapes of this query are answered by schema/achievements/compiled.py without
        # resolving field by field; both paths share the queryset and the pagination above and below.
        check_page_args(first, last)
        qs = await achievement_queryset(info.context.actor, filter, given(order_by))
        fields = requested_node_fields(info)
        page = PageFirst(qs, tuple(name for name in JOINABLE if name in fields), achievement_order(order_by))
        connection = await paginate(page, AchievementType.from_row, first=first, after=after, last=last,
                                    before=before)
        await prime_page(info, [edge.node._row for edge in connection.edges], fields)
        return connection
