"""The figures a director, a school or a trust sees: counted from the records, for one school year,
with small numbers suppressed.

Every figure here is computed by one function from querysets scoped by the caller; the dashboard,
the PDF board report and the CSV exports all take them from here, so they cannot disagree.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from cases.exclusions.models import ALL_REASONS, Exclusion
from cases.fair_access.models import FairAccessAllocation
from cases.pupils.models import Enrolment, Pupil
from cases.referrals.models import Referral
from organisations.calendar import school_year_of
from organisations.models import School
from placements.commissioning.models import Placement
from placements.moves.models import PupilMove
from placements.reintegration.models import FollowUp, ReintegrationPlan
from providers.models import ProviderProfile

# England 2023/24 (DfE, "Suspensions and permanent exclusions in England"): per 100 pupils.
NATIONAL_SUSPENSION_RATE = Decimal("11.31")
NATIONAL_PEX_RATE = Decimal("0.13")
SUPPRESSED = "c"  # the ONS/DfE symbol for a confidential (suppressed) figure
SMALL = (1, 2)


def school_year_bounds(school_year: int) -> tuple[date, date]:
    return date(school_year, 9, 1), date(school_year + 1, 8, 31)


def per_100(count: int, population: int) -> Decimal | None:
    if not population:
        return None
    return (Decimal(100) * count / population).quantize(Decimal("0.01"))


@dataclass
class Table:
    """A table of counts (rows of label and cells) with a total row, suppressed when shown."""

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # [label, count, count, ...]
    total: list | None = None
    rate_of: dict[int, int] = field(default_factory=dict)  # rate column -> its count column
    note: str = ""
    keep: frozenset = frozenset()  # columns never suppressed (pupils on roll, places)

    def suppressed(self) -> "Table":
        """Primary suppression of 1s and 2s (cells and totals); secondary so that no total can
        give them away: in a column with a total, the hidden cells always include one of 3 or
        more (the smallest), or else the total is hidden too. A rate made from a hidden count is
        hidden. (No table here has row totals, so rows need no secondary suppression.)"""
        grid = [list(row) for row in self.rows]
        total = list(self.total) if self.total is not None else None
        counts = [
            c for c in range(1, len(self.columns)) if c not in self.rate_of and c not in self.keep
        ]
        for c in counts:
            hidden = [r for r, row in enumerate(grid) if row[c] in SMALL]
            if total is not None and total[c] in SMALL:
                total[c] = SUPPRESSED
            if hidden and total is not None and total[c] != SUPPRESSED:
                larger = sorted(
                    (row[c], r)
                    for r, row in enumerate(grid)
                    if r not in hidden and isinstance(row[c], int) and row[c] >= 3
                )
                if larger:
                    hidden.append(larger[0][1])
                else:
                    total[c] = SUPPRESSED
            for r in hidden:
                grid[r][c] = SUPPRESSED
        for rate_column, count_column in self.rate_of.items():
            for row in [*grid, *([total] if total else [])]:
                if row[count_column] == SUPPRESSED:
                    row[rate_column] = SUPPRESSED
        return Table(self.title, self.columns, grid, total, self.rate_of, self.note, self.keep)


FIGURES_CACHE_SECONDS = 300


def la_figures_recent(
    la, school_year: int, *, scope: str = "la", schools=None, full: bool = True
) -> dict:
    """`la_figures` as the dashboards show them: counted at most 5 minutes ago (each page says
    when: `counted_at`), so a busy dashboard does not recount the year's records on every
    request. `scope` names whose figures these are (the LA's, or "school:<id>", "trust:<id>"
    with their `schools`) in the cache's key. Reports count afresh."""

    def count():
        figures = la_figures(la, school_year, schools=schools, full=full)
        return {**figures, "counted_at": timezone.now()}

    key = f"figures:{scope}:{la.pk}:{school_year}:{'full' if full else 'headline'}"
    return cache.get_or_set(key, count, FIGURES_CACHE_SECONDS)


