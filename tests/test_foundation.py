"""Foundation: migrations, reference data, the app's health check, the minimal schema."""

from service import db as dbmod
from service.models import Category, Desa, Kecamatan, PointsLevel, PointsRank


async def test_reference_data_counts(db):
    assert await Kecamatan.all().count() == 18
    assert await Desa.filter(is_kelurahan=False).count() == 224
    assert await Desa.filter(is_kelurahan=True).count() == 15
    assert await PointsLevel.all().count() == 7
    assert await PointsRank.all().count() == 11
    roots = await Category.filter(parent_id__isnull=True).count()
    assert roots == 13
    assert await Category.filter(slug="tertib-administrasi-desa", parent__slug="pemerintahan-tata-kelola").exists()


async def test_reference_data_is_idempotent(db):
    before = (await Kecamatan.all().count(), await Desa.all().count(), await Category.all().count())
    created = await dbmod.load_reference_data()
    assert created == {"kecamatan": 0, "desa": 0, "category": 0, "points": 0}
    after = (await Kecamatan.all().count(), await Desa.all().count(), await Category.all().count())
    assert before == after


async def test_kelurahan_only_in_three_kecamatan(db):
    codes = set(await Desa.filter(is_kelurahan=True).values_list("kecamatan__code", flat=True))
    assert codes == {"33.03.05", "33.03.06", "33.03.15"}


async def test_kecamatan_list_in_code_order(gql):
    body = await gql("{ kecamatanList { code name desa { code } } }")
    rows = body["data"]["kecamatanList"]
    assert [r["code"] for r in rows] == [f"33.03.{i:02d}" for i in range(1, 19)]
    assert rows[0]["name"] == "Kemangkon" and len(rows[0]["desa"]) == 19
    assert rows[17]["name"] == "Kertanegara"


async def test_categories_top_level_with_children(gql):
    body = await gql("{ categories { slug name parent { slug } children { slug parent { slug } } } }")
    cats = body["data"]["categories"]
    assert len(cats) == 13
    assert all(c["parent"] is None and len(c["children"]) >= 3 for c in cats)
    gov = next(c for c in cats if c["slug"] == "pemerintahan-tata-kelola")
    assert "tertib-administrasi-desa" in {ch["slug"] for ch in gov["children"]}


async def test_healthz_ok(client):
    resp = await client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"
