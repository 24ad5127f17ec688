"""Parsing cells and checking rows: one ParsedRow per good row, a RowProblem per bad cell."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from rapidfuzz import process

from service.achievement_rules import check_achievement
from service.enums import LEVEL_ORDER, AchieverKind, ConsentGiver, PersonRole
from service.errors import UserErrorCode, UserInputError
from service.imports.columns import (
    _LEVEL_BY_KEY,
    _MONTHS,
    _NO,
    _RANK_BY_KEY,
    _YES,
    BATCH_ROWS,
    COLUMNS,
    HEADER_ALIASES,
    LEVEL_LABELS,
    MAX_PERSONS_PER_ROW,
    MAX_ROWS,
    MAX_URLS_PER_ROW,
    RANK_LABELS,
    _header_key,
    _key,
)
from service.imports.readers import _csv_rows, _xlsx_rows
from service.imports.references import References
from service.imports.report import ImportReport, _problem
from service.persons import (
    GUARDIAN_CONSENT_TEXT,
    consent_is_valid,
    default_consent_giver,
    default_role,
    is_minor_on,
)
from service.text import clean, valid_http_url

Progress = Callable[[str, int, int | None], None]



# --- cell parsing ------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        # Most cells are plain printable text: skip the regular expressions of clean().
        if value.isprintable() and "  " not in value:
            return value.strip() or None
        return clean(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _choose(raw: str, table: dict[str, Any], labels: list[str]) -> tuple[Any, str | None]:
    """The entry a cell names, or a message listing the choices (with the closest one as a hint)."""
    found = table.get(_key(raw))
    if found is not None:
        return found, None
    hint = ""
    best = process.extractOne(raw, labels, score_cutoff=70)
    if best:
        hint = f" Maksud Anda '{best[0]}'?"
    listed = ", ".join(labels) if len(labels) <= 12 else ", ".join(labels[:12]) + ", …"
    return None, f"'{raw[:60]}' tidak dikenal; pilih salah satu dari {listed}.{hint}"


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 100000:
            # An Excel serial day number (cell formatted as a number).
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        return None
    text = (_text(value) or "").lower()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
        else:
            m = re.fullmatch(r"(?:[a-z]+,?\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text)
            if not m or m[2] not in _MONTHS:
                return None
            d, mo, y = int(m[1]), _MONTHS[m[2]], int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _split_names(text: str) -> list[str]:
    return [n for n in (clean(p) for p in re.split(r"[;\n]+", text)) if n]


class ParsedRow(NamedTuple):
    """What one valid row writes: small, picklable, kept on disk between the two passes."""

    row: int
    values: tuple
    persons: tuple[str, ...]
    urls: tuple[str, ...]


# (key, required, limit) of every text cell a row is read for; the date is parsed on its own.
_TEXT_COLUMNS = tuple((c.key, c.required, c.limit) for c in COLUMNS if c.key != "date")
_LEVEL_CHOICES = list(LEVEL_LABELS.values())
# The import column each rule of check_achievement is about.
_BREACH_COLUMN = {"date": "date", "rank_label": "rank_label", "persons": "persons"}
_RANK_CHOICES = list(RANK_LABELS.values())


def parse_row(number: int, cells: dict[str, Any], refs: References, report: ImportReport,
              new_persons: dict[str, NewPerson]) -> ParsedRow | None:
    """One sheet row checked cell by cell (every problem reported) and, when it has none,
    what it writes; the persons it names for the first time are noted in `new_persons`."""
    before = report.problem_count
    text = _text_cells(number, cells, report)
    level, rank, category = _choices(number, text, refs, report)
    date = _date_cell(number, cells, report)
    names = list(dict.fromkeys(_split_names(text["persons"]))) if text["persons"] else []
    # The rules the create mutation checks too (service.achievement_rules), worded for a sheet cell.
    for breach in check_achievement(today=refs.today, date=date, rank=rank, rank_label=text["rank_label"],
                                    person_count=len(names)):
        report.add(_problem(number, _BREACH_COLUMN[breach.subject], breach.code, breach.row_message))
    kecamatan_id, desa_id = _region(number, text, refs, report)
    per_person = _per_person(number, text, names, refs, report)
    if len(names) <= MAX_PERSONS_PER_ROW and any(len(n) > 200 for n in names):
        report.add(_problem(number, "persons", UserErrorCode.INVALID, "nama terlalu panjang (maksimal 200 karakter)."))
    urls = _urls(number, text, report)

    if report.problem_count != before:
        return None
    for name in names:
        k = _key(name)
        if k in refs.persons:
            continue
        # A new person is published by full name only when every row naming them says so.
        consent, role, giver = per_person[name]
        prev = new_persons.get(k)
        if prev is None:
            new_persons[k] = NewPerson(name, consent, role, giver)
        else:
            agreed = prev.consent and consent
            new_persons[k] = NewPerson(prev.name, agreed, prev.role, (prev.giver or giver) if agreed else None)
    cat_id, root_id = category
    values = (
        text["title"], text["event_name"], text["organizer"], level.value, LEVEL_ORDER.index(level),
        rank.value, text["rank_label"], cat_id, root_id, date, text["location"], text["description"],
        (AchieverKind.PERSON if names else AchieverKind.INSTITUTION).value, kecamatan_id, desa_id,
    )
    return ParsedRow(number, values, tuple(_key(n) for n in names), tuple(urls))


def _text_cells(number: int, cells: dict[str, Any], report: ImportReport) -> dict[str, str | None]:
    text: dict[str, str | None] = {}
    for key, required, limit in _TEXT_COLUMNS:
        raw = cells.get(key)
        if raw is None:
            value = None
        elif key == "description":
            value = clean(str(raw), multiline=True)
        elif raw.__class__ is str and raw.isprintable() and "  " not in raw:
            # The usual cell: plain printable text (what _text() does first, without the call).
            value = raw.strip() or None
        else:
            value = _text(raw)
        if value is None:
            if required:
                report.add(_problem(number, key, UserErrorCode.REQUIRED, "wajib diisi."))
        elif limit and len(value) > limit:
            report.add(_problem(number, key, UserErrorCode.INVALID, f"terlalu panjang (maksimal {limit} karakter)."))
            value = None
        text[key] = value

    return text


def _choices(number: int, text: dict[str, str | None], refs: References, report: ImportReport) -> tuple[Any, Any, Any]:
    """Level, rank and category named by their cells (None when a cell names none of the choices)."""
    level = rank = None
    if text["level"]:
        level, msg = _choose(text["level"], _LEVEL_BY_KEY, _LEVEL_CHOICES)
        if msg:
            report.add(_problem(number, "level", UserErrorCode.INVALID, msg))
    if text["rank"]:
        rank, msg = _choose(text["rank"], _RANK_BY_KEY, _RANK_CHOICES)
        if msg:
            report.add(_problem(number, "rank", UserErrorCode.INVALID, msg))
    category = None
    if text["category"]:
        category, msg = _choose(text["category"], refs.categories, refs.category_labels)
        if msg:
            report.add(_problem(number, "category", UserErrorCode.NOT_FOUND, msg))
    return level, rank, category


def _date_cell(number: int, cells: dict[str, Any], report: ImportReport) -> dt.date | None:
    raw_date = cells.get("date")
    date = None
    if raw_date is None or (isinstance(raw_date, str) and not raw_date.strip()):
        report.add(_problem(number, "date", UserErrorCode.REQUIRED, "wajib diisi."))
    else:
        date = parse_date(raw_date)
        if date is None:
            report.add(_problem(number, "date", UserErrorCode.INVALID,
                                f"'{str(raw_date)[:40]}' bukan tanggal; tulis seperti 12/10/2026."))
    return date


def _region(number: int, text: dict[str, str | None], refs: References,
            report: ImportReport) -> tuple[int | None, int | None]:
    """Kecamatan and desa from their cells, or the institution's when both are empty."""
    kecamatan_id = desa_id = None
    if text["kecamatan"]:
        kecamatan_id, msg = _choose(text["kecamatan"], refs.kecamatan, refs.kecamatan_labels)
        if msg:
            report.add(_problem(number, "kecamatan", UserErrorCode.NOT_FOUND, msg))
    if text["desa"]:
        raw = text["desa"]
        hit = refs.desa_by_label.get(_key(raw))
        options = [hit] if hit else refs.desa.get(_key(raw), [])
        if kecamatan_id is not None:
            options = [o for o in options if o[1] == kecamatan_id]
        elif len(options) > 1 and refs.institution_kecamatan_id is not None:
            local = [o for o in options if o[1] == refs.institution_kecamatan_id]
            options = local or options
        if len(options) == 1:
            desa_id, desa_kec = options[0]
            kecamatan_id = kecamatan_id or desa_kec
        elif not options and (hit or refs.desa.get(_key(raw))):
            report.add(_problem(number, "desa", UserErrorCode.INVALID,
                                f"desa/kelurahan '{raw[:60]}' tidak berada di kecamatan yang dipilih."))
        elif not options:
            _, msg = _choose(raw, {}, refs.desa_labels)
            report.add(_problem(number, "desa", UserErrorCode.NOT_FOUND, msg or ""))
        else:
            report.add(_problem(number, "desa", UserErrorCode.INVALID,
                                f"ada beberapa desa bernama '{raw[:60]}'; isi juga kolom Kecamatan."))
    if kecamatan_id is None and desa_id is None and not text["kecamatan"] and not text["desa"]:
        kecamatan_id, desa_id = refs.institution_kecamatan_id, refs.institution_desa_id
    return kecamatan_id, desa_id


