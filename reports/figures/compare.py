"""A period's headline beside the same days a year earlier, the LA (for a school or trust) and
England, where England's figure is for a like period; else the plain caveat printed instead."""

from organisations.models import School
from reports.figures.counts import (
    NATIONAL,
    headline,
    headline_recent,
    la_figures_recent,
    published,
)
from reports.figures.suppression import SUPPRESSED, Table, suppress_count


def _rate(count, rate, own):
    return rate if own or count not in (1, 2) else SUPPRESSED


def comparisons(
    scope, period, shown: dict, *, recent: bool = False
) -> tuple[Table, str, list[str]]:
    """This period beside the same days a year earlier, the LA (for a school or trust) and
    England where England's figure is for a like period; else the caveat to print instead.
    `recent`: the year earlier's counts may be 5 minutes old (a page; a report counts afresh)."""
    earlier = period.year_before()
    if recent:
        before = headline_recent(scope.la, scope.schools, earlier, scope=scope.key)
    else:
        schools = list(
            scope.schools if scope.schools is not None else School.objects.filter(la=scope.la)
        )
        before = headline(scope.la, schools, earlier)
    top = shown["headline"]

    def row(label, h, own):
        return [
            label,
            h["suspensions"] if own else suppress_count(h["suspensions"]),
            _rate(h["suspensions"], h["suspension_rate"], own),
            h["permanent"] if own else suppress_count(h["permanent"]),
            _rate(h["permanent"], h["permanent_rate"], own),
        ]

    rows = [
        [
            f"{scope.name}: {period.name}",
            top["suspensions"],
            top["suspension_rate"],
            top["permanent"],
            top["permanent_rate"],
        ],
        row(f"{scope.name}: the same days a year earlier", before, scope.own),
    ]
    if not scope.whole_la:
        whole = published(la_figures_recent(scope.la, period, full=False))["headline"]
        rows.append(
            [
                f"{scope.la.name} (all its schools): {period.name}",
                whole["suspensions"],
                whole["suspension_rate"],
                whole["permanent"],
                whole["permanent_rate"],
            ]
        )
    short = ["This period", "Same days a year earlier", "All the LA's schools"][: len(rows)]
    caveat = ""
    if period.whole_year:
        rows.append(
            [
                f"England, {NATIONAL['year']}",
                None,
                NATIONAL["suspension_rate"],
                None,
                NATIONAL["permanent_rate"],
            ]
        )
        short.append(f"England, {NATIONAL['year']}")
    else:
        weeks = ((period.last - period.first).days + 1) // 7
        caveat = (
            f"England's published rates ({NATIONAL['suspension_rate']} suspensions and "
            f"{NATIONAL['permanent_rate']} permanent exclusions per 100 pupils, "
            f"{NATIONAL['year']}) are for a whole school year; this period is {weeks} weeks, so "
            "they are not set beside it. Choose a past school year or the last 12 months to "
            "compare with England."
        )
    table = Table(
        "Beside other periods and places",
        [
            "Compared with",
            "Suspensions",
            "Suspensions per 100",
            "Permanent exclusions",
            "Permanent exclusions per 100",
        ],
        rows,
        note=f"Per 100 pupils on roll. England: {NATIONAL['source']}.",
    )
    return table, caveat, short
