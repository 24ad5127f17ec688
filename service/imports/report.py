"""What an import found: row problems and the report."""

from __future__ import annotations

import array
from dataclasses import dataclass, field

from service.errors import UserErrorCode
from service.imports.columns import COLUMN_BY_KEY, MAX_PROBLEMS

# --- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str | None
    field: str | None
    code: UserErrorCode
    message: str


@dataclass
class ImportReport:
    file_name: str
    sha256: str
    dry_run: bool
    institution_id: int
    total_rows: int = 0
    valid_rows: int = 0
    problem_count: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # Compact per-row results: spreadsheet row numbers and, once written, the ids created for them.
    row_numbers: array.array = field(default_factory=lambda: array.array("i"))
    achievement_ids: array.array = field(default_factory=lambda: array.array("q"))
    persons_created: int = 0
    duplicate_hints: int = 0
    batch_id: int | None = None
    # Seconds spent per phase (check, write, duplicates, aggregates), for the CLI and benchmarks.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def committed(self) -> bool:
        return self.batch_id is not None

    @property
    def created_count(self) -> int:
        return len(self.achievement_ids)

    def add(self, problem: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def _problem(row: int, key: str | None, code: UserErrorCode, text: str) -> RowProblem:
    column = COLUMN_BY_KEY[key].header if key else None
    where = f"Baris {row}, kolom {column}" if column else f"Baris {row}"
    return RowProblem(row, column, key, code, f"{where}: {text}")

