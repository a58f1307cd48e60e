"""Importing the bases of the rates: pupils on roll by characteristic, per school and census day.

The file is the DfE's school-level "Schools, pupils and their characteristics" data (its columns
`urn`, `time_period`, `headcount of pupils`, `headcount total male`, `headcount total female`,
`number of pupils known to be eligible for free school meals`), with the columns of its SEN
release (`SEN support`, `EHC plan`), or a school's own census summary with the same names; year
groups and the ethnic groups reported on are read from columns named as in docs/figures.md.
Column names are matched without regard to case. A value the DfE suppressed or left out ("c",
"x", "z", "low", blank) is not imported: that school has no base for it, and says so.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from organisations.csv_import import ImportResult, parse_date, read_rows
from organisations.import_jobs import ImportKind, import_kind_register, written_after_check
from organisations.models import School
from reports.census import school_census_day
from reports.models import RollCount

C = RollCount.Characteristic
COLUMNS = {
    C.ALL: ("headcount of pupils", "all pupils"),
    C.BOYS: ("headcount total male", "boys"),
    C.GIRLS: ("headcount total female", "girls"),
    C.FSM: ("number of pupils known to be eligible for free school meals", "fsm"),
    C.SEN_SUPPORT: ("sen support",),
    C.EHCP: ("ehc plan",),
    C.YEAR_7: ("year 7",),
    C.YEAR_8: ("year 8",),
    C.YEAR_9: ("year 9",),
    C.YEAR_10: ("year 10",),
    C.YEAR_11: ("year 11",),
    C.BLACK_CARIBBEAN: ("black caribbean",),
    C.WHITE_BLACK_CARIBBEAN: ("mixed white and black caribbean",),
    C.GYPSY_ROMA_TRAVELLER: ("gypsy, roma or traveller",),
}
NOT_GIVEN = {"", "c", "x", "z", "low", ":", "u"}
LARGEST = 10_000  # no school has more pupils on roll
SOURCE = "Imported census counts"


@dataclass
class RollCountsChecked(ImportResult):
    not_held: dict[str, int] = field(default_factory=dict)
    new: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def census_day_of(text: str) -> date:
    """A `time_period` such as 202526 means the spring census of 2025/26 (January 2026)."""
    match = re.fullmatch(r"(20\d\d)(\d\d)", text.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"“{text[:20]}” is not a school year: write it like 202526")
    return school_census_day(int(match[1]), "spring")


def roll_counts_check(*, la, content: bytes, today: date) -> RollCountsChecked:
    result = RollCountsChecked()
    rows = read_rows(content, [], result)
    if not rows:
        return result
    header = {name.lower(): name for name in rows[0][1]}
    if "urn" not in header or not ({"census_date", "time_period"} & header.keys()):
        result.error(1, "The first row must name the columns: urn, and census_date or time_period")
        return result
    found = {
        key: next((header[n] for n in names if n in header), None) for key, names in COLUMNS.items()
    }
    if not any(found.values()):
        result.error(1, "The file has none of the counts we read: see “Which columns we read”")
        return result
    schools = {s.urn: s for s in School.objects.filter(la=la)}
    held = {
        (r.school_id, r.census_date, r.characteristic): r.pupils
        for r in RollCount.objects.filter(la=la, school__isnull=False)
    }
    for number, row in rows:
        row = {k.lower(): v for k, v in row.items()}
        school = schools.get(row.get("urn", "").strip())
        if school is None:
            result.skipped += 1
            continue
        try:
            day = (
                parse_date(row["census_date"])
                if row.get("census_date")
                else census_day_of(row.get("time_period", ""))
            )
        except ValueError as error:
            result.error(number, str(error))
            continue
        if not date(2000, 1, 1) <= day <= today:
            result.error(number, f"The census day {day:%-d %B %Y} is not between 2000 and today")
            continue
        values = {}
        for key, column in found.items():
            if column is None:
                continue
            text = row.get(column.lower(), "").replace(",", "").strip()
            if text.lower() in NOT_GIVEN:
                result.not_held[C(key).label] = result.not_held.get(C(key).label, 0) + 1
                continue
            if not text.isdigit() or int(text) > LARGEST:
                result.error(number, f"{column}: “{text[:20]}” is not a number of pupils")
                continue
            values[key] = int(text)
        everyone = values.get(C.ALL)
        if everyone is not None:
            over = [C(k).label for k, v in values.items() if v > everyone]
            if over:
                result.error(number, f"{', '.join(over)}: more than the school's headcount")
                continue
            if values.get(C.BOYS, 0) + values.get(C.GIRLS, 0) > everyone:
                result.error(number, "Boys and girls add up to more than the school's headcount")
                continue
        for key, pupils in values.items():
            before = held.get((school.pk, day, key))
            if before is None:
                result.added += 1
                result.new.append((school.urn, f"{school.name}: {C(key).label}, {day:%-d %B %Y}"))
            elif before != pupils:
                result.changed += 1
                result.changes.append(
                    (
                        school.urn,
                        school.name,
                        [(f"{C(key).label}, {day:%-d %B %Y}", before, pupils)],
                    )
                )
            else:
                result.unchanged += 1
                continue
            result.plan.append((school, day, key, pupils))
    return result


def roll_counts_apply(*, la, checked: RollCountsChecked) -> None:
    """Write every count the check planned, all or none."""
    if not checked.ok:
        raise ValueError("The file has problems: check it again")
    with transaction.atomic():
        for school, day, key, pupils in checked.plan:
            roll_counts_record(la=la, school=school, census_date=day, counts={key: pupils})


def roll_counts_record(*, la, school, census_date: date, counts: dict, source: str = SOURCE):
    """A school's census counts on a day, by characteristic (replacing any held)."""
    for key, pupils in counts.items():
        RollCount.objects.update_or_create(
            la=la,
            school=school,
            census_date=census_date,
            characteristic=key,
            defaults={"pupils": pupils, "source": source},
        )


def looked_after_record(*, la, census_date: date, pupils: int, by) -> RollCount:
    """The LA's own count of the children it looks after who are of school age, on a day."""
    count, _ = RollCount.objects.update_or_create(
        la=la,
        school=None,
        census_date=census_date,
        characteristic=C.LOOKED_AFTER,
        defaults={"pupils": pupils, "source": f"Entered by {by.display_name}"},
    )
    return count


def _check(*, job, files, progress) -> RollCountsChecked:
    progress(0, 1)
    checked = roll_counts_check(la=job.la, content=files[""], today=timezone.localdate())
    progress(1, 1)
    return checked


ROLL_COUNTS = ImportKind(
    name="roll_counts",
    title="Import census counts",
    start_url="reports:bases_import",
    done_url="reports:bases",
    done_label="Go to the counts",
    permissions=("reports.add_rollcount",),
    check=_check,
    apply=written_after_check(
        _check, lambda *, job, checked: roll_counts_apply(la=job.la, checked=checked)
    ),
)


def register() -> None:
    import_kind_register(ROLL_COUNTS)
