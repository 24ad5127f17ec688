"""No N+1: a page of 100 achievements with every nested relation costs as many SQL queries as a page of 10."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re

import pytest

from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    AchieverKind,
    EvidenceKind,
    PressReleaseStatus,
    Role,
)
from service.models import Achievement, AchievementPerson, Desa, Evidence, PressRelease
from tests.factories import leaf_category, make_institution, make_person, make_user

PAGE = """query($first: Int!) {
  achievements(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id title status date level rank
      category { id name parent { id name } children { id } }
      institution { id name kind kecamatan { name } desa { name } parent { name } children { name } }
      kecamatan { id code name }
      desa { id name kecamatan { name } }
      persons { id name nik institution { name } kecamatan { name } desa { name } }
      evidence { id url }
      pressReleases { id title status achievement { id title } }
    } }
  }
}"""

_SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


class _SqlCounter(logging.Handler):
    """Counts the statements Tortoise's database clients log (each one logs every query at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _SQL.match(message):
            self.statements.append(message)


@contextlib.contextmanager
def count_sql():
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _SqlCounter(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def _hundred_and_ten_achievements() -> None:
    dinas = await make_institution("Dinas Pendidikan dan Kebudayaan", kecamatan_code=None)
    schools = []
    for i, code in enumerate(["33.03.01", "33.03.05", "33.03.09", "33.03.12", "33.03.18"]):
        desa = await Desa.filter(kecamatan__code=code).order_by("code").first()
        schools.append(await make_institution(f"SD Negeri {i + 1}", parent=dinas, kecamatan_code=code, desa=desa))
    persons = [await make_person(s, f"Siswa {j} {s.name}", consent=j % 2 == 0, nik=f"33030912041{j:05d}")
               for s in schools for j in range(3)]
    categories = [await leaf_category(slug) for slug in ("paduan-suara", "tari", "atletik", "olimpiade-sains")]
    rows = []
    for i in range(110):
        school = schools[i % len(schools)]
        cat = categories[i % len(categories)]
        level = list(AchievementLevel)[i % 7]
        rows.append(Achievement(
            title=f"Juara {i}", event_name="Lomba", organizer="Panitia", level=level,
            level_order=LEVEL_ORDER.index(level), rank=AchievementRank.JUARA_1, category_id=cat.id,
            category_root_id=cat.parent_id, date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            institution_id=school.id, institution_kind=school.kind, kecamatan_id=school.kecamatan_id,
            desa_id=school.desa_id, status=AchievementStatus.VERIFIED,
            achiever_kind=AchieverKind.PERSON if i % 3 else AchieverKind.INSTITUTION,
        ))
    await Achievement.bulk_create(rows)
    saved = await Achievement.all().order_by("id")
    links, evidence, releases = [], [], []
    for i, a in enumerate(saved):
        if i % 3:
            school_persons = [p for p in persons if p.institution_id == a.institution_id]
            links += [AchievementPerson(achievement_id=a.id, person_id=p.id) for p in school_persons[:2]]
        evidence.append(Evidence(achievement_id=a.id, kind=EvidenceKind.URL, url=f"https://example.org/{i}.pdf"))
        releases.append(PressRelease(achievement_id=a.id, title=f"Rilis {i}", body="Isi.", template="plain",
                                     status=PressReleaseStatus.PUBLISHED if i % 2 else PressReleaseStatus.DRAFT))
    await AchievementPerson.bulk_create(links)
    await Evidence.bulk_create(evidence)
    await PressRelease.bulk_create(releases)


@pytest.mark.parametrize("role", [None, Role.ADMIN, Role.CONTRIBUTOR])
async def test_page_of_100_costs_the_same_queries_as_a_page_of_10(gql, role):
    await _hundred_and_ten_achievements()
    login = None
    if role is not None:
        login = await make_user(role, await make_institution("SMP Lain", kecamatan_code="33.03.02")
                                if role == Role.CONTRIBUTOR else None)
    counts = {}
    for size in (10, 100):
        with count_sql() as statements:
            body = await gql(PAGE, {"first": size}, login=login)
        edges = body["data"]["achievements"]["edges"]
        assert len(edges) == size
        assert all(e["node"]["category"]["parent"] for e in edges)
        assert any(e["node"]["persons"] for e in edges) and any(e["node"]["pressReleases"] for e in edges)
        counts[size] = list(statements)
    assert len(counts[10]) == len(counts[100]), (counts[10], counts[100])
    # One query per relation, plus the page, its count and the caller's token.
    assert 8 <= len(counts[100]) <= 18, counts[100]
    print(f"SQL statements for a page of 10 and 100 ({role}): {len(counts[10])}, {len(counts[100])}")
