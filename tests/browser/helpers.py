"""What the console's browser tests share: the app in a subprocess, Chromium, axe-core, and page checks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, _free_port, _require_browser

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "require_browser", "console_server", "Watch", "axe_violations",
           "assert_no_sideways_scroll", "login", "PASSWORD", "ARTIFACTS", "SCREENS", "minimal_pdf", "shoot",
           "DESKTOP", "PHONE"]

PASSWORD = "rahasia-sekali-123"  # tests/factories.py gives every user this password
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Screenshots for docs/screens/ are written here when JUARA_SCREENSHOTS names a directory.
SCREENS = Path(os.environ["JUARA_SCREENSHOTS"]) if os.environ.get("JUARA_SCREENSHOTS") else ARTIFACTS

require_browser = _require_browser
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}


async def shoot(page, name: str, full_page: bool = True, at=None) -> None:
    """<SCREENS>/<name>-desktop.png and -phone.png of the screen as it is now: the whole page, or the window
    (scrolled to the locator `at` when given) for a page as tall as the window, such as GraphiQL, or a long
    list. The page keeps the viewport it had."""
    before = page.viewport_size or DESKTOP
    SCREENS.mkdir(parents=True, exist_ok=True)
    for suffix, size in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(size)
        await page.wait_for_timeout(600)
        if at is not None:
            await at.evaluate("el => el.scrollIntoView({block: 'end'})")
        await page.screenshot(path=str(SCREENS / f"{name}-{suffix}.png"), full_page=full_page)
    await page.set_viewport_size(before)


def minimal_pdf() -> bytes:
    """A one-page PDF with a line of text, as a scanned certificate would be (recognised by content)."""
    stream = b"BT /F1 24 Tf 72 720 Td (Piagam Juara 1 Paduan Suara) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@contextlib.asynccontextmanager
async def console_server(database_url: str, evidence_dir: Path) -> AsyncIterator[str]:
    """The app under uvicorn on a free localhost port, on the test database, storing evidence in a temp dir."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "JUARA_ADMIN_USERNAME": "", "JUARA_LOG_LEVEL": "warning",
           "JUARA_EVIDENCE_DIR": str(evidence_dir), "JUARA_IMPORT_DIR": str(evidence_dir.parent / "imports")}
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


@dataclass
class Watch:
    """Every request a page makes and every script error or CSP report it logs."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

        def console(msg) -> None:
            text = msg.text
            # 4xx answers the test provokes on purpose show up as console errors too; CSP reports never should.
            if msg.type == "error" and "Failed to load resource" not in text:
                self.errors.append(text)
        page.on("console", console)

    def foreign(self, base: str) -> list[str]:
        """Network requests to anywhere but this server. (blob:, data: and the browser's own chrome:// pages,
        such as Chromium's PDF viewer drawing a PDF that came from the server, are not the network.)"""
        network = [u for u in self.requests if u.split(":", 1)[0] in ("http", "https", "ws", "wss")]
        return [u for u in network if not (u == base or u.startswith(base + "/"))]


async def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated over the DevTools protocol, which the page's CSP does not govern; the app never serves axe.
        await page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found = await page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                           resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


async def assert_no_sideways_scroll(page, what: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    viewport = await page.evaluate("window.innerWidth")
    assert width <= viewport, f"{what} scrolls sideways: {width} px content in a {viewport} px window"


async def login(page, base: str, username: str) -> None:
    await page.goto(f"{base}/")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await page.get_by_role("button", name="Keluar").wait_for()
