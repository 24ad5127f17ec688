"""Indonesian labels of the enumerations, as operators, spreadsheets and dashboards show them."""

from service.enums import AchievementLevel, AchievementRank

LEVEL_LABEL = {
    AchievementLevel.DESA: "Desa",
    AchievementLevel.KECAMATAN: "Kecamatan",
    AchievementLevel.KABUPATEN: "Kabupaten",
    AchievementLevel.KARESIDENAN: "Karesidenan",
    AchievementLevel.PROVINSI: "Provinsi",
    AchievementLevel.NASIONAL: "Nasional",
    AchievementLevel.INTERNASIONAL: "Internasional",
}
RANK_LABEL = {
    AchievementRank.JUARA_1: "Juara 1",
    AchievementRank.JUARA_2: "Juara 2",
    AchievementRank.JUARA_3: "Juara 3",
    AchievementRank.JUARA_HARAPAN_1: "Juara Harapan 1",
    AchievementRank.JUARA_HARAPAN_2: "Juara Harapan 2",
    AchievementRank.JUARA_HARAPAN_3: "Juara Harapan 3",
    AchievementRank.MEDALI_EMAS: "Medali Emas",
    AchievementRank.MEDALI_PERAK: "Medali Perak",
    AchievementRank.MEDALI_PERUNGGU: "Medali Perunggu",
    AchievementRank.FINALIS: "Finalis",
    AchievementRank.PENGHARGAAN: "Penghargaan",
}
