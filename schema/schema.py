"""The schema factory: every domain's queries and mutations merged into one Query and one Mutation."""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from schema.accounts.mutations import AccountMutations
from schema.accounts.queries import AccountQueries
from schema.accounts.types import UserType
from schema.achievements.mutations import AchievementMutations
from schema.achievements.queries import AchievementQueries
from schema.achievements.types import AchievementType, EvidenceType
from schema.audit.queries import AuditQueries
from schema.directory.mutations import DirectoryMutations
from schema.directory.queries import DirectoryQueries
from schema.directory.types import CategoryType, InstitutionType, PersonType
from schema.evidence.mutations import EvidenceMutations
from schema.execution import DeadlineExecutionContext
from schema.imports.mutations import ImportMutations
from schema.imports.queries import ImportQueries
from schema.imports.types import ImportJobType
from schema.node_query import NodeQueries
from schema.press.mutations import PressMutations
from schema.press.queries import PressQueries
from schema.press.types import PressReleaseType, QuoteRequestType
from schema.regions.queries import RegionQueries
from schema.regions.types import DesaType, KecamatanType
from schema.stats.mutations import StatsMutations
from schema.stats.queries import StatsQueries

QUERY_PARTS: list[type] = [NodeQueries, AccountQueries, RegionQueries, DirectoryQueries, AchievementQueries, PressQueries, StatsQueries, AuditQueries,
                             ImportQueries]
MUTATION_PARTS: list[type] = [AccountMutations, DirectoryMutations, AchievementMutations, EvidenceMutations, ImportMutations, StatsMutations, PressMutations]
NODE_TYPES: list[type] = [
    KecamatanType, DesaType, CategoryType, InstitutionType, PersonType, AchievementType, EvidenceType,
    PressReleaseType, QuoteRequestType, UserType, ImportJobType,
]


def build_schema(extensions: list | None = None) -> strawberry.Schema:
    Query = merge_types("Query", tuple(QUERY_PARTS))
    Mutation = merge_types("Mutation", tuple(MUTATION_PARTS))
    return strawberry.Schema(query=Query, mutation=Mutation, types=NODE_TYPES, extensions=extensions or [],
                             execution_context_class=DeadlineExecutionContext)


def export_sdl() -> str:
    return build_schema().as_str() + "\n"


if __name__ == "__main__":
    print(export_sdl(), end="")
