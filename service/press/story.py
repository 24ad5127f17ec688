"""The story of one achievement: the facts a draft states, each once and in the office's words.

A template only phrases a `Story`; every decision about what is said (the role noun, what exactly was
won, whether the level needs saying, the place or "secara daring", the coach, which description
sentences add something, the context from the registry) is made here, so it can be tested as facts.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from service.enums import AchievementLevel, AchievementRank, InstitutionKind
from service.press import language as lang

# PersonRole values (API.md "Second release") and how a draft names them.
ROLE_NOUN = {
    "SISWA": "siswa",
    "MAHASISWA": "mahasiswa",
    "GURU": "guru",
    "PEGAWAI": "pegawai",
    "ATLET": "atlet",
    "WARGA": "warga",
    "LAINNYA": "perwakilan",
}


def default_role(kind: InstitutionKind, category_slug: str = "") -> str:
    """The PersonRole a person has when none was recorded: API.md's default (SISWA at a school, else WARGA).

    A teacher's category at a school keeps its old meaning (GURU) so older entries still read right.
    """
    if kind == InstitutionKind.SEKOLAH:
        return "GURU" if category_slug == "guru-tenaga-kependidikan" else "SISWA"
    if kind in (InstitutionKind.PERANGKAT_DAERAH, InstitutionKind.KECAMATAN, InstitutionKind.PUSKESMAS,
                InstitutionKind.BUMD):
        return "PEGAWAI"
    return "WARGA"


def _value(role: object) -> str:
    return str(getattr(role, "value", role))


# --- institutions -------------------------------------------------------------------------------

# Regency offices the office calls by their usual short names after the first mention.
_OFFICE_SHORT = (
    ("Dinas Komunikasi dan Informatika", "Dinkominfo Purbalingga"),
    ("Dinas Pendidikan dan Kebudayaan", "Dindikbud Purbalingga"),
    ("Dinas Kesehatan", "Dinkes Purbalingga"),
    ("Dinas Sosial, Pengendalian Penduduk, Keluarga Berencana, Pemberdayaan Perempuan dan Perlindungan Anak",
     "Dinsosdaldukkbpppa Purbalingga"),
    ("Dinas Pemuda, Olahraga dan Pariwisata", "Dinporapar Purbalingga"),
    ("Dinas Lingkungan Hidup", "DLH Purbalingga"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Dindukcapil Purbalingga"),
    ("Badan Perencanaan Pembangunan", "Bappelitbangda Purbalingga"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
    ("Pemerintah Kabupaten Purbalingga", "Pemkab Purbalingga"),
    ("Sekretariat Daerah", "Setda Purbalingga"),
)


def short_name(name: str) -> str:
    """The second mention: 'SMPN 1 Bobotsari', 'Pemdes Kedungbenda', 'Dinkominfo Purbalingga'."""
    for full, short in _OFFICE_SHORT:
        if name.lower().startswith(full.lower()):
            rest = name[len(full):].strip()
            if short == "RSUD" and rest:
                return f"RSUD {rest}"
            return short
    return lang.short_institution_name(name)


def desa_of(name: str) -> str | None:
    """'Pemerintah Desa Karangjambu' -> 'Desa Karangjambu'; 'Kelurahan Kandanggampang' stays."""
    match = re.match(r"^(?:Pemerintah\s+)?(Desa|Kelurahan)\s+(.+)$", name, re.IGNORECASE)
    return f"{match.group(1).title()} {match.group(2)}" if match else None


def person_of(role: str, institution: str, kind: InstitutionKind, kecamatan: str | None) -> str:
    """Who a person is, after the name: 'siswa SMP Negeri 1 Bobotsari', 'atlet asal Desa Karangjambu'."""
    noun = ROLE_NOUN.get(role, "perwakilan")
    desa = desa_of(institution) if kind in (InstitutionKind.PEMERINTAH_DESA, InstitutionKind.KELURAHAN) else None
    if desa:
        where = f"{desa}, Kecamatan {kecamatan}" if kecamatan and kecamatan not in desa else desa
        if role == "PEGAWAI":
            return f"perangkat {where}"
        return f"{noun} asal {where}"
    if role == "WARGA" and kind == InstitutionKind.ORGANISASI:
        return f"anggota {institution}"
    if role == "WARGA" and kind == InstitutionKind.KECAMATAN:
        return f"warga {institution}"
    if role == "WARGA":
        return f"warga binaan {institution}" if kind == InstitutionKind.PUSKESMAS else f"perwakilan {institution}"
    return f"{noun} {institution}"


_HEAD_PREFIX = {
    InstitutionKind.PEMERINTAH_DESA: ("Kepala Desa ", re.compile(r"^Pemerintah Desa\s+", re.IGNORECASE)),
    InstitutionKind.KELURAHAN: ("Lurah ", re.compile(r"^(Pemerintah\s+)?Kelurahan\s+", re.IGNORECASE)),
    InstitutionKind.KECAMATAN: ("Camat ", re.compile(r"^Kecamatan\s+", re.IGNORECASE)),
}
_LED_BY_PIMPINAN = frozenset({InstitutionKind.DUNIA_USAHA, InstitutionKind.LAINNYA})


def institution_head(name: str, kind: InstitutionKind) -> str:
    """Whose words the quote slot asks for: 'Kepala SMP Negeri 1 Bobotsari', 'Kepala Desa Kedungbenda'."""
    prefix = _HEAD_PREFIX.get(kind)
    if prefix is not None:
        title, pattern = prefix
        return title + pattern.sub("", name)
    if kind == InstitutionKind.ORGANISASI:
        return "Ketua " + name
    if kind in _LED_BY_PIMPINAN:
        return "Pimpinan " + name
    return "Kepala " + short_name(name) if len(name) > 40 else "Kepala " + name


# --- what was won ------------------------------------------------------------------------------

_RANK_PREFIX = re.compile(
    r"^\s*(?:juara\s+harapan\s+(?:\d+|i{1,3})|juara\s+(?:umum|\d+|i{1,3}|iv|pertama|kedua|ketiga)|"
    r"medali\s+(?:emas|perak|perunggu)|finalis|juara|peringkat\s+\d+)\b[\s,:–-]*",
    re.IGNORECASE,
)
_LEVEL_TAIL = re.compile(
    r"\s*\b(?:tingkat|tk\.?)\s+(?:desa|kecamatan|kabupaten|karesidenan|provinsi|nasional|internasional)"
    r"(?:\s+(?:purbalingga|jawa\s+tengah|banyumas))?\b",
    re.IGNORECASE,
)
# Event acronyms operators add to a title; the event's own name already says them.
_EVENT_ACRONYMS = frozenset({
    "popda", "o2sn", "osn", "fls2n", "mtq", "popnas", "porprov", "porseni", "kejurda", "kejurnas", "kejurkab",
    "gsi", "lks", "fl2sn", "kosn", "pon", "peparnas",
})
_CONNECTORS = frozenset({"pada", "dalam", "di", "-", "–", ",", ":", "ajang", "event"})
# A detail starting with one of these names its own kind; anything else in a sport is a branch (cabang).
_HEAD_NOUNS = ("bidang", "kategori", "kelas", "cabang", "nomor", "lomba", "mata lomba", "divisi", "kelompok",
               "tangkai", "golongan", "festival", "turnamen", "kompetisi", "kejuaraan", "olimpiade", "liga")


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalnum()).lower()


_UNITS = frozenset({"kg", "g", "m", "km", "cm"})


def _is_kept_case(word: str) -> bool:
    """Acronyms, single letters ('Kelas D'), roman numerals, units and numbers keep their case mid-sentence."""
    bare = word.strip(".,()")
    if bare in _UNITS:
        return True
    return (len(bare) > 1 and bare.isupper()) or len(bare) == 1 or any(ch.isdigit() for ch in bare) or (
        bare.upper() == bare and bare.isalpha())


def lower_common(text: str) -> str:
    """'Kategori Tanding Putri' -> 'kategori tanding putri'; 'Kelas D' keeps the D, 'FLS2N' stays."""
    return " ".join(w if _is_kept_case(w) else w.lower() for w in text.split())


def title_detail(title: str, event_name: str, rank_label: str | None = None) -> str:
    """What the title names beyond the rank and the event: 'Kategori Tanding Putri', 'Pencak Silat Kelas D
    Putri', 'Lomba Paduan Suara'. Empty when the title says nothing the event name does not."""
    rest = _RANK_PREFIX.sub("", title, count=1).strip()
    if rank_label:
        rest = re.sub(re.escape(rank_label), " ", rest, flags=re.IGNORECASE)
    rest = re.sub(re.escape(event_name), " ", rest, flags=re.IGNORECASE)
    bare_event = re.sub(r"\s*\([^)]*\)", "", event_name).strip()  # "Olimpiade Sains Nasional (OSN)"
    if bare_event:
        rest = re.sub(re.escape(bare_event), " ", rest, flags=re.IGNORECASE)
    for acronym in re.findall(r"\(([^)]+)\)", event_name):
        rest = re.sub(rf"\b{re.escape(acronym)}\b", " ", rest, flags=re.IGNORECASE)
    rest = _LEVEL_TAIL.sub(" ", rest)
    rest = re.sub(r"\b(19|20)\d\d\b", " ", rest)  # the year belongs to the event
    event_words = {w.lower().strip("(),") for w in event_name.split()}
    event_initials = _initials([w for w in event_name.split() if w[:1].isupper()])
    words = [w for w in rest.split() if w.lower() not in _EVENT_ACRONYMS and w.lower() != event_initials]
    while words and words[0].lower() in _CONNECTORS:
        words.pop(0)
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    if not words or all(w.lower().strip("(),") in event_words or w.isdigit() for w in words):
        return ""
    return " ".join(words)


