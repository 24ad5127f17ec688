"""Choosing a template family and variant for an achievement, and rendering the draft from plain facts."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from service.enums import AchievementLevel, AchievementRank, InstitutionKind
from service.errors import UserErrorCode, UserInputError
from service.press import language as lang

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "press"

# Family -> number of variants its template offers. `umum` is the fallback for anything unusual.
FAMILIES: dict[str, int] = {
    "institusi": 3,
    "perorangan": 3,
    "tim": 3,
    "penghargaan": 3,
    "olahraga": 3,
    "umum": 2,
}
ROUNDUP_FAMILY = "rekap"
ROUNDUP_VARIANTS = 3


@dataclass(frozen=True)
class PersonFacts:
    name: str
    consent: bool


@dataclass(frozen=True)
class AchievementFacts:
    """Everything a draft may say about one achievement; deliberately without NIK, birth date or phone."""

    key: int  # decides the variant: the achievement's id, so the same achievement gets the same draft
    title: str
    event_name: str
    organizer: str
    level: AchievementLevel
    rank: AchievementRank
    date: dt.date
    institution_name: str
    institution_kind: InstitutionKind
    category_name: str
    category_root_name: str
    category_root_slug: str
    category_slug: str = ""
    rank_label: str | None = None
    location: str | None = None
    description: str | None = None
    kecamatan: str | None = None
    desa: str | None = None
    persons: tuple[PersonFacts, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AchievementFacts:
        """From a plain mapping (the golden fixtures): enum names as strings, the date as ISO text."""
        values = dict(data)
        values["level"] = AchievementLevel(values["level"])
        values["rank"] = AchievementRank(values["rank"])
        values["institution_kind"] = InstitutionKind(values["institution_kind"])
        if isinstance(values["date"], str):
            values["date"] = dt.date.fromisoformat(values["date"])
        values["persons"] = tuple(PersonFacts(**p) for p in values.get("persons", ()))
        return cls(**values)


@dataclass(frozen=True)
class Draft:
    template: str  # "perorangan/2": family and variant, stored with the release
    title: str
    body: str


# --- template environment ----------------------------------------------------------------------


class _PressEnvironment(SandboxedEnvironment):
    """The sandbox, with each template's globals as one plain dict instead of Jinja's ChainMap.

    Every render copies a template's globals into its new context and every `{% import %}` compares their
    key sets; over a ChainMap that is Python-level work, a third of a bare render of these templates. The
    environment's globals are complete before its first template loads (`environment()` below) and never
    change afterwards, so a snapshot holds the same names and values; a template's own globals still
    overlay them and stay its own.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


@functools.cache
def environment() -> SandboxedEnvironment:
    """One sandboxed environment for the process: templates compile once and stay cached."""
    env = _PressEnvironment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm"), default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters.update(
        day_date=lang.day_date,
        long_date=lang.long_date,
        month_year=lang.month_year,
        join_names=lang.join_names,
        number_word=lang.number_word,
        sentence=lang.sentence,
        ucfirst=lang.ucfirst,
    )
    env.globals.update(
        rank_phrase=lang.rank_phrase,
        headline_rank=lang.headline_rank,
        rank_name=lang.rank_name,
        join_names=lang.join_names,
        number_word=lang.number_word,
    )
    return env


@functools.cache
def _template(name: str) -> Template:
    return environment().get_template(name)


def template_names() -> list[str]:
    """Every name `generatePressRelease(template:)` accepts: a family, or a family with its variant."""
    names = []
    for family, count in FAMILIES.items():
        names.append(family)
        names.extend(f"{family}/{i}" for i in range(1, count + 1))
    return names


# --- choosing ----------------------------------------------------------------------------------


# Public bodies and schools get the institution family; organisations and businesses the fallback.
_INSTITUTION_FAMILY_KINDS = frozenset(InstitutionKind) - {
    InstitutionKind.ORGANISASI, InstitutionKind.DUNIA_USAHA, InstitutionKind.LAINNYA,
}


def choose_family(facts: AchievementFacts) -> str:
    """By rank, category and achiever kind; `umum` when nothing fits."""
    if facts.rank == AchievementRank.PENGHARGAAN:
        return "penghargaan"
    if facts.rank in lang.MEDALS or facts.category_root_slug == "olahraga":
        return "olahraga"
    if len(facts.persons) == 1:
        return "perorangan"
    if len(facts.persons) > 1:
        return "tim"
    if facts.institution_kind in _INSTITUTION_FAMILY_KINDS:
        return "institusi"
    return "umum"