class NewPerson(NamedTuple):
    """A person an import registers: name, publication consent, role and who agreed."""

    name: str
    consent: bool
    role: str
    giver: str | None


_ROLE_BY_KEY = {_key(r.value): r for r in PersonRole} | {"murid": PersonRole.SISWA, "pelajar": PersonRole.SISWA,
                                                         "dosen": PersonRole.GURU, "asn": PersonRole.PEGAWAI}
_GIVER_BY_KEY = {"sendiri": ConsentGiver.SELF, "yang bersangkutan": ConsentGiver.SELF, "self": ConsentGiver.SELF,
                 "orang tua wali": ConsentGiver.GUARDIAN, "orang tua": ConsentGiver.GUARDIAN,
                 "wali": ConsentGiver.GUARDIAN, "guardian": ConsentGiver.GUARDIAN, "ortu": ConsentGiver.GUARDIAN}


def _spread(number: int, text: dict[str, str | None], column: str, names: list[str],
            report: ImportReport) -> list[str | None]:
    """A cell's values per person: one for everyone, or one per name in the order of the names."""
    raw = text[column]
    # Empty places keep their position ("Orang tua/wali; ; Sendiri"); a trailing separator is forgiven.
    values = [clean(p) for p in re.split(r"[;\n]", raw)] if raw else []
    while len(values) > max(len(names), 1) and not values[-1]:
        values.pop()
    if not any(values):
        return [None] * max(len(names), 1)
    if len(values) == 1:
        return values * max(len(names), 1)
    if len(values) != len(names):
        report.add(_problem(number, column, UserErrorCode.INVALID,
                            f"ada {len(values)} nilai untuk {len(names)} peserta; isi satu nilai untuk semua "
                            "atau satu per peserta, urut seperti nama."))
        return [None] * max(len(names), 1)
    return values


