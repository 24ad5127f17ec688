"""The reference lists an import checks cells against (categories, kecamatan, desa, persons)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.imports.columns import _key
from service.models import Category, Desa, Institution, Kecamatan, Person
from service.text import today_wib

# --- reference lists --------------------------------------------------------------------------------

@dataclass
class References:
    """Everything a row is checked against, loaded once before the rows are read."""

    categories: dict[str, tuple[int, int]]  # key -> (id, root id)
    category_labels: list[str]
    kecamatan: dict[str, int]
    kecamatan_labels: list[str]
    desa: dict[str, list[tuple[int, int]]]  # key of name -> [(desa id, kecamatan id)]
    desa_labels: list[str]
    desa_by_label: dict[str, tuple[int, int]]
    institution_kecamatan_id: int | None
    institution_desa_id: int | None
    institution_kind: str | None
    persons: dict[str, int]  # key of name -> person id, within the institution
    today: dt.date


def category_label(name: str, parent: str | None) -> str:
    return f"{parent} › {name}" if parent else name


async def load_lists() -> tuple[list[tuple[str, int, int]], list[tuple[str, int]], list[tuple[str, int, int, str]]]:
    cats = await Category.all().order_by("sort_order", "name").values("id", "name", "parent_id")
    names = {c["id"]: c["name"] for c in cats}
    roots = [c for c in cats if c["parent_id"] is None]
    ordered: list[tuple[str, int, int]] = []
    for root in roots:
        ordered.append((root["name"], root["id"], root["id"]))
        for child in cats:
            if child["parent_id"] == root["id"]:
                ordered.append((category_label(child["name"], names[root["id"]]), child["id"], root["id"]))
    kecamatan = [(k.name, k.id) for k in await Kecamatan.all().order_by("code")]
    kec_names = dict((i, n) for n, i in kecamatan)
    desa = [
        (d["name"], d["id"], d["kecamatan_id"], kec_names[d["kecamatan_id"]])
        for d in await Desa.all().order_by("code").values("id", "name", "kecamatan_id")
    ]
    return ordered, kecamatan, desa


def desa_label(name: str, kecamatan: str) -> str:
    return f"{name} (Kec. {kecamatan})"


async def load_references(institution: Institution) -> References:
    cats, kecamatan, desa = await load_lists()
    categories: dict[str, tuple[int, int]] = {}
    for label, cid, root in cats:
        categories[_key(label)] = (cid, root)
        short = _key(label.split("›")[-1])
        # A sub-category's own name alone is accepted when no other category has that name.
        categories.setdefault(short, (cid, root))
    desa_map: dict[str, list[tuple[int, int]]] = {}
    desa_by_label: dict[str, tuple[int, int]] = {}
    for name, did, kid, kname in desa:
        desa_map.setdefault(_key(name), []).append((did, kid))
        desa_by_label[_key(desa_label(name, kname))] = (did, kid)
    persons = {
        _key(name): pid
        for pid, name in await Person.filter(institution_id=institution.id).order_by("id").values_list("id", "name")
    }
    return References(
        categories=categories,
        category_labels=[label for label, _, _ in cats],
        kecamatan={_key(n): i for n, i in kecamatan},
        kecamatan_labels=[n for n, _ in kecamatan],
        desa=desa_map,
        desa_labels=[desa_label(n, k) for n, _, _, k in desa],
        desa_by_label=desa_by_label,
        institution_kecamatan_id=institution.kecamatan_id,
        institution_desa_id=institution.desa_id,
        institution_kind=institution.kind,
        persons=persons,
        today=today_wib(),
    )

