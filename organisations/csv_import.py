"""What every CSV import shares: decoding, the header check, row numbers and the result.

Each import is checked in full first (a list of problems with row numbers, in plain words), and
only a file with none is applied, in one transaction: all or nothing. Applying the same file
twice changes nothing the second time.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

MAX_ROWS = 20000


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    # What applying the file will write (the schools import; the pupils import applies through
    # the services as it checks).
    plan: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, message: str) -> None:
        self.errors.append((row, message))


def read_rows(
    content: bytes, required: list[str], result: ImportResult, *, max_rows: int = MAX_ROWS
) -> list[tuple[int, dict]]:
    """The file's rows as (row number, {column: text}); problems with the file itself go in
    `result.errors` under row 0 (the file) or 1 (the header)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.error(0, "The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”")
        return []
    if "\x00" in text:
        result.error(0, "The file is not a CSV: it holds binary data")
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        result.error(1, f"The first row cannot be read: {error}")
        return []
    reader.fieldnames = header
    missing = [name for name in required if name not in header]
    if missing:
        result.error(1, "The first row must name the columns. Missing: " + ", ".join(missing))
        return []
    rows = []
    try:
        for number, row in enumerate(reader, start=2):
            if number - 1 > max_rows:
                result.error(number, f"A file may have at most {max_rows:,} rows: split it")
                return []
            rows.append((number, {k: (v or "").strip() for k, v in row.items() if k}))
    except csv.Error as error:
        result.error(reader.line_num, f"This row cannot be read as CSV: {error}")
        return []
    if not rows:
        result.error(2, "The file has no rows under the column names")
    return rows


def parse_date(text: str) -> date:
    """A date written 03/09/2026, 2026-09-03 or 03-09-2026."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text[:20]}” is not a date: write it like 03/09/2026")
