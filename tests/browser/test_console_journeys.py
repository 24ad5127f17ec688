"""The console in real Chromium: each role's main journey through the screens, end to end."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import httpx

from schema.ids import encode_id
from service.enums import InstitutionKind, Role
from service.models import Achievement, Person, PressRelease, User
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    SCREENS,
    Watch,
    assert_no_sideways_scroll,
    axe_violations,
    console_server,
    login,
    minimal_pdf,
    require_browser,
    shoot,
)
from tests.factories import make_institution, make_person, make_user

TITLE = "Juara 1 Lomba Paduan Suara Pelajar Jawa Tengah"
FIXED_TITLE = "Juara 1 Lomba Paduan Suara Pelajar Tingkat Provinsi Jawa Tengah"
REASON = "Sertifikat tidak terbaca; unggah pindaian yang lebih jelas."

async def no_serious_violations(page, screen: str) -> None:
    found = await axe_violations(page)
    assert found == [], f"{screen}: {found}"


async def test_entry_rejected_fixed_verified_then_published_by_the_newsroom(db, tmp_path):
    require_browser()
    from playwright.async_api import async_playwright

    school = await make_institution("SMP Negeri 1 Bobotsari", kind=InstitutionKind.SEKOLAH, kecamatan_code="33.03.09")
    await make_person(school, name="Budi Santoso", consent=False)
    await make_user(Role.CONTRIBUTOR, school, username="operator.smp")
    await make_user(Role.VERIFIER, username="verifikator")
    await make_user(Role.EDITOR, username="editor")
    colleague = await make_user(Role.EDITOR, username="sari")
    await User.filter(id=colleague.user.id).update(full_name="Sari Redaksi")
    pdf = tmp_path / "piagam.pdf"
    pdf.write_bytes(minimal_pdf())
    when = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    watch = Watch()

    async with console_server(db, tmp_path / "evidence") as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            operator = await (await browser.new_context(viewport=DESKTOP)).new_page()
            watch.attach(operator)
            await login(operator, base, "operator.smp")
            await operator.get_by_role("link", name="Tambah prestasi").first.click()

            # Step 1: the data, with the region preselected from the school.
            await operator.get_by_role("heading", name="Data prestasi").wait_for()
            assert await operator.locator("#f-kecamatanId option:checked").text_content() == "Bobotsari"
            # A school with no unit below it has no choice of owner: no picker.
            assert await operator.get_by_label("Instansi pemilik prestasi").count() == 0
            await operator.get_by_role("button", name="Simpan dan lanjutkan").click()
            summary = operator.locator(".error-summary")
            await summary.wait_for()
            assert "Tulis nama prestasi." in await summary.text_content()
            await summary.get_by_role("link", name="Tulis nama prestasi.").click()
            assert await operator.evaluate("document.activeElement.id") == "f-title"
            await operator.get_by_label("Nama prestasi").fill(TITLE)
            await operator.get_by_label("Nama lomba atau program penghargaan").fill("Festival Paduan Suara Pelajar 2026")
            await operator.get_by_label("Penyelenggara").fill("Dinas Pendidikan Provinsi Jawa Tengah")
            await operator.get_by_label("Tingkat").select_option("PROVINSI")
            await operator.get_by_label("Peringkat").select_option("JUARA_1")
            paduan = await operator.locator("#f-categoryId option", has_text="Paduan Suara").first.get_attribute("value")
            await operator.get_by_label("Kategori").select_option(paduan)
            await operator.get_by_label("Tanggal prestasi").fill(when)
            await no_serious_violations(operator, "operator form")
            await shoot(operator, "operator-form")
            await operator.get_by_role("button", name="Simpan dan lanjutkan").click()

            # Step 2: one person from the registry, one added on the spot with consent.
            await operator.get_by_role("heading", name="Orang yang berprestasi").wait_for()
            await operator.get_by_label("Orang", exact=True).select_option(label="Budi Santoso")
            await operator.get_by_role("button", name="Tambahkan", exact=True).click()
            await operator.get_by_role("button", name="Hapus Budi Santoso").wait_for()
            await operator.get_by_label("Nama lengkap").fill("Rina Kusuma")
            await operator.get_by_label("Peran").select_option("SISWA")
            await operator.get_by_label("Nama boleh dipublikasikan").check()
            # A pupil without a birth date counts as a minor: only a guardian's consent is offered.
            assert await operator.get_by_label("Orangnya sendiri").count() == 0
            await operator.get_by_label("Orang tua atau wali").check()
            await operator.get_by_role("button", name="Daftarkan dan tambahkan").click()
            await operator.get_by_role("button", name="Hapus Rina Kusuma").wait_for()
            await no_serious_violations(operator, "persons step")
            await operator.get_by_role("link", name="Lanjutkan ke bukti").click()

            # Step 3: the PDF, previewed, uploaded.
            await operator.get_by_role("heading", name="Bukti prestasi").wait_for()
            await operator.get_by_label("Pilih berkas").set_input_files(str(pdf))
            await operator.get_by_text("piagam.pdf").wait_for()
            await operator.get_by_role("button", name="Unggah 1 berkas").click()
            await operator.get_by_role("button", name="Hapus piagam.pdf").wait_for()
            await no_serious_violations(operator, "evidence step")
            await operator.get_by_role("link", name="Lanjutkan ke ringkasan").click()
            await operator.get_by_role("button", name="Ajukan untuk verifikasi").click()
            await operator.get_by_text("Prestasi diajukan untuk verifikasi.").wait_for()
            achievement = await Achievement.get(title=TITLE)
            assert achievement.status.value == "SUBMITTED"
            rina = await Person.get(achievement_links__achievement_id=achievement.id, name="Rina Kusuma")
            assert rina.publication_consent and rina.consent_given_by.value == "GUARDIAN" and rina.role.value == "SISWA"

            # The verifier rejects it, reading the PDF beside the entry.
            verifier = await (await browser.new_context(viewport=DESKTOP)).new_page()
            watch.attach(verifier)
            await login(verifier, base, "verifikator")
            await verifier.get_by_role("link", name=TITLE).click()
            frame = verifier.locator("iframe[title='Bukti PDF: piagam.pdf']")
            await frame.wait_for()
            assert "inline=1" in (await frame.get_attribute("src") or "")
            assert "Rina Kusuma" in await verifier.locator(".summary").text_content()
            await no_serious_violations(verifier, "verifier entry")
            await shoot(verifier, "verifier-entry")
            await verifier.get_by_label("Alasan penolakan").fill(REASON)
            await verifier.get_by_role("button", name="Tolak", exact=True).click()
            await verifier.get_by_text("Prestasi ditolak").wait_for()

            # The operator sees why, fixes the title and resubmits.
            await operator.goto(f"{base}/#/")
            await operator.get_by_role("tab", name=re.compile("Ditolak")).click()
            await operator.get_by_text(REASON).wait_for()
            await operator.get_by_role("link", name=TITLE).click()
            await operator.get_by_role("link", name="Ubah lomba atau program").click()
            await operator.get_by_label("Nama prestasi").fill(FIXED_TITLE)
            await operator.get_by_role("button", name="Simpan dan lanjutkan").click()
            await operator.get_by_role("heading", name=FIXED_TITLE).wait_for()
            await operator.get_by_role("button", name="Ajukan ulang").click()
            await operator.get_by_text("Prestasi diajukan untuk verifikasi.").wait_for()

            # The verifier verifies it: a draft release is written.
            await verifier.goto(f"{base}/#/")
            await verifier.get_by_role("link", name=FIXED_TITLE).click()
            await verifier.get_by_role("button", name="Verifikasi").click()
            await verifier.get_by_text("Prestasi terverifikasi").wait_for()
            await achievement.refresh_from_db()
            assert achievement.status.value == "VERIFIED"

            # The editor fills the draft's slots, sees the preview, publishes and downloads the Word file.
            editor = await (await browser.new_context(viewport=DESKTOP, accept_downloads=True)).new_page()
            watch.attach(editor)
            await login(editor, base, "editor")
            release = await PressRelease.get(achievement_id=achievement.id)
            await editor.locator(".list-item a").filter(has_text=release.title[:30]).first.click()
            await editor.get_by_role("heading", name="Sunting berita").wait_for()
            count = editor.locator("#slot-count")
            assert re.match(r"\d+ isian", await count.text_content() or "")
            assert await editor.locator(".preview mark.slot").count() >= 1
            await no_serious_violations(editor, "newsroom editor")
            await shoot(editor, "newsroom-editor")
            body = editor.get_by_label("Isi berita (Markdown)")
            filled = re.sub(r"\[\[[^\]]*\]\]", "Kami bangga atas kerja keras anak-anak.", await body.input_value())
            await body.fill(filled)
            title = editor.get_by_label("Judul")
            await title.fill(re.sub(r"\[\[[^\]]*\]\]", "Bobotsari", await title.input_value()))
            assert await count.text_content() == "Semua isian sudah diisi"
            assert await editor.locator(".preview mark.slot").count() == 0
            assert "Kami bangga atas kerja keras anak-anak." in await editor.locator(".preview").text_content()
            # Meanwhile a colleague saves a small change: the save is refused, names her and offers her text.
            async with httpx.AsyncClient() as http:
                r = await http.post(f"{base}/graphql", headers=colleague.headers, json={
                    "query": "mutation($id: ID!) { updatePressRelease(id: $id, expectedVersion: 1, "
                             "input: {title: \"Judul dari Sari\"}) { pressRelease { version } errors { code } } }",
                    "variables": {"id": encode_id("PressRelease", release.id)}})
                assert r.json()["data"]["updatePressRelease"]["pressRelease"] == {"version": 2}
            await editor.get_by_role("button", name="Simpan").click()
            await editor.get_by_text("sudah disimpan lebih dulu oleh Sari Redaksi (versi 2)").wait_for()
            await editor.get_by_role("heading", name="Teks Sari Redaksi (versi 2)").wait_for()
            await editor.get_by_role("button", name="Tetap pakai teks saya").click()
            await editor.get_by_role("button", name="Simpan").click()
            await editor.get_by_text("Tersimpan sebagai versi 3.").wait_for()
            await editor.get_by_role("button", name="Lihat perbedaan").first.click()
            assert await editor.locator(".diff .ins").count() >= 1
            await editor.get_by_role("button", name="Terbitkan").click()
            await editor.get_by_text("Status sekarang: Terbit.").wait_for()
            async with editor.expect_download() as download_info:
                await editor.get_by_role("link", name="Unduh Word (.docx)").click()
            download = await download_info.value
            assert download.suggested_filename.endswith(".docx")
            path = await download.path()
            assert path is not None and path.read_bytes()[:2] == b"PK"  # noqa: ASYNC240 - a small local file
            await release.refresh_from_db()
            assert release.status.value == "PUBLISHED" and "[[" not in release.body

            assert watch.errors == []
            assert watch.foreign(base) == []
        finally:
            await browser.close()


async def test_administrator_creates_an_operator_who_then_signs_in(db, tmp_path):
    require_browser()
    from playwright.async_api import async_playwright

    await make_institution("Pemerintah Desa Kedungbenda", kind=InstitutionKind.PEMERINTAH_DESA, kecamatan_code="33.03.05")
    await make_user(Role.ADMIN, username="admin")
    watch = Watch()
    async with console_server(db, tmp_path / "evidence") as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            admin = await (await browser.new_context(viewport=PHONE)).new_page()
            watch.attach(admin)
            await login(admin, base, "admin")
            await admin.get_by_label("Nama pengguna").fill("desa.kedungbenda")
            await admin.get_by_label("Nama lengkap").fill("Siti Aminah")
            await admin.get_by_label("Kata sandi awal").fill("kata-sandi-panjang-1")
            await admin.get_by_label("Peran").select_option("CONTRIBUTOR")
            await admin.get_by_label("Instansi").select_option(label="Pemerintah Desa Kedungbenda")
            await admin.get_by_role("button", name="Buat akun").click()
            await admin.get_by_text("Akun desa.kedungbenda dibuat.").wait_for()
            # The list is fetched again after the notice: the new account appears in it once that answer is in.
            await admin.locator("table").get_by_text("Siti Aminah").wait_for()
            assert "Siti Aminah" in await admin.locator("table").text_content()

            # Her byline initials corrected: the form takes the focus, a bad value is refused in Indonesian.
            await admin.get_by_role("button", name="Ubah desa.kedungbenda").click()
            heading = admin.get_by_role("heading", name="Ubah akun desa.kedungbenda")
            await heading.wait_for()
            # The focus moves in an effect after the form is painted: waited for, then read.
            await admin.wait_for_function("() => document.activeElement.id === 'h-edit'", timeout=5000)
            assert await admin.evaluate("document.activeElement.id") == "h-edit"
            initials = admin.get_by_label("Inisial untuk byline berita")
            assert await initials.input_value() == "SA"
            await initials.fill("S4")
            await admin.keyboard.press("Enter")
            summary = admin.locator(".error-summary")
            await summary.get_by_text("Inisial harus 2 sampai 4 huruf kapital (bukan XX), misalnya LPU.").wait_for()
            await no_serious_violations(admin, "admin user edit")
            await assert_no_sideways_scroll(admin, "admin user edit")
            await shoot(admin, "admin-user-edit")
            await summary.get_by_role("link").first.click()
            assert await admin.evaluate("document.activeElement.id") == "f-editInitials"
            await initials.fill("sam")
            await admin.get_by_label("Nama lengkap").first.fill("Siti Aminah Maharani")
            await admin.get_by_role("button", name="Simpan perubahan").click()
            await admin.get_by_text("Akun desa.kedungbenda diubah: Siti Aminah Maharani, inisial SAM.").wait_for()
            await admin.locator("table").get_by_text("desa.kedungbenda · SAM").wait_for()
            await admin.wait_for_function("() => document.activeElement.id === 'edit-desa.kedungbenda'", timeout=5000)
            assert await admin.evaluate("document.activeElement.id") == "edit-desa.kedungbenda"
            row = await User.get(username="desa.kedungbenda")
            assert row.initials == "SAM" and row.full_name == "Siti Aminah Maharani"
            await admin.get_by_role("button", name="Keluar").click()
            await admin.get_by_role("heading", name="Masuk ke konsol").wait_for()

            await admin.get_by_label("Nama pengguna").fill("desa.kedungbenda")
            await admin.get_by_label("Kata sandi").fill("kata-sandi-panjang-1")
            await admin.get_by_role("button", name="Masuk").click()
            await admin.get_by_role("heading", name="Prestasi instansi").wait_for()
            assert "Pemerintah Desa Kedungbenda" in await admin.locator(".nav-user").text_content()
            assert watch.errors == []
            assert watch.foreign(base) == []
        finally:
            await browser.close()


async def test_operator_imports_a_spreadsheet_as_a_job_with_a_progress_bar(db, tmp_path):
    """The import screen starts a job, shows a <progress> bar with text while it runs (polling importJob), then
    the report; the import writes the rows as DRAFTs."""
    require_browser()
    from playwright.async_api import TimeoutError as PlaywrightTimeout
    from playwright.async_api import async_playwright

    from bench.import_bench import make_file

    school = await make_institution("SMP Negeri 1 Bobotsari", kind=InstitutionKind.SEKOLAH, kecamatan_code="33.03.09")
    await make_user(Role.CONTRIBUTOR, school, username="operator.smp")
    rows = 4000
    SCREENS.mkdir(parents=True, exist_ok=True)
    sheet = tmp_path / "prestasi-semester-1.xlsx"
    make_file(sheet, rows, seed=11)
    watch = Watch()
    async with console_server(db, tmp_path / "evidence") as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            operator = await (await browser.new_context(viewport=DESKTOP)).new_page()
            watch.attach(operator)
            await login(operator, base, "operator.smp")
            await operator.get_by_role("link", name="Impor spreadsheet").first.click()
            await operator.get_by_role("heading", name="Impor spreadsheet").wait_for()
            await operator.get_by_label("Berkas spreadsheet").set_input_files(str(sheet))
            await operator.get_by_role("button", name="Periksa berkas").click()

            # While the job runs: a live region holding the bar, a sentence saying how far it is, and the buttons
            # disabled (read in one go inside the page, at the first moment the bar shows: no race with the job).
            seen = await (await operator.wait_for_function("""() => {
                const bar = document.querySelector('.import-progress[aria-live="polite"] progress');
                if (!bar) return null;
                const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Periksa berkas');
                return {text: document.querySelector('#import-progress-text').textContent, disabled: button.disabled};
            }""")).json_value()
            assert "prestasi-semester-1.xlsx" in seen["text"] or "Mengunggah" in seen["text"], seen
            assert seen["disabled"], seen

            await operator.get_by_role("heading", name="Hasil pemeriksaan").wait_for(timeout=120_000)
            report = await operator.locator(".report").text_content()
            assert f"{rows} baris, {rows} benar" in report, report
            assert await Achievement.filter(institution_id=school.id).count() == 0
            await no_serious_violations(operator, "import report")

            await operator.get_by_role("button", name=f"Impor {rows} baris").click()
            bar = operator.locator(".import-progress progress")
            with contextlib.suppress(PlaywrightTimeout):  # for the picture only
                await bar.wait_for(timeout=10_000)
            with contextlib.suppress(PlaywrightTimeout):  # the pictures show the bar part-way through
                await operator.get_by_text(re.compile("baris sudah (diperiksa|ditulis)")).wait_for(timeout=10_000)
            await operator.screenshot(path=str(SCREENS / "operator-import-progress-desktop.png"), full_page=True)
            await operator.set_viewport_size(PHONE)
            await operator.screenshot(path=str(SCREENS / "operator-import-progress-phone.png"), full_page=True)
            await operator.set_viewport_size(DESKTOP)
            await operator.get_by_role("heading", name="Impor selesai").wait_for(timeout=180_000)
            assert f"{rows} prestasi disimpan sebagai draf" in await operator.locator(".report").text_content()
            assert await bar.count() == 0
            await no_serious_violations(operator, "import done")
            await shoot(operator, "operator-import-done")
            assert await Achievement.filter(institution_id=school.id, status="DRAFT").count() == rows
            assert watch.errors == []
            assert watch.foreign(base) == []
        finally:
            await browser.close()
