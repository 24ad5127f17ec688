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
from service.press.story import build_story

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
    role: str | None = None  # a PersonRole value; None until recorded (the story then uses the default)


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
    # Sentences of context from the registry's verified history (service/press/history.py), best first.
    context: tuple[str, ...] = field(default_factory=tuple)

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
        values["context"] = tuple(values.get("context", ()))
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

    # Jinja's verdict on an attribute (`is_internal_attribute`, a chain of isinstance checks) depends on the
    # object's type and the attribute's name only, never on the value; it is asked for every `x.y` a template
    # reads, about 20 times per draft. Remembered per (type, name): the same verdicts at a fraction of the cost.
    _SAFE_VERDICTS_MAX = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        verdicts = self._safe_verdicts
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = super().is_safe_attribute(obj, attr, value)
            if len(verdicts) < self._SAFE_VERDICTS_MAX:
                verdicts[key] = verdict
        return verdict


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


def default_byline() -> str:
    """The desk's initials (JUARA_PRESS_INITIALS) for drafts no editor signs."""
    from service.config import get_settings

    return get_settings().press_initials


def build_context(facts: AchievementFacts, variant: int, editor_initials: str | None = None) -> dict[str, Any]:
    """What a template sees: the story of the achievement and the variant. Nothing else."""
    return {"s": build_story(facts, variant, editor_initials or default_byline()), "variant": variant}


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
    facts: AchievementFacts, requested: str | None = None, editor_initials: str | None = None
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
    """One line of a roundup as a plain sentence from the story: who (consent-aware), what exactly, when."""
    story = build_story(facts, 1, "")
    return {
        "sentence": f"{lang.ucfirst(story.who)} {story.verb} {story.prize} pada {facts.event_name}, "
                    f"{lang.long_date(facts.date)}.",
        "date": facts.date,
        "level": facts.level,
        "kecamatan": facts.kecamatan,
    }
