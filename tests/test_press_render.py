"""Press-release drafts from plain facts: golden files, every level × rank, variants, consent, strictness.

Regenerate the golden files after an intended wording change with
`UPDATE_GOLDEN=1 .venv/bin/pytest -q tests/test_press_render.py` (or `make press-golden`) and review the diff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from jinja2.sandbox import SandboxedEnvironment

from service.enums import AchievementLevel, AchievementRank, InstitutionKind
from service.press import render
from service.press.lifecycle import RoundupFilter, roundup_context
from service.press.render import AchievementFacts, PersonFacts, render_draft, render_roundup

GOLDEN = Path(__file__).parent / "golden" / "press"
FIXTURES = json.loads((GOLDEN / "fixtures.json").read_text(encoding="utf-8"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _facts(name: str) -> AchievementFacts:
    return AchievementFacts.from_dict(FIXTURES[name])


def _document(template: str, title: str, body: str) -> str:
    return f"<!-- templat: {template} -->\n# {title}\n\n{body}"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path.name} missing: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; review and regenerate if intended"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_golden_drafts(name):
    draft = render_draft(_facts(name), editor_initials="LPU")
    _check_golden(name, _document(draft.template, draft.title, draft.body))


def _roundup_golden(name, flt, kecamatan=None, category=None, keys=None, variant=1):
    facts = [_facts(k) for k in sorted(FIXTURES) if keys is None or k in keys]
    facts = [f for f in facts if flt.date_from <= f.date <= flt.date_to and (kecamatan is None or f.kecamatan == kecamatan)]
    facts.sort(key=lambda f: (-list(AchievementLevel).index(f.level), f.date, f.key))
    draft = render_roundup(roundup_context(facts, flt, kecamatan, category, "LPU"), variant)
    _check_golden(name, _document(draft.template, draft.title, draft.body))
    return draft


def test_golden_roundup_of_a_month():
    _roundup_golden("rekap-oktober-2026", RoundupFilter(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), variant=1)


def test_golden_roundup_of_a_kecamatan():
    _roundup_golden("rekap-kecamatan-purbalingga", RoundupFilter(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                    kecamatan="Purbalingga", variant=2)


def test_golden_roundup_of_a_category():
    keys = {k for k, v in FIXTURES.items() if v["category_root_slug"] == "olahraga"}
    _roundup_golden("rekap-olahraga", RoundupFilter(dt.date(2026, 3, 1), dt.date(2026, 9, 30)),
                    category=SimpleNamespace(name="Olahraga"), keys=keys, variant=3)


def test_fixtures_cover_every_family_level_and_kind():
    drafts = [render_draft(_facts(n)) for n in FIXTURES]
    assert {d.template.split("/")[0] for d in drafts} == set(render.FAMILIES)
    assert {FIXTURES[n]["level"] for n in FIXTURES} == {lv.value for lv in AchievementLevel}
    assert any(not p["consent"] for v in FIXTURES.values() for p in v.get("persons", []))
    assert any(len(v.get("persons", [])) > 1 for v in FIXTURES.values())


# --- every template × level × rank renders clean text ------------------------------------------

_BAD = [
    ("None", re.compile(r"\bNone\b")),
    ("template syntax", re.compile(r"\{\{|\}\}|\{%|%\}")),
    ("doubled space", re.compile(r"[^\s] {2,}")),
    ("space before punctuation", re.compile(r" [,.;:!?)]")),
    # A degree before the apposition's comma is house style ("Drs. Bambang Sutrisno, M.Pd., guru …").
    ("doubled punctuation", re.compile(r",,|\.\.(?!\.)|,\.|(?<!\.[A-Z][a-z])\.,")),
    ("empty parentheses", re.compile(r"\(\s*\)")),
]

_PERSON_SETS = {
    "institution": (),
    "named": (PersonFacts("Rina Kusuma", True),),
    "unnamed": (PersonFacts("Rahasia Sekali", False),),
    "team": (PersonFacts("Aditya", True), PersonFacts("Rahasia Sekali", False), PersonFacts("Nadia", True)),
    "hidden-team": (PersonFacts("Rahasia Sekali", False), PersonFacts("Rahasia Juga", False)),
}


def _base(**changes) -> AchievementFacts:
    base = _facts("institusi-smp-provinsi")
    return dataclasses.replace(base, **changes)


def assert_clean(text: str, where: str) -> None:
    for label, pattern in _BAD:
        match = pattern.search(text)
        assert match is None, f"{where}: {label} near {text[max(0, match.start() - 40):match.end() + 40]!r}"
    assert "Rahasia" not in text, f"{where}: a name without publication consent leaked"


@pytest.mark.parametrize("family", sorted(render.FAMILIES))
def test_every_variant_renders_every_level_and_rank(family):
    for variant in range(1, render.FAMILIES[family] + 1):
        for level in AchievementLevel:
            for rank in AchievementRank:
                for label, persons in _PERSON_SETS.items():
                    if render.incompatibility(family, _base(persons=persons)):
                        continue
                    facts = _base(
                        level=level, rank=rank, persons=persons,
                        rank_label="Predikat Madya" if rank == AchievementRank.PENGHARGAAN else None,
                        location=None if rank == AchievementRank.FINALIS else "Semarang",
                        description=None if level == AchievementLevel.DESA else "Pelatih: Agus Salim",
                    )
                    draft = render_draft(facts, f"{family}/{variant}", "XX")
                    where = f"{family}/{variant} {level} {rank} {label}"
                    assert_clean(draft.title, where)
                    assert_clean(draft.body, where)
                    assert "\n" not in draft.title and draft.title, where
                    assert draft.body.startswith("PURBALINGGA, INFO – "), where
                    assert draft.body.rstrip().endswith("(XX/Kominfo)"), where
                    assert "[[" in draft.body, where  # the quote slot


def test_roundups_render_clean_for_every_variant_and_scope():
    facts = [_facts(k) for k in sorted(FIXTURES)]
    scopes = [(None, None), ("Purbalingga", None), (None, SimpleNamespace(name="Olahraga")),
              ("Bobotsari", SimpleNamespace(name="Seni & Budaya"))]
    windows = [RoundupFilter(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
               RoundupFilter(dt.date(2026, 10, 1), dt.date(2026, 10, 31))]
    for variant in range(1, render.ROUNDUP_VARIANTS + 1):
        for kecamatan, category in scopes:
            for flt in windows:
                for subset in (facts[:1], facts):
                    draft = render_roundup(roundup_context(subset, flt, kecamatan, category, "XX"), variant)
                    where = f"rekap/{variant} {kecamatan} {category} {len(subset)}"
                    assert_clean(draft.title, where)
                    assert_clean(draft.body, where)
                    assert draft.body.startswith("PURBALINGGA, INFO – ")


# --- variants, determinism, choice ---------------------------------------------------------------


@pytest.mark.parametrize("family", sorted(render.FAMILIES))
def test_variants_of_a_family_differ(family):
    facts = _base(persons=_PERSON_SETS["team" if family == "tim" else "named"])
    drafts = [render_draft(facts, f"{family}/{v}") for v in range(1, render.FAMILIES[family] + 1)]
    assert len({d.title for d in drafts}) == len(drafts)
    assert len({d.body.split("\n\n")[0] for d in drafts}) == len(drafts)


def test_same_achievement_same_draft_and_consecutive_ones_vary():
    facts = _facts("perorangan-siswa-nasional-pembimbing")
    assert render_draft(facts) == render_draft(facts)
    templates = {render_draft(dataclasses.replace(facts, key=k)).template for k in (30, 31, 32)}
    assert templates == {"perorangan/1", "perorangan/2", "perorangan/3"}


@pytest.mark.parametrize(("changes", "family"), [
    ({"rank": AchievementRank.PENGHARGAAN, "rank_label": "Opini WTP"}, "penghargaan"),
    ({"rank": AchievementRank.MEDALI_EMAS}, "olahraga"),
    ({"category_root_slug": "olahraga", "category_root_name": "Olahraga"}, "olahraga"),
    ({"persons": _PERSON_SETS["named"]}, "perorangan"),
    ({"persons": _PERSON_SETS["team"]}, "tim"),
    ({}, "institusi"),
    ({"institution_kind": InstitutionKind.DUNIA_USAHA}, "umum"),
])
def test_family_is_chosen_by_rank_category_and_achiever(changes, family):
    assert render.choose_family(_base(**changes)) == family


def test_unknown_template_or_variant_is_a_user_error():
    from service.errors import UserInputError

    for name in ("rahasia", "perorangan/9", "tim/x", "../../etc/passwd", "perorangan", "tim/1"):
        with pytest.raises(UserInputError) as exc:
            render_draft(_base(), name)
        assert exc.value.problems[0].field == "template"


# --- consent ------------------------------------------------------------------------------------


def test_person_without_consent_is_described_not_named():
    facts = _base(persons=(PersonFacts("Budi Rahasia", False),))
    for variant in (1, 2, 3):
        draft = render_draft(facts, f"perorangan/{variant}")
        assert "Budi" not in draft.title + draft.body
        assert "siswa SMP Negeri 1 Bobotsari" in draft.body or "siswanya" in draft.body


def test_person_with_consent_is_named_with_school_and_coach():
    facts = _base(persons=(PersonFacts("Rina Kusuma", True),), description="Pembimbing: Dwi Hartono")
    draft = render_draft(facts, "perorangan/1")
    assert "Rina Kusuma, siswa SMP Negeri 1 Bobotsari, meraih" in draft.body or "Rina Kusuma, siswa SMP" in draft.body
    assert "dibimbing oleh Dwi Hartono" in draft.body
    no_coach = render_draft(_base(persons=(PersonFacts("Rina Kusuma", True),), description=None), "perorangan/1")
    assert "[[ nama guru pembimbing atau pelatih ]]" in no_coach.body


def test_team_names_only_consenting_members():
    draft = render_draft(_base(persons=_PERSON_SETS["team"]), "tim/1")
    assert "Aditya, Nadia, dan satu siswa lainnya" in draft.body
    hidden = render_draft(_base(persons=_PERSON_SETS["hidden-team"]), "tim/1")
    assert "beranggotakan dua siswa" in hidden.body


# --- the environment ----------------------------------------------------------------------------


def test_environment_is_sandboxed_strict_cached_and_escapes_html():
    env = render.environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env is render.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape("rilis.html") is True
    assert env.autoescape("perorangan.md.j2") is False
    with pytest.raises(jinja2.UndefinedError):
        context = render.build_context(_base(), 1)
        del context["s"]
        env.get_template("institusi.md.j2").render(context)
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ x.__class__.__mro__ }}").render(x=1)


def test_templates_see_the_environments_globals_and_keep_their_own_apart():
    env = render.environment()
    template = env.from_string("{{ rank_name('JUARA_1') }} {{ number_word(3) }} {{ range(2)|list|length }}")
    assert template.render() == "Juara 1 tiga 2"
    template.globals["only_here"] = "x"
    assert "only_here" not in env.globals
    assert "only_here" not in env.get_template("perorangan.md.j2").globals
    with pytest.raises(jinja2.exceptions.SecurityError):
        env.from_string("{{ rank_name.__globals__ }}").render()


def test_remembered_attribute_verdicts_equal_the_sandboxs_own():
    """The press environment remembers Jinja's verdict per (type, attribute): asked twice, in any order,
    every verdict equals a fresh SandboxedEnvironment's, for safe and unsafe attributes alike."""
    from jinja2.sandbox import SandboxedEnvironment

    def gen():
        yield 1

    def fn():
        return 1

    class Plain:
        mro = "data"
        name = "x"

    plain = SandboxedEnvironment()
    env = render.environment()
    probes = [(fn, "__globals__"), (fn, "__code__"), (fn, "name"), (int, "mro"), (Plain, "mro"), (Plain(), "mro"),
              (Plain(), "name"), (Plain(), "_hidden"), ("abc", "upper"), ("abc", "__class__"), (gen(), "gi_frame"),
              (gen(), "send"), (env.getattr, "__func__"), (render.build_context, "__name__"), ({}, "items")]
    for _ in range(2):
        for obj, attr in probes + probes[::-1]:
            value = getattr(obj, attr, None)
            assert env.is_safe_attribute(obj, attr, value) == plain.is_safe_attribute(obj, attr, value), (obj, attr)
    assert not env.is_safe_attribute(int, "mro", int.mro)
    assert env.is_safe_attribute(Plain(), "mro", "data")
