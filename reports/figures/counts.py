"""Every published figure, counted from the records for a scope (an LA, a trust's schools, a
school) and a chosen period, each with its base named (docs/figures.md).

The dashboards, the CSV downloads, the API and the PDF board report all take their numbers from
`la_figures` (and `published` for what others see), so they cannot disagree.
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from cases.exclusions.models import ALL_REASONS, Exclusion
from cases.fair_access.models import FairAccessAllocation
from cases.pupils.models import Enrolment, Pupil
from cases.referrals.models import Referral
from organisations.models import School
from placements.commissioning.models import Placement
from placements.moves.models import PupilMove
from placements.reintegration.models import FollowUp, ReintegrationPlan
from providers.models import ProviderProfile
from reports.figures.bases import Base, Characteristic, roll_base
from reports.figures.periods import Period, school_year_label
from reports.figures.suppression import NOT_AVAILABLE, SUPPRESSED, Table, suppress_count

# England, per 100 pupils, for a whole school year: the DfE's "Suspensions and permanent
# exclusions in England", 2023/24 (the latest full year published).
NATIONAL = {
    "year": "2023/24",
    "source": "DfE, Suspensions and permanent exclusions in England, 2023/24",
    "suspension_rate": Decimal("11.31"),
    "permanent_rate": Decimal("0.13"),
}
FIGURES_CACHE_SECONDS = 300


def per_100(count, population) -> Decimal | None:
    if not population or not isinstance(count, int):
        return None
    return (Decimal(100) * count / population).quantize(Decimal("0.01"))


def _exclusions(school_ids, period: Period):
    return Exclusion.objects.filter(
        school_id__in=school_ids, start_date__gte=period.first, start_date__lte=period.last
    ).exclude(state=Exclusion.State.CANCELLED)


def headline(la, schools: list, period: Period, base: Base | None = None) -> dict:
    """Suspensions and permanent exclusions in the period, per 100 pupils on roll."""
    base = base or roll_base(la, schools, period.last)
    counted = _exclusions([s.pk for s in schools], period).aggregate(
        suspensions=Count("pk", filter=~Q(kind=Exclusion.Kind.PERMANENT)),
        permanent=Count("pk", filter=Q(kind=Exclusion.Kind.PERMANENT)),
    )
    return {
        "period": period,
        "on_roll": base.on_roll,
        "on_roll_source": base.on_roll_source,
        "suspensions": counted["suspensions"],
        "suspension_rate": per_100(counted["suspensions"], base.on_roll),
        "permanent": counted["permanent"],
        "permanent_rate": per_100(counted["permanent"], base.on_roll),
    }


def headline_recent(la, schools, period: Period, *, scope: str) -> dict:
    """`headline` counted at most 5 minutes ago (the dashboards' "same days a year earlier");
    `schools` None for all the LA's."""

    def count():
        chosen = schools if schools is not None else School.objects.filter(la=la)
        return headline(la, list(chosen), period)

    key = f"figures:{scope}:{la.pk}:headline:{period.first}:{period.last}"
    return cache.get_or_set(key, count, FIGURES_CACHE_SECONDS)


def la_figures_recent(la, period: Period, *, scope: str = "la", schools=None, full=True) -> dict:
    """`la_figures` as the dashboards show them: counted at most 5 minutes ago (each page says
    when: `counted_at`). `scope` names whose figures these are in the cache's key."""

    def count():
        return {**la_figures(la, period, schools=schools, full=full), "counted_at": timezone.now()}

    key = f"figures:{scope}:{la.pk}:{period.key}:{period.last}:{'full' if full else 'headline'}"
    return cache.get_or_set(key, count, FIGURES_CACHE_SECONDS)


def la_figures(la, period: Period, *, schools=None, full: bool = True) -> dict:
    """The figures for the LA's schools (or the given `schools`) in the period, raw: `published`
    gives what others may see. Without `full`, only the headline and the school's own tables."""
    whole_la = schools is None
    schools = list(
        (School.objects.filter(la=la) if whole_la else schools)
        .select_related("trust")
        .order_by("name")
    )
    ids = [s.pk for s in schools]
    base = roll_base(la, schools, period.last)
    exclusions = _exclusions(ids, period)
    top = headline(la, schools, period, base)
    suspensions = exclusions.exclude(kind=Exclusion.Kind.PERMANENT)
    by_month = Counter(suspensions.values_list("start_date", flat=True))
    month_rows = []
    for first, last, partial in period.months():
        label = f"{first:%B %Y}" + (f" (1 to {last:%-d %B}, so far)" if partial else "")
        count = sum(n for day, n in by_month.items() if first <= day <= last)
        month_rows.append([label, count])
    months = Table(
        "Suspensions each month",
        ["Month", "Suspensions"],
        month_rows,
        total=["Total", top["suspensions"]],
        partial_last=bool(month_rows) and period.months()[-1][2],
    )
    reasons = Counter(r[0] for r in exclusions.values_list("reasons", flat=True) if r)
    by_reason = Table(
        "Suspensions and permanent exclusions by main reason",
        ["Main reason", "Exclusions"],
        [[ALL_REASONS.get(code, code), n] for code, n in sorted(reasons.items())],
        total=["Total", sum(reasons.values())],
        merge_into="Other reasons",
    )
    figures = {
        "period": period,
        "year_label": school_year_label(period.school_year),
        "base": base,
        "headline": top,
        "by_month": months,
        "by_reason": by_reason,
        "by_school": by_school(schools, exclusions, base),
        "ap": {},
    }
    figures.update(ap_figures(la, ids, period, whole_la=whole_la))
    if full:
        figures["disproportionality"] = disproportionality(ids, period, base)
        figures["off_rolling"] = off_rolling(schools, period)
    return figures


def by_school(schools: list, exclusions, base: Base) -> Table:
    """Each school's suspensions and permanent exclusions per 100 on roll, under its trust's row
    (the trust's figures are its schools' added up: a line of the suppression method)."""
    counted = {
        row["school_id"]: row
        for row in exclusions.values("school_id").annotate(
            suspensions=Count("pk", filter=~Q(kind=Exclusion.Kind.PERMANENT)),
            permanent=Count("pk", filter=Q(kind=Exclusion.Kind.PERMANENT)),
        )
    }
    trusts: dict[str, list] = {}
    for school in schools:
        name = school.trust.name if school.trust else "Schools in no trust"
        trusts.setdefault(name, []).append(school)
    order = sorted(trusts, key=lambda n: (n == "Schools in no trust", n))
    rows, groups = [], []

    def row(label, s, p, pupils):
        return [label, s, per_100(s, pupils), p, per_100(p, pupils), pupils]

    for name in order:
        members = []
        group_row = len(rows)
        rows.append(None)
        totals = [0, 0, 0]
        for school in trusts[name]:
            found = counted.get(school.pk, {"suspensions": 0, "permanent": 0})
            pupils = base.on_roll_by_school.get(school.pk, 0)
            members.append(len(rows))
            rows.append(row(school.name, found["suspensions"], found["permanent"], pupils))
            totals = [
                totals[0] + found["suspensions"],
                totals[1] + found["permanent"],
                totals[2] + pupils,
            ]
        rows[group_row] = row(name, *totals)
        groups.append((group_row, members))
    s, p = sum(rows[g][1] for g, _ in groups), sum(rows[g][3] for g, _ in groups)
    return Table(
        "Suspensions and permanent exclusions by trust and school",
        [
            "Trust or school",
            "Suspensions",
            "Suspensions per 100",
            "Permanent exclusions",
            "Permanent exclusions per 100",
            "Pupils on roll",
        ],
        rows,
        total=row("All schools", s, p, base.on_roll),
        rate_of={2: (1,), 4: (3,)},
        keep=frozenset({5}),
        groups=groups,
        note=f"Per 100 pupils on roll ({base.on_roll_source}). A trust's row adds up its schools.",
    )


def ap_figures(la, school_ids: list, period: Period, *, whole_la: bool) -> dict:
    """Alternative provision and Fair Access in the period: placements of the LA's pupils (a
    school's or trust's: those its schools commissioned or whose pupils they are)."""
    first, last = period.first, period.last
    placements = Placement.objects.filter(pupil__la=la).exclude(
        state__in=[Placement.State.DECLINED, Placement.State.WITHDRAWN]
    )
    if not whole_la:
        placements = placements.filter(school_id__in=school_ids)
    started = placements.exclude(state=Placement.State.OFFERED).filter(start_date__lte=last)
    in_period = started.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    running = started.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=last))
    ended = placements.filter(state=Placement.State.ENDED, ended_on__gte=first, ended_on__lte=last)
    stays = [(p.ended_on - p.start_date).days for p in ended.only("start_date", "ended_on")]
    costs = running.values("funding").annotate(weekly=Sum("weekly_cost"), n=Count("pk"))
    funding_labels = dict(Placement.Funding.choices)
    cost_table = Table(
        f"Placements running on {last:%-d %B %Y}, and their weekly cost, by funding stream",
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
        rate_of={2: (1,)},
        merge_into="Other funding streams",
    )
    follow_ups = FollowUp.objects.filter(
        plan__placement__in=placements, recorded_on__gte=first, recorded_on__lte=last
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
    )
    destinations = Counter(ended.exclude(destination="").values_list("destination", flat=True))
    destination_labels = dict(Placement.Destination.choices)
    post16 = Table(
        "Destinations of pupils leaving AP",
        ["Destination", "Pupils"],
        [[destination_labels[d], n] for d, n in sorted(destinations.items())],
        total=["Total", sum(destinations.values())],
        merge_into="Other destinations",
    )
    profiles = ProviderProfile.objects.filter(provider__la=la).select_related("provider")
    occupancy = Counter(running.values_list("provider_id", flat=True))
    waiting = Counter(
        placements.filter(state=Placement.State.OFFERED).values_list("provider_id", flat=True)
    )
    capacity = Table(
        "Capacity against demand",
        ["Provider", "Places", f"Placed on {last:%-d %B %Y}", "Offered, waiting now"],
        [
            [
                p.provider.name,
                p.places,
                occupancy.get(p.provider_id, 0),
                waiting.get(p.provider_id, 0),
            ]
            for p in profiles
        ],
        total=[
            "Total",
            sum(p.places for p in profiles),
            sum(occupancy[p.provider_id] for p in profiles),
            sum(waiting[p.provider_id] for p in profiles),
        ],
        note="Places are not suppressed: they describe providers, not pupils.",
        keep=frozenset({1}),
    )
    ap = {
        "running": running.count(),
        "in_period": in_period.count(),
        "ended": len(stays),
        "average_stay_weeks": round(sum(stays) / len(stays) / 7, 1) if stays else None,
        "part_time": running.filter(part_time=True).count(),
        "referrals": Referral.objects.filter(
            school_id__in=school_ids, submitted_at__date__gte=first, submitted_at__date__lte=last
        )
        .exclude(state__in=[Referral.State.DRAFT, Referral.State.WITHDRAWN])
        .count(),
        "reintegrations_received": ReintegrationPlan.objects.filter(
            school_id__in=school_ids,
            status=ReintegrationPlan.Status.RETURNED,
            returned_on__gte=first,
            returned_on__lte=last,
        ).count(),
    }
    fair_access = FairAccessAllocation.objects.filter(
        school_id__in=school_ids, allocated_on__gte=first, allocated_on__lte=last
    ).aggregate(
        accepted=Count("pk", filter=Q(answer="accepted")),
        refused=Count("pk", filter=Q(answer="refused")),
    )
    return {
        "ap": ap,
        "costs": cost_table,
        "reintegration": reintegration,
        "post16": post16,
        "capacity": capacity,
        "fair_access": fair_access,
    }