def _per_person(number: int, text: dict[str, str | None], names: list[str], refs: References,
                report: ImportReport) -> dict[str, tuple[bool, str, str | None]]:
    """(consent, role, consent giver) of every person a row names; a minor's consent must be a guardian's."""
    consents = _spread(number, text, "consent", names, report)
    roles = _spread(number, text, "roles", names, report)
    givers = _spread(number, text, "consent_givers", names, report)
    out: dict[str, tuple[bool, str, str | None]] = {}
    for i, name in enumerate(names):
        consent = False
        if consents[i]:
            k = _key(consents[i])
            if k in _YES:
                consent = True
            elif k not in _NO:
                report.add(_problem(number, "consent", UserErrorCode.INVALID,
                                    f"'{consents[i][:30]}' tidak dikenal; isi Ya atau Tidak."))  # type: ignore[index]
        role = default_role(refs.institution_kind)
        role_text = roles[i]
        if role_text:
            found = _ROLE_BY_KEY.get(_key(role_text))
            if found is None:
                report.add(_problem(number, "roles", UserErrorCode.INVALID,
                                    f"peran '{role_text[:30]}' tidak dikenal; isi Siswa, Mahasiswa, Guru, Pegawai, "
                                    "Atlet, Warga atau Lainnya."))
            role = found if found is not None else PersonRole.LAINNYA
        giver = None
        if givers[i]:
            giver = _GIVER_BY_KEY.get(_key(givers[i]))
            if giver is None:
                report.add(_problem(number, "consent_givers", UserErrorCode.INVALID,
                                    f"'{givers[i][:30]}' tidak dikenal; isi Sendiri atau Orang tua/wali."))  # type: ignore[index]
        # The sheet carries no birth date: a pupil counts as a minor (the rule of service.persons).
        minor = is_minor_on(None, role, refs.today)
        chosen = (giver or default_consent_giver(minor)) if consent else None
        if consent and not consent_is_valid(True, chosen, minor):
            report.add(_problem(number, "consent_givers", UserErrorCode.INVALID,
                                f"{name[:60]} tergolong anak: persetujuan harus dari orang tua/wali. "
                                + GUARDIAN_CONSENT_TEXT))
        out[name] = (consent, role.value, chosen.value if chosen else None)
    return out


