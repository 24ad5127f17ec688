"""The public quote page in a real browser, as the head of a school opens it on a phone: 360 px wide,
keyboard only, the CSP in force; the quote lands in the draft."""

from __future__ import annotations

from service import accounts
from service.enums import Role
from service.models import PressRelease
from service.press import quotes
from tests.factories import make_achievement, make_institution, make_person, make_user
from tests.test_dashboard_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _require_browser, live_server


async def test_quote_page_on_a_phone_fills_the_draft(db):
    _require_browser()
    from playwright.async_api import async_playwright

    school = await make_institution("SMP Negeri 1 Bobotsari")
    achievement = await make_achievement(school, persons=[await make_person(school, "Gita Ayu Lestari")])
    editor = await make_user(Role.EDITOR)
    actor = await accounts.authenticate(editor.token)
    from service.press import generate_press_release

    release = await generate_press_release(actor, achievement.id)
    issued = await quotes.request_quote(actor, release.id, "Siti Nurjanah", "Kepala SMP Negeri 1 Bobotsari")
    ARTIFACTS.mkdir(exist_ok=True)
    async with live_server(db) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            problems: list[str] = []
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            await page.goto(f"{base}{quotes.QUOTE_PATH}{issued.token}")
            assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
            # An empty quote: the error summary says so and links to the field.
            await page.get_by_label("Kutipan").focus()
            await page.keyboard.press("Tab")
            await page.keyboard.press("Tab")
            await page.keyboard.press("Tab")
            await page.keyboard.press("Enter")
            await page.wait_for_selector("#ringkasan-galat:not([hidden])")
            assert "Kutipan" in (await page.locator("#ringkasan-galat a").first.text_content() or "")
            await page.get_by_label("Kutipan").fill("Kami bangga atas kerja keras anak-anak")
            await page.get_by_role("button", name="Kirim kutipan").click()
            await page.wait_for_selector("#terkirim:not([hidden])", timeout=10_000)
            await page.screenshot(path=str(ARTIFACTS / "kutipan-360.png"), full_page=True)
            assert problems == []  # no CSP violation, no script error
        finally:
            await browser.close()
    body = (await PressRelease.get(id=release.id)).body
    assert "“Kami bangga atas kerja keras anak-anak,” " in body and "Kepala SMP Negeri 1 Bobotsari Siti Nurjanah." in body
