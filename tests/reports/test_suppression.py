"""The suppression method (docs/figures.md), tested as properties over generated tables: no
count of 1 or 2 can be worked back from what a table publishes (its rows, columns, totals and the
columns it keeps unsuppressed), and no count of 3 or more is hidden unless the method needs it.

The attacker here knows every shown cell and every line (a total is the sum of its cells), and
that a hidden cell is at least 1 (zeros are never hidden). A hidden 1 or 2 is safe when more than
one value fits it; the search below tries every assignment of the hidden cells."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.figures import SUPPRESSED, Table
from reports.figures.suppression import SMALL, TOTAL


def _value(table, cell):
    r, c = cell
    return (table.total if r == TOTAL else table.rows[r])[c]


def _hidden(table: Table) -> set:
    primary, secondary = table.hidden_cells()
    return primary | secondary


def fixed(table: Table, hidden: set) -> set:
    """The hidden cells whose value what is shown fixes (whatever their value)."""
    found = set()
    for c in table.count_columns():
        lines = [([(t, c)] + [(m, c) for m in members]) for t, members in table.lines()]
        column = [cell for cell in hidden if cell[1] == c]
        top = sum(row[c] for r, row in enumerate(table.rows) if r not in table.member_rows)
        bound = max(top, 1) + 4
        for cell in column:
            if not _other_value_fits(table, lines, column, hidden, cell, bound):
                found.add(cell)
    return found


def pinned(table: Table, hidden: set | None = None) -> list:
    """The hidden counts of 1 or 2 whose value what is shown fixes."""
    hidden = _hidden(table) if hidden is None else hidden
    return sorted(cell for cell in fixed(table, hidden) if _value(table, cell) in SMALL)


def _other_value_fits(table, lines, hidden, hidden_all, target, bound) -> bool:
    """Is there an assignment of the hidden cells (each at least 1) that satisfies every line
    and gives `target` a value other than its true one?"""
    truth = _value(table, target)
    order = [target] + [cell for cell in hidden if cell != target]
    assigned: dict = {}

    def known(cell):
        return assigned.get(cell) if cell in hidden else _value(table, cell)

    def limit(cell):
        r, c = cell
        base_column = table.within.get(c)
        if base_column is not None and r != TOTAL:
            base = _value(table, (r, base_column))
            if isinstance(base, int) and (r, base_column) not in hidden_all:
                return base
        return bound

    def consistent() -> bool:
        for line in lines:
            values = [known(cell) for cell in line]
            if not isinstance(values[0], int) and values[0] is not None:
                continue  # a total of "x": no line
            if None not in values:
                if values[0] != sum(values[1:]):
                    return False
            elif values[0] is not None:
                members = [v for v in values[1:] if v is not None]
                if sum(members) + (len(values) - 1 - len(members)) > values[0]:
                    return False
        return True

    def forced(cell):
        """The value a line fixes for `cell` once every other cell of it is known."""
        for line in lines:
            if cell not in line:
                continue
            values = [known(x) for x in line if x != cell]
            if None in values or not all(isinstance(v, int) for v in values):
                continue
            return sum(values) if cell == line[0] else values[0] - sum(values[1:])
        return None

    def search(i) -> bool:
        if i == len(order):
            return True
        cell = order[i]
        must = forced(cell)
        choices = range(1, limit(cell) + 1) if must is None else [must]
        for v in choices:
            if (i == 0 and v == truth) or not 1 <= v <= limit(cell):
                continue
            assigned[cell] = v
            if consistent() and search(i + 1):
                return True
            del assigned[cell]
        return False

    return search(0)


def needless(table: Table) -> list:
    """Hidden counts of 3 or more that could be shown again with no count of 1 or 2 fixed, and
    no line hiding only equal small cells under a total that is shown or fixed (two 2s under a
    4: a reader told "c" means 1 or 2 would know them)."""
    hidden = _hidden(table)
    found = []
    for cell in hidden:
        if _value(table, cell) in SMALL:
            continue
        rest = hidden - {cell}
        known = fixed(table, rest)
        if any(_value(table, x) in SMALL for x in known):
            continue
        if _equal_small_under_a_total(table, rest, known):
            continue
        found.append(cell)
    return found


def _equal_small_under_a_total(table, hidden, known) -> bool:
    for c in table.count_columns():
        for t, members in table.lines():
            total = (t, c)
            if (total in hidden and total not in known) or not isinstance(
                _value(table, total), int
            ):
                continue
            values = [
                _value(table, (m, c)) for m in members if (m, c) in hidden and (m, c) not in known
            ]
            if len(values) > 1 and max(values) < 3 and len(set(values)) == 1:
                return True
    return False


counts = st.integers(min_value=0, max_value=6)


@st.composite
def flat_tables(draw):
    """Columns with a total; maybe a kept column (places) and a base each first count is within
    (a group's pupils on roll, itself a count), and a rate made from both."""
    n = draw(st.integers(min_value=2, max_value=5))
    columns = draw(st.integers(min_value=1, max_value=2))
    rows = [[f"r{i}", *[draw(counts) for _ in range(columns)]] for i in range(n)]
    kept, bounded = draw(st.booleans()), draw(st.booleans())
    for row in rows:
        if bounded:
            row.append(row[1] + draw(st.integers(min_value=0, max_value=4)))  # the base
        if kept:
            row.append(draw(st.integers(min_value=0, max_value=30)))  # places: kept
        row.append(Decimal(row[1]) / 10)  # a rate of the first count
    width = len(rows[0])
    total = ["Total", *[sum(row[c] for row in rows) for c in range(1, width - 1)]]
    total.append(Decimal(total[1]) / 10)
    names = [f"n{c}" for c in range(columns)]
    names += ["base"] * bounded + ["places"] * kept
    base_column = columns + 1 if bounded else None
    return Table(
        "t",
        ["", *names, "rate"],
        rows,
        total=total,
        rate_of={width - 1: (1, base_column) if bounded else (1,)},
        keep=frozenset({width - 2}) if kept else frozenset(),
        within={1: base_column} if bounded else {},
    )


@st.composite
def grouped_tables(draw):
    """Trusts and their schools: a trust's row adds up its schools'; the total adds the trusts."""
    rows, groups = [], []
    for g in range(draw(st.integers(min_value=2, max_value=3))):
        members = [draw(counts) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
        head = len(rows)
        rows.append([f"trust {g}", sum(members)])
        groups.append((head, list(range(head + 1, head + 1 + len(members)))))
        rows += [[f"school {g}.{m}", v] for m, v in enumerate(members)]
    total = ["Total", sum(rows[h][1] for h, _ in groups)]
    return Table("g", ["", "n"], rows, total=total, groups=groups)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flat_tables())
def test_no_small_count_can_be_worked_back_from_a_table(table):
    assert pinned(table) == []
    shown = table.suppressed()
    for raw, row in zip([*table.rows, table.total], [*shown.rows, shown.total], strict=True):
        for c in table.count_columns():
            assert (row[c] == SUPPRESSED) >= (raw[c] in SMALL), (raw, row)
            assert row[c] in (raw[c], SUPPRESSED)
        # A rate made from a hidden count is hidden; kept columns are shown as they are.
        if row[1] == SUPPRESSED:
            assert row[-1] == SUPPRESSED
        for c in table.keep:
            assert row[c] == raw[c]
    assert needless(table) == []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grouped_tables())