def incompatibility(family: str, facts: AchievementFacts) -> str | None:
    """Why a family cannot tell this achievement (a person's template needs exactly one person), or None."""
    if family == "perorangan" and len(facts.persons) != 1:
        return "Templat 'perorangan' hanya untuk prestasi dengan tepat satu orang."
    if family == "tim" and len(facts.persons) < 2:
        return "Templat 'tim' hanya untuk prestasi dengan dua orang atau lebih."
    return None


def resolve_template(facts: AchievementFacts, requested: str | None = None) -> tuple[str, int]:
    """(family, variant). Without a request both follow from the achievement, so a draft is reproducible."""
    if requested:
        family, _, variant_text = requested.strip().partition("/")
        if family not in FAMILIES or (variant_text and not variant_text.isdigit()):
            raise UserInputError.one(
                "template", UserErrorCode.INVALID,
                f"Templat '{requested[:60]}' tidak dikenal. Pilihan: {', '.join(FAMILIES)} "
                "(boleh dengan nomor varian, misalnya 'perorangan/2').",
            )
        problem = incompatibility(family, facts)
        if problem:
            raise UserInputError.one("template", UserErrorCode.INVALID, problem)
        count = FAMILIES[family]
        if variant_text:
            variant = int(variant_text)
            if not 1 <= variant <= count:
                raise UserInputError.one(
                    "template", UserErrorCode.INVALID, f"Templat '{family}' hanya punya varian 1 sampai {count}."
                )
            return family, variant
        return family, facts.key % count + 1
    family = choose_family(facts)
    return family, facts.key % FAMILIES[family] + 1


# --- context -----------------------------------------------------------------------------------

_ROLE_BY_KIND = {
    InstitutionKind.SEKOLAH: "siswa",
    InstitutionKind.PUSKESMAS: "tenaga kesehatan",
    InstitutionKind.PEMERINTAH_DESA: "warga",
    InstitutionKind.KELURAHAN: "warga",
    InstitutionKind.PERANGKAT_DAERAH: "pegawai",
    InstitutionKind.KECAMATAN: "pegawai",
    InstitutionKind.BUMD: "karyawan",
    InstitutionKind.ORGANISASI: "anggota",
    InstitutionKind.DUNIA_USAHA: "perwakilan",
    InstitutionKind.LAINNYA: "perwakilan",
}


def member_role(kind: InstitutionKind, category_slug: str) -> str:
    """What the persons of an institution are called: 'siswa', 'guru', 'warga', …"""
    if kind == InstitutionKind.SEKOLAH and category_slug == "guru-tenaga-kependidikan":
        return "guru"
    return _ROLE_BY_KIND.get(kind, "perwakilan")


_HEAD_PREFIX = {
    InstitutionKind.PEMERINTAH_DESA: ("Kepala Desa ", re.compile(r"^Pemerintah Desa\s+", re.IGNORECASE)),
    InstitutionKind.KELURAHAN: ("Lurah ", re.compile(r"^(Pemerintah\s+)?Kelurahan\s+", re.IGNORECASE)),
    InstitutionKind.KECAMATAN: ("Camat ", re.compile(r"^Kecamatan\s+", re.IGNORECASE)),
}
_LED_BY_PIMPINAN = frozenset({InstitutionKind.ORGANISASI, InstitutionKind.DUNIA_USAHA, InstitutionKind.LAINNYA})


def institution_head(name: str, kind: InstitutionKind) -> str:
    """Whose words the quote slot asks for: 'Kepala SMP Negeri 1 Bobotsari', 'Kepala Desa Kedungbenda'."""
    prefix = _HEAD_PREFIX.get(kind)
    if prefix is not None:
        title, pattern = prefix
        return title + pattern.sub("", name)
    if kind in _LED_BY_PIMPINAN:
        return "Pimpinan " + name
    return "Kepala " + name


_COACH = re.compile(r"^\s*(pelatih|pembina|pembimbing|guru pembimbing|guru pendamping)\s*:\s*(.+?)\s*$",
                    re.IGNORECASE | re.MULTILINE)


_COACH_VERBS = {"pelatih": "dilatih oleh", "pembina": "dibina oleh", "guru pendamping": "didampingi guru"}