GROUPS = {
    Characteristic.BOYS: Q(sex="M"),
    Characteristic.GIRLS: Q(sex="F"),
    Characteristic.FSM: Q(free_school_meals=True),
    Characteristic.SEN_SUPPORT: Q(sen_status=Pupil.SenStatus.SEN_SUPPORT),
    Characteristic.EHCP: Q(sen_status=Pupil.SenStatus.EHCP),
    Characteristic.LOOKED_AFTER: Q(looked_after=True),
    Characteristic.BLACK_CARIBBEAN: Q(ethnicity="BCRB"),
    Characteristic.WHITE_BLACK_CARIBBEAN: Q(ethnicity="MWBC"),
    Characteristic.GYPSY_ROMA_TRAVELLER: Q(ethnicity__in=["WROM", "WIRT"]),
}


def disproportionality(school_ids: list, period: Period, base: Base) -> Table:
    """Pupils suspended or permanently excluded in the period per 100 of the group on roll (the
    census base), and the relative risk: the group's rate over everyone else's (1.0: the same;
    2.0: twice as likely)."""
    groups = dict(GROUPS)
    for year_group in range(7, 12):
        born_from = date(period.school_year - year_group - 5, 9, 1)
        groups[f"year_{year_group}"] = Q(
            date_of_birth__gte=born_from, date_of_birth__lt=date(born_from.year + 1, 9, 1)
        )
    excluded = Pupil.objects.filter(
        Exists(_exclusions(school_ids, period).filter(pupil=OuterRef("pk")))
    )
    counted = {"all": Count("pk")}
    for key, condition in groups.items():
        counted[key] = Count("pk", filter=condition)
    found = excluded.aggregate(**counted)
    everyone, everyone_base = found["all"], base.of(Characteristic.ALL)
    labels = dict(Characteristic.choices)
    rows = []
    for key in groups:
        n, pupils = found[key], base.of(key)
        rate = risk = NOT_AVAILABLE
        if pupils is not None and everyone_base is not None:
            rate = per_100(n, pupils)
            rest_n, rest_pupils = everyone - n, everyone_base - pupils
            risk = None
            if pupils and rest_pupils and rest_n:
                risk = round(Decimal(n * rest_pupils) / Decimal(pupils * rest_n), 2)
        rows.append([labels[key], n, NOT_AVAILABLE if pupils is None else pupils, rate, risk])
    when = f"{base.census_date:%-d %B %Y}" if base.census_date else "none held"
    missing = sorted(labels[k] for k, n in base.missing.items() if n and k in groups)
    note = (
        f"Per 100 pupils of the group on roll at the school census ({when}). Relative risk: the "
        "group's rate divided by the rate for every other pupil on roll."
    )
    if missing:
        note += " x: no census count held for every school (" + ", ".join(missing) + ")."
    return Table(
        "Pupils suspended or permanently excluded, by group",
        ["Group", "Pupils suspended or excluded", "Pupils on roll", "Per 100", "Relative risk"],
        rows,
        total=[
            "All pupils",
            everyone,
            NOT_AVAILABLE if everyone_base is None else everyone_base,
            per_100(everyone, everyone_base) if everyone_base else NOT_AVAILABLE,
            None,
        ],
        rate_of={3: (1, 2), 4: (1, 2)},
        within={1: 2},
        total_of=[0, 1],  # boys and girls make all pupils
        note=note,
    )


