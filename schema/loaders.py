"""Per-request DataLoaders, one per relation, so that nested fields cost one query per level, not per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from service import achievements as achievements_service
from service import duplicate_hints as duplicates_service
from service import press as press_service
from service.models import (
    Achievement,
    AchievementPerson,
    Category,
    Desa,
    Evidence,
    Institution,
    Kecamatan,
    Person,
    PressRelease,
    User,
)
from service.security import Actor

M = TypeVar("M", bound=Model)


async def _by_id(model: type[M], keys: Sequence[int]) -> list[M | None]:
    rows = {r.pk: r for r in await model.filter(id__in=list(set(keys)))}
    return [rows.get(k) for k in keys]


async def _grouped(model: Any, column: str, keys: Sequence[int], order: str = "id") -> list[list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in await model.filter(**{f"{column}__in": list(set(keys))}).order_by(order):
        groups[getattr(row, column)].append(row)
    return [groups.get(k, []) for k in keys]


class Loaders:
    """Named XByYLoader after what they key on; built fresh for every request and after every write."""

    def __init__(self, actor: Actor | None):
        self.actor = actor

    # Each loader is made the first time a field asks for it (most requests use none or a few).
    @cached_property
    def kecamatan_by_id(self) -> DataLoader[int, Kecamatan | None]:
        return DataLoader(lambda keys: _by_id(Kecamatan, keys))

    @cached_property
    def desa_by_id(self) -> DataLoader[int, Desa | None]:
        return DataLoader(lambda keys: _by_id(Desa, keys))

    @cached_property
    def desa_by_kecamatan_id(self) -> DataLoader[int, list[Desa]]:
        return DataLoader(lambda keys: _grouped(Desa, "kecamatan_id", keys, "code"))

    @cached_property
    def category_by_id(self) -> DataLoader[int, Category | None]:
        return DataLoader(lambda keys: _by_id(Category, keys))

    @cached_property
    def categories_by_parent_id(self) -> DataLoader[int, list[Category]]:
        return DataLoader(lambda keys: _grouped(Category, "parent_id", keys, "sort_order"))

    @cached_property
    def institution_by_id(self) -> DataLoader[int, Institution | None]:
        return DataLoader(lambda keys: _by_id(Institution, keys))

    @cached_property
    def institutions_by_parent_id(self) -> DataLoader[int, list[Institution]]:
        return DataLoader(lambda keys: _grouped(Institution, "parent_id", keys, "name"))

    @cached_property
    def person_by_id(self) -> DataLoader[int, Person | None]:
        return DataLoader(lambda keys: _by_id(Person, keys))

    @cached_property
    def persons_by_achievement_id(self) -> DataLoader[int, list[Person]]:
        return DataLoader(self._persons_by_achievement)

    @cached_property
    def evidence_by_achievement_id(self) -> DataLoader[int, list[Evidence]]:
        return DataLoader(lambda keys: _grouped(Evidence, "achievement_id", keys))

    @cached_property
    def press_releases_by_achievement_id(self) -> DataLoader[int, list[PressRelease]]:
        return DataLoader(self._press_by_achievement)

    @cached_property
    def user_by_id(self) -> DataLoader[int, User | None]:
        return DataLoader(lambda keys: _by_id(User, keys))

    @cached_property
    def revisions_by_press_release_id(self) -> DataLoader[int, list[Any]]:
        return DataLoader(self._revisions_by_press_release)

    @cached_property
    def quote_requests_by_press_release_id(self) -> DataLoader[int, list[Any]]:
        return DataLoader(self._quote_requests_by_press_release)

    @cached_property
    def possible_duplicates_by_achievement_id(self) -> DataLoader[int, list[Any]]:
        return DataLoader(self._possible_duplicates)

    @cached_property
    def achievement_by_id(self) -> DataLoader[int, Achievement | None]:
        """Only for achievements already checked as visible (e.g. the ones a duplicate hint points to)."""
        return DataLoader(lambda keys: _by_id(Achievement, keys))

    @cached_property
    def visible_achievement_by_id(self) -> DataLoader[int, Achievement | None]:
        """Checks visibility itself: None for what the caller may not see (e.g. a release's achievement)."""
        return DataLoader(self._visible_achievements)

    @cached_property
    def personal_data_read(self) -> DataLoader[tuple[int, str], bool]:
        """Reads of NIK, birth date or phone: one audit event per person and request, with the fields read."""
        return DataLoader(self._personal_data_read, cache=True)

    async def _personal_data_read(self, keys: Sequence[tuple[int, str]]) -> list[bool]:
        from service.persons import record_personal_data_reads

        fields: dict[int, list[str]] = defaultdict(list)
        for pid, name in keys:
            fields[pid].append(name)
        await record_personal_data_reads(self.actor, fields, via="api")
        return [True for _ in keys]

    async def _persons_by_achievement(self, keys: Sequence[int]) -> list[list[Person]]:
        links = await AchievementPerson.filter(achievement_id__in=list(set(keys))).order_by("id").values_list(
            "achievement_id", "person_id"
        )
        persons = {p.id: p for p in await Person.filter(id__in=list({pid for _, pid in links}))} if links else {}
        groups: dict[int, list[Person]] = defaultdict(list)
        for aid, pid in links:
            if pid in persons:
                groups[aid].append(persons[pid])
        return [groups.get(k, []) for k in keys]

    async def _possible_duplicates(self, keys: Sequence[int]) -> list[list[Any]]:
        found = await duplicates_service.possible_duplicates(self.actor, list(keys))
        return [found.get(k, []) for k in keys]

    async def _revisions_by_press_release(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped = await press_service.revisions_of(list(set(keys)))
        return [grouped.get(k, []) for k in keys]

    async def _quote_requests_by_press_release(self, keys: Sequence[int]) -> list[list[Any]]:
        from service.press.quotes import quote_requests_of

        grouped = await quote_requests_of(list(set(keys)))
        return [grouped.get(k, []) for k in keys]

    async def _visible_achievements(self, keys: Sequence[int]) -> list[Achievement | None]:
        rows = await achievements_service.visible_achievements(self.actor).filter(id__in=list(set(keys)))
        found = {r.id: r for r in rows}
        return [found.get(k) for k in keys]

    async def _press_by_achievement(self, keys: Sequence[int]) -> list[list[PressRelease]]:
        qs = press_service.visible_releases(self.actor).filter(achievement_id__in=list(set(keys))).order_by("id")
        groups: dict[int, list[PressRelease]] = defaultdict(list)
        for row in await qs:
            groups[row.achievement_id].append(row)
        return [groups.get(k, []) for k in keys]