def event_short(event_name: str) -> str:
    """For a headline: the acronym an event gives in brackets ('FLS2N'), else its name."""
    match = re.search(r"\(([A-Z0-9][A-Za-z0-9 .-]{1,15})\)", event_name)
    return match.group(1) if match else event_name


# --- levels ------------------------------------------------------------------------------------

# The phrase an event name must hold for its level to go unsaid: FLS2N or O2SN run at every stage, so a
# bare "Nasional" inside a name ("Olimpiade Olahraga Siswa Nasional") does not say the stage.
_SAYS_LEVEL = {
    AchievementLevel.DESA: r"\btingkat desa\b",
    AchievementLevel.KECAMATAN: r"\btingkat kecamatan\b|\bkecamatan\s+[A-Z]",
    AchievementLevel.KABUPATEN: r"\btingkat kabupaten\b|\bkabupaten purbalingga\b",
    AchievementLevel.KARESIDENAN: r"\bkaresidenan\b|\bbarlingmascakeb\b",
    AchievementLevel.PROVINSI: r"\btingkat provinsi\b|\bjawa tengah\b|\bjateng\b",
    AchievementLevel.NASIONAL: r"\btingkat nasional\b|\bkejurnas\b|\bkejuaraan nasional\b|\bpopnas\b",
    AchievementLevel.INTERNASIONAL: r"\binternasional\b|\binternational\b",
}
_SAYS_LEVEL_RE = {level: re.compile(p, re.IGNORECASE) for level, p in _SAYS_LEVEL.items()}
# The region a level phrase names, and the short phrase used when the organiser names it already.
_LEVEL_REGION = {
    AchievementLevel.KABUPATEN: ("Kabupaten Purbalingga", "tingkat kabupaten"),
    AchievementLevel.KARESIDENAN: ("Banyumas", "tingkat karesidenan"),
    AchievementLevel.PROVINSI: ("Jawa Tengah", "tingkat provinsi"),
}


