"""What the figures page and the board report show, built once: the chosen period's figures
for a scope (published, or an organisation's own), the comparisons, the charts and the tables."""

import re
from dataclasses import replace

from reports.charts import bar_chart, comparison_chart
from reports.figures import NATIONAL, TABLES, Table, la_figures, la_figures_recent, published
from reports.figures.compare import comparisons


def short_month(label: str) -> str:
    """ "September 2026" as "Sep 2026", and a month so far as "Dec 2026 so far", for a chart's
    axis (the table beside it has the full labels)."""
    label = re.sub(r" \(1 to [^)]*so far\)", " so far", label)
    return re.sub(
        r"\b(January|February|March|April|May|June|July|August|September|October|"
        r"November|December)\b",
        lambda m: m[1][:3],
        label,
    )


def with_comparators(table: Table, rows: list) -> Table:
    """A school's or trust's own table with the comparison rows (the LA, England) added."""
    return replace(
        table,
        title=f"{table.title}, beside the local authority and England",
        rows=[*table.rows, *[[*row, None] for row in rows]],
    )


def figures_context(scope, period, *, recent: bool = True) -> dict:
    """Everything the figures page and the board report show: counted at most 5 minutes ago
    for a page (`recent`), afresh for a report."""
    if recent:
        figures = la_figures_recent(
            scope.la, period, scope=scope.key, schools=scope.schools, full=scope.whole_la
        )
    else:
        figures = la_figures(scope.la, period, schools=scope.schools, full=scope.whole_la)
    shown = published(figures, own=scope.own)
    compared, caveat, short = comparisons(scope, period, shown, recent=recent)
    tables = [(name, shown[name]) for name in TABLES if name in shown and name != "by_month"]
    if not scope.whole_la:
        # A school's or trust's schools, in full, beside the LA and England.
        tables = [
            (name, with_comparators(t, compared.rows[2:]) if name == "by_school" else t)
            for name, t in tables
        ]
    months = shown["by_month"]
    rate_rows = [(label, row[2]) for label, row in zip(short, compared.rows, strict=True)]
    return {
        "scope": scope,
        "period": period,
        "figures": shown,
        "compared": compared,
        "caveat": caveat,
        "tables": tables,
        "month_table": months,
        "month_chart": bar_chart(
            f"Suspensions each month: {period.name}",
            [short_month(row[0]) for row in months.rows],
            [row[1] for row in months.rows],
            chart_id="months",
        ),
        "rate_chart": comparison_chart(
            "Suspensions per 100 pupils on roll", rate_rows, chart_id="rates"
        ),
        "national": NATIONAL,
    }
