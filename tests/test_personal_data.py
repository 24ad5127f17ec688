"""Roles and consent of persons (UU No. 27/2022): who is a minor, who may agree, whose name is public."""

from __future__ import annotations

import datetime as dt

from service.enums import ConsentGiver, InstitutionKind, PersonRole, Role
from service.models import AuditEvent, Person
from service.persons import GUARDIAN_CONSENT_TEXT, is_minor, is_minor_on
from service.text import today_wib
from tests.acceptance.support import gid, payload
from tests.factories import make_achievement, make_institution, make_person, make_user

PERSON_FIELDS = "id name role isMinor publicationConsent consentGivenBy consentRecordedAt birthDate"
CREATE_PERSON = f"""mutation($input: CreatePersonInput!) {{ createPerson(input: $input) {{
  person {{ {PERSON_FIELDS} }} errors {{ field code message }} }} }}"""
NODE_PERSON = f"""query($id: ID!) {{ node(id: $id) {{ ... on Person {{ {PERSON_FIELDS} }} }} }}"""


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = today_wib()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def test_minor_rule_counts_age_and_unknown_pupils():
    today = dt.date(2026, 12, 1)
    assert is_minor_on(dt.date(2008, 12, 2), PersonRole.WARGA, today)  # turns 18 tomorrow
    assert not is_minor_on(dt.date(2008, 12, 1), PersonRole.SISWA, today)  # 18 today
    assert is_minor_on(None, PersonRole.SISWA, today)
    assert not is_minor_on(None, PersonRole.GURU, today)
    # A draft about an achievement uses the age on the achievement's date.
    assert is_minor_on(dt.date(2000, 5, 1), PersonRole.WARGA, dt.date(2017, 8, 17))
    assert not is_minor(Person(name="x", role=PersonRole.WARGA, birth_date=dt.date(2000, 5, 1)))


async def test_minor_with_self_consent_is_refused(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    base = {"name": "Dimas Pratama", "institutionId": gid("Institution", school.id), "publicationConsent": True,
            "birthDate": _years_ago(12).isoformat()}
    refused = payload(await gql(CREATE_PERSON, {"input": {**base, "consentGivenBy": "SELF"}}, login=operator),
                      "createPerson")
    assert refused["person"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("consentGivenBy", "INVALID")]
    assert "orang tua/wali" in refused["errors"][0]["message"]
    # Birth date unknown and a pupil: also a minor.
    unknown = payload(await gql(CREATE_PERSON, {"input": {**base, "birthDate": None, "consentGivenBy": "SELF"}},
                                login=operator), "createPerson")
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("consentGivenBy", "INVALID")]
    assert await Person.all().count() == 0


async def test_defaults_of_role_and_consent_giver(gql):
    school = await make_institution()
    village = await make_institution("Pemerintah Desa Kedungbenda", InstitutionKind.PEMERINTAH_DESA)
    admin = await make_user(Role.ADMIN)
    pupil = payload(await gql(CREATE_PERSON, {"input": {
        "name": "Dimas Pratama", "institutionId": gid("Institution", school.id), "publicationConsent": True,
    }}, login=admin), "createPerson")
    assert pupil["errors"] == []
    p = pupil["person"]
    assert (p["role"], p["isMinor"], p["consentGivenBy"]) == ("SISWA", True, "GUARDIAN")
    assert p["consentRecordedAt"] is not None
    adult = payload(await gql(CREATE_PERSON, {"input": {
        "name": "Sutrisno", "institutionId": gid("Institution", village.id), "publicationConsent": True,
        "birthDate": _years_ago(40).isoformat(),
    }}, login=admin), "createPerson")["person"]
    assert (adult["role"], adult["isMinor"], adult["consentGivenBy"]) == ("WARGA", False, "SELF")
    none = payload(await gql(CREATE_PERSON, {"input": {
        "name": "Wati", "institutionId": gid("Institution", village.id), "publicationConsent": False,
        "role": "ATLET", "consentGivenBy": "SELF",
    }}, login=admin), "createPerson")["person"]
    assert (none["role"], none["consentGivenBy"], none["consentRecordedAt"]) == ("ATLET", None, None)
    event = await AuditEvent.filter(action="person.create").order_by("id").first()
    assert event.after["consentGivenBy"] == "GUARDIAN" and event.after["role"] == "SISWA"


async def test_guardian_consent_shows_a_minors_name_to_the_public(gql):
    school = await make_institution()
    with_guardian = await make_person(school, "Dimas Pratama", role=PersonRole.SISWA,
                                      consent_given_by=ConsentGiver.GUARDIAN, birth_date=_years_ago(12))
    # Stored SELF consent for a minor (e.g. a person whose birth date was corrected): never public.
    self_only = await make_person(school, "Putri Ayu", role=PersonRole.SISWA,
                                  consent_given_by=ConsentGiver.SELF, birth_date=_years_ago(12))
    await make_achievement(school, persons=[with_guardian, self_only])
    shown = (await gql(NODE_PERSON, {"id": gid("Person", with_guardian.id)}))["data"]["node"]
    assert shown["name"] == "Dimas Pratama" and shown["isMinor"] is True and shown["birthDate"] is None
    hidden = (await gql(NODE_PERSON, {"id": gid("Person", self_only.id)}))["data"]["node"]
    assert hidden["name"] == "P. A."


def test_the_guardian_sentence_is_in_the_schema():
    from pathlib import Path

    sdl = (Path(__file__).parent.parent / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert "orang tua/wali telah menyetujui" in GUARDIAN_CONSENT_TEXT
    assert GUARDIAN_CONSENT_TEXT in sdl