def coach_phrase(role: str, name: str) -> str:
    """'dilatih oleh Agus Salim', 'dibimbing oleh Dwi Hartono', 'didampingi guru Sri Wahyuni'."""
    return f"{_COACH_VERBS.get(role, 'dibimbing oleh')} {name}"


def split_coach(description: str | None) -> tuple[str | None, str | None, str | None]:
    """A 'Pelatih: Nama' line of the description names the coach; returns (role, name, the rest)."""
    if not description:
        return None, None, None
    match = _COACH.search(description) if ":" in description else None  # the pattern needs its colon
    if not match:
        return None, None, lang.sentence(description) or None
    rest = (description[: match.start()] + description[match.end():]).strip()
    role = match.group(1).lower()
    return role, match.group(2).rstrip("."), (lang.sentence(rest) or None) if rest else None


def _subject(facts: AchievementFacts, role: str, short: str) -> tuple[str, str]:
    persons = facts.persons
    if not persons:
        return facts.institution_name, short
    if len(persons) == 1:
        person = persons[0]
        if person.consent:
            return f"{person.name}, {role} {facts.institution_name}", person.name
        return f"{role} {facts.institution_name}", f"{role} tersebut"
    return f"tim {facts.institution_name}", "tim tersebut"


def achievement_subject(facts: AchievementFacts) -> tuple[str, str]:
    """(first mention, later mention) of whoever achieved, honouring publication consent."""
    role = member_role(facts.institution_kind, facts.category_slug)
    short = lang.short_institution_name(facts.institution_name) if not facts.persons else ""
    return _subject(facts, role, short)


def _headline_subject(facts: AchievementFacts, role: str) -> str:
    if not facts.persons:
        return facts.institution_name
    if len(facts.persons) == 1:
        return f"{role.title()} {facts.institution_name}"
    return f"Tim {facts.institution_name}"


def headline_subject(facts: AchievementFacts) -> str:
    """Who the headline names: an institution, 'Siswa SMP Negeri 1 Bobotsari' or 'Tim …' (no names)."""
    return _headline_subject(facts, member_role(facts.institution_kind, facts.category_slug))


def _members(named: list[str], hidden: int, role: str) -> str:
    if not named:
        return f"{lang.number_word(hidden)} {role}"
    if hidden:
        return lang.join_names([*named, f"{lang.number_word(hidden)} {role} lainnya"])
    return lang.join_names(named)


_TOP_RANKS = frozenset({AchievementRank.JUARA_1, AchievementRank.MEDALI_EMAS, AchievementRank.PENGHARGAAN})


