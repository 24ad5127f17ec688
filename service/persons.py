"""Rules about persons under UU No. 27/2022: roles, who is a minor, and whose name may be published."""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.enums import ConsentGiver, InstitutionKind, PersonRole
from service.text import today_wib

ADULT_AGE = 18
# What stands where the name of a person erased on request stood.
ERASED_NAME = "(nama dihapus)"

# The one sentence that says what ticking consent for a child means; the API, the import template and the
# console all show this text.
GUARDIAN_CONSENT_TEXT = (
    "Untuk anak di bawah 18 tahun, mencentang persetujuan berarti orang tua/wali telah menyetujui "
    "nama anak dipublikasikan."
)

# How drafts speak of a person of each role.
ROLE_LABELS: dict[PersonRole, str] = {
    PersonRole.SISWA: "siswa",
    PersonRole.MAHASISWA: "mahasiswa",
    PersonRole.GURU: "guru",
    PersonRole.PEGAWAI: "pegawai",
    PersonRole.ATLET: "atlet",
    PersonRole.WARGA: "warga",
    PersonRole.LAINNYA: "warga",
}


def default_role(institution_kind: InstitutionKind | str | None) -> PersonRole:
    """SISWA for a person of a school, WARGA otherwise (the default of the contract)."""
    return PersonRole.SISWA if institution_kind == InstitutionKind.SEKOLAH else PersonRole.WARGA


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_minor_on(birth_date: dt.date | None, role: PersonRole | str | None, on: dt.date) -> bool:
    """Under 18 on the given date; a pupil whose birth date is unknown counts as a minor."""
    if birth_date is None:
        return role == PersonRole.SISWA
    return age_on(birth_date, on) < ADULT_AGE


def is_minor(person: Any, on: dt.date | None = None) -> bool:
    """Whether a person (anything with `birth_date` and `role`) is a minor today, or on `on`."""
    return is_minor_on(person.birth_date, person.role, on or today_wib())


def default_consent_giver(minor: bool) -> ConsentGiver:
    """With consent given and no giver named: GUARDIAN for a minor (the operator confirms that a parent or
    guardian agreed), SELF otherwise."""
    return ConsentGiver.GUARDIAN if minor else ConsentGiver.SELF


def consent_is_valid(publication_consent: bool, giver: ConsentGiver | str | None, minor: bool) -> bool:
    """A minor's name is public only with a guardian's consent."""
    if not publication_consent:
        return True
    return not (minor and giver != ConsentGiver.GUARDIAN)


def consent_giver_for(problems: Any, publication_consent: bool, given: ConsentGiver | None,
                      minor: bool) -> ConsentGiver | None:
    """The giver to store (default when not named); a minor with SELF consent is a problem on consentGivenBy."""
    from service.errors import UserErrorCode

    if not publication_consent:
        return None
    giver = given or default_consent_giver(minor)
    if not consent_is_valid(True, giver, minor):
        problems.add(
            "consentGivenBy", UserErrorCode.INVALID,
            "Orang ini belum berusia 18 tahun: persetujuan publikasi harus dari orang tua/wali (GUARDIAN).",
        )
    return giver


def name_is_public(person: Any) -> bool:
    """Whether anyone may read the person's full name: consent given, and by a guardian for a minor.

    A person erased on request has no name left to publish."""
    if not getattr(person, "publication_consent", False) or getattr(person, "erased_at", None) is not None:
        return False
    return consent_is_valid(True, person.consent_given_by, is_minor(person))


def consent_values_public(publication_consent: bool, giver: str | None, birth_date: dt.date | None,
                          role: str | None, today: dt.date | None = None) -> bool:
    """`name_is_public` for plain column values (bulk readers that do not build model objects)."""
    if not publication_consent:
        return False
    return consent_is_valid(True, giver, is_minor_on(birth_date, role, today or today_wib()))


async def record_personal_data_reads(actor: Any, fields: dict[int, list[str]], *, via: str,
                                     connection: Any = None) -> None:
    """Audit events for reads of NIK, birth date or phone: who (the actor), whose (the person), when, which
    fields and through what (api, export); never the values."""
    if not fields:
        return
    from service.models import AuditEvent

    await AuditEvent.bulk_create([
        AuditEvent(
            actor_id=actor.user_id if actor else None, actor_username=actor.username if actor else None,
            action="person.personal_data_read", target_type="Person", target_id=str(pid),
            after={"fields": sorted(set(names)), "via": via},
        ) for pid, names in fields.items()
    ], using_db=connection)
