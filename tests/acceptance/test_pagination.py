"""Connections: every item exactly once forwards and backwards, the page cap, filters, search and ordering."""

from __future__ import annotations

import datetime as dt

import pytest

from service.enums import AchievementLevel, AchievementRank, AchievementStatus, InstitutionKind, Role
from service.models import Desa, Kecamatan
from tests.acceptance.support import LIST_IDS, gid, ids
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user


async def _many(n: int):
    school = await make_institution()
    return [await make_achievement(school, date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 7), title=f"Prestasi {i}")
            for i in range(n)]


async def _walk_forward(gql, size: int) -> list[str]:
    seen, after, pages = [], None, 0
    while True:
        conn = (await gql(LIST_IDS, {"first": size, "after": after}))["data"]["achievements"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            return seen
        after = conn["pageInfo"]["endCursor"]
        assert pages < 100


async def _walk_backward(gql, size: int) -> list[str]:
    seen, before, pages = [], None, 0
    while True:
        conn = (await gql(LIST_IDS, {"last": size, "before": before}))["data"]["achievements"]
        seen = [e["node"]["id"] for e in conn["edges"]] + seen
        assert conn["pageInfo"]["hasNextPage"] == (before is not None)
        pages += 1
        if not conn["pageInfo"]["hasPreviousPage"]:
            return seen
        before = conn["pageInfo"]["startCursor"]
        assert pages < 100


@pytest.mark.parametrize("size", [1, 7, 23, 100])
async def test_pagination_walks_every_item_exactly_once(gql, size):
    rows = await _many(23)
    expected = {gid("Achievement", a.id) for a in rows}
    forward = await _walk_forward(gql, size)
    assert len(forward) == len(set(forward)) == 23 and set(forward) == expected
    backward = await _walk_backward(gql, size)
    assert backward == forward, "both directions give the same order"
    full = (await gql(LIST_IDS, {"first": 100}))["data"]["achievements"]
    assert full["totalCount"] == 23 and [e["node"]["id"] for e in full["edges"]] == forward


async def test_empty_connection(gql):
    conn = (await gql(LIST_IDS, {"first": 10}))["data"]["achievements"]
    assert conn == {"totalCount": 0, "edges": [], "pageInfo": {
        "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}}


async def test_first_zero_gives_no_edges_but_tells_whether_items_exist(gql):
    await _many(3)
    conn = (await gql(LIST_IDS, {"first": 0}))["data"]["achievements"]
    assert conn["edges"] == []
    assert conn["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("args", [{"first": 101}, {"last": 101}, {"first": -1}, {"after": "bukan-kursor"}])
async def test_bad_page_arguments_are_errors(gql, args):
    await _many(2)
    body = await gql(LIST_IDS, args, expect_errors=True)
    assert body["data"] is None
    error = body["errors"][0]
    assert error["path"] == ["achievements"] and error["extensions"]["code"] == "BAD_USER_INPUT"
    if args.get("first") == 101:
        assert error["extensions"]["reason"] == "TOO_LARGE" and "100" in error["message"]


@pytest.mark.parametrize("query", [
    "{ institutions(first: 101) { totalCount } }",
    "{ pressReleases(first: 101) { totalCount } }",
])
async def test_first_above_100_refused_on_every_connection(gql, query):
    body = await gql(query, expect_errors=True)
    assert body["errors"][0]["extensions"]["reason"] == "TOO_LARGE"


async def test_institutions_connection_filters(gql):
    kec = await Kecamatan.get(code="33.03.09")
    await make_institution("SMP Negeri 1 Bobotsari")
    await make_institution("Pemerintah Desa Banjarsari", InstitutionKind.PEMERINTAH_DESA)
    await make_institution("SMA Negeri 1 Purbalingga", kecamatan_code="33.03.06")
    q = """query($f: InstitutionFilter, $first: Int, $after: String) { institutions(filter: $f, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { name kind kecamatan { code } } } } }"""
    names = lambda body: [e["node"]["name"] for e in body["data"]["institutions"]["edges"]]  # noqa: E731
    assert names(await gql(q, {"f": {"kind": "SEKOLAH"}})) == ["SMA Negeri 1 Purbalingga", "SMP Negeri 1 Bobotsari"]
    assert names(await gql(q, {"f": {"kecamatanId": gid("Kecamatan", kec.id)}})) == [
        "Pemerintah Desa Banjarsari", "SMP Negeri 1 Bobotsari"]
    assert names(await gql(q, {"f": {"search": "negeri 1"}})) == ["SMA Negeri 1 Purbalingga", "SMP Negeri 1 Bobotsari"]
    first = (await gql(q, {"first": 2}))["data"]["institutions"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"]
    rest = await gql(q, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    assert names(rest) == ["SMP Negeri 1 Bobotsari"]


async def test_achievement_filters(gql):
    kec = await Kecamatan.get(code="33.03.09")
    desa = await Desa.filter(kecamatan_id=kec.id).order_by("code").first()
    school = await make_institution("SMP Negeri 1 Bobotsari", desa=desa)
    village = await make_institution("Pemerintah Desa Karangjambu", InstitutionKind.PEMERINTAH_DESA,
                                     kecamatan_code="33.03.16")
    person = await make_person(school)
    choir = await make_achievement(school, category=await leaf_category("paduan-suara"), persons=[person],
                                   level=AchievementLevel.NASIONAL, date=dt.date(2025, 5, 1))
    dance = await make_achievement(school, category=await leaf_category("tari"), rank=AchievementRank.JUARA_2,
                                   date=dt.date(2026, 2, 1))
    admin_win = await make_achievement(village, category=await leaf_category("tertib-administrasi-desa"),
                                       level=AchievementLevel.KABUPATEN, date=dt.date(2026, 3, 1))
    draft = await make_achievement(school, status=AchievementStatus.DRAFT)
    seni = (await leaf_category("tari")).parent_id
    admin = await make_user(Role.ADMIN)

    async def found(flt, login=None):
        return set(ids(await gql(LIST_IDS, {"filter": flt, "first": 100}, login=login)))

    g = lambda *rows: {gid("Achievement", r.id) for r in rows}  # noqa: E731
    assert await found({"categoryId": gid("Category", seni)}) == g(choir, dance), "a category includes its children"
    assert await found({"categoryId": gid("Category", (await leaf_category("tari")).id)}) == g(dance)
    assert await found({"level": "NASIONAL"}) == g(choir)
    assert await found({"rank": "JUARA_2"}) == g(dance)
    assert await found({"kecamatanId": gid("Kecamatan", kec.id)}) == g(choir, dance)
    assert await found({"desaId": gid("Desa", desa.id)}) == g(choir, dance)
    assert await found({"institutionId": gid("Institution", village.id)}) == g(admin_win)
    assert await found({"achieverKind": "PERSON"}) == g(choir)
    assert await found({"achieverKind": "INSTITUTION"}) == g(dance, admin_win)
    assert await found({"dateFrom": "2026-01-01"}) == g(dance, admin_win)
    assert await found({"dateFrom": "2026-01-01", "dateTo": "2026-02-28"}) == g(dance)
    assert await found({"status": "DRAFT"}) == set()
    assert await found({"status": "DRAFT"}, admin) == g(draft)
    assert await found({"status": "VERIFIED", "level": "KABUPATEN"}) == g(admin_win)


async def test_search_is_case_insensitive_over_every_named_field(gql):
    school = await make_institution("SMP Negeri 1 Bobotsari")
    person = await make_person(school, "Wahyu Setiawan", consent=True)
    by_title = await make_achievement(school, title="Juara 1 Olimpiade MATEMATIKA")
    by_event = await make_achievement(school, title="Juara 2", event_name="Festival Band Pelajar")
    by_organizer = await make_achievement(school, title="Juara 3", organizer="Kwarcab Pramuka Purbalingga")
    by_person = await make_achievement(school, title="Juara Harapan", persons=[person])
    other = await make_institution("Puskesmas Kutasari", InstitutionKind.PUSKESMAS, kecamatan_code="33.03.08")
    by_institution = await make_achievement(other, title="Puskesmas Terbaik")

    async def found(term):
        return set(ids(await gql(LIST_IDS, {"filter": {"search": term}, "first": 100})))

    g = lambda *rows: {gid("Achievement", r.id) for r in rows}  # noqa: E731
    assert await found("matematika") == g(by_title)
    assert await found("FESTIVAL band") == g(by_event)
    assert await found("kwarcab pramuka") == g(by_organizer)
    assert await found("wahyu") == g(by_person)
    assert await found("PUSKESMAS kutasari") == g(by_institution)
    assert await found("  ") == g(by_title, by_event, by_organizer, by_person, by_institution)
    # LIKE wildcards in the term are literal characters.
    assert await found("%") == set() and await found("_") == set()


@pytest.mark.parametrize(("order", "expected"), [
    ({"field": "DATE", "direction": "ASC"}, ["a", "b", "c"]),
    ({"field": "DATE", "direction": "DESC"}, ["c", "b", "a"]),
    ({"field": "LEVEL", "direction": "DESC"}, ["b", "c", "a"]),
    ({"field": "LEVEL", "direction": "ASC"}, ["a", "c", "b"]),
    ({"field": "CREATED_AT", "direction": "ASC"}, ["b", "a", "c"]),
    (None, ["c", "b", "a"]),
])
async def test_ordering(gql, order, expected):
    school = await make_institution()
    rows = {
        "b": await make_achievement(school, title="b", date=dt.date(2025, 6, 1), level=AchievementLevel.INTERNASIONAL),
        "a": await make_achievement(school, title="a", date=dt.date(2025, 1, 1), level=AchievementLevel.DESA),
        "c": await make_achievement(school, title="c", date=dt.date(2025, 9, 1), level=AchievementLevel.PROVINSI),
    }
    assert rows
    body = await gql(LIST_IDS, {"orderBy": order, "first": 10})
    assert [e["node"]["title"] for e in body["data"]["achievements"]["edges"]] == expected


async def test_optional_arguments_may_be_left_out_or_sent_as_null(gql):
    await _many(3)
    explicit = await gql(LIST_IDS, {"filter": {"search": None, "categoryId": None, "dateFrom": None, "status": None},
                                    "orderBy": None, "first": None, "after": None, "last": None, "before": None})
    assert explicit["data"]["achievements"]["totalCount"] == 3
    q = "{ institutions(filter: {kind: null, kecamatanId: null, search: null}) { totalCount } }"
    assert (await gql(q))["data"]["institutions"]["totalCount"] == 1
    assert (await gql("{ achievements { totalCount } institutions { totalCount } }"))["data"] == {
        "achievements": {"totalCount": 3}, "institutions": {"totalCount": 1}}


async def test_search_by_a_name_without_consent_finds_nothing_for_the_public(gql):
    school = await make_institution()
    other = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    hidden = await make_person(school, "Larasati Wibowo", consent=False)
    a = await make_achievement(school, title="Juara 1 Tari", persons=[hidden])
    flt = {"filter": {"search": "larasati"}}
    assert ids(await gql(LIST_IDS, flt)) == []
    assert ids(await gql(LIST_IDS, flt, login=await make_user(Role.CONTRIBUTOR, other))) == []
    expected = [gid("Achievement", a.id)]
    assert ids(await gql(LIST_IDS, flt, login=await make_user(Role.CONTRIBUTOR, school))) == expected
    assert ids(await gql(LIST_IDS, flt, login=await make_user(Role.VERIFIER))) == expected


@pytest.mark.parametrize("field", ["DATE", "CREATED_AT", "LEVEL"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_walking_by_cursor_follows_every_ordering_through_ties(gql, field, direction):
    school = await make_institution()
    levels = list(AchievementLevel)
    for i in range(17):
        await make_achievement(school, title=f"Prestasi {i}", date=dt.date(2025, 1, 1) + dt.timedelta(days=i % 3),
                               level=levels[i % 2])
    order = {"field": field, "direction": direction}
    whole = [e["node"]["id"] for e in (await gql(LIST_IDS, {"orderBy": order, "first": 100}))["data"]["achievements"]["edges"]]
    walked, after = [], None
    while True:
        conn = (await gql(LIST_IDS, {"orderBy": order, "first": 4, "after": after}))["data"]["achievements"]
        walked += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert walked == whole and len(set(walked)) == 17


async def test_the_next_page_starts_after_the_cursors_row_even_when_rows_were_added_before_it(gql):
    school = await make_institution()
    for i in range(6):
        await make_achievement(school, title=f"Lama {i}", date=dt.date(2025, 1, 1 + i))
    first = (await gql(LIST_IDS, {"first": 3}))["data"]["achievements"]
    assert [e["node"]["title"] for e in first["edges"]] == ["Lama 5", "Lama 4", "Lama 3"]
    # A newer achievement appears at the top while the reader is on page one.
    await make_achievement(school, title="Baru", date=dt.date(2025, 2, 1))
    second = (await gql(LIST_IDS, {"first": 3, "after": first["pageInfo"]["endCursor"]}))["data"]["achievements"]
    assert [e["node"]["title"] for e in second["edges"]] == ["Lama 2", "Lama 1", "Lama 0"]
    assert second["pageInfo"]["hasPreviousPage"] and not second["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize("position", ['["bukan-tanggal",1]', '["2025-01-01","1"]', '[1]', '{"a":1}', '["2025-01-01",true]',
                                      '[null,null]', "[", '["2025-01-01",1,2]'])
async def test_a_forged_cursor_position_is_refused_with_a_clear_error(gql, position):
    import base64

    await _many(2)
    cursor = base64.b64encode(f"cursor:0:{position}".encode()).decode()
    body = await gql(LIST_IDS, {"first": 2, "after": cursor}, expect_errors=True)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].startswith("Kursor")