def build_context(facts: AchievementFacts, variant: int, editor_initials: str = "XX") -> dict[str, Any]:
    """The plain values a template sees; phrases that need grammar come ready from language.py."""
    # Drafts are hot (one per verification, many in a batch): every value below is computed once.
    level, rank, rank_label = facts.level, facts.rank, facts.rank_label
    institution_name, kind, kecamatan = facts.institution_name, facts.institution_kind, facts.kecamatan
    persons = facts.persons
    count = len(persons)
    mentions = lang.mentions_level(facts.event_name, level)
    role = member_role(kind, facts.category_slug)
    named = [p.name for p in persons if p.consent]
    coach_role, coach_name, description = split_coach(facts.description)
    short = lang.short_institution_name(institution_name)
    first, later = _subject(facts, role, short)
    level_lead = "" if mentions else lang.level_phrase(level, kecamatan, facts.desa)
    level_headline = "" if mentions else lang.level_headline(level)
    place = f"di {facts.location}" if facts.location else "di [[ tempat kegiatan ]]"
    pick = facts.key // 7  # a second, independent choice (verbs) so variants mix
    subject = f"{first}," if count == 1 and named else first
    category_name, category_root_name = facts.category_name, facts.category_root_name
    # Phrases every family needs are composed here once, so a render is mostly string joins; the
    # sentences around them stay in the templates.
    return {
        "variant": variant,
        "pick": pick,
        "achieve": lang.rank_phrase(rank, rank_label, pick),
        "headline_achieve": lang.headline_rank(rank, rank_label, pick),
        "level_suffix": f" {level_lead}" if level_lead else "",
        "level_headline_suffix": "" if mentions else f" {level_headline}",
        "when_where": f"{lang.day_date(facts.date)} {place}",
        "origin": f" dari Kecamatan {kecamatan}" if kecamatan else "",
        "origin_di": f" di Kecamatan {kecamatan}" if kecamatan else "",
        "title": facts.title,
        "event": facts.event_name,
        "organizer": facts.organizer,
        "level": level.value,
        "level_lead": level_lead,
        "level_headline": level_headline,
        "rank": rank.value,
        "rank_label": rank_label,
        "rank_name": lang.rank_name(rank, rank_label),
        "is_medal": rank in lang.MEDALS,
        "is_finalis": rank == AchievementRank.FINALIS,
        "is_top": rank in _TOP_RANKS,
        "date": facts.date,
        "location": facts.location,
        "description": description,
        "coach": {"role": coach_role, "name": coach_name, "phrase": coach_phrase(coach_role, coach_name)}
        if coach_name and coach_role else None,
        "category": {
            "name": category_name,
            "field": lang.field_phrase(category_root_name),
            # A sub-category worth naming as the branch ("cabang Bela Diri"); not the root or a catch-all.
            "branch": category_name if category_name != category_root_name
            and not facts.category_slug.endswith("-lainnya") else None,
        },
        "kecamatan": kecamatan,
        "desa": facts.desa,
        "institution": {
            "name": institution_name,
            "short": short,
            "head": institution_head(institution_name, kind),
            "is_school": kind == InstitutionKind.SEKOLAH,
        },
        # `subject` is ready to stand before a verb: a named person's apposition is closed by a comma.
        "subject": subject,
        # At the start of a sentence; a person described without a name reads "Seorang siswa …".
        "subject_start": f"Seorang {first}" if count == 1 and not named else lang.ucfirst(subject),
        "subject_plain": first,
        "headline_subject": _headline_subject(facts, role),
        "subject_later": later,
        "is_student": bool(persons) and role == "siswa",
        "person": {"name": named[0] if named else None, "role": role} if count == 1 else None,
        "team": {
            "members": _members(named, count - len(named), role),
            "count": count,
            "named": bool(named),
            "role": role,
        } if count > 1 else None,
        "byline": editor_initials,
    }


# --- rendering ---------------------------------------------------------------------------------

_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


def _split(output: str) -> tuple[str, str]:
    """A template writes the headline on its first line, then a blank line, then the body.

    Trailing blanks go and runs of blank lines shrink to one. The regular expressions scan every position
    of a ~1 kB draft (tens of µs); plain substring tests and replace do the same on the usual output."""
    text = output
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    while "\n\n\n" in text:  # as re.sub(r"\n{3,}", "\n\n", text): each run of 3+ newlines becomes two
        text = text.replace("\n\n\n", "\n\n")
    text = text.strip()
    title, _, body = text.partition("\n")
    return title.strip(), body.strip() + "\n"


def render_draft(
    facts: AchievementFacts, requested: str | None = None, editor_initials: str = "XX"
) -> Draft:
    family, variant = resolve_template(facts, requested)
    context = build_context(facts, variant, editor_initials)
    title, body = _split(_template(f"{family}.md.j2").render(context))
    return Draft(template=f"{family}/{variant}", title=title, body=body)


def roundup_variant(key: int, requested: int | None = None) -> int:
    return requested if requested else key % ROUNDUP_VARIANTS + 1


def render_roundup(context: dict[str, Any], variant: int) -> Draft:
    title, body = _split(_template(f"{ROUNDUP_FAMILY}.md.j2").render({**context, "variant": variant}))
    return Draft(template=f"{ROUNDUP_FAMILY}/{variant}", title=title, body=body)


def roundup_item(facts: AchievementFacts) -> dict[str, Any]:
    """One line of a roundup: who (consent-aware), what and where, as plain values."""
    first, _ = achievement_subject(facts)
    if len(facts.persons) > 1:
        named = [p.name for p in facts.persons if p.consent]
        role = member_role(facts.institution_kind, facts.category_slug)
        first = f"tim {facts.institution_name} ({_members(named, len(facts.persons) - len(named), role)})"
    elif len(facts.persons) == 1 and facts.persons[0].consent:
        first = first.replace(", ", " (", 1) + ")"
    return {
        "subject": first[0].upper() + first[1:],
        "phrase": lang.rank_phrase(facts.rank, facts.rank_label),
        "event": facts.event_name,
        "level_lead": "" if lang.mentions_level(facts.event_name, facts.level) else lang.level_phrase(
            facts.level, facts.kecamatan, facts.desa),
        "date": facts.date,
        "kecamatan": facts.kecamatan,
    }
