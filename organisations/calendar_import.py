"""Term dates and non-school days from a CSV file: checked row by row, then applied all-or-nothing.

Columns: school_year (2026 or 2026/27), urn (blank for the whole LA), type (term, inset,
bank_holiday, closure), name (for terms: autumn_1 ... summer_2), start, end, description.
Dates as 2026-09-01 or 01/09/2026. A day type with an end date covers every weekday between.
The file replaces the dates of each (school year, LA or school) it mentions, so importing the
same file again changes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from approvision.tasks import queue
from organisations.csv_import import parse_date
from organisations.models import LocalAuthority, NonSchoolDay, School, Term

COLUMNS = ["school_year", "urn", "type", "name", "start", "end", "description"]
MAX_ROWS = 5000


@dataclass
class CalendarImport:
    errors: list[tuple[int, str]] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    days: list[NonSchoolDay] = field(default_factory=list)
    scopes: set[tuple[int, int | None]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def calendar_import_check(*, la: LocalAuthority, content: bytes) -> CalendarImport:
    result = CalendarImport()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((0, "The file must be a CSV saved as UTF-8"))
        return result
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append(
            (1, f"The first row must name the columns; missing: {', '.join(missing)}")
        )
        return result
    schools = {s.urn: s for s in School.objects.filter(la=la)}
    kinds = set(NonSchoolDay.Kind.values)
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            result.errors.append((number, f"A file may have at most {MAX_ROWS} rows"))
            break
        try:
            year = int((row.get("school_year") or "").split("/")[0])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            result.errors.append((number, "school_year must be a year, like 2026 or 2026/27"))
            continue
        urn = (row.get("urn") or "").strip()
        school = None
        if urn:
            school = schools.get(urn)
            if school is None:
                result.errors.append((number, f"No school with URN {urn} in {la.name}"))
                continue
        kind = (row.get("type") or "").strip().lower()
        try:
            start = parse_date(row.get("start") or "")
            end = parse_date(row["end"]) if (row.get("end") or "").strip() else None
        except ValueError as error:
            result.errors.append((number, str(error)))
            continue
        if end and end < start:
            result.errors.append((number, "The end date is before the start date"))
            continue
        if not date(year, 8, 1) <= start <= date(year + 1, 8, 31):
            result.errors.append(
                (number, f"{start:%-d %B %Y} is not in school year {year}/{(year + 1) % 100:02d}")
            )
            continue
        scope = (year, school.pk if school else None)
        if kind == "term":
            name = (row.get("name") or "").strip().lower()
            if name not in Term.Name.values:
                result.errors.append(
                    (number, "A term's name must be one of " + ", ".join(Term.Name.values))
                )
                continue
            if end is None:
                result.errors.append((number, "A term needs an end date"))
                continue
            result.terms.append(
                Term(la=la, school=school, school_year=year, name=name, start=start, end=end)
            )
        elif kind in kinds:
            day = start
            while day <= (end or start):
                if day.weekday() < 5:
                    result.days.append(
                        NonSchoolDay(
                            la=la,
                            school=school,
                            date=day,
                            kind=kind,
                            description=(row.get("description") or "").strip()[:200],
                        )
                    )
                day += timedelta(days=1)
        else:
            result.errors.append((number, "type must be term, inset, bank_holiday or closure"))
            continue
        result.scopes.add(scope)
    seen_terms = {}
    for term in result.terms:
        key = (term.school_year, term.school_id, term.name)
        if key in seen_terms:
            result.errors.append((0, f"{term} appears twice for the same school year"))
        seen_terms[key] = term
    seen_days = set()
    for day in result.days:
        key = (day.school_id, day.date)
        if key in seen_days:
            result.errors.append((0, f"{day.date:%-d %B %Y} appears twice"))
        seen_days.add(key)
    return result


@transaction.atomic
def calendar_import_apply(*, la: LocalAuthority, checked: CalendarImport) -> None:
    if not checked.ok:
        raise ValueError("Only a file with no errors is applied")
    for year, school_id in checked.scopes:
        Term.objects.filter(la=la, school_id=school_id, school_year=year).delete()
        NonSchoolDay.objects.filter(
            la=la,
            school_id=school_id,
            date__gte=date(year, 8, 1),
            date__lte=date(year + 1, 8, 31),
        ).delete()
    Term.objects.bulk_create(checked.terms)
    NonSchoolDay.objects.bulk_create(checked.days)
    calendar_changed(la=la)


def calendar_changed(*, la: LocalAuthority) -> None:
    """Deadlines count school days, so recount the LA's open ones once the change is saved.

    Found by name in Celery's registry: the cases app owns deadlines, and organisations does not
    import it.
    """
    # With Redis down the nightly recount (02:30) catches up instead.
    transaction.on_commit(lambda: queue("cases.tasks.deadlines_refresh", la_id=la.pk))
