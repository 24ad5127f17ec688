"""Access on a data subject's request (UU No. 27/2022): everything held about one person, as data and as a
letter in Indonesian; administrators only, and every export is an audit event."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from tortoise.transactions import in_transaction

from service import audit
from service.errors import Forbidden, UserErrorCode, UserInputError
from service.labels import LEVEL_LABEL, RANK_LABEL
from service.models import (
    Achievement,
    AchievementPerson,
    AuditEvent,
    Desa,
    Institution,
    Kecamatan,
    Person,
    PressRelease,
)
from service.nik import read_nik
from service.persons import GUARDIAN_CONSENT_TEXT, ROLE_LABELS, is_minor
from service.security import Actor
from service.text import today_wib

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RETENTION_NOTE = (
    "Data prestasi yang sudah terverifikasi disimpan selama registri berjalan sebagai catatan publik Kabupaten "
    "Purbalingga; entri DRAF dan DITOLAK yang tidak diubah dihapus menurut aturan retensi (docs/privacy.md)."
)
PURPOSE = (
    "Pencatatan prestasi warga dan instansi Kabupaten Purbalingga, verifikasi oleh Dinkominfo, dan penyusunan "
    "rilis berita oleh bidang IKP."
)
STATUS_LABEL = {"DRAFT": "draf", "SUBMITTED": "diajukan", "VERIFIED": "terverifikasi", "REJECTED": "ditolak"}
CONSENT_LABEL = {None: "tidak ada", "SELF": "yang bersangkutan sendiri", "GUARDIAN": "orang tua/wali"}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


async def personal_data_report(actor: Actor | None, person_id: int | None) -> dict[str, Any]:
    """Every field held about the person, their achievements, the releases naming them and the audit trail
    about them. Recorded as an access export and as a read of the personal fields it contains."""
    if actor is None or not actor.can_manage:
        raise Forbidden()
    person = await Person.filter(id=person_id).first() if person_id else None
    if person is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Orang tidak ditemukan.")
    institution = await Institution.filter(id=person.institution_id).first() if person.institution_id else None
    kecamatan = await Kecamatan.filter(id=person.kecamatan_id).first() if person.kecamatan_id else None
    desa = await Desa.filter(id=person.desa_id).first() if person.desa_id else None
    achievement_ids = await AchievementPerson.filter(person_id=person.id).values_list("achievement_id", flat=True)
    achievements = await Achievement.filter(id__in=list(achievement_ids)).order_by("date", "id")
    inst_names = {i.id: i.name for i in await Institution.filter(
        id__in={a.institution_id for a in achievements})}
    releases = await PressRelease.filter(achievement_id__in=list(achievement_ids)).order_by("id")
    if person.erased_at is None:
        named = await PressRelease.filter(body__contains=person.name).exclude(
            id__in=[r.id for r in releases]).order_by("id")
        releases = [*releases, *named]
    events = await AuditEvent.filter(target_type="Person", target_id=str(person.id)).order_by("id")
    nik = read_nik(person)
    report = {
        "generatedAt": dt.datetime.now(dt.UTC).isoformat(),
        "purpose": PURPOSE,
        "retention": RETENTION_NOTE,
        "person": {
            "id": person.id,
            "name": person.name,
            "nik": nik,
            "birthDate": _iso(person.birth_date),
            "phone": person.phone,
            "role": person.role.value if hasattr(person.role, "value") else person.role,
            "isMinor": is_minor(person),
            "publicationConsent": person.publication_consent,
            "consentGivenBy": person.consent_given_by.value if person.consent_given_by else None,
            "consentRecordedAt": _iso(person.consent_recorded_at),
            "institution": institution.name if institution else None,
            "kecamatan": kecamatan.name if kecamatan else None,
            "desa": desa.name if desa else None,
            "createdAt": _iso(person.created_at),
            "erasedAt": _iso(person.erased_at),
        },
        "achievements": [{
            "id": a.id, "title": a.title, "eventName": a.event_name, "organizer": a.organizer,
            "date": _iso(a.date), "level": a.level.value, "rank": a.rank.value, "rankLabel": a.rank_label,
            "status": a.status.value, "institution": inst_names.get(a.institution_id),
            "location": a.location, "description": a.description,
        } for a in achievements],
        "pressReleases": [{
            "id": r.id, "title": r.title, "status": r.status.value,
            "publishedAt": _iso(r.published_at), "needsReviewReason": r.needs_review_reason,
        } for r in releases],
        "auditEvents": [{
            "action": e.action, "at": _iso(e.created_at), "by": e.actor_username,
        } for e in events],
    }
    fields = [f for f, v in (("nik", nik), ("birthDate", person.birth_date), ("phone", person.phone)) if v]
    async with in_transaction() as conn:
        await audit.record(actor, "person.access_export", "Person", person.id,
                           after={"achievements": len(achievements), "pressReleases": len(releases)},
                           connection=conn)
        if fields:
            from service.persons import record_personal_data_reads

            await record_personal_data_reads(actor, {person.id: fields}, via="export", connection=conn)
    return report


def _date_id(value: str | None) -> str:
    if not value:
        return "-"
    from service.press.language import long_date

    return long_date(dt.date.fromisoformat(value[:10]))


def access_letter_docx(report: dict[str, Any]) -> bytes:
    """The report as a letter a person can read: what is held, why, who sees it, how long, their rights."""
    from docx import Document

    p = report["person"]
    doc = Document()
    doc.add_heading("Pemberitahuan Data Pribadi yang Kami Simpan", level=1)
    doc.add_paragraph(f"Purbalingga, {_date_id(today_wib().isoformat())}")
    doc.add_paragraph(f"Kepada Yth. {p['name']}")
    doc.add_paragraph(
        "Menanggapi permintaan akses data pribadi sesuai Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan "
        "Data Pribadi, berikut seluruh data tentang Anda yang tersimpan dalam registri prestasi Purbalingga Juara."
    )
    doc.add_heading("Data diri", level=2)
    role = ROLE_LABELS.get(p["role"], p["role"]) if p["role"] else "-"
    rows = [
        ("Nama", p["name"]), ("NIK", p["nik"] or "tidak disimpan"),
        ("Tanggal lahir", _date_id(p["birthDate"]) if p["birthDate"] else "tidak disimpan"),
        ("Nomor telepon", p["phone"] or "tidak disimpan"), ("Peran", role),
        ("Instansi", p["institution"] or "-"), ("Kecamatan", p["kecamatan"] or "-"), ("Desa/kelurahan", p["desa"] or "-"),
        ("Persetujuan publikasi nama", "ya" if p["publicationConsent"] else "tidak"),
        ("Persetujuan diberikan oleh", CONSENT_LABEL.get(p["consentGivenBy"], "-")),
        ("Persetujuan dicatat", _date_id(p["consentRecordedAt"])),
        ("Terdaftar sejak", _date_id(p["createdAt"])),
    ]
    table = doc.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(value)
    doc.add_paragraph(GUARDIAN_CONSENT_TEXT)
    doc.add_heading("Prestasi yang tercatat", level=2)
    if not report["achievements"]:
        doc.add_paragraph("Tidak ada.")
    for a in report["achievements"]:
        doc.add_paragraph(
            f"{a['title']} — {a['eventName']}, {_date_id(a['date'])}; tingkat "
            f"{LEVEL_LABEL.get(a['level'], a['level'])}, {RANK_LABEL.get(a['rank'], a['rank'])}; "
            f"status {STATUS_LABEL.get(a['status'], a['status'])}; {a['institution'] or ''}",
            style="List Bullet",
        )
    doc.add_heading("Rilis berita yang menyebut Anda", level=2)
    if not report["pressReleases"]:
        doc.add_paragraph("Tidak ada.")
    for r in report["pressReleases"]:
        doc.add_paragraph(f"{r['title']} (status: {r['status'].lower()})", style="List Bullet")
    doc.add_heading("Untuk apa, siapa yang melihat, berapa lama", level=2)
    doc.add_paragraph(report["purpose"])
    doc.add_paragraph(
        "NIK, tanggal lahir dan nomor telepon hanya terlihat oleh petugas Dinkominfo dan instansi Anda; setiap "
        "pembacaan dicatat. Nama lengkap hanya tampil untuk umum bila ada persetujuan (untuk anak: persetujuan "
        "orang tua/wali); tanpa itu hanya inisial."
    )
    doc.add_paragraph(report["retention"])
    doc.add_heading("Hak Anda", level=2)
    doc.add_paragraph(
        "Anda dapat meminta perbaikan data, mencabut persetujuan publikasi, atau meminta penghapusan data kepada "
        "PPID Dinas Komunikasi dan Informatika Kabupaten Purbalingga. Permintaan dijawab paling lambat 3 x 24 jam "
        "sejak diterima, sebagaimana diatur UU No. 27/2022."
    )
    doc.add_heading("Riwayat pemrosesan", level=2)
    for e in report["auditEvents"]:
        doc.add_paragraph(f"{_date_id(e['at'])}: {e['action']} oleh {e['by'] or 'sistem'}", style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
