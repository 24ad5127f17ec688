"""The dashboard in a real browser: headless Chromium opens /dashboard, sees the map and charts, changes a filter."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from service.enums import AchievementLevel, AchievementRank, InstitutionKind
from service.models import Kecamatan
from tests.factories import leaf_category, make_achievement, make_institution

CHROMIUM = Path(os.environ.get("JUARA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
L, R = AchievementLevel, AchievementRank


def _require_browser():
    """In CI a missing browser is a failure; on a workstation without it the test is skipped with the fix."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (pip install -e '.[test]')")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _demo_like_data() -> dict[str, int]:
    """Schools, village governments and an agency in several kecamatan, over two years."""
    cats = [await leaf_category(s) for s in ("paduan-suara", "atletik", "tertib-administrasi-desa", "posyandu")]
    plan = [
        ("33.03.09", "SMP Negeri 1 Bobotsari", InstitutionKind.SEKOLAH, [(L.NASIONAL, R.JUARA_1, 0, 2025),
                                                                         (L.PROVINSI, R.JUARA_2, 0, 2026)]),
        ("33.03.01", "SD Negeri 2 Kemangkon", InstitutionKind.SEKOLAH, [(L.KABUPATEN, R.JUARA_1, 1, 2026)]),
        ("33.03.12", "SMA Negeri 1 Purbalingga", InstitutionKind.SEKOLAH, [(L.PROVINSI, R.MEDALI_EMAS, 1, 2025),
                                                                           (L.KABUPATEN, R.JUARA_3, 1, 2026)]),
        ("33.03.05", "Pemerintah Desa Serang", InstitutionKind.PEMERINTAH_DESA, [(L.PROVINSI, R.JUARA_1, 2, 2026)]),
        (None, "Dinas Kesehatan", InstitutionKind.PERANGKAT_DAERAH, [(L.PROVINSI, R.PENGHARGAAN, 3, 2026)]),
    ]
    years: dict[int, int] = {}
    for code, name, kind, items in plan:
        inst = await make_institution(name, kind=kind, kecamatan_code=code)
        for level, rank, cat, year in items:
            await make_achievement(inst, level=level, rank=rank, category=cats[cat], date=dt.date(year, 8, 17))
            years[year] = years.get(year, 0) + 1
    return years


@contextlib.asynccontextmanager
async def live_server(database_url: str) -> AsyncIterator[str]:
    """The app under uvicorn in a subprocess on a free localhost port, on the test database."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "JUARA_ADMIN_USERNAME": "", "JUARA_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(  # noqa: ASYNC220 - started once, polled below
        [sys.executable, "-m", "uvicorn", "web.app:app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(150):
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited: {proc.stdout.read().decode()[-2000:]}")  # type: ignore[union-attr]
                try:
                    if (await http.get(f"{base}/healthz", timeout=1)).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("server did not start within 15 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


async def test_dashboard_renders_map_and_charts_and_follows_a_filter(db):
    _require_browser()
    from playwright.async_api import async_playwright

    years = await _demo_like_data()
    kecamatan_names = sorted(await Kecamatan.all().values_list("name", flat=True))
    ARTIFACTS.mkdir(exist_ok=True)
    async with live_server(db) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1800})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            requests: list[str] = []
            page.on("request", lambda req: requests.append(req.url))
            await page.goto(f"{base}/dashboard")
            await page.wait_for_selector('#map[data-ready="true"]', timeout=20_000)

            map_text = await page.locator("#map svg text").all_text_contents()
            assert sorted(set(map_text) & set(kecamatan_names)) == kecamatan_names
            assert await page.locator("#map svg path").count() >= 18
            level_text = " ".join(await page.locator("#chart-level svg text").all_text_contents())
            assert "Provinsi" in level_text and "Nasional" in level_text
            category_text = " ".join(await page.locator("#chart-category svg text").all_text_contents())
            assert "Seni & Budaya" in category_text and "Olahraga" in category_text
            year_text = " ".join(await page.locator("#chart-year svg text").all_text_contents())
            assert "2025" in year_text and "2026" in year_text
            assert await page.locator("#total").text_content() == str(sum(years.values()))
            first = await page.locator("#institution-table tbody tr").first.locator("td").all_text_contents()
            assert first[:3] == ["1", "SMP Negeri 1 Bobotsari", "Bobotsari"]  # 160 + 60 points
            assert (await page.locator("#best-kecamatan").text_content()) == "Bobotsari"
            await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

            await page.select_option("#filter-year", "2025")
            await page.wait_for_selector('#map[data-ready="true"][data-filter*="2025"]', timeout=20_000)
            assert await page.locator("#total").text_content() == str(years[2025])
            rows = await page.locator("#institution-table tbody tr").count()
            assert rows == 2
            assert "year=2025" in (await page.locator("#export-stats").get_attribute("href") or "")
            await page.select_option("#filter-level", "NASIONAL")
            await page.wait_for_selector('#map[data-ready="true"][data-filter*="NASIONAL"]', timeout=20_000)
            assert await page.locator("#total").text_content() == "1"
            await page.screenshot(path=str(ARTIFACTS / "dashboard-2025-nasional.png"), full_page=True)

            assert errors == []
            foreign = [u for u in requests if not u.startswith(base)]
            assert foreign == []  # everything, ECharts included, comes from the app itself
        finally:
            await browser.close()

