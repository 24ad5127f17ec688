"""The rules an achievement's own data obeys however it is entered: the create and update mutations and the
import both ask `check_achievement`, each wording the answer for its own reader (a form field, a sheet cell)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.enums import AchievementRank
from service.errors import UserErrorCode

EARLIEST_DATE = dt.date(1945, 8, 17)
MAX_PERSONS = 200


@dataclass(frozen=True)
class Breach:
    """One broken rule: `subject` is "date", "rank_label" or "persons"; `message` reads as a sentence beside a
    form field, `row_message` follows "Baris n, kolom …: " in an import report."""

    subject: str
    code: UserErrorCode
    message: str
    row_message: str


_FUTURE = Breach("date", UserErrorCode.INVALID, "Tanggal prestasi tidak boleh di masa depan.",
                 "tanggal prestasi tidak boleh di masa depan.")
_TOO_EARLY = Breach("date", UserErrorCode.INVALID, "Tanggal prestasi tidak masuk akal; periksa kembali tahunnya.",
                    "tanggal tidak masuk akal; periksa kembali tahunnya.")
_NO_AWARD_LABEL = Breach(
    "rank_label", UserErrorCode.REQUIRED,
    "Untuk penghargaan, isi sebutan penghargaannya (misalnya 'Predikat Madya' atau 'Opini WTP').",
    "untuk penghargaan, isi sebutannya (misalnya 'Predikat Madya' atau 'Opini WTP').",
)
_TOO_MANY_PERSONS = Breach("persons", UserErrorCode.TOO_LARGE,
                           f"Paling banyak {MAX_PERSONS} orang dalam satu prestasi.",
                           f"paling banyak {MAX_PERSONS} nama dalam satu baris.")


def check_achievement(
    *,
    today: dt.date,
    date: dt.date | None = None,
    rank: AchievementRank | None = None,
    rank_label: str | None = None,
    person_count: int | None = None,
) -> list[Breach]:
    """The rules broken by these values (None: not given, not checked), in the order a reader meets them.

    - the date is not after today (in WIB) and not before 17 August 1945;
    - a PENGHARGAAN names its award (`rank_label`);
    - at most 200 persons share one achievement.
    """
    out: list[Breach] = []
    if rank == AchievementRank.PENGHARGAAN and not rank_label:
        out.append(_NO_AWARD_LABEL)
    if date is not None:
        if date > today:
            out.append(_FUTURE)
        elif date < EARLIEST_DATE:
            out.append(_TOO_EARLY)
    if person_count is not None and person_count > MAX_PERSONS:
        out.append(_TOO_MANY_PERSONS)
    return out
