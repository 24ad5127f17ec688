"""Every screen at 360 px in Chromium: no sideways scroll, no serious or critical axe-core violation, nothing
loaded from outside the server (the dashboard and the vendored GraphiQL included), no CSP report."""

from __future__ import annotations

import datetime as dt

from service.enums import AchievementLevel, AchievementRank, AchievementStatus, InstitutionKind, Role
from service.models import Achievement
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    Watch,
    assert_no_sideways_scroll,
    axe_violations,
    console_server,
    login,
    require_browser,
    shoot,
)
from tests.factories import leaf_category, make_achievement, make_institution, make_person, make_user

QUEUE = 102  # submitted entries: two pages of the verifier's queue

# Each role's screens, by the console's hash route; "{a}" and "{r}" stand for an achievement and a release.
SCREENS = {
    "operator.smp": ["/", "/prestasi/baru", "/prestasi/{a}", "/prestasi/{a}/ubah", "/prestasi/{a}/orang",
                     "/prestasi/{a}/bukti", "/orang", "/impor"],
    "verifikator": ["/", "/prestasi/{s}"],
    "editor": ["/", "/rilis/{r}", "/rekap"],
    "admin": ["/", "/instansi", "/kategori", "/poin"],
}


async def test_every_screen_fits_a_phone_passes_axe_and_loads_nothing_from_outside(db, tmp_path):
    require_browser()
    from playwright.async_api import async_playwright
    from tortoise.transactions import in_transaction

    from schema.ids import encode_id
    from service import accounts, duplicates
    from service.press.lifecycle import generate_press_release

    school = await make_institution("SMP Negeri 1 Bobotsari", kind=InstitutionKind.SEKOLAH, kecamatan_code="33.03.09")
    person = await make_person(school, name="Rina Kusuma")
    # A unit below the school: its operator may enter achievements for it too, and is offered the choice.
    unit = await make_institution("SD Negeri 1 Kemangkon (binaan)", kind=InstitutionKind.SEKOLAH, parent=school,
                                  kecamatan_code="33.03.01")
    await make_person(unit, name="Dimas Saputra")
    await make_user(Role.CONTRIBUTOR, school, username="operator.smp")
    await make_user(Role.VERIFIER, username="verifikator")
    editor = await make_user(Role.EDITOR, username="editor")
    await make_user(Role.ADMIN, username="admin")
    cat = await leaf_category("paduan-suara")
    draft = await make_achievement(school, level=AchievementLevel.PROVINSI, rank=AchievementRank.JUARA_1, category=cat,
                                   date=dt.date.today() - dt.timedelta(days=10), status=AchievementStatus.DRAFT,
                                   persons=[person])
    submitted = await make_achievement(school, level=AchievementLevel.KABUPATEN, rank=AchievementRank.JUARA_2,
                                       category=cat, date=dt.date.today() - dt.timedelta(days=5),
                                       status=AchievementStatus.SUBMITTED)
    twin = await make_achievement(school, level=AchievementLevel.KABUPATEN, rank=AchievementRank.JUARA_2, category=cat,
                                  date=dt.date.today() - dt.timedelta(days=7), title=submitted.title.lower() + ".",
                                  status=AchievementStatus.VERIFIED)
    async with in_transaction() as conn:
        await duplicates.refresh(conn, [submitted.id, twin.id])
    verified = await make_achievement(school, level=AchievementLevel.NASIONAL, rank=AchievementRank.JUARA_1,
                                      category=cat, date=dt.date.today() - dt.timedelta(days=30))
    release = await generate_press_release(await accounts.authenticate(editor.token), verified.id)
    # More than a page (100) of submitted entries and of institutions: the lists load the rest on request.
    for n in range(QUEUE - 1):
        last_submitted = await make_achievement(school, level=AchievementLevel.KECAMATAN, category=cat,
                                                status=AchievementStatus.SUBMITTED, title=f"Juara Lomba Antrian {n:03d}",
                                                date=dt.date.today() - dt.timedelta(days=3))
    fillers = [await make_institution(f"Instansi Uji {n:03d}", kind=InstitutionKind.ORGANISASI) for n in range(100)]
    await make_institution("Kantor Cabang Uji", kind=InstitutionKind.ORGANISASI, parent=fillers[0])
    ids = {"a": encode_id("Achievement", draft.id), "s": encode_id("Achievement", submitted.id),
           "r": encode_id("PressRelease", release.id)}

    watch = Watch()
    checked: list[str] = []
    async with console_server(db, tmp_path / "evidence") as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            watch.attach(page)
            await page.goto(f"{base}/")
            await page.get_by_role("heading", name="Masuk ke konsol").wait_for()
            await page.wait_for_load_state("networkidle")
            first_screen = await page.evaluate("""() => performance.getEntriesByType('navigation')
                .concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)""")
            assert 0 < first_screen < 200_000, f"the first screen transfers {first_screen} bytes"
            await page.get_by_role("button", name="Masuk").click()  # the error summary is a state to check too
            await page.locator(".error-summary").wait_for()
            await assert_no_sideways_scroll(page, "login")
            assert await axe_violations(page) == [], "login"
            checked.append("login")

            for username, routes in SCREENS.items():
                context = await browser.new_context(viewport=PHONE)
                page = await context.new_page()
                watch.attach(page)
                await login(page, base, username)
                for route in routes:
                    path = route.format(**ids)
                    await page.goto(f"{base}/#{path}")
                    await page.locator("main h1").wait_for()
                    await page.locator("main .loading").wait_for(state="detached")
                    await page.wait_for_load_state("networkidle")
                    what = f"{username} {route}"
                    await assert_no_sideways_scroll(page, what)
                    assert await axe_violations(page) == [], what
                    checked.append(what)
                if username == "verifikator":
                    # The queue, oldest first, a page at a time.
                    await page.goto(f"{base}/#/")
                    queue = page.locator("main ol.list > li")
                    await queue.nth(99).wait_for()
                    assert await queue.count() == 100
                    assert submitted.title in await queue.first.text_content()
                    await page.get_by_text(f"Menampilkan 100 dari {QUEUE} prestasi.").wait_for()
                    more = page.get_by_role("button", name="Muat lebih banyak")
                    await shoot(page, "verifier-queue", full_page=False, at=more)
                    await more.click()
                    await queue.nth(QUEUE - 1).wait_for()
                    assert await queue.count() == QUEUE
                    assert last_submitted.title in await queue.last.text_content()
                    assert await page.get_by_role("button", name="Muat lebih banyak").count() == 0
                    # A function, not an expression: polling an expression evaluates it with eval, which the
                    # console's Content-Security-Policy refuses.
                    await page.wait_for_function(
                        f"() => document.activeElement.textContent === 'Menampilkan {QUEUE} dari {QUEUE} prestasi.'")
                    await assert_no_sideways_scroll(page, "verifier queue, all pages")
                    # The entry's possible duplicate side by side, and offered as "duplikat dari".
                    await page.goto(f"{base}/#/prestasi/{ids['s']}")
                    await page.get_by_role("heading", name="Mungkin duplikat (1)").wait_for()
                    compare = page.locator(".compare table")
                    assert twin.title in await compare.text_content()
                    options = await page.locator("#f-dup option").all_text_contents()
                    assert any(twin.title in o for o in options)
                if username == "admin":
                    # The institutions, a page at a time: one whose parent is on the first page joins its tree.
                    await page.goto(f"{base}/#/instansi")
                    await page.get_by_text("Menampilkan 100 dari 103 instansi.").wait_for()
                    assert await page.get_by_text("Kantor Cabang Uji").count() == 0
                    more = page.get_by_role("button", name="Muat lebih banyak")
                    await shoot(page, "admin-institutions", full_page=False, at=more)
                    await more.click()
                    await page.get_by_text("Menampilkan 103 dari 103 instansi.").wait_for()
                    first = page.locator("main .tree > li").filter(has_text="Instansi Uji 000").first
                    assert "Kantor Cabang Uji" in await first.locator(".tree li").first.text_content()
                    assert await page.locator("main .tree > li", has_text="SMP Negeri 1 Bobotsari").count() == 1
                    assert await axe_violations(page) == [], "admin institutions, all pages"
                if username == "operator.smp":
                    # An achievement of the unit below the school: picked on the form, the region follows it,
                    # and the persons offered next are the unit's.
                    await page.goto(f"{base}/#/prestasi/baru")
                    picker = page.get_by_label("Instansi pemilik prestasi")
                    await picker.wait_for()
                    assert await picker.locator("option").all_text_contents() == [school.name, unit.name]
                    assert await page.locator("#f-kecamatanId option:checked").text_content() == "Bobotsari"
                    await picker.select_option(label=unit.name)
                    assert await page.locator("#f-kecamatanId option:checked").text_content() == "Kemangkon"
                    await shoot(page, "operator-form-unit")
                    await page.get_by_label("Nama prestasi").fill("Juara 3 Lomba Mewarnai Tingkat Kecamatan")
                    await page.get_by_label("Nama lomba atau program penghargaan").fill("Lomba Mewarnai Anak")
                    await page.get_by_label("Penyelenggara").fill("UPT Pendidikan Kemangkon")
                    await page.get_by_label("Tingkat").select_option("KECAMATAN")
                    await page.get_by_label("Peringkat").select_option("JUARA_3")
                    await page.get_by_label("Kategori").select_option(encode_id("Category", cat.id))
                    await page.get_by_label("Tanggal prestasi").fill((dt.date.today() - dt.timedelta(days=2)).isoformat())
                    await page.get_by_role("button", name="Simpan dan lanjutkan").click()
                    await page.get_by_role("heading", name=f"Pilih dari daftar orang {unit.name}").wait_for()
                    await page.get_by_label("Orang", exact=True).locator("option", has_text="Dimas Saputra").wait_for(state="attached")
                    assert await page.get_by_label("Orang", exact=True).locator("option", has_text="Rina Kusuma").count() == 0
                    await assert_no_sideways_scroll(page, "operator persons step for the unit")
                    made = await Achievement.get(title="Juara 3 Lomba Mewarnai Tingkat Kecamatan")
                    assert made.institution_id == unit.id and made.status == AchievementStatus.DRAFT
                    assert made.kecamatan_id == unit.kecamatan_id
                    # The import: a bad row is listed as the service words it, and nothing is written.
                    sheet = tmp_path / "prestasi.csv"
                    header = ("Judul Prestasi,Nama Kegiatan/Lomba,Penyelenggara,Tingkat,Peringkat,Sebutan Penghargaan,"
                              "Kategori,Tanggal,Lokasi,Keterangan,Kecamatan,Desa/Kelurahan,Nama Peserta,"
                              "Izin Publikasi Nama,Tautan Bukti")
                    sheet.write_text(header + "\nJuara 2 Lomba Pidato,Lomba Pidato,Dinas,Propinsi,Juara 2,,Paduan Suara,"
                                     f"{dt.date.today().isoformat()},,,,,,,\n", encoding="utf-8")
                    before = await Achievement.all().count()
                    await page.goto(f"{base}/#/impor")
                    await page.get_by_label("Berkas spreadsheet").set_input_files(str(sheet))
                    await page.get_by_role("button", name="Periksa berkas").click()
                    problem = page.locator(".report li", has_text="Baris 2, kolom Tingkat")
                    await problem.first.wait_for()
                    assert "Propinsi" in await problem.first.text_content()
                    assert await page.get_by_role("button", name="Impor 1 baris").count() == 0
                    assert await Achievement.all().count() == before
                    # The registry: withdrawing a consent takes effect at once.
                    await page.goto(f"{base}/#/orang")
                    await page.get_by_role("button", name="Tarik persetujuan Rina Kusuma").click()
                    await page.get_by_role("cell", name="Tidak (inisial)").wait_for()
                    await person.refresh_from_db()
                    assert person.publication_consent is False
                await context.close()

            page = await (await browser.new_context(viewport=PHONE)).new_page()
            watch.attach(page)
            await page.goto(f"{base}/dashboard")
            await page.wait_for_selector('#map[data-ready="true"]', timeout=20_000)
            await assert_no_sideways_scroll(page, "dashboard")
            assert await axe_violations(page) == [], "dashboard"
            points = page.locator("#kecamatan-table th", has_text="Poin")
            box = await points.bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], "Poin column off screen"
            legend_top = await page.evaluate("""() => {
                const texts = [...document.querySelectorAll('#map svg text')];
                const legend = texts.find(t => t.textContent === 'Poin tinggi');
                const names = texts.filter(t => t !== legend && !/^\\d/.test(t.textContent) && t.textContent !== 'Rendah');
                const lowest = Math.max(...names.map(t => t.getBoundingClientRect().bottom));
                return [legend.getBoundingClientRect().top, lowest];
            }""")
            assert legend_top[0] >= legend_top[1], "the legend lies over the map"
            checked.append("dashboard")

            await page.goto(f"{base}/graphql")
            await page.locator(".graphiql-container").wait_for(timeout=20_000)
            await page.wait_for_load_state("networkidle")
            assert await axe_violations(page) == [], "graphiql"
            # The result of the sample query (strings, the result pane's scrolling), on a phone and a desktop.
            await page.locator(".graphiql-execute-button").click()
            await page.locator(".result-window").get_by_text("Kemangkon").first.wait_for()
            await assert_no_sideways_scroll(page, "graphiql")
            assert await axe_violations(page) == [], "graphiql with a result"
            await page.set_viewport_size({"width": 1280, "height": 800})
            assert await axe_violations(page) == [], "graphiql with a result, desktop"
            await shoot(page, "graphiql", full_page=False)
            labels = await page.locator(".CodeMirror textarea").evaluate_all("all => all.map(t => t.getAttribute('aria-label'))")
            assert {"Editor kueri GraphQL", "Editor variabel (JSON)", "Hasil kueri"} <= set(labels), labels
            checked.append("graphiql")
        finally:
            await browser.close()

    assert len(checked) >= 19
    assert watch.errors == []
    assert watch.foreign(base) == []
