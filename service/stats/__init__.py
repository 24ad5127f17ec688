"""Dashboard statistics over the aggregate tables: the points formula, the aggregates kept current, the main breakdowns in memory, and the queries."""

from __future__ import annotations

from service.stats.aggregates import (  # noqa: F401
    achievement_changed,
    add_to_aggregates,
    institutions_by_id,
    rebuild_aggregates,
    update_points_table,
)
from service.stats.memory import CUBE, AggregateMemory, CubeFilter, Prefix, Totals  # noqa: F401
from service.stats.queries import (  # noqa: F401
    Bucket,
    DesaRow,
    InstitutionRow,
    KecamatanRow,
    Scope,
    StatsFilter,
    build_scope,
    by_category,
    by_desa,
    by_institution_kind,
    by_kecamatan,
    by_level,
    by_month,
    by_rank,
    by_year,
    effective_status,
    kecamatan_by_id,
    top_institutions,
    top_kecamatan,
    total,
)
from service.stats.tables import (  # noqa: F401
    BY_INSTITUTION,
    DAILY,
    KIND_LABEL,
    MAX_BASE,
    MAX_FACTOR,
    MAX_TOP,
    MONTH_LABEL,
    YEARLY,
    PointsTable,
    points,
    points_table,
)
