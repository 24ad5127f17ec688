"""GraphQL types of achievements and their evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Annotated

import strawberry

from schema.directory.types import CategoryType, InstitutionType, PersonType, load_institution
from schema.ids import encode_id
from schema.node import Node
from schema.regions.types import DesaType, KecamatanType, load_desa, load_kecamatan
from service.duplicates import DuplicateReason
from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
)
from service.models import Achievement, Evidence

if TYPE_CHECKING:
    from schema.press.types import PressReleaseType

# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class: the names
# below are the domain enums, which type checkers then see as types.
AchievementLevelEnum = AchievementLevel
AchievementRankEnum = AchievementRank
AchievementStatusEnum = AchievementStatus
AchieverKindEnum = AchieverKind
EvidenceKindEnum = EvidenceKind
for _enum in (AchievementLevelEnum, AchievementRankEnum, AchievementStatusEnum, AchieverKindEnum, EvidenceKindEnum):
    strawberry.enum(_enum, name=_enum.__name__)


@strawberry.type(name="Evidence", description="Proof of an achievement: an uploaded file or a URL.")
class EvidenceType(Node):
    id: strawberry.ID
    kind: EvidenceKindEnum
    url: str | None = strawberry.field(description="For a URL the link; for a file the download path.")
    file_name: str | None
    content_type: str | None
    size: int | None
    sha256: str | None
    description: str | None
    created_at: dt.datetime

    @classmethod
    def from_row(cls, row: Evidence) -> EvidenceType:
        is_file = row.kind == EvidenceKind.FILE
        return cls(
            id=strawberry.ID(encode_id("Evidence", row.id)),
            kind=row.kind,
            url=f"/evidence/{row.id}" if is_file else row.url,
            file_name=row.file_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            description=row.description,
            created_at=row.created_at,
        )


@strawberry.type(name="Achievement", description="An achievement (prestasi) of a person, team or institution.")
class AchievementType(Node):
    id: strawberry.ID
    title: str
    event_name: str
    organizer: str
    level: AchievementLevelEnum
    rank: AchievementRankEnum
    rank_label: str | None
    date: dt.date
    location: str | None
    description: str | None
    achiever_kind: AchieverKindEnum
    status: AchievementStatusEnum
    rejection_reason: str | None
    submitted_at: dt.datetime | None
    verified_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = strawberry.field(description="Increases by one on every change.")
    _row: strawberry.Private[Achievement]

    @classmethod
    def from_row(cls, row: Achievement) -> AchievementType:
        return cls(
            id=strawberry.ID(encode_id("Achievement", row.id)),
            title=row.title,
            event_name=row.event_name,
            organizer=row.organizer,
            level=row.level,
            rank=row.rank,
            rank_label=row.rank_label,
            date=row.date,
            location=row.location,
            description=row.description,
            achiever_kind=row.achiever_kind,
            status=row.status,
            rejection_reason=row.rejection_reason,
            submitted_at=row.submitted_at,
            verified_at=row.verified_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
            _row=row,
        )

    # The relations resolve synchronously from rows a page fetched with them (schema/achievements/prefetch.py):
    # no task, no DataLoader round per field. Otherwise they return the awaitable of a DataLoader lookup.
    @strawberry.field(graphql_type=CategoryType)
    def category(self, info: strawberry.Info) -> CategoryType | Awaitable[CategoryType]:
        row = self._row.__dict__.get("_category")
        if row is not None:
            return CategoryType.from_row(row)
        return self._load_category(info)

    async def _load_category(self, info: strawberry.Info) -> CategoryType:
        return CategoryType.from_row(await info.context.loaders.category_by_id.load(self._row.category_id))

    @strawberry.field(graphql_type=InstitutionType)
    def institution(self, info: strawberry.Info) -> InstitutionType | Awaitable[InstitutionType | None]:
        row = self._row.__dict__.get("_institution")
        if row is not None:
            return InstitutionType.from_row(row)
        return load_institution(info, self._row.institution_id)

    @strawberry.field(graphql_type=KecamatanType | None, description="Null for a regency-wide achievement (e.g. an agency's).")
    def kecamatan(self, info: strawberry.Info) -> KecamatanType | None | Awaitable[KecamatanType | None]:
        if "_kecamatan" in self._row.__dict__:
            row = self._row.__dict__["_kecamatan"]
            return KecamatanType.from_row(row) if row is not None else None
        return load_kecamatan(info, self._row.kecamatan_id)

    @strawberry.field(graphql_type=DesaType | None)
    def desa(self, info: strawberry.Info) -> DesaType | None | Awaitable[DesaType | None]:
        if "_desa" in self._row.__dict__:
            row = self._row.__dict__["_desa"]
            return DesaType.from_row(row) if row is not None else None
        return load_desa(info, self._row.desa_id)

    @strawberry.field(graphql_type=list[PersonType])
    def persons(self, info: strawberry.Info) -> list[PersonType] | Awaitable[list[PersonType]]:
        rows = self._row.__dict__.get("_page_persons")
        if rows is not None:
            return [PersonType.from_row(p) for p in rows]
        return self._load_persons(info)

    async def _load_persons(self, info: strawberry.Info) -> list[PersonType]:
        return [PersonType.from_row(p) for p in await info.context.loaders.persons_by_achievement_id.load(self._row.id)]

    @strawberry.field
    async def evidence(self, info: strawberry.Info) -> list[EvidenceType]:
        return [EvidenceType.from_row(e) for e in await info.context.loaders.evidence_by_achievement_id.load(self._row.id)]

    @strawberry.field
    async def press_releases(
        self, info: strawberry.Info
    ) -> list[Annotated[PressReleaseType, strawberry.lazy("schema.press.types")]]:
        from schema.press.types import PressReleaseType

        rows = await info.context.loaders.press_releases_by_achievement_id.load(self._row.id)
        return [PressReleaseType.from_row(r) for r in rows]

    @strawberry.field(
        description="Entries that look like the same win (same evidence file, near-identical entry of the same "
        "institution, or the same person in the same event); for staff and the own institution, else empty."
    )
    async def possible_duplicates(self, info: strawberry.Info) -> list[PossibleDuplicateType]:
        found = await info.context.loaders.possible_duplicates_by_achievement_id.load(self._row.id)
        rows = await info.context.loaders.achievement_by_id.load_many([d.achievement_id for d in found])
        return [
            PossibleDuplicateType(
                achievement=AchievementType.from_row(row), reason=d.reason, score=d.score, explanation=d.explanation
            )
            for d, row in zip(found, rows, strict=True) if row is not None
        ]


# strawberry.enum registers the GraphQL enum on the domain enum and returns that same class.
DuplicateReasonEnum = DuplicateReason
strawberry.enum(DuplicateReasonEnum, name="DuplicateReason")


@strawberry.type(name="PossibleDuplicate", description="An achievement that may record the same win.")
class PossibleDuplicateType:
    achievement: AchievementType
    reason: DuplicateReasonEnum
    score: int = strawberry.field(description="0-100: how closely the entries match.")
    explanation: str = strawberry.field(description="The reason in Bahasa Indonesia.")
