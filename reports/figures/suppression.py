"""Suppression of small numbers: the one implementation of the method in docs/figures.md.

A table is rows of a label and cells. Its count columns are related by *lines*: a total and the
cells it adds up (a column and its total row; a trust's row and its schools' rows). Derived
columns (rates, costs, relative risks) are made from named count columns. The method:

1. Primary: every count of 1 or 2 is hidden ("c"), totals included. Zeros are never hidden.
2. Secondary, line by line until nothing changes: a line must not hide just one cell (a hidden
   total is worked out from its cells as surely as a hidden cell from its total), nor, under a
   shown total, cells that must all be at their least to add up (two 1s; a trust's row at the
   sum of its hidden schools' least), or only cells of one value (two 2s). Such a line
   hides the smallest count of 3 or more it still shows; with none left, it hides its total.
   (Hidden cells of 1 and 2 together, or with one of 3 or more, fit their sum more than one way.)
3. A pass then shows again any secondary cell no line needs (the last chosen first).
4. A derived figure is hidden when any count it is made from is hidden.
Before any of this, a table of categories merges those of 1 or 2 into "Other" (adding the
smallest others while that is still under 3), so that a table does not go dark for want of it.
An organisation's own figures, shown to itself, are not suppressed: see `Table.shown_to`.
"""

from dataclasses import dataclass, field, replace