def says_level(event_name: str, level: AchievementLevel) -> bool:
    """True when the event name already holds the level phrase, so the draft does not repeat it."""
    return _SAYS_LEVEL_RE[level].search(event_name) is not None


def level_lead(level: AchievementLevel, event_name: str, organizer: str, kecamatan: str | None,
               desa: str | None, institution: str = "") -> str:
    """'tingkat Provinsi Jawa Tengah', or the short 'tingkat provinsi' when the organiser names the region
    (no 'Provinsi Jawa Tengah … Provinsi Jawa Tengah'), or '' when the event name says it."""
    if says_level(event_name, level):
        return ""
    region = _LEVEL_REGION.get(level)
    if region and region[0].lower() in organizer.lower():
        return region[1]
    if level == AchievementLevel.KECAMATAN and kecamatan and kecamatan.lower() in organizer.lower():
        return "tingkat kecamatan"
    if level == AchievementLevel.DESA and desa and desa.lower() in organizer.lower():
        return "tingkat desa"
    phrase = lang.level_phrase(level, kecamatan, desa)
    # "Pemerintah Desa Karangjambu … tingkat Desa Karangjambu": the place is said by the name already.
    place = phrase.removeprefix("tingkat ")
    if place != phrase and institution and place.lower() in institution.lower():
        return f"tingkat {level.value.lower()}"
    return phrase


