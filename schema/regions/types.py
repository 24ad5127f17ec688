"""GraphQL types of the administrative regions."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.ids import encode_id
from schema.node import Node
from service.models import Desa, Kecamatan


@strawberry.type(name="Kecamatan", description="A kecamatan (district) of Kabupaten Purbalingga.")
class KecamatanType(Node):
    id: strawberry.ID
    code: str = strawberry.field(description='Kemendagri code, e.g. "33.03.01".')
    name: str
    _pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Kecamatan) -> KecamatanType:
        return cls(id=strawberry.ID(encode_id("Kecamatan", row.id)), code=row.code, name=row.name, _pk=row.id)

    @strawberry.field
    async def desa(self, info: strawberry.Info) -> list[Annotated[DesaType, strawberry.lazy("schema.regions.types")]]:
        rows = await info.context.loaders.desa_by_kecamatan_id.load(self._pk)
        return [DesaType.from_row(r) for r in rows]


@strawberry.type(name="Desa", description="A desa or kelurahan (village).")
class DesaType(Node):
    id: strawberry.ID
    code: str = strawberry.field(description='Kemendagri code, e.g. "33.03.01.2001".')
    name: str
    is_kelurahan: bool
    _kecamatan_id: strawberry.Private[int]
    _pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Desa) -> DesaType:
        return cls(
            id=strawberry.ID(encode_id("Desa", row.id)), code=row.code, name=row.name,
            is_kelurahan=row.is_kelurahan, _kecamatan_id=row.kecamatan_id, _pk=row.id,
        )

    @strawberry.field
    async def kecamatan(self, info: strawberry.Info) -> KecamatanType:
        return KecamatanType.from_row(await info.context.loaders.kecamatan_by_id.load(self._kecamatan_id))


async def load_kecamatan(info: strawberry.Info, pk: int | None) -> KecamatanType | None:
    if pk is None:
        return None
    row = await info.context.loaders.kecamatan_by_id.load(pk)
    return KecamatanType.from_row(row) if row else None


async def load_desa(info: strawberry.Info, pk: int | None) -> DesaType | None:
    if pk is None:
        return None
    row = await info.context.loaders.desa_by_id.load(pk)
    return DesaType.from_row(row) if row else None
