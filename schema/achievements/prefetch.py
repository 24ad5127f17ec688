"""A page of achievements in a fixed number of statements: the page's ids first, then its rows joined to
the relations the query asks for, then its persons; the results prime the request's DataLoaders."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField
from tortoise.expressions import Subquery

from service import achievements as achievements_service
from service.models import AchievementPerson

JOINABLE = ("category", "institution", "kecamatan", "desa")


def _children(selections: list[Any], name: str) -> list[Any]:
    out: list[Any] = []
    for s in selections:
        if isinstance(s, FragmentSpread | InlineFragment):
            out.extend(_children(s.selections, name))
        elif isinstance(s, SelectedField) and s.name == name:
            out.extend(s.selections)
    return out


def _names(selections: list[Any]) -> set[str]:
    out: set[str] = set()
    for s in selections:
        if isinstance(s, FragmentSpread | InlineFragment):
            out |= _names(s.selections)
        elif isinstance(s, SelectedField):
            out.add(s.name)
    return out


def requested_node_fields(info: strawberry.Info) -> set[str]:
    """Which fields of `edges { node { … } }` the query selects (through fragments too)."""
    edges = _children(info.selected_fields[0].selections, "edges")
    return _names(_children(edges, "node"))


class PageFirst:
    """What `paginate` needs of a queryset (count, offset().limit(), seek()), fetching each page by its ids
    first.

    Selecting the page's ids on the filtered, ordered index before joining keeps a deep page as cheap as
    the first: the joins run for the rows of the page only. A page after a cursor that carries its row's
    position starts there (`seek`), so it does not count its way past the earlier rows either.
    """

    def __init__(self, queryset: Any, related: tuple[str, ...], order: tuple[str, bool] = ("DATE", True)) -> None:
        self.queryset = queryset
        self.related = related
        self.order = order
        self._offset = 0

    def _copy(self, queryset: Any, offset: int = 0) -> PageFirst:
        page = copy.copy(self)
        page.queryset, page._offset = queryset, offset
        return page

    def count(self) -> Any:
        return self.queryset.count()

    def offset(self, offset: int) -> PageFirst:
        return self._copy(self.queryset, offset)

    def seek(self, key: list[Any]) -> PageFirst:
        return self._copy(achievements_service.seek_after(self.queryset, *self.order, key[0], key[1]))

    def key_of(self, row: Any) -> list[Any]:
        column = achievements_service.ORDER_FIELDS.get(self.order[0], "date")
        return [achievements_service.order_key(self.order[0], getattr(row, column)), row.id]

    def limit(self, limit: int) -> Any:
        ids = self.queryset.offset(self._offset).limit(limit).values("id")
        rows = self.queryset.filter(id__in=Subquery(ids))
        return rows.select_related(*self.related) if self.related else rows


async def prime_page(info: strawberry.Info, rows: list[Any], fields: set[str]) -> None:
    """Hand the rows' relations to the DataLoaders, so that resolving them costs no further statement."""
    loaders = info.context.loaders
    for name, loader in (("category", loaders.category_by_id), ("institution", loaders.institution_by_id),
                         ("kecamatan", loaders.kecamatan_by_id), ("desa", loaders.desa_by_id)):
        if name in fields:
            loader.prime_many({r.__dict__[f"_{name}"].id: r.__dict__[f"_{name}"] for r in rows
                               if r.__dict__.get(f"_{name}") is not None})
    if "persons" in fields and rows:
        ids = [r.id for r in rows]
        links = await AchievementPerson.filter(achievement_id__in=ids).select_related("person").order_by("id")
        grouped: dict[int, list[Any]] = defaultdict(list)
        for link in links:
            grouped[link.achievement_id].append(link.person)
        loaders.persons_by_achievement_id.prime_many({i: grouped.get(i, []) for i in ids})
        for row in rows:
            row._page_persons = grouped.get(row.id, [])