# --- the description ---------------------------------------------------------------------------

_COACH_LINE = re.compile(
    r"^\s*(?P<verb>dilatih|dibina|dibimbing|didampingi)\s+(?:oleh\s+)?(?:guru\s+|pelatih\s+|pembina\s+)?"
    r"(?P<name>[A-Z][^.;]{1,80}?)\s*\.?\s*$"
    r"|^\s*(?P<label>pelatih|pembina|pembimbing|guru pembimbing|guru pendamping|pendamping|official)\s*[:=-]\s*"
    r"(?P<name2>[^.;\n]{2,80}?)\s*\.?\s*$",
    re.IGNORECASE,
)
_COACH_VERB = {
    "dilatih": "dilatih", "pelatih": "dilatih", "official": "didampingi",
    "dibina": "dibina", "pembina": "dibina",
    "didampingi": "didampingi", "pendamping": "didampingi", "guru pendamping": "didampingi",
}


@dataclass(frozen=True)
class Coach:
    verb: str  # 'dilatih', 'dibimbing', 'dibina', 'didampingi'
    name: str

    def phrase(self) -> str:
        return f"{self.verb} oleh {self.name}"


def _sentences(text: str) -> list[str]:
    parts: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        parts.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", line) if s.strip())
    return parts


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def ngrams(text: str, n: int = 3) -> list[tuple[str, ...]]:
    words = _words(text)
    return [tuple(words[i:i + n]) for i in range(len(words) - n + 1)]


def doubled_ngrams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    """The n-grams that occur more than once: a phrase said twice."""
    seen: set[tuple[str, ...]] = set()
    doubled: set[tuple[str, ...]] = set()
    for gram in ngrams(text, n):
        (doubled if gram in seen else seen).add(gram)
    return doubled


def _repeats(sentence: str, lead: str) -> bool:
    """A sentence whose 3-grams are mostly in the lead already says nothing new."""
    grams = ngrams(sentence)
    if not grams:
        return False
    lead_grams = set(ngrams(lead))
    return sum(g in lead_grams for g in grams) / len(grams) >= 0.4


def read_description(description: str | None, facts_text: str) -> tuple[Coach | None, list[str]]:
    """The coach line, and the sentences of the description that add something to the lead."""
    if not description:
        return None, []
    coach = None
    kept = []
    for raw in _sentences(description):
        match = _COACH_LINE.match(raw)
        if match and coach is None:
            key = (match.group("verb") or match.group("label") or "").lower()
            name = (match.group("name") or match.group("name2") or "").strip().rstrip(".")
            coach = Coach(_COACH_VERB.get(key, "dibimbing"), name)
            continue
        text = lang.sentence(raw)
        if text and not _repeats(text, facts_text):
            kept.append(text[0].upper() + text[1:])
    return coach, kept


# --- places ------------------------------------------------------------------------------------

_ONLINE = re.compile(r"^\s*(?:secara\s+)?(?:daring|online|virtual|zoom(?: meeting)?|google meet|dalam jaringan)\b",
                     re.IGNORECASE)


def place_phrase(location: str | None) -> tuple[str | None, bool]:
    """('di GOR Jatidiri, Semarang', False), ('secara daring', True), or (None, False) when not given."""
    if not location or not location.strip():
        return None, False
    if _ONLINE.match(location):
        return "secara daring", True
    return f"di {location.strip()}", False


# --- ranks -------------------------------------------------------------------------------------

_AWARD_NOUNS = ("predikat", "penghargaan", "anugerah", "piala", "trofi", "opini", "sertifikat", "status",
                "kategori", "juara")


def award_name(rank_label: str | None, title: str) -> str:
    """An award as a draft names it: 'predikat Sekolah Adiwiyata Nasional', 'penghargaan Desa Wisata Maju'."""
    label = (rank_label or title).strip()
    # "Predikat Madya" with the title "Predikat Madya Kabupaten Layak Anak": the title says what it rates.
    if rank_label and title.lower().startswith(rank_label.lower()) and len(title) > len(rank_label):
        label = title.strip()
    first = label.split()[0].lower() if label else ""
    if first in _AWARD_NOUNS:
        return first + label[len(first):]
    return f"predikat {label}"


