"""The periods figures are counted for: chosen by the reader, compared like for like.

A period is a run of whole days. One that has not ended is counted to today and says so ("so
far"); its comparison is the same days a year earlier. England's published rates are for whole
school years, so they stand beside a whole school year or the last 12 months only; beside a term
or the year to date they carry a caveat instead (docs/figures.md).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from organisations.calendar import long_date, school_year_of

YEARS_BACK = 3  # past school years offered in the chooser


def school_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def term_of(day: date) -> tuple[date, date, str]:
    """The school term a day falls in, by the usual English terms (autumn September to December,
    spring January to March, summer April to August), as the DfE's termly statistics count."""
    year = school_year_of(day)
    if day.month >= 9:
        return date(year, 9, 1), date(year, 12, 31), f"Autumn term {year}"
    if day.month <= 3:
        return date(year + 1, 1, 1), date(year + 1, 3, 31), f"Spring term {year + 1}"
    return date(year + 1, 4, 1), date(year + 1, 8, 31), f"Summer term {year + 1}"


@dataclass(frozen=True)
class Period:
    key: str
    name: str  # "Autumn term 2026", "2025/26"
    first: date
    end: date  # the period's last day
    last: date  # the last day counted: today, for a period still running

    @property
    def partial(self) -> bool:
        return self.last < self.end

    @property
    def school_year(self) -> int:
        return school_year_of(self.first)

    @property
    def dates(self) -> str:
        """ "1 September to 1 December 2026" (the days counted)."""
        if self.first.year == self.last.year:
            return f"{self.first:%-d %B} to {long_date(self.last)}"
        return f"{long_date(self.first)} to {long_date(self.last)}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.dates}{', so far' if self.partial else ''})"

    @property
    def whole_year(self) -> bool:
        """As long as a school year: England's annual rates compare with it."""
        return (self.last - self.first).days >= 364

    def year_before(self) -> "Period":
        """The same days a year earlier."""
        return Period(
            key=f"{self.key}:before",
            name="the same days a year earlier",
            first=_a_year_before(self.first),
            end=_a_year_before(self.last),
            last=_a_year_before(self.last),
        )

    def months(self) -> list[tuple[date, date, bool]]:
        """Each month of the period as (first day, last day counted, partial?)."""
        months, day = [], self.first
        while day <= self.last:
            following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            month_end = following - timedelta(days=1)
            months.append((day, min(month_end, self.last), self.last < month_end))
            day = following
        return months


def period_options(today: date) -> list[Period]:
    """What a director may choose, the default first: this school year to date."""
    year = school_year_of(today)
    start, end, term = term_of(today)
    options = [
        Period(
            "year-to-date",
            f"School year {school_year_label(year)} to date",
            date(year, 9, 1),
            date(year + 1, 8, 31),
            today,
        ),
        Period("term", term, start, end, today),
        Period(
            "last-12-months",
            "The last 12 months",
            _a_year_before(today) + timedelta(days=1),
            today,
            today,
        ),
    ]
    for back in range(1, YEARS_BACK + 1):
        past = year - back
        options.append(
            Period(
                f"year-{past}",
                f"School year {school_year_label(past)}",
                date(past, 9, 1),
                date(past + 1, 8, 31),
                date(past + 1, 8, 31),
            )
        )
    return options


def period_for(key: str | None, today: date) -> Period | None:
    """The period a key names (None for an unknown key); no key: the default. Any school year
    from 2000/01 may be named (`year-2019`), not only those the chooser offers."""
    options = period_options(today)
    if not key:
        return options[0]
    found = next((p for p in options if p.key == key), None)
    match = re.fullmatch(r"year-(20\d\d)", key)
    if found is None and match:
        found = school_year_period(int(match[1]), today)
    return found


def school_year_period(year: int, today: date) -> Period:
    """A whole school year, counted to today if it is still running."""
    end = date(year + 1, 8, 31)
    return Period(
        f"year-{year}",
        f"School year {school_year_label(year)}",
        date(year, 9, 1),
        end,
        min(end, today),
    )