SUPPRESSED = "c"  # the ONS/DfE symbol for a confidential (suppressed) figure
NOT_AVAILABLE = "x"  # the DfE symbol for a figure that cannot be given (here: no base held)
SMALL = (1, 2)
TOTAL = -1  # the row index of the total row in a line


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # [label, cell, cell, ...]
    total: list | None = None
    # Derived column -> the count columns it is made from (a rate, a cost, a relative risk).
    rate_of: dict[int, tuple[int, ...]] = field(default_factory=dict)
    note: str = ""
    # Columns about organisations, not pupils (a provider's places): never suppressed.
    keep: frozenset = frozenset()
    # Rows that are the sum of other rows: (row, [member rows]); the total row sums the rows
    # that are members of no group (or all rows when there are no groups).
    groups: list[tuple[int, list[int]]] = field(default_factory=list)
    # Count column -> the column that bounds it (pupils excluded are at most the group's pupils).
    within: dict[int, int] = field(default_factory=dict)
    # A table of categories: the label of the row small ones are merged into ("" for none).
    merge_into: str = ""
    # The rows the total row adds up, when not all of them (boys and girls make all pupils).
    total_of: list[int] | None = None
    # The last row is a period still running: when it is 1 or 2, it is merged with the row
    # before rather than hiding another (the month so far joins last month).
    partial_last: bool = False

    @property
    def group_rows(self) -> set[int]:
        return {g for g, _ in self.groups}

    @property
    def member_rows(self) -> set[int]:
        return {m for _, members in self.groups for m in members}

    def count_columns(self) -> list[int]:
        return [
            c for c in range(1, len(self.columns)) if c not in self.rate_of and c not in self.keep
        ]

    def lines(self) -> list[tuple[int, list[int]]]:
        """The lines as (total row, member rows), TOTAL standing for the total row."""
        grouped = {m for _, members in self.groups for m in members}
        top = [r for r in range(len(self.rows)) if r not in grouped]
        if self.total_of is not None:
            top = list(self.total_of)
        # A trust's line before the total's: a trust row its own schools already hide then
        # protects the total's line without hiding another.
        lines = list(self.groups)
        if self.total is not None:
            lines.append((TOTAL, top))
        return lines

    def merged(self) -> "Table":
        """Categories of 1 or 2 (in the first count column) merged into one "Other" row; a
        period so far of 1 or 2 merged with the one before."""
        if not self.rows:
            return self
        c = self.count_columns()[0]
        if self.partial_last and len(self.rows) > 1 and self.rows[-1][c] in SMALL:
            before, last = self.rows[-2], self.rows[-1]
            joined = [f"{before[0]} and {last[0]}"] + [
                a + b if isinstance(a, int) and isinstance(b, int) else None
                for a, b in zip(before[1:], last[1:], strict=True)
            ]
            return replace(self, rows=[*self.rows[:-2], joined], partial_last=False)
        if not self.merge_into:
            return self
        small = [r for r, row in enumerate(self.rows) if row[c] in SMALL]
        if not small:
            return self
        others = sorted((row[c], r) for r, row in enumerate(self.rows) if r not in small and row[c])
        while sum(self.rows[r][c] for r in small) < 3 and others:
            small.append(others.pop(0)[1])
        if len(small) == 1:
            return self
        kept = [row for r, row in enumerate(self.rows) if r not in small]
        other = [f"{self.merge_into} ({len(small)})"]
        for column in range(1, len(self.columns)):
            values = [self.rows[r][column] for r in small]
            other.append(sum(values) if all(v is not None for v in values) else None)
        return replace(self, rows=[*kept, other], merge_into="")

    def hidden_cells(self) -> tuple[set, set]:
        """(primary, secondary) cells hidden by the method, as (row, column); TOTAL for totals."""
        table = self
        value = {}
        for c in table.count_columns():
            for r, row in enumerate(table.rows):
                value[r, c] = row[c]
            if table.total is not None:
                value[TOTAL, c] = table.total[c]
        primary = {cell for cell, v in value.items() if v in SMALL}
        hidden = set(primary)
        chosen: list = []
        lines = [
            ([(t, c)] + [(m, c) for m in members], (t, c))
            for c in table.count_columns()
            for t, members in table.lines()
        ]

        def candidates(cells) -> list:
            return sorted(
                (value[cell], index)
                for index, cell in enumerate(cells[1:], start=1)
                if cell not in hidden and isinstance(value[cell], int) and value[cell] >= 3
            )

        members_of = dict(table.groups)

        def least(cell) -> int:
            """The least a hidden cell can be: 1, or for a trust's row, what its schools'
            shown counts and hidden ones (each at least their least) add up to."""
            r, c = cell
            if r not in members_of:
                return 1
            return sum(least((m, c)) if (m, c) in hidden else value[m, c] for m in members_of[r])

        def unsafe(cells, total) -> bool:
            """Would the line's equation (total = the sum of its cells) give a hidden count
            away? It does when it hides one cell only (a total too: worked out from its cells);
            or, under a shown total, when the hidden cells must all be at their least to add up
            (two 1s under a 2), or are only cells of one small value (two 2s under a 4)."""
            if not isinstance(value.get(total), int):
                return False
            hid = [cell for cell in cells if cell in hidden]
            if len(hid) != 1 and (not hid or total in hidden):
                return False
            if len(hid) == 1:
                return True
            rest = value[total] - sum(value[c] for c in cells[1:] if c not in hidden)
            values = {value[cell] for cell in hid}
            return rest == sum(least(c) for c in hid) or (max(values) < 3 and len(values) == 1)

        changed = True
        while changed:
            changed = False
            for cells, total in lines:
                if not unsafe(cells, total):
                    continue
                found = candidates(cells)
                if found:
                    pick = cells[found[0][1]]
                elif total not in hidden:
                    pick = total
                else:  # only the total is hidden: show less of its cells
                    pick = min(
                        (c for c in cells[1:] if c not in hidden and value[c]),
                        key=lambda c: value[c],
                    )
                hidden.add(pick)
                chosen.append(pick)
                changed = True
        # Show again what no line needs, the last chosen first.
        for cell in reversed(chosen):
            hidden.discard(cell)
            # Every line: showing a school changes the least its trust's row can be.
            if any(unsafe(cells, total) for cells, total in lines):
                hidden.add(cell)
        return primary, hidden - primary

    def suppressed(self) -> "Table":
        """The table as published to others: merged, then suppressed by the method."""
        table = self.merged()
        primary, secondary = table.hidden_cells()
        hidden = primary | secondary
        grid = [list(row) for row in table.rows]
        total = list(table.total) if table.total is not None else None

        def row_of(r):
            return total if r == TOTAL else grid[r]

        for r, c in hidden:
            row_of(r)[c] = SUPPRESSED
        for derived, sources in table.rate_of.items():
            for row in [*grid, *([total] if total else [])]:
                if any(row[s] == SUPPRESSED for s in sources):
                    row[derived] = SUPPRESSED
        return replace(table, rows=grid, total=total, merge_into="", partial_last=False)

    def shown_to(self, own: bool) -> "Table":
        """An organisation's own figures in full; anyone else's suppressed."""
        return self if own else self.suppressed()


def suppress_count(value):
    """A single count shown on its own to others: 1 and 2 are shown as "c"."""
    return SUPPRESSED if value in SMALL else value
