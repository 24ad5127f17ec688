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


# --- updatePerson and withdrawal ---------------------------------------------------------------

UPDATE_PERSON = f"""mutation($id: ID!, $input: UpdatePersonInput!) {{ updatePerson(id: $id, input: $input) {{
  person {{ {PERSON_FIELDS} }} errors {{ field code message }} }} }}"""
GENERATE = """mutation($id: ID!) { generatePressRelease(achievementId: $id) {
  pressRelease { id body } errors { code message } } }"""
PUBLIC_LIST = """query($search: String) { achievements(first: 20, filter: {search: $search}) {
  totalCount edges { node { title persons { name } } } } }"""
STATS = "{ stats { total topInstitutions { institution { name } count points } } }"


async def _named_world(gql, name: str = "Dimas Pratama"):
    """A pupil with a guardian's consent in a verified achievement with a draft and a published release."""
    from service.enums import PressReleaseStatus
    from service.models import PressRelease

    school = await make_institution()
    person = await make_person(school, name, role=PersonRole.SISWA, consent_given_by=ConsentGiver.GUARDIAN,
                               birth_date=_years_ago(13), nik="3303091204130001", phone="081298765432")
    achievement = await make_achievement(school, persons=[person], title="Juara 1 Lomba Pidato Bahasa Jawa")
    editor = await make_user(Role.EDITOR)
    first = payload(await gql(GENERATE, {"id": gid("Achievement", achievement.id)}, login=editor),
                    "generatePressRelease")
    assert first["errors"] == []
    release = await PressRelease.get(achievement_id=achievement.id)
    await PressRelease.filter(id=release.id).update(status=PressReleaseStatus.PUBLISHED, published_at=dt.datetime.now(dt.UTC))
    draft = payload(await gql(GENERATE, {"id": gid("Achievement", achievement.id)}, login=editor),
                    "generatePressRelease")["pressRelease"]
    assert name in draft["body"] and name in release.body
    return school, person, achievement, release


