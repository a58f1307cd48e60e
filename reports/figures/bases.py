"""The bases (denominators) of the published rates.

The service holds records only for the pupils it works with, so a rate is never the records
held divided by the records held: its base is the pupils on roll, from the school census as the
DfE publishes it per school (`RollCount`, imported or entered), on the latest census day on or
before the last day counted. A group whose base is missing for any school in scope has no rate
("x"), rather than one computed from the records held (docs/figures.md, "Denominators").
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max

from reports.models import RollCount

Characteristic = RollCount.Characteristic


@dataclass
class Base:
    census_date: date | None
    schools: int
    counts: dict[str, int | None] = field(default_factory=dict)  # None: missing for a school
    missing: dict[str, int] = field(default_factory=dict)  # schools without the count
    on_roll: int = 0
    on_roll_source: str = ""
    on_roll_by_school: dict[int, int] = field(default_factory=dict)

    def of(self, characteristic: str) -> int | None:
        return self.counts.get(characteristic)


def roll_base(la, schools: list, last: date) -> Base:
    """The census counts for `schools` (and the LA's children looked after) on the latest census
    day on or before `last`; the headline's pupils on roll from the same census when every school
    has it, else the pupils on roll recorded for each school (the DfE register's NumberOfPupils)."""
    ids = [s.pk for s in schools]
    counts = RollCount.objects.filter(school_id__in=ids, census_date__lte=last)
    census_date = counts.aggregate(day=Max("census_date"))["day"]
    base = Base(census_date=census_date, schools=len(ids))
    held: dict[str, dict[int, int]] = {}
    if census_date is not None:
        for school_id, characteristic, pupils in counts.filter(census_date=census_date).values_list(
            "school_id", "characteristic", "pupils"
        ):
            held.setdefault(characteristic, {})[school_id] = pupils
    for characteristic in Characteristic.values:
        if characteristic == Characteristic.LOOKED_AFTER:
            continue
        per_school = held.get(characteristic, {})
        base.missing[characteristic] = len(ids) - len(per_school)
        base.counts[characteristic] = (
            sum(per_school.values()) if ids and len(per_school) == len(ids) else None
        )
    looked_after = (
        RollCount.objects.filter(
            la=la,
            school__isnull=True,
            characteristic=Characteristic.LOOKED_AFTER,
            census_date__lte=last,
        )
        .order_by("-census_date")
        .first()
    )
    whole_la = la is not None and len(ids) == la.schools.count()
    base.counts[Characteristic.LOOKED_AFTER] = (
        looked_after.pupils if looked_after is not None and whole_la else None
    )
    base.missing[Characteristic.LOOKED_AFTER] = (
        0 if base.counts[Characteristic.LOOKED_AFTER] is not None else 1
    )
    if base.counts[Characteristic.ALL] is not None:
        base.on_roll = base.counts[Characteristic.ALL]
        base.on_roll_source = f"school census, {census_date:%-d %B %Y}"
        base.on_roll_by_school = held[Characteristic.ALL]
    else:
        base.on_roll = sum(s.pupils_on_roll for s in schools)
        base.on_roll_by_school = {s.pk: s.pupils_on_roll for s in schools}
        base.on_roll_source = "pupils on roll recorded for each school (the DfE register)"
    return base