def rank_words(rank: AchievementRank, rank_label: str | None, title: str) -> str:
    """Mid-sentence: 'Juara 1', 'Juara Harapan 2', 'medali emas', 'finalis', 'predikat Madya'."""
    if rank == AchievementRank.PENGHARGAAN:
        return award_name(rank_label, title)
    if rank == AchievementRank.FINALIS:
        return "finalis"
    name = lang.rank_name(rank, rank_label)
    return name.lower() if rank in lang.MEDALS else name


def headline_rank_words(rank: AchievementRank, rank_label: str | None, title: str) -> str:
    words = rank_words(rank, rank_label, title)
    return " ".join(w if _is_kept_case(w) else w[:1].upper() + w[1:] for w in words.split())


_VERBS = {
    "juara": ("meraih", "berhasil meraih", "menyabet", "keluar sebagai"),
    "medal": ("meraih", "menyabet", "mempersembahkan", "berhasil meraih"),
    "award": ("meraih", "menerima", "dianugerahi", "berhasil meraih"),
    "finalis": ("berhasil menjadi", "lolos sebagai", "tampil sebagai"),
}
# Four distinct verbs each, so the variants of one achievement never share a headline.
_HEADLINE_VERBS = {
    "juara": ("Raih", "Sabet", "Gondol", "Bawa Pulang"),
    "medal": ("Raih", "Sabet", "Boyong", "Persembahkan"),
    "award": ("Raih", "Terima", "Sabet", "Dianugerahi"),
    "finalis": ("Jadi", "Lolos Jadi", "Tembus Jadi", "Melaju sebagai"),
}


def _rank_kind(rank: AchievementRank) -> str:
    if rank == AchievementRank.PENGHARGAAN:
        return "award"
    if rank in lang.MEDALS:
        return "medal"
    if rank == AchievementRank.FINALIS:
        return "finalis"
    return "juara"


# --- the story ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """The facts of one achievement, each ready to phrase; a template arranges them, adds nothing."""

    headline: str
    who: str                # first mention, before the verb: 'Rina Kusuma Wardani, siswa SMA Negeri 1 …,'
    who_plain: str          # the same without the closing comma, for 'ditorehkan …'
    who_later: str          # second mention: 'Rina', 'SMPN 1 Bobotsari', 'tim tersebut'
    who_later_start: str    # the second mention at the start of a sentence
    verb: str               # 'meraih', 'menyabet', 'dianugerahi'
    prize: str              # 'Juara 1 kategori tanding putri', 'medali emas cabang pencak silat', 'predikat …'
    event: str              # 'Kejurda Tapak Suci', with the level when the name does not say it
    organizer: str
    when: str               # 'Rabu (11/11/2026)'
    where: str              # 'di GOR Jatidiri, Semarang', 'secara daring', or a slot when not given
    online: bool
    institution: str
    institution_short: str
    head: str               # 'Kepala SMP Negeri 1 Bobotsari': whose quote the slot asks for
    field: str              # 'olahraga', 'seni dan budaya'
    members: str | None     # a team's members, consent-aware
    member_count: int
    coach: str | None       # 'Selama persiapan, Fajar dilatih oleh Agus Salim.'
    coach_slot: str | None  # asked for only for pupils when no coach was given
    details: tuple[str, ...]
    detail_slot: str | None
    context: tuple[str, ...]
    origin: str             # ' dari Kecamatan Bobotsari', or '' when the institution's name says it
    attribution: str        # 'kata', 'ujar', 'tutur'
    byline: str
    pick: int
    level_said: bool
    # dataclasses.field: the `field` attribute above shadows the bare name for type checkers.
    facts: dict[str, str] = dataclasses.field(default_factory=dict)  # the facts as given, for tests and the report


_DETAIL_SLOTS = {
    "olahraga": "[[ jalannya pertandingan: lawan di babak final, skor atau catatan waktu ]]",
    "seni-budaya": "[[ karya yang dibawakan dan penilaian juri ]]",
    "pendidikan-akademik": "[[ materi lomba, jumlah peserta dan persiapan ]]",
    "keagamaan": "[[ materi yang dilombakan dan jumlah peserta ]]",
}


def _detail_slot(root_slug: str, rank: AchievementRank) -> str:
    if rank == AchievementRank.PENGHARGAAN:
        return "[[ aspek yang dinilai dan upaya yang mengantar pada penghargaan ini ]]"
    return _DETAIL_SLOTS.get(root_slug, "[[ jumlah peserta dan persiapan yang dilakukan ]]")