def test_no_small_count_can_be_worked_back_from_schools_and_their_trusts(table):
    assert pinned(table) == []
    assert needless(table) == []


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        # The worked example of docs/figures.md: one 2 among larger months hides the smallest
        # larger one (71) too, not the total.
        ([189, 174, 71, 2], [189, 174, "c", "c"]),
        # A 1 and a 2 hide each other: 3 fits them as 1 + 2 or 2 + 1.
        ([40, 1, 2, 9], [40, "c", "c", 9]),
        # Two 2s would be pinned by the total (4 = 2 + 2): the 9 is hidden with them.
        ([40, 2, 2, 9], [40, "c", "c", "c"]),
        # Nothing small: nothing hidden.
        ([3, 4, 5, 0], [3, 4, 5, 0]),
    ],
)
def test_the_worked_examples(values, shown):
    table = Table(
        "t", ["", "n"], [[f"r{i}", v] for i, v in enumerate(values)], ["Total", sum(values)]
    )
    assert [row[1] for row in table.suppressed().rows] == shown
    assert table.suppressed().total[1] == sum(values)


def test_a_month_so_far_of_1_or_2_joins_the_month_before_rather_than_hiding_another():
    table = Table(
        "Suspensions each month",
        ["Month", "Suspensions"],
        [
            ["September 2026", 189],
            ["October 2026", 174],
            ["November 2026", 71],
            ["December 2026 (1 to 1 December, so far)", 2],
        ],
        total=["Total", 436],
        partial_last=True,
    )
    shown = table.suppressed()
    assert shown.rows == [
        ["September 2026", 189],
        ["October 2026", 174],
        ["November 2026 and December 2026 (1 to 1 December, so far)", 73],
    ]
    assert shown.total == ["Total", 436]


