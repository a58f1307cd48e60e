"""The published figures: periods, bases, counts and suppression (docs/figures.md)."""

from reports.figures.bases import Base, roll_base
from reports.figures.counts import (
    NATIONAL,
    TABLES,
    headline,
    la_figures,
    la_figures_recent,
    per_100,
    published,
)
from reports.figures.periods import Period, period_for, period_options, school_year_period, term_of
from reports.figures.suppression import (
    NOT_AVAILABLE,
    SMALL,
    SUPPRESSED,
    Table,
    suppress_count,
)

__all__ = [
    "NATIONAL",
    "NOT_AVAILABLE",
    "SMALL",
    "SUPPRESSED",
    "TABLES",
    "Base",
    "Period",
    "Table",
    "headline",
    "la_figures",
    "la_figures_recent",
    "per_100",
    "period_for",
    "period_options",
    "published",
    "roll_base",
    "school_year_period",
    "suppress_count",
    "term_of",
]
