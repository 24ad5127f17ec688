"""The red team's attacks against a real `juara serve` (one worker, its own database with demo data): each is
refused or served as before, and /healthz is answered within a generous bound while it runs."""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile

import httpx
import pytest

from service.demo import DEMO_PASSWORD
from tests.servers import HealthWatch, own_server

# /healthz must answer within this while an attack runs (a loaded 2-core machine: generous).
HEALTH_BOUND = 2.0

CYCLE = "{ kecamatanList { desa { kecamatan { desa { kecamatan { desa { kecamatan { desa { id } } } } } } } } }"
ALIASED = "{ " + " ".join(
    f"a{i}: kecamatanList {{ desa {{ kecamatan {{ desa {{ kecamatan {{ desa {{ id }} }} }} }} }} }}" for i in range(27)
) + " }"
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token errors { code } } }"
IMPORT = """mutation($input: ImportAchievementsInput!) { importAchievements(input: $input) {
  report { dryRun totalRows validRows problemCount } errors { code message } } }"""


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("live"), seed=2000) as server:
        yield server


@pytest.fixture(scope="module")
def tokens(live) -> dict[str, str]:
    """Tokens of the demo accounts the attacks use, taken before any attack counts against this address."""
    out = {}
    with httpx.Client(base_url=live.url, timeout=30) as http:
        for username in ("admin", "smpn1bobotsari"):
            body = http.post("/graphql", json={"query": LOGIN, "variables": {"u": username, "p": DEMO_PASSWORD}}).json()
            out[username] = body["data"]["login"]["token"]
            assert out[username], body
    return out


def assert_healthy_throughout(watch: HealthWatch) -> None:
    assert watch.samples >= 2, "the watch did not run during the attack"
    assert watch.worst < HEALTH_BOUND, f"/healthz took {watch.worst:.2f} s while the attack ran"


async def test_cost_heavy_nested_queries_are_refused_and_health_stays_fast(live):
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
        with HealthWatch(live.url) as watch:
            answers = await asyncio.gather(*[http.post("/graphql", json={"query": q}) for q in [CYCLE, ALIASED] * 10])
            await asyncio.sleep(0.5)
    for resp in answers:
        assert resp.status_code == 400
        ext = resp.json()["errors"][0]["extensions"]
        assert ext["code"] == "QUERY_TOO_COSTLY" and ext["cost"] > ext["limit"]
    assert_healthy_throughout(watch)


async def test_parallel_wrong_logins_give_no_token_and_health_stays_fast(live, tokens):
    """40 logins for one account at once, the right password among them: each attempt is counted before its
    password is checked, so at most JUARA_LOGIN_MAX_FAILURES (5) of them reach the check, whatever order they
    arrive in (the right one may be among those five: that is the attacker's whole budget); the right password
    sent after the burst is refused as well."""
    variables = [{"u": "verifikator", "p": f"tebakan-salah-{i}"} for i in range(40)]
    variables[30]["p"] = DEMO_PASSWORD  # the right one, among the guesses
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
        with HealthWatch(live.url) as watch:
            answers = await asyncio.gather(*[
                http.post("/graphql", json={"query": LOGIN, "variables": v}) for v in variables
            ])
            after = await http.post("/graphql", json={"query": LOGIN, "variables": {"u": "verifikator",
                                                                                      "p": DEMO_PASSWORD}})
    results = [resp.json()["data"]["login"] for resp in answers]
    checked = [r for r in results if r["token"] or any(e["code"] == "INVALID" for e in r["errors"])]
    assert len(checked) <= 5, f"{len(checked)} passwords were checked in the burst"
    assert all(r["token"] is None for i, r in enumerate(results) if i != 30), "a wrong password gave a token"
    codes = {e["code"] for r in results for e in r["errors"]}
    assert codes <= {"INVALID", "RATE_LIMITED"} and "RATE_LIMITED" in codes
    late = after.json()["data"]["login"]
    assert late["token"] is None and [e["code"] for e in late["errors"]] == ["RATE_LIMITED"]
    assert_healthy_throughout(watch)


