"""Queries over the administrative regions."""

import strawberry

from schema.permissions import GATE
from schema.regions.types import KecamatanType
from service.models import Kecamatan


@strawberry.type
class RegionQueries:
    @strawberry.field(permission_classes=GATE, description="The 18 kecamatan, in code order.")
    async def kecamatan_list(self) -> list[KecamatanType]:
        return [KecamatanType.from_row(r) for r in await Kecamatan.all().order_by("code")]