def plain_name(name: str) -> str:
    """A name without academic titles and degrees, for a headline: 'Drs. Bambang Sutrisno, M.Pd.' -> 'Bambang
    Sutrisno'."""
    words = [w for w in name.split(",")[0].split() if not lang._is_title(w)]
    return " ".join(words) or name


def first_name(name: str) -> str:
    """The house's second mention of a person: the first name that is not a title ('Rina')."""
    words = [w for w in name.split(",")[0].split() if not lang._is_title(w)]
    if not words:
        return name
    if words[0].lower() in ("muhammad", "mohammad", "moh.", "m.", "muh.", "ahmad") and len(words) > 1:
        return words[1]
    return words[0]


def _prize(rank: AchievementRank, rank_label: str | None, title: str, detail: str, sport: bool) -> str:
    words = rank_words(rank, rank_label, title)
    if rank == AchievementRank.PENGHARGAAN or not detail:
        return words
    lowered = lower_common(detail)
    if not lowered.lower().startswith(_HEAD_NOUNS):
        lowered = ("cabang " if sport else "bidang ") + lowered
    return f"{words} {lowered}"


def _headline(subject: str, verb: str, prize_words: str, detail: str, event: str, level_word: str,
              rank: AchievementRank, full_event: str) -> str:
    """Short news headlines, tried from the fullest to the barest until one fits."""
    detail_cased = " ".join(w[:1].upper() + w[1:] if not _is_kept_case(w) else w for w in detail.split())
    if rank == AchievementRank.PENGHARGAAN:
        options = [f"{subject} {verb} {prize_words}"]
    else:
        what = f"{prize_words} {detail_cased}".strip()
        # The event joins the detail only when short: "Juara 1 Lomba Robotik Kompetisi Robotik Pelajar"
        # stacks nouns; "Juara 1 Lomba Paduan Suara FLS2N" does not. A "Bidang …" detail follows the event.
        with_event = not detail or event != full_event or len(event) <= 20
        if detail.lower().startswith(("bidang", "kategori", "kelas", "nomor")):
            with_event_what = f"{prize_words} {event} {detail_cased}"
        else:
            with_event_what = f"{what} {event}"
        bare_event = re.sub(r"\s+(19|20)\d\d$", "", event)  # the year can go from a headline
        bare_what = with_event_what.replace(event, bare_event)
        options = [
            *([f"{subject} {verb} {with_event_what}{level_word}", f"{subject} {verb} {with_event_what}",
               f"{subject} {verb} {bare_what}"] if with_event else []),
            *([f"{subject} {verb} {what}{level_word}", f"{subject} {verb} {what}"] if detail else []),
        ]
        # Without a detail the event is what was won: better a long headline than one that says nothing.
        fallback = f"{subject} {verb} {what}" if detail else f"{subject} {verb} {bare_what}"
        options.append(fallback)
    for option in options:
        if len(option) <= 90 and not doubled_ngrams(option):
            return option
    return options[-1]


_ATTRIBUTIONS = ("kata", "ujar", "tutur", "jelas")


@dataclass(frozen=True)
class _Who:
    who: str
    who_plain: str
    later: str
    headline_subject: str
    members: str | None
    roles: tuple[str, ...]


def _who(facts, inst_short: str) -> _Who:  # noqa: ANN001 - AchievementFacts (render.py)
    """Who achieved, each way a draft names them; a name only with consent, a role noun always."""
    institution, inst_kind = facts.institution_name, facts.institution_kind
    persons = facts.persons
    count = len(persons)
    roles = [_value(p.role) if getattr(p, "role", None) else default_role(inst_kind, facts.category_slug)
             for p in persons]
    named = [p.name for p in persons if p.consent]
    hidden = count - len(named)
    members = None
    if count == 1:
        role = roles[0]
        described = person_of(role, institution, inst_kind, facts.kecamatan)
        if named:
            who_plain = f"{named[0]}, {described}"
            return _Who(f"{who_plain},", who_plain, first_name(named[0]), plain_name(named[0]), None, tuple(roles))
        headline = lang.ucfirst(person_of(role, inst_short, inst_kind, None))
        return _Who(f"seorang {described}", f"seorang {described}", f"{ROLE_NOUN.get(role, 'perwakilan')} tersebut",
                    headline, None, tuple(roles))
    if count > 1:
        noun = ROLE_NOUN.get(roles[0] if len(set(roles)) == 1 else "LAINNYA", "perwakilan")
        if named:
            members = lang.join_names([*named, *([f"{lang.number_word(hidden)} {noun} lainnya"] if hidden else [])])
        else:
            members = f"{lang.number_word(count)} {noun}"
        return _Who(f"tim {institution}", f"tim {institution}", "tim tersebut", f"Tim {inst_short}", members,
                    tuple(roles))
    later = inst_short if inst_short != institution else (
        "sekolah tersebut" if inst_kind == InstitutionKind.SEKOLAH else "instansi tersebut")
    return _Who(institution, institution, later, institution if len(institution) <= 32 else inst_short, None, ())