def _workbook(part: str, xml: bytes) -> bytes:
    """A small valid workbook (openpyxl) with one part replaced by `xml`."""
    from openpyxl import Workbook

    from service import imports

    wb = Workbook()
    wb.active.append([c.header for c in imports.COLUMNS])
    source = io.BytesIO()
    wb.save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, xml if info.filename == part else src.read(info.filename))
        if part not in src.namelist():
            z.writestr(part, xml)
    return out.getvalue()


def _post_import(http: httpx.AsyncClient, token: str, content: bytes, name: str):
    return http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"input": {"file": None, "dryRun": True}}}),
              "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}", "X-Requested-With": "XMLHttpRequest"},
    )


async def test_crafted_workbooks_are_refused_and_health_stays_fast(live, tokens):
    ns = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    cells = _workbook("xl/worksheets/sheet1.xml", ns + b"<c/>" * 10_000_000 + b"</row></sheetData></worksheet>")
    strings = _workbook("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                        b'main">' + b"<si><t>a</t></si>" * 8_000_000 + b"</sst>")
    assert len(cells) < 100_000 and len(strings) < 1_000_000
    async with httpx.AsyncClient(base_url=live.url, timeout=120) as http:
        with HealthWatch(live.url, interval=0.02) as watch:  # the refusals take a fraction of a second
            answers = await asyncio.gather(*[
                _post_import(http, tokens["smpn1bobotsari"], content, "prestasi.xlsx") for content in (cells, strings)
            ])
    for resp, words in zip(answers, ("3.000.000 sel", "2.000.000 teks bersama"), strict=True):
        result = resp.json()["data"]["importAchievements"]
        assert result["report"] is None
        assert [e["code"] for e in result["errors"]] == ["TOO_LARGE"] and words in result["errors"][0]["message"]
    assert_healthy_throughout(watch)


async def test_large_csv_dry_run_is_checked_while_health_stays_fast(live, tokens):
    from service import imports

    rows = 40_000
    header = ";".join(c.header for c in imports.COLUMNS)
    lines = [f"Juara {1 + i % 3} Lomba Tari Kreasi {i};FLS2N 2026;Dindikbud;Kecamatan;Juara {1 + i % 3};;Tari;"
             f"12 Oktober 2025;;;;;Peserta Nomor {i};Tidak;" for i in range(rows)]
    content = ("\ufeff" + header + "\n" + "\n".join(lines) + "\n").encode("utf-8")
    async with httpx.AsyncClient(base_url=live.url, timeout=300) as http:
        with HealthWatch(live.url) as watch:
            resp = await _post_import(http, tokens["smpn1bobotsari"], content, "prestasi.csv")
    report = resp.json()["data"]["importAchievements"]["report"]
    assert report["dryRun"] and report["totalRows"] == rows and report["validRows"] == rows, report
    assert_healthy_throughout(watch)


async def test_huge_tokens_are_refused_and_health_stays_fast(live):
    queries = ['{ categories(x: "' + "a" * 11_000_000 + '") { slug } }', "#" + "c" * 11_000_000 + "\n{ me { id } }"]
    async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
        with HealthWatch(live.url) as watch:
            answers = await asyncio.gather(*[http.post("/graphql", json={"query": q}) for q in queries * 3])
            await asyncio.sleep(0.5)
    for resp in answers:
        assert resp.status_code == 400 and "terlalu panjang" in resp.json()["errors"][0]["message"]
    assert_healthy_throughout(watch)


async def test_full_exports_download_while_health_stays_fast(live, tokens):
    from openpyxl import load_workbook

    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    async with httpx.AsyncClient(base_url=live.url, timeout=120, headers=headers) as http:
        with HealthWatch(live.url) as watch:
            started = time.perf_counter()
            xlsx, csv = await asyncio.gather(http.get("/exports/achievements.xlsx"),
                                             http.get("/exports/achievements.csv"))
            elapsed = time.perf_counter() - started
            if elapsed < 1:  # the health watch must see the downloads running
                await asyncio.sleep(1 - elapsed)
    assert xlsx.status_code == 200 and csv.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    data_rows = sum(1 for _ in sheet.iter_rows(min_row=2))
    csv_rows = csv.content.decode("utf-8-sig").count("\n") - 1
    assert data_rows >= 2000 and csv_rows == data_rows
    assert_healthy_throughout(watch)