def test_small_categories_merge_into_other_before_a_table_goes_dark():
    # Funding streams of 1 and 2 (and one of 19): merged, nothing need be hidden.
    table = Table(
        "Placements by funding stream",
        ["Funding stream", "Placements", "Cost a week (£)"],
        [
            ["High needs", 19, Decimal(9500)],
            ["Pupil premium", 1, Decimal(400)],
            ["School", 2, Decimal(900)],
        ],
        total=["Total", 22, Decimal(10800)],
        rate_of={2: (1,)},
        merge_into="Other funding streams",
    )
    shown = table.suppressed()
    assert shown.rows == [
        ["High needs", 19, Decimal(9500)],
        ["Other funding streams (2)", 3, Decimal(1300)],
    ]
    assert shown.total == ["Total", 22, Decimal(10800)]


def test_an_organisations_own_figures_are_not_suppressed_to_itself():
    table = Table("t", ["", "n"], [["a", 1], ["b", 7]], ["Total", 8])
    assert table.shown_to(own=True).rows == [["a", 1], ["b", 7]]
    assert table.shown_to(own=False).rows == [["a", "c"], ["b", "c"]]


def test_a_group_of_one_pupil_hides_its_base_as_well_as_its_count():
    # Disproportionality: a group with 1 pupil on roll and 1 excluded shows neither; the kept
    # "within" relation (excluded are at most the group) cannot then give the count away.
    table = Table(
        "d",
        ["Group", "Excluded", "On roll", "Per 100"],
        [["Boys", 30, 500, Decimal(6)], ["Girls", 1, 1, Decimal(100)]],
        total=["All", 31, 501, Decimal("6.19")],
        rate_of={3: (1, 2)},
        within={1: 2},
    )
    shown = table.suppressed()
    assert shown.rows[1] == ["Girls", "c", "c", "c"]
    assert pinned(table) == []


def test_the_worked_example_of_trusts_and_schools():
    # docs/figures.md: trust A's schools 1, 1, 1 (A: 3); trust B's 1 and 3 (B: 4); total 7.
    table = Table(
        "g",
        ["", "n"],
        [["A", 3], ["a1", 1], ["a2", 1], ["a3", 1], ["B", 4], ["b1", 1], ["b2", 3]],
        total=["Total", 7],
        groups=[(0, [1, 2, 3]), (4, [5, 6])],
    )
    shown = table.suppressed()
    assert [row[1] for row in shown.rows] == ["c"] * 7
    assert shown.total == ["Total", 7]
    # A is 3 to 5 and B 2 to 4 (A + B = 7): no school's count is fixed.
    assert pinned(table) == []