def build_story(facts, variant: int, byline: str) -> Story:  # noqa: ANN001 - AchievementFacts (render.py)
    """Every fact the entry gives, once: see the module docstring for what is decided here."""
    pick = facts.key // 7
    kind = _rank_kind(facts.rank)
    sport = facts.category_root_slug == "olahraga" or facts.rank in lang.MEDALS
    institution, inst_kind = facts.institution_name, facts.institution_kind
    inst_short = short_name(institution)
    detail = "" if facts.rank == AchievementRank.PENGHARGAAN else title_detail(
        facts.title, facts.event_name, facts.rank_label)
    prize = _prize(facts.rank, facts.rank_label, facts.title, detail, sport)
    level = level_lead(facts.level, facts.event_name, facts.organizer, facts.kecamatan, facts.desa,
                       facts.institution_name)
    event = f"{facts.event_name} {level}" if level else facts.event_name
    place, online = place_phrase(facts.location)
    where = place or "di [[ tempat kegiatan ]]"
    w = _who(facts, inst_short)
    who, who_plain, later, headline_subject, members = w.who, w.who_plain, w.later, w.headline_subject, w.members
    roles = list(w.roles)
    count = len(facts.persons)
    verbs = _VERBS[kind]
    verb = verbs[pick % len(verbs)]
    headline_verb = _HEADLINE_VERBS[kind][(pick + variant - 1) % len(_HEADLINE_VERBS[kind])]
    headline_prize = headline_rank_words(facts.rank, facts.rank_label, facts.title)
    if kind == "finalis":
        headline_prize = "Finalis"
    level_word = "" if not level else f" {lang.level_headline(facts.level)}"
    headline = _headline(headline_subject, headline_verb, headline_prize, detail, event_short(facts.event_name),
                         level_word, facts.rank, facts.event_name)
    lead_text = f"{who_plain} {verb} {prize} {event} {facts.organizer}"
    coach, details = read_description(facts.description, lead_text + " " + facts.title)
    is_pupil = count >= 1 and all(r == "SISWA" for r in roles)
    coach_text = None
    if coach:
        coach_text = f"Selama persiapan, {later} {coach.phrase()}."
    kecamatan = facts.kecamatan
    origin = f" dari Kecamatan {kecamatan}" if kecamatan and kecamatan.lower() not in institution.lower() else ""
    return Story(
        headline=headline,
        who=who,
        who_plain=who_plain,
        who_later=later,
        who_later_start=lang.ucfirst(later),
        verb=verb,
        prize=prize,
        event=event,
        organizer=facts.organizer,
        when=lang.day_date(facts.date),
        where=where,
        online=online,
        institution=institution,
        institution_short=inst_short,
        head=institution_head(institution, inst_kind),
        field=lang.field_phrase(facts.category_root_name),
        members=members,
        member_count=count,
        coach=coach_text,
        coach_slot=None if coach or not is_pupil else
        f"Selama persiapan, {later} dibimbing oleh [[ nama guru pembimbing atau pelatih ]].",
        details=tuple(details),
        detail_slot=None if details else _detail_slot(facts.category_root_slug, facts.rank),
        context=tuple(getattr(facts, "context", ()) or ()),
        origin=origin,
        attribution=_ATTRIBUTIONS[(pick + variant) % len(_ATTRIBUTIONS)],
        byline=byline,
        pick=pick,
        level_said=bool(level) or says_level(facts.event_name, facts.level),
        facts={"detail": detail, "level": level, "place": where},
    )
