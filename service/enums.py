"""The domain's enumerations, shared by models, rules and the API."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    VERIFIER = "VERIFIER"
    EDITOR = "EDITOR"
    CONTRIBUTOR = "CONTRIBUTOR"


class AchievementLevel(StrEnum):
    DESA = "DESA"
    KECAMATAN = "KECAMATAN"
    KABUPATEN = "KABUPATEN"
    KARESIDENAN = "KARESIDENAN"
    PROVINSI = "PROVINSI"
    NASIONAL = "NASIONAL"
    INTERNASIONAL = "INTERNASIONAL"


class AchievementRank(StrEnum):
    JUARA_1 = "JUARA_1"
    JUARA_2 = "JUARA_2"
    JUARA_3 = "JUARA_3"
    JUARA_HARAPAN_1 = "JUARA_HARAPAN_1"
    JUARA_HARAPAN_2 = "JUARA_HARAPAN_2"
    JUARA_HARAPAN_3 = "JUARA_HARAPAN_3"
    MEDALI_EMAS = "MEDALI_EMAS"
    MEDALI_PERAK = "MEDALI_PERAK"
    MEDALI_PERUNGGU = "MEDALI_PERUNGGU"
    FINALIS = "FINALIS"
    PENGHARGAAN = "PENGHARGAAN"


class AchievementStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"


class AchieverKind(StrEnum):
    PERSON = "PERSON"
    INSTITUTION = "INSTITUTION"


class InstitutionKind(StrEnum):
    PERANGKAT_DAERAH = "PERANGKAT_DAERAH"
    SEKOLAH = "SEKOLAH"
    PEMERINTAH_DESA = "PEMERINTAH_DESA"
    KELURAHAN = "KELURAHAN"
    KECAMATAN = "KECAMATAN"
    PUSKESMAS = "PUSKESMAS"
    BUMD = "BUMD"
    ORGANISASI = "ORGANISASI"
    DUNIA_USAHA = "DUNIA_USAHA"
    LAINNYA = "LAINNYA"


class PressReleaseStatus(StrEnum):
    DRAFT = "DRAFT"
    IN_REVIEW = "IN_REVIEW"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class QuoteRequestStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"


class PersonRole(StrEnum):
    """How drafts speak of a person ("siswa", "guru", "atlet", "warga")."""

    SISWA = "SISWA"
    MAHASISWA = "MAHASISWA"
    GURU = "GURU"
    PEGAWAI = "PEGAWAI"
    ATLET = "ATLET"
    WARGA = "WARGA"
    LAINNYA = "LAINNYA"


class ConsentGiver(StrEnum):
    """Who agreed to the publication of a person's name: the person, or a parent or guardian of a minor."""

    SELF = "SELF"
    GUARDIAN = "GUARDIAN"


class EvidenceKind(StrEnum):
    FILE = "FILE"
    URL = "URL"


LEVEL_ORDER = list(AchievementLevel)
RANK_ORDER = list(AchievementRank)

# Default points tables of the public contract (the formula: service/stats/tables.py, `points`).
DEFAULT_LEVEL_BASE: dict[AchievementLevel, int] = {
    AchievementLevel.DESA: 10,
    AchievementLevel.KECAMATAN: 20,
    AchievementLevel.KABUPATEN: 40,
    AchievementLevel.KARESIDENAN: 60,
    AchievementLevel.PROVINSI: 80,
    AchievementLevel.NASIONAL: 160,
    AchievementLevel.INTERNASIONAL: 320,
}
DEFAULT_RANK_FACTOR: dict[AchievementRank, int] = {
    AchievementRank.JUARA_1: 100,
    AchievementRank.MEDALI_EMAS: 100,
    AchievementRank.PENGHARGAAN: 100,
    AchievementRank.JUARA_2: 75,
    AchievementRank.MEDALI_PERAK: 75,
    AchievementRank.JUARA_3: 50,
    AchievementRank.MEDALI_PERUNGGU: 50,
    AchievementRank.JUARA_HARAPAN_1: 30,
    AchievementRank.JUARA_HARAPAN_2: 25,
    AchievementRank.JUARA_HARAPAN_3: 20,
    AchievementRank.FINALIS: 10,
}


class ImportJobStatus(StrEnum):
    QUEUED = "QUEUED"
    CHECKING = "CHECKING"
    WRITING = "WRITING"
    DONE = "DONE"
    FAILED = "FAILED"