async def _exports(client) -> tuple[str, str]:
    import io

    import openpyxl

    csv = (await client.get("/exports/achievements.csv")).text
    xlsx = await client.get("/exports/achievements.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    cells = " ".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)
    return csv, cells


async def test_withdrawal_hides_the_name_everywhere_at_once(gql, client):
    from service.enums import PressReleaseStatus
    from service.models import PressRelease
    from tests.test_response_cache import _app_and_cache, _client

    school, person, achievement, published = await _named_world(gql)
    app, cache = _app_and_cache()
    async with _client(app) as anon:
        before = (await anon.post("/graphql", json={"query": PUBLIC_LIST, "variables": {"search": None}})).json()
        assert before["data"]["achievements"]["edges"][0]["node"]["persons"] == [{"name": "Dimas Pratama"}]
        found = (await anon.post("/graphql", json={"query": PUBLIC_LIST, "variables": {"search": "Dimas"}})).json()
        assert found["data"]["achievements"]["totalCount"] == 1
        stats_before = (await anon.post("/graphql", json={"query": STATS})).json()["data"]
        csv, cells = await _exports(client)
        assert "Dimas Pratama" in csv and "Dimas Pratama" in cells

        operator = await make_user(Role.CONTRIBUTOR, school)
        done = payload(await gql(UPDATE_PERSON, {"id": gid("Person", person.id),
                                                 "input": {"publicationConsent": False}}, login=operator),
                       "updatePerson")
        assert done["errors"] == []
        assert done["person"]["publicationConsent"] is False and done["person"]["consentGivenBy"] is None

        after = (await anon.post("/graphql", json={"query": PUBLIC_LIST, "variables": {"search": None}})).json()
        assert after["data"]["achievements"]["edges"][0]["node"]["persons"] == [{"name": "D. P."}]
        hidden = (await anon.post("/graphql", json={"query": PUBLIC_LIST, "variables": {"search": "Dimas"}})).json()
        assert hidden["data"]["achievements"]["totalCount"] == 0
        stats_after = (await anon.post("/graphql", json={"query": STATS})).json()["data"]
        assert stats_after == stats_before and "Dimas" not in str(stats_after)
    assert cache.hits == 0  # the cached anonymous answers did not outlive the withdrawal
    csv, cells = await _exports(client)
    assert "Dimas Pratama" not in csv and "Dimas Pratama" not in cells and "D. P." in csv
    drafts = await PressRelease.filter(achievement_id=achievement.id, status=PressReleaseStatus.DRAFT)
    assert drafts and all("Dimas Pratama" not in d.body and "Dimas Pratama" not in d.title for d in drafts)
    kept = await PressRelease.get(id=published.id)
    assert "Dimas Pratama" in kept.body  # a public record, for an editor to correct
    assert kept.needs_review_reason and "dicabut" in kept.needs_review_reason
    event = await AuditEvent.filter(action="person.update").first()
    assert event.after["publication_consent"] is False and "3303091204130001" not in str(event.after)


async def test_update_changes_only_what_it_names(gql):
    school = await make_institution()
    admin = await make_user(Role.ADMIN)
    person = await make_person(school, "Dimas Pratama", role=PersonRole.SISWA,
                               consent_given_by=ConsentGiver.GUARDIAN, birth_date=_years_ago(13),
                               consent_recorded_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    renamed = payload(await gql(UPDATE_PERSON, {"id": gid("Person", person.id), "input": {"name": "Dimas Pratama Putra"}},
                                login=admin), "updatePerson")["person"]
    assert renamed["name"] == "Dimas Pratama Putra"
    assert (renamed["publicationConsent"], renamed["consentGivenBy"]) == (True, "GUARDIAN")
    assert renamed["consentRecordedAt"].startswith("2026-01-05")
    # A minor with SELF consent is refused on update too; nothing changes.
    refused = payload(await gql(UPDATE_PERSON, {"id": gid("Person", person.id), "input": {"consentGivenBy": "SELF"}},
                                login=admin), "updatePerson")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("consentGivenBy", "INVALID")]
    # Making an adult with SELF consent a minor, without naming the consent, is refused as well.
    adult = await make_person(school, "Sutrisno", role=PersonRole.GURU, consent_given_by=ConsentGiver.SELF,
                              birth_date=_years_ago(40))
    made_minor = payload(await gql(UPDATE_PERSON, {"id": gid("Person", adult.id),
                                                   "input": {"birthDate": _years_ago(10).isoformat()}},
                                   login=admin), "updatePerson")
    assert [(e["field"], e["code"]) for e in made_minor["errors"]] == [("consentGivenBy", "INVALID")]
    assert (await Person.get(id=adult.id)).birth_date == _years_ago(40)
    other_school = await make_institution("SD Negeri 1 Kutasari", kecamatan_code="33.03.08")
    outsider = await make_user(Role.CONTRIBUTOR, other_school)
    missing = payload(await gql(UPDATE_PERSON, {"id": gid("Person", person.id), "input": {"name": "X"}},
                                login=outsider), "updatePerson")
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]


# --- NIK at rest and reads of personal data ----------------------------------------------------

async def test_a_raw_select_of_persons_shows_no_nik_digits(db):
    from service import directory
    from service.db import execute
    from service.nik import nik_hash
    from service.security import Actor

    school = await make_institution()
    admin = await make_user(Role.ADMIN)
    actor = Actor(user_id=admin.user.id, username=admin.user.username, role=Role.ADMIN)
    person = await directory.create_person(actor, name="Rina Kusuma", publication_consent=False,
                                           institution_id=school.id, nik="3303091204100001")
    _, rows = await execute("SELECT * FROM person")
    dump = " ".join(str(v) for row in rows for v in dict(row).values())
    assert "3303091204100001" not in dump and "330309120410" not in dump
    assert (await Person.get(nik_hash=nik_hash("3303091204100001"))).id == person.id


async def test_key_rotation_reencrypts_every_row(db):
    from service import nik
    from service.models import Person as P

    school = await make_institution()
    old = nik.new_key("lama")
    nik.set_keyring(nik.Keyring(old))
    try:
        niks = [f"33030912041000{i:02d}" for i in range(12)]
        for i, value in enumerate(niks):
            await make_person(school, f"Orang {i}", nik=value)
        await make_person(school, "Tanpa NIK")
        assert {nik.key_id_of(c) for c in await P.exclude(nik_encrypted=None).values_list("nik_encrypted", flat=True)} == {"lama"}
        new = nik.new_key("baru")
        nik.set_keyring(nik.Keyring(new, (old,)))
        counts = await nik.rotate(batch_size=5)
        assert counts["rows"] == 12
        nik.set_keyring(nik.Keyring(new))  # the old key is gone: every row still reads
        stored = await P.exclude(nik_encrypted=None).order_by("id")
        assert [nik.key_id_of(p.nik_encrypted) for p in stored] == ["baru"] * 12
        assert [nik.read_nik(p) for p in stored] == niks
        assert [p.nik_hash for p in stored] == [nik.nik_hash(v) for v in niks]
        assert await AuditEvent.filter(action="person.nik_key_rotated").count() == 1
    finally:
        nik.set_keyring(None)


