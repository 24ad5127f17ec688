"""Erasure on a data subject's request (UU No. 27/2022): the person's name, NIK, birth date and phone leave
every table except the text of releases already PUBLISHED (public records, flagged for an editor); their
achievements stay, counted, as "(nama dihapus)"."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from tortoise import Tortoise, fields
from tortoise.transactions import in_transaction

from service import audit
from service.errors import Forbidden, Problems, UserErrorCode, UserInputError
from service.models import Person
from service.nik import read_nik
from service.persons import ERASED_NAME
from service.security import Actor
from service.text import required_text

log = logging.getLogger("juara.erasure")

PUBLISHED_RELEASE_REASON = (
    "Orang yang disebut dalam rilis ini meminta datanya dihapus (UU No. 27/2022): koreksi atau arsipkan rilis ini."
)
# Tables whose rows are not free text about anyone (hashes, tokens, codes): never rewritten.
_SKIP_TABLES = {"auth_token", "login_throttle"}


def _text_columns() -> list[tuple[str, str, bool]]:
    """(table, column, is_json) of every text-holding column of every model."""
    out = []
    for app in Tortoise.apps.values():
        for model in app.values():
            meta = model._meta
            if meta.db_table in _SKIP_TABLES:
                continue
            for name, column in meta.fields_db_projection.items():
                fld = meta.fields_map[name]
                if isinstance(fld, fields.data.CharEnumFieldInstance):
                    continue
                if isinstance(fld, fields.CharField | fields.TextField):
                    out.append((meta.db_table, column, False))
                elif isinstance(fld, fields.JSONField):
                    out.append((meta.db_table, column, True))
    return out


def _scope(table: str) -> str:
    """Rows kept as they are: the text of PUBLISHED releases and its history."""
    if table == "press_release":
        return " AND status <> 'PUBLISHED'"
    if table == "press_release_revision":
        return " AND press_release_id NOT IN (SELECT id FROM press_release WHERE status = 'PUBLISHED')"
    return ""


async def scrub_text(needles: list[tuple[str, str]], conn: Any) -> int:
    """Replace each (needle, replacement) in every text column of every table (PUBLISHED releases aside)."""
    from service.db import dialect, sql

    pg = dialect() == "postgres"
    changed = 0
    for table, column, is_json in _text_columns():
        for needle, replacement in needles:
            if not needle:
                continue
            target = f'"{column}"::text' if (pg and is_json) else f'"{column}"'
            value = f"REPLACE({target}, ?, ?)" + ("::jsonb" if (pg and is_json) else "")
            query = (f'UPDATE "{table}" SET "{column}" = {value} '  # noqa: S608 - names from the models
                     f"WHERE {target} LIKE ?{_scope(table)}")
            count = await conn.execute_query(sql(query), [needle, replacement, f"%{needle}%"])
            changed += count[0] if isinstance(count, tuple) else 0
    return changed


async def erase_person(actor: Actor, person_id: int | None, reason: str) -> Person:
    if actor is None or not actor.can_manage:
        raise Forbidden()
    problems = Problems()
    reason_clean = required_text(problems, "reason", "Alasan penghapusan", reason, 500)
    problems.raise_if_any()
    person = await Person.filter(id=person_id, erased_at__isnull=True).first() if person_id else None
    if person is None:
        raise UserInputError.one("id", UserErrorCode.NOT_FOUND, "Orang tidak ditemukan atau datanya sudah dihapus.")
    name, nik, phone = person.name, read_nik(person), person.phone
    birth = person.birth_date
    needles = [(name, ERASED_NAME)] + [(v, "") for v in (nik, phone) if v]
    if birth is not None:
        # The birth date in the spellings a text would use.
        needles += [(birth.isoformat(), ""), (birth.strftime("%d-%m-%Y"), ""), (birth.strftime("%d/%m/%Y"), "")]
    stamp = dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        await Person.filter(id=person.id).using_db(conn).update(
            name=ERASED_NAME, nik_encrypted=None, nik_hash=None, birth_date=None, phone=None,
            publication_consent=False, consent_given_by=None, consent_recorded_at=None, erased_at=stamp,
        )
        from service.press.lifecycle import person_changed

        counts = await person_changed(person.id, actor, conn, reason=PUBLISHED_RELEASE_REASON,
                                      old_names=[name], replacement=ERASED_NAME)
        await scrub_text(needles, conn)
        safe_reason = reason_clean or ""
        for needle, replacement in needles:
            safe_reason = safe_reason.replace(needle, replacement or "…")
        await audit.record(
            actor, "person.erase", "Person", person.id,
            after={"reason": safe_reason, "erasedAt": stamp, "draftsRegenerated": counts["regenerated"],
                   "publishedReleasesFlagged": counts["flagged"]},
            connection=conn,
        )
        person = await Person.get(id=person.id).using_db(conn)
    log.info("person erased", extra={"person_id": person.id, "flagged": counts["flagged"]})
    return person
