"""The demo LA's bases: each school's census counts on the last two January censuses before the
day it is loaded, in England's proportions, and the LA's count of children looked after, through
the same service as an import. One small school has no Gypsy, Roma or Traveller count (the DfE
suppressed it), so that group's rate shows "x": the figures say when a base is missing."""

from pathlib import Path

from django.utils import timezone

from demo.organisations import DemoContext
from organisations.calendar import school_year_of
from reports.census import school_census_day
from reports.models import RollCount
from reports.roll_import import looked_after_record, roll_counts_record

C = RollCount.Characteristic
# Shares of pupils on roll, near England's (DfE, Schools, pupils and their characteristics).
SHARES = {
    C.BOYS: 0.51,
    C.FSM: 0.25,
    C.SEN_SUPPORT: 0.14,
    C.EHCP: 0.03,
    C.BLACK_CARIBBEAN: 0.011,
    C.WHITE_BLACK_CARIBBEAN: 0.017,
    C.GYPSY_ROMA_TRAVELLER: 0.004,
}
LOOKED_AFTER = 310
NO_GRT_COUNT = "Harbridge Grange Special School"


def school_counts(school, growth: float) -> dict:
    everyone = round(school.pupils_on_roll * growth)
    counts = {C.ALL: everyone}
    for key, share in SHARES.items():
        counts[key] = round(everyone * share)
    counts[C.GIRLS] = everyone - counts[C.BOYS]
    if school.phase == "secondary":
        for year in range(7, 12):
            counts[f"year_{year}"] = everyone // 5
    if school.name == NO_GRT_COUNT:
        del counts[C.GYPSY_ROMA_TRAVELLER]
    return counts


def last_census_year(today) -> int:
    """The school year of the latest spring (January) census on or before `today`."""
    year = school_year_of(today)
    return year if today >= school_census_day(year, "spring") else year - 1


def load(context: DemoContext, *, var_dir: Path) -> None:
    la = context.las["929"]
    officer = context.users["officer"]
    latest = last_census_year(timezone.localdate())
    for school_year, growth in ((latest - 1, 0.98), (latest, 1.0)):
        day = school_census_day(school_year, "spring")
        for school in context.schools.values():
            if school.la_id != la.pk:
                continue
            roll_counts_record(
                la=la,
                school=school,
                census_date=day,
                counts=school_counts(school, growth),
                source="Demo census counts",
            )
        looked_after_record(la=la, census_date=day, pupils=round(LOOKED_AFTER * growth), by=officer)