async def test_reads_of_nik_birth_date_and_phone_are_audited(gql):
    school = await make_institution()
    person = await make_person(school, "Rina Kusuma", nik="3303091204100001", birth_date=dt.date(2010, 4, 12),
                               phone="081234567890")
    bare = await make_person(school, "Tanpa Data")
    operator = await make_user(Role.CONTRIBUTOR, school)
    q = """query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Person { nik birthDate phone } }
      b: node(id: $b) { ... on Person { nik name } } }"""
    data = (await gql(q, {"a": gid("Person", person.id), "b": gid("Person", bare.id)}, login=operator))["data"]
    assert data["a"]["nik"] == "3303091204100001"
    events = await AuditEvent.filter(action="person.personal_data_read")
    assert len(events) == 1
    event = events[0]
    assert (event.actor_id, event.target_id) == (operator.user.id, str(person.id))
    assert event.after["fields"] == ["birthDate", "nik", "phone"] and event.created_at is not None
    assert "3303091204100001" not in str(event.after)
    # The public sees nothing, so nothing is logged.
    await gql(q, {"a": gid("Person", person.id), "b": gid("Person", bare.id)})
    assert await AuditEvent.filter(action="person.personal_data_read").count() == 1


# --- erasure -----------------------------------------------------------------------------------

ERASE = """mutation($id: ID!, $reason: String!) { erasePerson(id: $id, reason: $reason) {
  person { id name publicationConsent } errors { field code message } } }"""