def _urls(number: int, text: dict[str, str | None], report: ImportReport) -> list[str]:
    urls: list[str] = []
    if text["evidence_urls"]:
        for url in re.split(r"[\s;,]+", text["evidence_urls"]):
            if not url:
                continue
            if not valid_http_url(url):
                report.add(_problem(number, "evidence_urls", UserErrorCode.INVALID,
                                    f"tautan '{url[:80]}' tidak valid; gunakan alamat yang diawali http:// atau https://."))
                break
            if url not in urls:
                urls.append(url)
        if len(urls) > MAX_URLS_PER_ROW:
            report.add(_problem(number, "evidence_urls", UserErrorCode.TOO_LARGE,
                                f"paling banyak {MAX_URLS_PER_ROW} tautan bukti."))
    return urls


def _find_header(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> tuple[dict[int, str], int]:
    """The header row (among the first ten) and which column holds which field."""
    for number, values in rows:
        mapping: dict[int, str] = {}
        for idx, value in enumerate(values):
            if value is None:
                continue
            key = HEADER_ALIASES.get(_header_key(str(value)))
            if key and key not in mapping.values():
                mapping[idx] = key
        if len(mapping) >= 3:
            missing = [c.header for c in COLUMNS if c.required and c.key not in mapping.values()]
            if missing:
                raise UserInputError.one(
                    "file", UserErrorCode.INVALID,
                    f"Kolom wajib tidak ditemukan pada baris judul: {', '.join(missing)}. Gunakan templat impor.",
                )
            return mapping, number
        if number >= 10:
            break
    raise UserInputError.one(
        "file", UserErrorCode.INVALID,
        "Baris judul kolom tidak ditemukan; gunakan templat impor (GET /templates/import-prestasi.xlsx).",
    )


def validate_file(path: Path, is_xlsx: bool, refs: References, report: ImportReport, spool: IO[bytes],
                  new_persons: dict[str, NewPerson], progress: Progress | None,
                  on_batch: Callable[[list[tuple]], None] | None = None) -> None:
    """First pass: check every row; valid rows go to the spool file in batches, nothing stays in memory.

    `on_batch` receives each spooled batch as long as no row had a problem (the import writes them while
    the rest of the file is checked)."""
    rows, total, close = _xlsx_rows(path) if is_xlsx else _csv_rows(path)
    try:
        mapping, header_row = _find_header(rows)
        total_data = (total - header_row) if total else None
        batch: list[tuple] = []  # spooled as plain tuples, read back as ParsedRows
        for number, values in rows:
            cells = {key: values[idx] for idx, key in mapping.items() if idx < len(values)}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                continue
            report.total_rows += 1
            if report.total_rows > MAX_ROWS:
                raise UserInputError.one(
                    "file", UserErrorCode.TOO_LARGE,
                    f"Berkas berisi lebih dari {MAX_ROWS:,} baris; bagi menjadi beberapa berkas.".replace(",", "."),
                )
            parsed = parse_row(number, cells, refs, report, new_persons)
            if parsed is not None:
                report.valid_rows += 1
                report.row_numbers.append(number)
                if not report.problem_count:
                    batch.append(tuple(parsed))
                    if len(batch) >= BATCH_ROWS:
                        pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                        if on_batch is not None:
                            on_batch(batch)
                        batch = []
            if progress and report.total_rows % 500 == 0:
                progress("validate", report.total_rows, total_data)
        if batch and not report.problem_count:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            if on_batch is not None:
                on_batch(batch)
        if progress:
            progress("validate", report.total_rows, report.total_rows)
    finally:
        close()


def _spooled_batches(spool: IO[bytes]) -> Iterator[list[ParsedRow]]:
    spool.seek(0)
    while True:
        try:
            yield [ParsedRow._make(t) for t in pickle.load(spool)]  # noqa: S301 - our own temporary file
        except EOFError:
            return

