"""Spreadsheet import of achievements (XLSX or CSV) and the import template with drop-down lists."""

from __future__ import annotations

from service.imports.columns import (  # noqa: F401
    BATCH_ROWS,
    COLUMN_BY_KEY,
    COLUMNS,
    DATA_SHEET,
    DUPLICATE_CHUNK,
    EARLIEST_DATE,
    HEADER_ALIASES,
    LEVEL_LABELS,
    MAX_PERSONS_PER_ROW,
    MAX_PROBLEMS,
    MAX_ROWS,
    MAX_URLS_PER_ROW,
    RANK_LABELS,
    YES_NO,
    Column,
)
from service.imports.references import References, category_label, desa_label, load_lists, load_references  # noqa: F401
from service.imports.report import ImportReport, RowProblem  # noqa: F401
from service.imports.rows import ParsedRow, parse_date, parse_row, validate_file  # noqa: F401
from service.imports.template import EXAMPLE_ROW, INSTRUCTIONS, build_template, template_csv_header  # noqa: F401
from service.imports.writing import import_file, import_upload  # noqa: F401