async def _every_value(skip_published: bool = True) -> list[tuple[str, str]]:
    """(table, text) of every column of every row of every table, the text of PUBLISHED releases aside."""
    from service.db import dialect, execute

    if dialect() == "postgres":
        _, tables = await execute("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    else:
        _, tables = await execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    _, published = await execute("SELECT id FROM press_release WHERE status = 'PUBLISHED'")
    published_ids = {r["id"] for r in published}
    out = []
    for t in tables:
        table = t["name"]
        _, rows = await execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
        for row in rows:
            row = dict(row)
            if skip_published and table == "press_release" and row["id"] in published_ids:
                continue
            if skip_published and table == "press_release_revision" and row["press_release_id"] in published_ids:
                continue
            out.extend((table, str(v)) for v in row.values() if v is not None)
    return out


async def test_erasure_leaves_no_trace_while_counts_stay_right(gql, client):
    from service.models import Achievement, Evidence, PressRelease
    from service.persons import ERASED_NAME

    school, person, achievement, published = await _named_world(gql)
    # The name also sits in free text an operator typed, and in an evidence file's name.
    await Achievement.filter(id=achievement.id).update(description="Dimas Pratama membawakan pidato tentang batik.")
    await Evidence.create(achievement_id=achievement.id, kind="URL", url="https://example.org/x.pdf",
                          description="Piagam Dimas Pratama, lahir " + _years_ago(13).isoformat())
    admin = await make_user(Role.ADMIN)
    secret = ["Dimas Pratama", "3303091204130001", "081298765432", _years_ago(13).isoformat()]
    before = " ".join(text for _, text in await _every_value())
    assert "Dimas Pratama" in before and "081298765432" in before and secret[3] in before
    stats_before = (await gql(STATS))["data"]

    refused = await gql(ERASE, {"id": gid("Person", person.id), "reason": "Permintaan"},
                        login=await make_user(Role.EDITOR), expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = payload(await gql(ERASE, {"id": gid("Person", person.id),
                                     "reason": "Permintaan orang tua Dimas Pratama lewat surat 12/XI"},
                             login=admin), "erasePerson")
    assert done["errors"] == [] and done["person"]["name"] == ERASED_NAME

    leaks = [(table, text) for table, text in await _every_value() for s in secret if s in text]
    assert leaks == []
    kept = await PressRelease.get(id=published.id)
    assert "Dimas Pratama" in kept.body and "hapus" in kept.needs_review_reason
    # Counted as before, shown as "(nama dihapus)" everywhere.
    assert (await gql(STATS))["data"] == stats_before
    listed = (await gql(PUBLIC_LIST, {"search": None}))["data"]["achievements"]["edges"]
    assert listed[0]["node"]["persons"] == [{"name": ERASED_NAME}]
    drafts = await PressRelease.filter(achievement_id=achievement.id, status="DRAFT")
    assert drafts and all(ERASED_NAME in d.body for d in drafts)
    csv = (await client.get("/exports/achievements.csv")).text
    assert ERASED_NAME in csv and "Dimas" not in csv
    event = await AuditEvent.get(action="person.erase")
    assert event.actor_id == admin.user.id and event.created_at is not None
    assert "Dimas" not in str(event.after) and "surat 12/XI" in event.after["reason"]
    again = payload(await gql(ERASE, {"id": gid("Person", person.id), "reason": "lagi"}, login=admin), "erasePerson")
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]


# --- access ------------------------------------------------------------------------------------

async def test_access_export_is_complete_audited_and_for_administrators_only(gql, client):
    import io

    import docx

    school, person, achievement, published = await _named_world(gql)
    admin = await make_user(Role.ADMIN)
    editor = await make_user(Role.EDITOR)
    url = f"/persons/{gid('Person', person.id)}/data"
    assert (await client.get(url + ".json")).status_code in {401, 403}
    assert (await client.get(url + ".json", headers=editor.headers)).status_code == 403
    resp = await client.get(url + ".json", headers=admin.headers)
    assert resp.status_code == 200 and resp.headers["cache-control"] == "private, no-store"
    report = resp.json()
    p = report["person"]
    assert (p["name"], p["nik"], p["phone"], p["birthDate"]) == (
        "Dimas Pratama", "3303091204130001", "081298765432", _years_ago(13).isoformat())
    assert (p["role"], p["isMinor"], p["publicationConsent"], p["consentGivenBy"]) == ("SISWA", True, True, "GUARDIAN")
    assert p["institution"] == school.name
    assert [a["title"] for a in report["achievements"]] == [achievement.title]
    assert {r["status"] for r in report["pressReleases"]} == {"PUBLISHED", "DRAFT"}
    assert "retention" in report and "purpose" in report
    letter = await client.get(url + ".docx", headers=admin.headers)
    assert letter.status_code == 200
    text = "\n".join(par.text for par in docx.Document(io.BytesIO(letter.content)).paragraphs)
    cells = " ".join(c.text for t in docx.Document(io.BytesIO(letter.content)).tables for r in t.rows for c in r.cells)
    assert "Kepada Yth. Dimas Pratama" in text and "UU No. 27/2022" in text and achievement.title in text
    assert "3303091204130001" in cells and "orang tua/wali" in cells
    exports = await AuditEvent.filter(action="person.access_export", target_id=str(person.id))
    reads = await AuditEvent.filter(action="person.personal_data_read", target_id=str(person.id))
    assert len(exports) == 2 and all(e.actor_id == admin.user.id for e in exports)
    assert len(reads) == 2 and reads[0].after == {"fields": ["birthDate", "nik", "phone"], "via": "export"}
    assert (await client.get("/persons/999999/data.json", headers=admin.headers)).status_code == 404
    assert (await client.get(url + ".pdf", headers=admin.headers)).status_code == 404


async def test_a_nik_is_found_by_its_keyed_hash_for_duplicate_checks(gql):
    school = await make_institution()
    operator = await make_user(Role.CONTRIBUTOR, school)
    base = {"name": "Rina Kusuma", "institutionId": gid("Institution", school.id), "publicationConsent": False,
            "nik": "3303091204100001"}
    assert payload(await gql(CREATE_PERSON, {"input": base}, login=operator), "createPerson")["errors"] == []
    again = payload(await gql(CREATE_PERSON, {"input": {**base, "name": "Rina K."}}, login=operator), "createPerson")
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("nik", "DUPLICATE")]
    other = payload(await gql(CREATE_PERSON, {"input": {**base, "name": "Dimas", "nik": None}}, login=operator),
                    "createPerson")["person"]
    clash = payload(await gql(UPDATE_PERSON, {"id": other["id"], "input": {"nik": "3303091204100001"}},
                              login=operator), "updatePerson")
    assert [(e["field"], e["code"]) for e in clash["errors"]] == [("nik", "DUPLICATE")]
