"""The DfE's three-digit local authority codes, as the register of schools (GIAS) lists them: what
a UPN's LA code is checked against (domain.md section 5; docs/clocks.md).

A library's frozen table misses the authorities made since 2019 (838 and 839 in Dorset, 940 and
941 in Northamptonshire, 942 and 943 in Cumbria), so the project keeps the list as data: loaded
from `organisations/data/la_codes.csv` by a migration, and brought up to date by every import of
the DfE register (`school_import_apply`, and `manage.py la_codes_import` for a whole GIAS file).
A closed authority's code stays valid for UPNs: a UPN is for life.
"""

import csv
import functools
from pathlib import Path

from django.db import models

DATA = Path(__file__).resolve().parent / "data" / "la_codes.csv"


class LaCode(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    open = models.BooleanField(default=True)

    class Meta:
        app_label = "organisations"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{3}$"), name="la_code_digits"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip()


@functools.cache
def shipped_codes() -> frozenset[str]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return frozenset(row["LA (code)"] for row in csv.DictReader(handle))


def is_la_code(code: str) -> bool:
    """In the list shipped with the project, or added since from the DfE register."""
    return code in shipped_codes() or LaCode.objects.filter(code=code).exists()


def la_codes_record(rows) -> int:
    """Add or update (code, name) pairs seen in the DfE register; answers how many were new."""
    added = 0
    for code, name in rows:
        code, name = (code or "").strip(), (name or "").strip()
        if len(code) != 3 or not code.isdigit():
            continue
        _, created = LaCode.objects.update_or_create(
            code=code, defaults={"name": name} if name else {}
        )
        added += created
    return added


def load_shipped(model=LaCode) -> None:
    """The list kept with the project (used by the migration that creates the table)."""
    with DATA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            model.objects.update_or_create(
                code=row["LA (code)"],
                defaults={"name": row["LA (name)"], "open": row["Open"] == "yes"},
            )
