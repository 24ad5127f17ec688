"""The life of a press release: drafting, edits with revisions and optimistic locking, status moves, roundups."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from service import audit
from service.accounts import valid_initials
from service.clock import now
from service.config import get_settings
from service.db import batches, execute, execute_batch
from service.directory import category_with_descendants
from service.enums import (
    LEVEL_ORDER,
    AchievementLevel,
    AchievementStatus,
    InstitutionKind,
    PressReleaseStatus,
)
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import (
    Achievement,
    AchievementPerson,
    Category,
    Desa,
    Institution,
    Kecamatan,
    Person,
    PressRelease,
    PressReleaseRevision,
    User,
)
from service.persons import ERASED_NAME, consent_values_public
from service.press import language as lang
from service.press.history import history_for
from service.press.render import (
    ROUNDUP_VARIANTS,
    AchievementFacts,
    Draft,
    PersonFacts,
    render_draft,
    render_roundup,
    roundup_item,
    roundup_variant,
)
from service.security import Actor
from service.text import clean

log = logging.getLogger("juara.press")

EDITABLE = (PressReleaseStatus.DRAFT, PressReleaseStatus.IN_REVIEW)
TRANSITIONS: dict[PressReleaseStatus, frozenset[PressReleaseStatus]] = {
    PressReleaseStatus.DRAFT: frozenset({PressReleaseStatus.IN_REVIEW, PressReleaseStatus.PUBLISHED}),
    PressReleaseStatus.IN_REVIEW: frozenset({PressReleaseStatus.DRAFT, PressReleaseStatus.PUBLISHED}),
    PressReleaseStatus.PUBLISHED: frozenset({PressReleaseStatus.ARCHIVED}),
    PressReleaseStatus.ARCHIVED: frozenset({PressReleaseStatus.DRAFT}),
}
STATUS_LABEL = {
    PressReleaseStatus.DRAFT: "draf",
    PressReleaseStatus.IN_REVIEW: "dalam tinjauan",
    PressReleaseStatus.PUBLISHED: "terbit",
    PressReleaseStatus.ARCHIVED: "diarsipkan",
}
MAX_TITLE = 300
MAX_BODY = 50_000
MAX_ROUNDUP_ACHIEVEMENTS = 100
MAX_ROUNDUP_DAYS = 366
BULK_CONTEXT_LIMIT = 2000
SLOT = "[["
BYLINE = re.compile(r"\(([A-Z]{2,4})/Kominfo\)")

AUDIT_FIELDS = ["achievement_id", "title", "status", "version", "template", "needs_review_reason", "published_at"]


def _require_editor(actor: Actor | None) -> None:
    if actor is None or not actor.can_edit_press:
        raise Forbidden("Hanya editor IKP atau administrator yang dapat mengelola rilis berita.")


# --- facts from the database --------------------------------------------------------------------


# The birth date is read only to decide whether a minor's name may be printed on the achievement's date.
class _Named(NamedTuple):
    """A row of reference data as the facts read it: its name and one more column (an institution's kind,
    a category's slug)."""

    name: str
    detail: Any


# Drafts of up to this many achievements read their reference data in one batch inside the transaction.
_BATCHED_FACTS = 50

_PERSON_FIELDS = ("id", "name", "publication_consent", "role", "consent_given_by", "birth_date", "erased_at")


async def facts_for(
    achievements: list[Achievement], conn: Any = None, *, with_context: bool = True
) -> list[AchievementFacts]:
    """The plain facts of several achievements, in a fixed number of queries (not one per row).

    With `with_context`, each also gets its sentences of context from verified history (history.py).
    Long on purpose: one bulk read per table, then one pass that assembles the facts; split, the
    lookups would have to travel between the parts."""
    if not achievements:
        return []
    ids = [a.id for a in achievements]
    inst_ids = sorted({a.institution_id for a in achievements})
    cat_ids = sorted({a.category_id for a in achievements} | {a.category_root_id for a in achievements})
    kec_ids = sorted({a.kecamatan_id for a in achievements if a.kecamatan_id})
    desa_ids = sorted({a.desa_id for a in achievements if a.desa_id})
    institutions: dict[int, _Named]
    categories: dict[int, _Named]
    if conn is not None and batches(conn) and len(achievements) <= _BATCHED_FACTS:
        # A verification's draft, inside its write transaction: the reads travel together.
        def among(column: str, keys: list[int]) -> str:
            return f"{column} IN ({', '.join('?' for _ in keys)})" if keys else "1 = 0"

        inst_rows, cat_rows, kec_rows, desa_rows, links = await execute_batch(conn, [
            (f"SELECT id, name, kind FROM institution WHERE {among('id', inst_ids)}", inst_ids),
            (f"SELECT id, name, slug FROM category WHERE {among('id', cat_ids)}", cat_ids),
            (f"SELECT id, name FROM kecamatan WHERE {among('id', kec_ids)}", kec_ids),
            (f"SELECT id, name FROM desa WHERE {among('id', desa_ids)}", desa_ids),
            (f"SELECT achievement_id, person_id FROM achievement_person WHERE {among('achievement_id', ids)} "
             "ORDER BY id", ids),
        ])
        institutions = {r[0]: _Named(r[1], InstitutionKind(r[2])) for r in inst_rows}
        categories = {r[0]: _Named(r[1], r[2]) for r in cat_rows}
        kecamatan = {r[0]: r[1] for r in kec_rows}
        desa = {r[0]: r[1] for r in desa_rows}
        links = [(r[0], r[1]) for r in links]
    else:
        institutions = {i.id: _Named(i.name, InstitutionKind(i.kind))
                        for i in await Institution.filter(id__in=inst_ids).using_db(conn)}
        categories = {c.id: _Named(c.name, c.slug) for c in await Category.filter(id__in=cat_ids).using_db(conn)}
        kecamatan = {k.id: k.name for k in await Kecamatan.filter(id__in=kec_ids).using_db(conn)} if kec_ids else {}
        desa = {d.id: d.name for d in await Desa.filter(id__in=desa_ids).using_db(conn)} if desa_ids else {}
        links = list(await AchievementPerson.filter(achievement_id__in=ids).using_db(conn).order_by("id").values_list(
            "achievement_id", "person_id"
        ))
    # Only the name, the role and whether the name is public reach a template: NIK, birth date and phone never do.
    persons = {
        row[0]: row[1:] for row in await Person.filter(
            id__in={pid for _, pid in links}
        ).using_db(conn).values_list(*_PERSON_FIELDS)
    } if links else {}
    by_achievement: dict[int, list[PersonFacts]] = defaultdict(list)
    person_links: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    dates = {a.id: a.date for a in achievements}
    for aid, pid in links:
        if pid in persons:
            name, consent, role, giver, birth_date, erased_at = persons[pid]
            role_value = str(getattr(role, "value", role)) if role else None
            if erased_at is not None:
                # Erased on request: counted, never named, and no history about them.
                by_achievement[aid].append(PersonFacts(name=ERASED_NAME, consent=True, role=role_value))
                person_links[aid].append((pid, ERASED_NAME, False))
                continue
            public = consent_values_public(
                bool(consent), str(getattr(giver, "value", giver)) if giver else None, birth_date, role_value,
                dates[aid])
            by_achievement[aid].append(PersonFacts(name=name, consent=public, role=role_value))
            person_links[aid].append((pid, name, public))
    context: dict[int, tuple[str, ...]] = {}
    if with_context:
        context = await history_for(achievements, person_links, {
            a.id: (institutions[a.institution_id].name, kecamatan.get(a.kecamatan_id) if a.kecamatan_id is not None else None)
            for a in achievements
        }, conn)
    out = []
    for a in achievements:
        inst = institutions[a.institution_id]
        category = categories[a.category_id]
        root = categories.get(a.category_root_id, category)
        out.append(AchievementFacts(
            key=a.id,
            title=a.title,
            event_name=a.event_name,
            organizer=a.organizer,
            level=AchievementLevel(a.level),
            rank=a.rank,
            rank_label=a.rank_label,
            date=a.date,
            location=a.location,
            description=a.description,
            institution_name=inst.name,
            institution_kind=inst.detail,
            category_name=category.name,
            category_slug=category.detail,
            category_root_name=root.name,
            category_root_slug=root.detail,
            kecamatan=kecamatan.get(a.kecamatan_id) if a.kecamatan_id is not None else None,
            desa=desa.get(a.desa_id) if a.desa_id is not None else None,
            persons=tuple(by_achievement.get(a.id, ())),
            context=context.get(a.id, ()),
        ))
    return out


async def editor_initials(actor: Actor | None, conn: Any = None) -> str:
    """The byline: the acting editor's initials, else the desk's (JUARA_PRESS_INITIALS); never 'XX'."""
    desk = get_settings().press_initials
    if actor is None or not actor.can_edit_press:
        return desk
    user = await User.filter(id=actor.user_id).using_db(conn).first()
    initials = user.initials if user else ""
    return initials if valid_initials(initials) else desk


# --- drafting -------------------------------------------------------------------------------------


async def _create(actor: Actor | None, draft: Draft, conn: Any, *, achievement_id: int | None,
                  roundup_filter: dict | None = None, action: str) -> PressRelease:
    release = await PressRelease.create(
        achievement_id=achievement_id,
        title=draft.title[:MAX_TITLE],
        body=draft.body,
        template=draft.template,
        roundup_filter=roundup_filter,
        created_by_id=actor.user_id if actor else None,
        using_db=conn,
    )
    await audit.record(actor, action, "PressRelease", release.id,
                       after=audit.snapshot(release, AUDIT_FIELDS), connection=conn)
    log.info("press release drafted", extra={"release_id": release.id, "template": draft.template})
    return release


async def draft_on_verification(achievement: Achievement, actor: Actor | None, conn: Any) -> PressRelease:
    """The DRAFT release generated when an achievement is verified, inside the verification transaction."""
    facts = (await facts_for([achievement], conn))[0]
    draft = render_draft(facts, None, await editor_initials(actor, conn))
    return await _create(actor, draft, conn, achievement_id=achievement.id, action="press_release.generate")


async def draft_many_on_verification(
    achievements: list[Achievement], actor: Actor | None, conn: Any
) -> list[PressRelease]:
    """Drafts for many verified achievements at once (seeding, imports): bulk facts, one insert, one audit event."""
    if not achievements:
        return []
    initials = await editor_initials(actor, conn)
    rows = []
    # Context reads the verified history of the batch's institutions: worth it for imports and the demo,
    # skipped for the million-row benchmark seeds.
    for facts in await facts_for(achievements, conn, with_context=len(achievements) <= BULK_CONTEXT_LIMIT):
        draft = render_draft(facts, None, initials)
        rows.append(PressRelease(
            achievement_id=facts.key, title=draft.title[:MAX_TITLE], body=draft.body, template=draft.template,
            created_by_id=actor.user_id if actor else None,
        ))
    await PressRelease.bulk_create(rows, batch_size=500, using_db=conn)
    await audit.record(actor, "press_release.generate_many", "PressRelease", None,
                       after={"achievement_ids": [a.id for a in achievements]}, connection=conn)
    log.info("press releases drafted in bulk", extra={"count": len(rows)})
    return rows


async def generate_press_release(actor: Actor, achievement_id: int, template: str | None = None) -> PressRelease:
    """Another draft for a VERIFIED achievement, optionally from a named template ('perorangan/2')."""
    _require_editor(actor)
    requested = clean(template)
    async with in_transaction() as conn:
        achievement = await Achievement.filter(id=achievement_id).using_db(conn).first()
        if achievement is None:
            raise UserInputError.one("achievementId", UserErrorCode.NOT_FOUND, "Prestasi tidak ditemukan.")
        if achievement.status != AchievementStatus.VERIFIED:
            raise UserInputError.one(
                "achievementId", UserErrorCode.INVALID,
                "Rilis berita hanya dapat dibuat untuk prestasi yang sudah terverifikasi.",
            )
        facts = (await facts_for([achievement], conn))[0]
        draft = render_draft(facts, requested, await editor_initials(actor, conn))
        return await _create(actor, draft, conn, achievement_id=achievement.id, action="press_release.generate")


async def archive_published_releases(achievement_id: int, reason: str, conn: Any, actor: Actor | None = None) -> int:
    """A withdrawn verification: every PUBLISHED release of the achievement is ARCHIVED (no longer public) and
    flagged, with an audit event each, in the caller's transaction."""
    published = await PressRelease.filter(
        achievement_id=achievement_id, status=PressReleaseStatus.PUBLISHED
    ).using_db(conn)
    for release in published:
        before = audit.snapshot(release, AUDIT_FIELDS)
        await PressRelease.filter(id=release.id).using_db(conn).update(
            status=PressReleaseStatus.ARCHIVED, needs_review_reason=reason[:300], updated_at=now(),
            version=release.version + 1,
        )
        updated = await PressRelease.get(id=release.id, using_db=conn)
        await audit.record(
            actor, "press_release.archive_on_withdrawal", "PressRelease", release.id,
            before=before, after=audit.snapshot(updated, AUDIT_FIELDS), connection=conn,
        )
    return len(published)


async def flag_releases(achievement_id: int, reason: str, conn: Any) -> int:
    """Mark every release of an achievement for review after a correction or a withdrawn verification."""
    return await PressRelease.filter(achievement_id=achievement_id).using_db(conn).update(
        needs_review_reason=reason[:300]
    )


async def person_changed(person_id: int, actor: Actor | None, conn: Any, *, reason: str,
                         old_names: list[str] | None = None, replacement: str | None = None) -> dict[str, int]:
    """After a person's name or consent changed (or the person was erased): the DRAFT and IN_REVIEW releases
    of their achievements are regenerated from the current facts, a roundup's text loses the old name, and a
    PUBLISHED release that named them is flagged for review (its text, a public record, stays)."""
    achievement_ids = await AchievementPerson.filter(person_id=person_id).using_db(conn).values_list(
        "achievement_id", flat=True)
    names = [n for n in (old_names or []) if n]
    counts = {"regenerated": 0, "scrubbed": 0, "flagged": 0}
    if achievement_ids:
        achievements = await Achievement.filter(id__in=list(achievement_ids)).using_db(conn)
        facts = {f.key: f for f in await facts_for(achievements, conn)}
        initials = await editor_initials(actor, conn)
        for release in await PressRelease.filter(
            achievement_id__in=list(achievement_ids), status__in=EDITABLE
        ).using_db(conn):
            assert release.achievement_id is not None  # filtered on it above
            fact = facts[release.achievement_id]
            try:
                draft = render_draft(fact, release.template, initials)
            except UserInputError:
                draft = render_draft(fact, None, initials)
            await _replace_text(release, draft.title[:MAX_TITLE], draft.body, actor, conn)
            counts["regenerated"] += 1
    if names:
        # Roundups and other editable texts: the old name gives way to what may be printed now.
        mentions = Q(title__contains=names[0]) | Q(body__contains=names[0])
        for name in names[1:]:
            mentions |= Q(title__contains=name) | Q(body__contains=name)
        for release in await PressRelease.filter(mentions, status__in=EDITABLE).using_db(conn):
            title, body = release.title, release.body
            for name in names:
                title, body = title.replace(name, replacement or ""), body.replace(name, replacement or "")
            if (title, body) != (release.title, release.body):
                await _replace_text(release, title[:MAX_TITLE], body, actor, conn)
                counts["scrubbed"] += 1
        counts["flagged"] = await PressRelease.filter(
            mentions, status=PressReleaseStatus.PUBLISHED
        ).using_db(conn).update(needs_review_reason=reason[:300])
    return counts


async def _replace_text(release: PressRelease, title: str, body: str, actor: Actor | None, conn: Any) -> None:
    if (title, body) == (release.title, release.body):
        return
    await PressRelease.filter(id=release.id).using_db(conn).update(
        title=title, body=body, version=F("version") + 1, updated_at=now())
    await audit.record(actor, "press_release.regenerate", "PressRelease", release.id,
                       before={"version": release.version}, after={"version": release.version + 1},
                       connection=conn)


# --- editing --------------------------------------------------------------------------------------


@dataclass
class ReleaseEdit:
    title: str | None = None
    body: str | None = None
    # The editor has checked the release against the corrected achievement: clear the review flag.
    acknowledge_review: bool = False


def _validate_edit(edit: ReleaseEdit) -> dict[str, Any]:
    problems = Problems()
    values: dict[str, Any] = {}
    if edit.title is not None:
        title = clean(edit.title)
        if not title:
            problems.add("title", UserErrorCode.REQUIRED, "Judul rilis wajib diisi.")
        elif len(title) > MAX_TITLE:
            problems.add("title", UserErrorCode.TOO_LARGE, f"Judul rilis terlalu panjang (maksimal {MAX_TITLE} karakter).")
        else:
            values["title"] = title
    if edit.body is not None:
        body = clean(edit.body, multiline=True)
        if not body:
            problems.add("body", UserErrorCode.REQUIRED, "Isi rilis wajib diisi.")
        elif len(body) > MAX_BODY:
            problems.add("body", UserErrorCode.TOO_LARGE, f"Isi rilis terlalu panjang (maksimal {MAX_BODY} karakter).")
        else:
            values["body"] = body.replace("\r\n", "\n") + "\n"
    if not values and not edit.acknowledge_review and not problems.items:
        problems.add(None, UserErrorCode.REQUIRED, "Tidak ada perubahan: isi judul atau isi rilis yang baru.")
    problems.raise_if_any()
    return values


async def _stale_error(release_id: int, expected_version: int, conn: Any) -> UserInputError:
    """Why a conditional write touched no row: gone, in a state that forbids it, or edited meanwhile."""
    current = await PressRelease.filter(id=release_id).using_db(conn).first()
    if current is None:
        return UserInputError.one("id", UserErrorCode.NOT_FOUND, "Rilis berita tidak ditemukan.")
    if current.version != expected_version:
        return UserInputError.one(
            "expectedVersion", UserErrorCode.VERSION_CONFLICT,
            f"Rilis ini baru saja diubah orang lain (versi sekarang {current.version}). "
            "Muat ulang, lalu terapkan kembali perubahan Anda.",
        )
    return UserInputError.one(
        None, UserErrorCode.INVALID_TRANSITION,
        f"Rilis berstatus {STATUS_LABEL[PressReleaseStatus(current.status)]} tidak dapat diubah; "
        "kembalikan ke draf terlebih dahulu.",
    )


async def update_press_release(actor: Actor, release_id: int, expected_version: int, edit: ReleaseEdit) -> PressRelease:
    """Save an edit only if nobody saved one since `expected_version`; the replaced text becomes a revision."""
    _require_editor(actor)
    values = _validate_edit(edit)
    if edit.acknowledge_review:
        values["needs_review_reason"] = None
    try:
        return await _save_edit(actor, release_id, expected_version, edit, values)
    except IntegrityError:
        # Two edits of the same version raced to file the same revision number: the loser is stale.
        raise UserInputError.one(
            "expectedVersion", UserErrorCode.VERSION_CONFLICT,
            "Rilis ini baru saja diubah orang lain. Muat ulang, lalu terapkan kembali perubahan Anda.",
        ) from None


async def _save_edit(
    actor: Actor, release_id: int, expected_version: int, edit: ReleaseEdit, values: dict[str, Any]
) -> PressRelease:
    stamp = now()
    revision_created = PressReleaseRevision._meta.fields_map["created_at"].to_db_value(stamp, PressReleaseRevision)
    async with in_transaction() as conn:
        if edit.acknowledge_review:
            achievement = await Achievement.filter(press_releases__id=release_id).using_db(conn).first()
            if achievement is not None and achievement.status != AchievementStatus.VERIFIED:
                raise UserInputError.one(
                    "acknowledgeReview", UserErrorCode.INVALID,
                    "Verifikasi prestasi ini telah dicabut; tanda tinjau ulang tidak dapat dihapus.",
                )
        # Copy the current text into a revision and replace it, both conditional on the version the editor
        # loaded: a concurrent save changes the version, so this edit touches nothing and rolls back.
        await execute(
            "INSERT INTO press_release_revision (press_release_id, version, title, body, editor_id, created_at) "
            "SELECT id, version, title, body, ?, ? FROM press_release WHERE id = ? AND version = ? AND status IN (?, ?)",
            [actor.user_id, revision_created, release_id, expected_version, *[s.value for s in EDITABLE]],
            connection=conn,
        )
        changed = await PressRelease.filter(
            id=release_id, version=expected_version, status__in=EDITABLE
        ).using_db(conn).update(**values, version=F("version") + 1, updated_at=stamp)
        if changed != 1 or not await PressReleaseRevision.filter(
            press_release_id=release_id, version=expected_version
        ).using_db(conn).exists():
            raise await _stale_error(release_id, expected_version, conn)
        release = await PressRelease.get(id=release_id, using_db=conn)
        await audit.record(
            actor, "press_release.update", "PressRelease", release_id,
            before={"version": expected_version}, after=audit.snapshot(release, AUDIT_FIELDS), connection=conn,
        )
    return release


async def set_press_release_status(actor: Actor, release_id: int, target: PressReleaseStatus) -> PressRelease:
    """DRAFT ⇄ IN_REVIEW, DRAFT/IN_REVIEW → PUBLISHED, PUBLISHED → ARCHIVED, ARCHIVED → DRAFT."""
    _require_editor(actor)
    target = PressReleaseStatus(target)
    async with in_transaction() as conn:
        release = await PressRelease.filter(id=release_id).using_db(conn).first()
        if release is None:
            raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Rilis berita tidak ditemukan.")
        current = PressReleaseStatus(release.status)
        if target not in TRANSITIONS[current]:
            raise UserInputError.one(
                "status", UserErrorCode.INVALID_TRANSITION,
                f"Status rilis tidak dapat diubah dari {STATUS_LABEL[current]} menjadi {STATUS_LABEL[target]}.",
            )
        if target == PressReleaseStatus.PUBLISHED:
            await _check_publishable(release, conn)
        extra: dict[str, Any] = {}
        if target == PressReleaseStatus.PUBLISHED:
            extra["published_at"] = now()
        elif target == PressReleaseStatus.DRAFT:
            extra["published_at"] = None
        # Conditional on the state and version just checked: an edit saved meanwhile (say, one that puts a
        # [[ slot ]] back) makes this touch nothing.
        changed = await PressRelease.filter(
            id=release_id, status=current, version=release.version
        ).using_db(conn).update(status=target, updated_at=now(), **extra)
        if changed != 1:
            raise UserInputError.one(
                None, UserErrorCode.VERSION_CONFLICT,
                "Rilis ini baru saja diubah orang lain. Muat ulang, lalu ulangi perubahan status.",
            )
        updated = await PressRelease.get(id=release_id, using_db=conn)
        await audit.record(
            actor, "press_release.status", "PressRelease", release_id,
            before=audit.snapshot(release, AUDIT_FIELDS), after=audit.snapshot(updated, AUDIT_FIELDS),
            connection=conn,
        )
    return updated


async def _check_publishable(release: PressRelease, conn: Any) -> None:
    problems = Problems()
    for field_name, text in (("title", release.title), ("body", release.body)):
        if SLOT in text:
            problems.add(
                field_name, UserErrorCode.INVALID,
                "Rilis belum dapat diterbitkan: masih ada bagian bertanda [[ … ]] pada "
                f"{'judul' if field_name == 'title' else 'isi'} yang harus dilengkapi atau dihapus.",
            )
    bylines = BYLINE.findall(release.body)
    if not bylines or any(b == "XX" for b in bylines):
        problems.add("body", UserErrorCode.INVALID,
                     "Rilis belum dapat diterbitkan: tulis inisial penulis pada akhir isi, misalnya (LPU/Kominfo); "
                     "(XX/Kominfo) tidak diterima.")
    if release.needs_review_reason:
        problems.add(None, UserErrorCode.INVALID,
                     f"Rilis belum dapat diterbitkan: {release.needs_review_reason}")
    achievement_id = release.achievement_id
    if achievement_id is not None:
        achievement = await Achievement.filter(id=achievement_id).using_db(conn).first()
        if achievement is None or achievement.status != AchievementStatus.VERIFIED:
            problems.add(None, UserErrorCode.INVALID,
                         "Rilis belum dapat diterbitkan: prestasinya tidak lagi berstatus terverifikasi.")
    problems.raise_if_any()


async def revisions_of(release_ids: list[int]) -> dict[int, list[PressReleaseRevision]]:
    rows = await PressReleaseRevision.filter(press_release_id__in=release_ids).order_by("-version")
    out: dict[int, list[PressReleaseRevision]] = defaultdict(list)
    for row in rows:
        out[row.press_release_id].append(row)
    return out


# --- roundups -------------------------------------------------------------------------------------


@dataclass
class RoundupFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kecamatan_id: int | None = None
    category_id: int | None = None


async def _validate_roundup(flt: RoundupFilter) -> tuple[Kecamatan | None, Category | None]:
    problems = Problems()
    if flt.date_from is None:
        problems.add("dateFrom", UserErrorCode.REQUIRED, "Tanggal awal rekap wajib diisi.")
    if flt.date_to is None:
        problems.add("dateTo", UserErrorCode.REQUIRED, "Tanggal akhir rekap wajib diisi.")
    if flt.date_from and flt.date_to:
        if flt.date_from > flt.date_to:
            problems.add("dateTo", UserErrorCode.INVALID, "Tanggal akhir rekap tidak boleh sebelum tanggal awal.")
        elif (flt.date_to - flt.date_from).days >= MAX_ROUNDUP_DAYS:
            problems.add("dateTo", UserErrorCode.INVALID, "Rentang rekap paling lama satu tahun.")
    kecamatan = category = None
    if flt.kecamatan_id is not None:
        kecamatan = await Kecamatan.filter(id=flt.kecamatan_id).first()
        if kecamatan is None:
            problems.add("kecamatanId", UserErrorCode.NOT_FOUND, "Kecamatan tidak ditemukan.")
    if flt.category_id is not None:
        category = await Category.filter(id=flt.category_id).first()
        if category is None:
            problems.add("categoryId", UserErrorCode.NOT_FOUND, "Kategori tidak ditemukan.")
    problems.raise_if_any()
    return kecamatan, category


def _level_summary(levels: list[AchievementLevel], count: int) -> str:
    tally: dict[AchievementLevel, int] = defaultdict(int)
    for level in levels:
        tally[level] += 1
    ordered = sorted(tally, key=LEVEL_ORDER.index, reverse=True)
    if len(ordered) == 1:
        who = "Seluruhnya" if count > 1 else "Prestasi tersebut"
        return f"{who} merupakan prestasi {lang.level_phrase(ordered[0])}."
    parts = [f"{lang.number_word(tally[level])} prestasi {lang.level_phrase(level)}" for level in ordered]
    return f"Prestasi tersebut terdiri atas {lang.join_names(parts)}."


def roundup_context(
    facts: list[AchievementFacts], flt: RoundupFilter, kecamatan: str | None, category: Category | None,
    byline: str,
) -> dict[str, Any]:
    """Groups by field when the roundup spans fields, else by level, highest first."""
    assert flt.date_from is not None and flt.date_to is not None
    groups: dict[str, list[AchievementFacts]] = defaultdict(list)
    if category is None:
        for f in facts:
            groups[lang.ucfirst(lang.field_phrase(f.category_root_name))].append(f)
        ordered = sorted(groups, key=lambda label: (-len(groups[label]), label))
    else:
        by_level: dict[AchievementLevel, list[AchievementFacts]] = defaultdict(list)
        for f in facts:
            by_level[f.level].append(f)
        ordered = []
        for level in sorted(by_level, key=LEVEL_ORDER.index, reverse=True):
            label = lang.ucfirst(lang.level_phrase(level))
            groups[label] = by_level[level]
            ordered.append(label)
    period = lang.period_phrase(flt.date_from, flt.date_to)
    whole_month = period == lang.month_year(flt.date_from)
    scope_phrase = ""
    if kecamatan:
        scope_phrase += f" dari Kecamatan {kecamatan}"
    if category is not None:
        scope_phrase += f" di bidang {lang.field_phrase(category.name)}"
    return {
        "count": len(facts),
        "period": period,
        "period_headline": f"Sepanjang {period}" if whole_month else f"Periode {period}",
        "period_lead": f"sepanjang {period}" if whole_month else f"pada periode {period}",
        "scope": {"kecamatan": kecamatan, "category": category.name if category is not None else None},
        "scope_phrase": scope_phrase,
        "level_summary": _level_summary([f.level for f in facts], len(facts)),
        "groups": [{"label": label, "entries": [roundup_item(f) for f in groups[label]]} for label in ordered],
        "byline": byline,
    }


async def generate_roundup(actor: Actor, flt: RoundupFilter, variant: int | None = None) -> PressRelease:
    """One draft covering the VERIFIED achievements of a window, optionally of one kecamatan or category."""
    _require_editor(actor)
    if variant is not None and not 1 <= variant <= ROUNDUP_VARIANTS:
        raise UserInputError.one("variant", UserErrorCode.INVALID, f"Varian rekap hanya 1 sampai {ROUNDUP_VARIANTS}.")
    kecamatan, category = await _validate_roundup(flt)
    qs = Achievement.filter(status=AchievementStatus.VERIFIED, date__gte=flt.date_from, date__lte=flt.date_to)
    if kecamatan is not None:
        qs = qs.filter(kecamatan_id=kecamatan.id)
    if category is not None:
        qs = qs.filter(category_id__in=await category_with_descendants(category.id))
    async with in_transaction() as conn:
        count = await qs.using_db(conn).count()
        if count == 0:
            raise UserInputError.one(
                None, UserErrorCode.NOT_FOUND,
                "Tidak ada prestasi terverifikasi pada rentang tanggal dan pilihan ini; ubah filternya.",
            )
        if count > MAX_ROUNDUP_ACHIEVEMENTS:
            raise UserInputError.one(
                None, UserErrorCode.TOO_LARGE,
                f"Terlalu banyak prestasi ({count}) untuk satu rilis rekap (maksimal {MAX_ROUNDUP_ACHIEVEMENTS}); "
                "persempit rentang tanggal atau pilih kecamatan/kategori.",
            )
        rows = await qs.using_db(conn).order_by("-level_order", "date", "id")
        facts = await facts_for(rows, conn, with_context=False)
        context = roundup_context(facts, flt, kecamatan.name if kecamatan else None, category,
                                  await editor_initials(actor, conn))
        assert flt.date_from is not None
        key = flt.date_from.toordinal() + (flt.kecamatan_id or 0) + (flt.category_id or 0)
        draft = render_roundup(context, roundup_variant(key, variant))
        snapshot = {
            "dateFrom": flt.date_from.isoformat(), "dateTo": flt.date_to.isoformat() if flt.date_to else None,
            "kecamatanId": flt.kecamatan_id, "categoryId": flt.category_id, "achievementIds": [r.id for r in rows],
        }
        return await _create(actor, draft, conn, achievement_id=None, roundup_filter=snapshot,
                             action="press_release.generate_roundup")