def off_rolling(schools: list, period: Period) -> Table:
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
            left_on__gte=period.first,
            left_on__lte=period.last,
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


TABLES = (
    "by_month",
    "by_reason",
    "by_school",
    "costs",
    "reintegration",
    "post16",
    "capacity",
    "disproportionality",
    "off_rolling",
)


def published(figures: dict, *, own: bool = False) -> dict:
    """The figures as shown: an organisation's own in full; anyone else's suppressed, every
    table by the method and every single count by its primary rule. A headline count is shown
    only if every table that totals it shows it (so no table's hidden total is given away)."""
    tables = {name: figures[name].shown_to(own) for name in TABLES if name in figures}
    top = dict(figures["headline"])
    ap = dict(figures["ap"])
    fair_access = dict(figures["fair_access"])
    if not own:
        totals = {
            "suspensions": [t.total[1] for t in (tables["by_month"],)]
            + [tables["by_school"].total[1]],
            "permanent": [tables["by_school"].total[3]],
        }
        for name, shown in totals.items():
            if SUPPRESSED in shown or top[name] in (1, 2):
                top[name] = SUPPRESSED
                top[f"{'suspension' if name == 'suspensions' else 'permanent'}_rate"] = SUPPRESSED
        ap = {
            k: suppress_count(v) if k not in ("average_stay_weeks",) else v for k, v in ap.items()
        }
        if figures["ap"]["ended"] in (1, 2):
            ap["average_stay_weeks"] = SUPPRESSED
        fair_access = {k: suppress_count(v) for k, v in fair_access.items()}
    return {**figures, **tables, "headline": top, "ap": ap, "fair_access": fair_access, "own": own}