def la_figures(la, school_year: int, *, schools=None, full: bool = True) -> dict:
    """The director's figures for the LA (or, given `schools`, for those schools). Without
    `full`, only the headline, AP and Fair Access counts (a school's or trust's own figures)."""
    first, last = school_year_bounds(school_year)
    schools = list(
        (schools if schools is not None else School.objects.filter(la=la))
        .select_related("trust")
        .order_by("name")
    )
    school_ids = [s.pk for s in schools]
    on_roll = sum(s.pupils_on_roll for s in schools)
    exclusions = Exclusion.objects.filter(
        school_id__in=school_ids, start_date__gte=first, start_date__lte=last
    ).exclude(state=Exclusion.State.CANCELLED)
    suspensions = exclusions.exclude(kind=Exclusion.Kind.PERMANENT)
    permanent = exclusions.filter(kind=Exclusion.Kind.PERMANENT)
    n_susp, n_pex = suspensions.count(), permanent.count()

    headline = {
        "on_roll": on_roll,
        "suspensions": n_susp,
        "suspension_rate": per_100(n_susp, on_roll),
        "permanent": n_pex,
        "permanent_rate": per_100(n_pex, on_roll),
        "national_suspension_rate": NATIONAL_SUSPENSION_RATE,
        "national_permanent_rate": NATIONAL_PEX_RATE,
    }

    # By month, for the chart against the national rate.
    months = []
    month = first
    by_month = Counter((d.year, d.month) for d in suspensions.values_list("start_date", flat=True))
    while month <= min(last, timezone.localdate()):
        count = by_month.get((month.year, month.month), 0)
        months.append({"label": f"{month:%b %Y}", "count": count})
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)

    by_month = Table(
        "Suspensions each month",
        ["Month", "Suspensions"],
        [[m["label"], m["count"]] for m in months],
        total=["Total", n_susp],
    )

    # By reason (the first reason given is the main one, as in the DfE's statistics).
    reasons = Counter(r[0] for r in exclusions.values_list("reasons", flat=True) if r)
    by_reason = Table(
        "Exclusions by main reason",
        ["Reason", "Exclusions"],
        [[ALL_REASONS.get(code, code), n] for code, n in sorted(reasons.items())],
        total=["Total", sum(reasons.values())],
    )

    per_school = {
        row["school_id"]: row
        for row in exclusions.values("school_id").annotate(
            suspensions=Count("pk", filter=~Q(kind=Exclusion.Kind.PERMANENT)),
            permanent=Count("pk", filter=Q(kind=Exclusion.Kind.PERMANENT)),
        )
    }
    school_rows = []
    trust_totals = defaultdict(lambda: [0, 0, 0])
    for school in schools:
        row = per_school.get(school.pk, {"suspensions": 0, "permanent": 0})
        school_rows.append(
            [
                school.name,
                row["suspensions"],
                row["permanent"],
                school.pupils_on_roll,
                per_100(row["suspensions"], school.pupils_on_roll),
            ]
        )
        key = school.trust.name if school.trust else "Maintained schools"
        trust_totals[key][0] += row["suspensions"]
        trust_totals[key][1] += row["permanent"]
        trust_totals[key][2] += school.pupils_on_roll
    by_school = Table(
        "Exclusions by school",
        ["School", "Suspensions", "Permanent exclusions", "Pupils", "Suspensions per 100"],
        school_rows,
        total=["Total", n_susp, n_pex, on_roll, per_100(n_susp, on_roll)],
        rate_of={4: 1},
        keep=frozenset({3}),
    )
    by_trust = Table(
        "Exclusions by trust",
        ["Trust", "Suspensions", "Permanent exclusions", "Pupils", "Suspensions per 100"],
        [
            [name, s, p, pupils, per_100(s, pupils)]
            for name, (s, p, pupils) in sorted(trust_totals.items())
        ],
        total=["Total", n_susp, n_pex, on_roll, per_100(n_susp, on_roll)],
        rate_of={4: 1},
        keep=frozenset({3}),
    )

    # Alternative provision, from the placements of the LA's pupils.
    placements = Placement.objects.filter(pupil__la=la).exclude(
        state__in=[Placement.State.DECLINED, Placement.State.WITHDRAWN]
    )
    if schools is not None and len(school_ids) != School.objects.filter(la=la).count():
        placements = placements.filter(school_id__in=school_ids)
    in_year = placements.filter(start_date__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    running = placements.filter(state__in=[Placement.State.ACTIVE, Placement.State.ACCEPTED])
    ended = placements.filter(state=Placement.State.ENDED, ended_on__gte=first, ended_on__lte=last)
    stays = [(p.ended_on - p.start_date).days for p in ended.only("start_date", "ended_on")]
    costs = running.values("funding").annotate(weekly=Sum("weekly_cost"), n=Count("pk"))
    funding_labels = dict(Placement.Funding.choices)
    cost_table = Table(
        "Placements running, and their weekly cost, by funding stream",
        ["Funding stream", "Placements", "Cost a week (£)"],
        [
            [funding_labels[c["funding"]], c["n"], c["weekly"] or Decimal(0)]
            for c in sorted(costs, key=lambda c: c["funding"])
        ],
        total=[
            "Total",
            sum(c["n"] for c in costs),
            sum((c["weekly"] or Decimal(0)) for c in costs),
        ],
        rate_of={2: 1},
    )
    plans = ReintegrationPlan.objects.filter(placement__in=placements)
    follow_ups = FollowUp.objects.filter(
        plan__in=plans, recorded_on__gte=first, recorded_on__lte=last
    )
    held = {
        weeks: follow_ups.filter(weeks=weeks).aggregate(
            held=Count("pk", filter=Q(held=True)), checked=Count("pk")
        )
        for weeks in (6, 12)
    }
    reintegration = Table(
        "Returns to school: did they hold?",
        ["Follow-up", "Held", "Did not hold"],
        [
            [f"{weeks} weeks", held[weeks]["held"], held[weeks]["checked"] - held[weeks]["held"]]
            for weeks in (6, 12)
        ],
        total=None,
    )
    destinations = Counter(ended.exclude(destination="").values_list("destination", flat=True))
    destination_labels = dict(Placement.Destination.choices)
    post16 = Table(
        "Post-16 destinations of Year 11 leavers from AP",
        ["Destination", "Pupils"],
        [[destination_labels[d], destinations.get(d, 0)] for d in destination_labels],
        total=["Total", sum(destinations.values())],
    )
    profiles = ProviderProfile.objects.filter(provider__la=la).select_related("provider")
    occupancy = Counter(running.values_list("provider_id", flat=True))
    waiting = Counter(
        placements.filter(state=Placement.State.OFFERED).values_list("provider_id", flat=True)
    )
    capacity = Table(
        "Capacity against demand",
        ["Provider", "Places", "Placed now", "Offered, waiting"],
        [
            [
                p.provider.name,
                p.places,
                occupancy.get(p.provider_id, 0),
                waiting.get(p.provider_id, 0),
            ]
            for p in profiles
        ],
        total=None,
        note="Places and pupils placed are not suppressed: they are about providers, not pupils.",
        keep=frozenset({1, 2, 3}),
    )
    ap = {
        "running": running.count(),
        "in_year": in_year.count(),
        "ended": len(stays),
        "average_stay_weeks": round(sum(stays) / len(stays) / 7, 1) if stays else None,
        "part_time": running.filter(part_time=True).count(),
    }
    ap["referrals"] = (
        Referral.objects.filter(
            school_id__in=school_ids, submitted_at__date__gte=first, submitted_at__date__lte=last
        )
        .exclude(state__in=[Referral.State.DRAFT, Referral.State.WITHDRAWN])
        .count()
    )
    ap["reintegrations_received"] = ReintegrationPlan.objects.filter(
        school_id__in=school_ids,
        status=ReintegrationPlan.Status.RETURNED,
        returned_on__gte=first,
        returned_on__lte=last,
    ).count()
    fair_access = FairAccessAllocation.objects.filter(
        school_id__in=school_ids, allocated_on__gte=first, allocated_on__lte=last
    ).aggregate(
        accepted=Count("pk", filter=Q(answer="accepted")),
        refused=Count("pk", filter=Q(answer="refused")),
    )
    return {
        "school_year": school_year,
        "year_label": f"{school_year}/{(school_year + 1) % 100:02d}",
        "headline": headline,
        "months": months,
        "by_month": by_month,
        "by_reason": by_reason,
        "by_school": by_school,
        "by_trust": by_trust,
        "ap": ap,
        "costs": cost_table,
        "reintegration": reintegration,
        "post16": post16,
        "capacity": capacity,
        "fair_access": fair_access,
        "disproportionality": disproportionality(la, school_ids, first, last) if full else None,
        "off_rolling": off_rolling(schools, first, last) if full else None,
    }


GROUPS = {
    "SEN support": Q(sen_status=Pupil.SenStatus.SEN_SUPPORT),
    "EHC plan": Q(sen_status=Pupil.SenStatus.EHCP),
    "Free school meals": Q(free_school_meals=True),
    "Looked after": Q(looked_after=True),
    "Boys": Q(sex="M"),
    "Girls": Q(sex="F"),
    "Black Caribbean heritage": Q(ethnicity="BCRB"),
    "Mixed White and Black Caribbean": Q(ethnicity="MWBC"),
    "Gypsy, Roma or Traveller": Q(ethnicity__in=["WROM", "WIRT"]),
}


def disproportionality(la, school_ids, first: date, last: date) -> Table:
    """Suspension rates of each group against the rest of the LA's pupils on roll: the relative
    risk (1.0: the same; 2.0: twice as likely)."""
    pupils = Pupil.objects.filter(
        la=la, enrolments__school_id__in=school_ids, enrolments__left_on__isnull=True
    ).distinct()
    excluded = Exclusion.objects.filter(
        pupil=OuterRef("pk"), start_date__gte=first, start_date__lte=last
    ).exclude(state=Exclusion.State.CANCELLED)
    marked = pupils.annotate(was_excluded=Exists(excluded))
    groups = dict(GROUPS)
    for year_group in range(7, 12):
        born_from = date(first.year - year_group - 5, 9, 1)
        groups[f"Year {year_group}"] = Q(
            date_of_birth__gte=born_from, date_of_birth__lt=date(born_from.year + 1, 9, 1)
        )
    # One query: a pair of counts for every group.
    counted = {"n": Count("pk"), "ex": Count("pk", filter=Q(was_excluded=True))}
    for index, condition in enumerate(groups.values()):
        counted[f"n{index}"] = Count("pk", filter=condition)
        counted[f"ex{index}"] = Count("pk", filter=condition & Q(was_excluded=True))
    found = marked.aggregate(**counted)
    total = {"n": found["n"], "ex": found["ex"]}
    rows = []
    for index, label in enumerate(groups):
        group = {"n": found[f"n{index}"], "ex": found[f"ex{index}"]}
        rest_n, rest_ex = total["n"] - group["n"], total["ex"] - group["ex"]
        risk = None
        if group["n"] and rest_n and rest_ex:
            risk = round((group["ex"] / group["n"]) / (rest_ex / rest_n), 2)
        rows.append([label, group["ex"], group["n"], risk])
    return Table(
        "Disproportionality: pupils suspended or excluded, by group",
        ["Group", "Pupils excluded", "Pupils", "Relative risk"],
        rows,
        total=["All pupils", total["ex"], total["n"], None],
        rate_of={3: 1},
        keep=frozenset({2}),
        note="Relative risk: the group's rate divided by the rate for every other pupil.",
    )


def off_rolling(schools, first: date, last: date) -> Table:
    """Per school: pupils who left for home education, missing education or an unknown
    destination within 6 months of a suspension, an AP referral or a managed move there."""
    ids = [s.pk for s in schools]
    window = timedelta(days=183)
    suspended = Exclusion.objects.filter(
        pupil=OuterRef("pupil"),
        school=OuterRef("school"),
        start_date__gte=OuterRef("left_on") - window,
        start_date__lte=OuterRef("left_on"),
    )
    referred = Referral.objects.filter(
        pupil=OuterRef("pupil"),
        school=OuterRef("school"),
        created_at__gte=OuterRef("left_on") - window,
    )
    moved = PupilMove.objects.filter(
        pupil=OuterRef("pupil"),
        from_school=OuterRef("school"),
        start_date__gte=OuterRef("left_on") - window,
    )
    counts = dict(
        Enrolment.objects.filter(
            school_id__in=ids,
            left_on__gte=first,
            left_on__lte=last,
            leaving_reason__in=[
                Enrolment.LeavingReason.ELECTIVE_HOME_EDUCATION,
                Enrolment.LeavingReason.MISSING_EDUCATION,
                "",
            ],
        )
        .filter(Exists(suspended) | Exists(referred) | Exists(moved))
        .values("school_id")
        .annotate(n=Count("pupil_id", distinct=True))
        .values_list("school_id", "n")
    )
    return Table(
        "Possible off-rolling: leavers to home education, missing education or unknown, within "
        "6 months of a suspension, AP referral or managed move",
        ["School", "Pupils"],
        [[s.name, counts.get(s.pk, 0)] for s in schools if counts.get(s.pk)],
        total=["Total", sum(counts.values())],
    )


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or timezone.localdate())


def chart_values(table: Table, column: int = 1) -> tuple[list[str], list]:
    """Labels and values for a chart from a suppressed table: a suppressed cell has no bar."""
    shown = table.suppressed()
    return (
        [row[0] for row in shown.rows],
        [None if row[column] == SUPPRESSED else row[column] for row in shown.rows],
    )
