"""Builders for test data, and a GraphQL helper that speaks HTTP to the app."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from service import accounts
from service.enums import (
    AchievementLevel,
    AchievementRank,
    AchievementStatus,
    EvidenceKind,
    InstitutionKind,
    Role,
)
from service.models import Achievement, Category, Evidence, Institution, Kecamatan, Person, User

_counter = itertools.count(1)
_PASSWORD = "rahasia-sekali-123"
_HASH: str | None = None


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = accounts.hash_password(_PASSWORD)
    return _HASH


@dataclass
class Login:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_institution(
    name: str | None = None,
    kind: InstitutionKind = InstitutionKind.SEKOLAH,
    parent: Institution | None = None,
    kecamatan_code: str | None = "33.03.09",
    desa=None,
) -> Institution:
    kec = await Kecamatan.get(code=kecamatan_code) if kecamatan_code else None
    inst = await Institution.create(
        name=name or f"SMP Negeri {next(_counter)} Bobotsari", kind=kind, parent=parent, kecamatan=kec, desa=desa
    )
    inst.path = f"{parent.path if parent else '/'}{inst.id}/"
    await Institution.filter(id=inst.id).update(path=inst.path)
    return inst


async def make_user(role: Role, institution: Institution | None = None, username: str | None = None) -> Login:
    user = await User.create(
        username=username or f"{role.value.lower()}{next(_counter)}",
        password_hash=password_hash(),
        full_name=f"Pengguna {role.value.title()}",
        role=role,
        institution=institution,
    )
    token = await accounts.issue_token(user)
    return Login(user, token)


async def make_person(institution: Institution | None, name: str = "Rina Kusuma", consent: bool = True, **kw) -> Person:
    """As createPerson stores one: the role defaults by institution kind; consent, when given, by a guardian."""
    from service.enums import ConsentGiver
    from service.persons import default_role

    kw.setdefault("role", default_role(institution.kind if institution else None))
    if consent:
        kw.setdefault("consent_given_by", ConsentGiver.GUARDIAN)
    from service.nik import nik_columns

    if "nik" in kw:
        kw.update(nik_columns(kw.pop("nik")))
    return await Person.create(name=name, institution=institution, publication_consent=consent, **kw)


async def leaf_category(slug: str = "paduan-suara") -> Category:
    return await Category.get(slug=slug)


async def make_achievement(
    institution: Institution,
    *,
    status: AchievementStatus = AchievementStatus.VERIFIED,
    level: AchievementLevel = AchievementLevel.PROVINSI,
    rank: AchievementRank = AchievementRank.JUARA_1,
    category: Category | None = None,
    date: dt.date | None = None,
    persons: list[Person] | None = None,
    title: str | None = None,
    evidence_url: str | None = "https://example.org/piagam.pdf",
    **kw: Any,
) -> Achievement:
    from service.enums import LEVEL_ORDER, AchieverKind
    from service.models import AchievementPerson

    category = category or await leaf_category()
    a = await Achievement.create(
        title=title or f"Juara 1 Festival Paduan Suara {next(_counter)}",
        event_name=kw.pop("event_name", "Festival Paduan Suara Pelajar"),
        organizer=kw.pop("organizer", "Dinas Pendidikan Provinsi Jawa Tengah"),
        level=level,
        level_order=LEVEL_ORDER.index(level),
        rank=rank,
        rank_label=kw.pop("rank_label", "Predikat Madya" if rank == AchievementRank.PENGHARGAAN else None),
        category=category,
        category_root_id=category.parent_id or category.id,
        date=date or dt.date(2026, 10, 12),
        institution=institution,
        institution_kind=institution.kind,
        kecamatan_id=kw.pop("kecamatan_id", institution.kecamatan_id),
        desa_id=kw.pop("desa_id", institution.desa_id),
        status=status,
        achiever_kind=AchieverKind.PERSON if persons else AchieverKind.INSTITUTION,
        verified_at=dt.datetime.now(dt.UTC) if status == AchievementStatus.VERIFIED else None,
        **kw,
    )
    for p in persons or []:
        await AchievementPerson.create(achievement=a, person=p)
    if evidence_url:
        await Evidence.create(achievement=a, kind=EvidenceKind.URL, url=evidence_url)
    # Rows made here skip the workflow, so the dashboard aggregates are moved by hand.
    from service import stats

    await stats.achievement_changed(a, None)
    return a


class GraphQL:
    """Posts GraphQL over HTTP to the app and returns the decoded body."""

    def __init__(self, client):
        self.client = client

    async def __call__(
        self, query: str, variables: dict | None = None, login: Login | None = None, expect_errors: bool = False
    ) -> dict[str, Any]:
        headers = login.headers if login else {}
        resp = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if not expect_errors:
            assert "errors" not in body, body.get("errors")
        return body


@pytest.fixture
def gql(client) -> GraphQL:
    return GraphQL(client)
