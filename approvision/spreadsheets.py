"""Every CSV the service writes goes through `csv_writer`: a cell a spreadsheet would read as a
formula is neutralised (OWASP, CSV injection).

A text cell starting with =, +, -, @, a tab or a carriage return gets a leading apostrophe, which
spreadsheets show as text and do not evaluate: a pupil named `=HYPERLINK("http://x","y")` is shown
as written, and nothing runs on the officer's machine. Numbers (a count, a rate, hours) are written
as they are: the writer is handed them as numbers, not text, so a negative figure stays a figure.
defusedcsv was considered: it also escapes | and % but not a leading tab or carriage return, which
OWASP lists, and so does not meet our rule."""

import csv
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell):
    if isinstance(cell, (int, float, Decimal)) and not isinstance(cell, bool):
        return cell
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _SafeWriter:
    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row):
        return self._writer.writerow([neutralised(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out) -> _SafeWriter:
    """A csv.writer over `out` (a file or an HttpResponse) whose every cell is neutralised."""
    return _SafeWriter(out)
