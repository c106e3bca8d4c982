"""The suppression rule of REPORTS.md §3 on one table, as pure functions over plain grids.

No Django here: :func:`suppress` takes a table as a list of rows of numbers (``None`` for a cell
with no data or one that is not a figure of its own, such as a percentage) and says which cells a
shared report must hide. :mod:`calportal.reports.finalise` maps a dataset's tables onto these
grids and writes the "< k" texts.

The rules, each with its source:

* **Primary, counts** (REPORTS.md §3.2): a count ``0 < n < k`` is hidden; zeros stay visible.
  A total other than the grand total (see below) is a count like any other: a row total or a
  column total ``0 < t < k`` is hidden by this rule.
* **Magnitudes** (REPORTS.md §3.3, the GUS rule): hours, PLN and uses are hidden when fewer than
  3 persons contributed to the cell or one contributor exceeds 75 % of it. A zero stays visible.
* **Plain cells** (REPORTS.md §3.1, scope): a cell that neither counts persons nor sums what
  persons contributed — things counted (events, places, initiatives, organisations, resources,
  meetings), or the hours of the events themselves — is never hidden, by no rule, and never
  chosen by the secondary rule. A table of plain cells only is never suppressed.
* **Secondary** (REPORTS.md §3.4): a *line* is a row or column with a total (the total's value
  given): its other cells and that total. When exactly one member of a line is hidden — one of
  its cells while the total is printed, or the total itself while every cell is printed — the
  smallest non-zero visible cell of the line (never its total, never a plain cell) is hidden
  too; repeated until nothing changes. A hidden total is thereby protected both in its own line
  and, as a cell of the total row or column, in the perpendicular line whose total is the grand
  total. A line with nothing left to hide hides its own total instead, unless that total is the
  grand total: then the table collapses.
* **Collapse** (REPORTS.md §3.4, "if a total itself is < k … collapse the table"): read as the
  table's *grand* total, the cell where the total row and the total column meet; the table
  collapses ("za mało danych") when the primary rules would hide it (or it is already hidden).
  A table with only a total row, or only a total column, has no grand total: it collapses when
  every non-zero total of that total line is one the primary rules hide (the whole table is too
  small). A table whose totals are all zero does not collapse: zeros stay visible.

What the secondary rule guarantees is the rule's own promise and a little more: no line with a
total has exactly one hidden member, so no hidden cell (nor a hidden total) can be read off one
line's arithmetic. It is not a full audit against every linear combination of several lines (a
hidden cell joining two otherwise separate groups of hidden cells can, in rare patterns, be
worked out from four totals at once); REPORTS.md §3 does not ask for one.
"""

from dataclasses import dataclass
from decimal import Decimal

COUNT = "count"  # persons counted: primary rule (0 < n < k)
MAGNITUDE = "magnitude"  # contributed by persons (hours, PLN, uses): the GUS rule
PLAIN = "plain"  # not about persons (things counted, events' own hours): never hidden
KINDS = (COUNT, MAGNITUDE, PLAIN)

MIN_CONTRIBUTORS = 3  # REPORTS.md §3.3
DOMINANCE = Decimal("0.75")  # REPORTS.md §3.3: one contributor above 75 % of the cell


@dataclass(frozen=True)
class Result:
    """``mask[r][c]`` is True for a cell to hide. A collapsed table hides every cell that has a
    value (the report prints "za mało danych" instead of it)."""

    mask: tuple[tuple[bool, ...], ...]
    collapsed: bool

    def hidden(self) -> list[tuple[int, int]]:
        """The (row, column) positions of the hidden cells, row by row."""
        return [(r, c) for r, line in enumerate(self.mask) for c, hide in enumerate(line) if hide]


def count_is_hidden(value, k: int) -> bool:
    """REPORTS.md §3.2: a count ``0 < n < k`` is hidden; zeros (and no data) stay visible."""
    return value is not None and 0 < value < k


def magnitude_is_hidden(value, contributors, largest) -> bool:
    """REPORTS.md §3.3: a non-zero magnitude is hidden when fewer than 3 persons contributed to
    it (an unknown number counts as too few) or the largest contribution exceeds 75 % of it."""
    if value is None or value == 0:
        return False
    if contributors is None or contributors < MIN_CONTRIBUTORS:
        return True
    if largest is None:
        return False
    return Decimal(str(largest)) > DOMINANCE * Decimal(str(value))


def primary_is_hidden(kind: str, value, *, k: int, contributors=None, largest=None) -> bool:
    """Whether the primary rules (REPORTS.md §3.2, §3.3) hide one cell of the given kind."""
    if kind == COUNT:
        return count_is_hidden(value, k)
    if kind == MAGNITUDE:
        return magnitude_is_hidden(value, contributors, largest)
    if kind == PLAIN:
        return False
    raise ValueError(f"unknown kind of cell {kind!r}")


def suppress(
    values,
    *,
    k: int,
    kinds=None,
    contributors=None,
    largest=None,
    total_row: bool | int = False,
    total_column: bool | int = False,
    suppressed=None,
) -> Result:
    """Apply REPORTS.md §3.2–§3.4 to one table.

    ``values``: a list of rows, each a list of numbers or ``None`` (no data, not applicable or
    not a figure of its own: never hidden, never chosen by the secondary rule).
    ``k``: the table's threshold (at least 3).
    ``kinds``: :data:`COUNT` (default), :data:`MAGNITUDE` or :data:`PLAIN` — one per column (a
    list of strings) or one per cell (a list of rows).
    ``contributors``, ``largest``: grids like ``values`` for the magnitude cells.
    ``total_row`` / ``total_column``: True when the last row / column is the printed total, or
    the index of that row / column; False when there is none (then the secondary rule has no
    line to protect in that direction).
    ``suppressed``: a grid of cells already hidden (e.g. a dataset finalised before); they stay
    hidden and are protected like the others; a hidden grand total collapses the table.
    """
    rows = [list(line) for line in values]
    height = len(rows)
    width = len(rows[0]) if rows else 0
    if any(len(line) != width for line in rows):
        raise ValueError("every row must have the same number of cells")
    if k < 3:
        raise ValueError("k may be raised, never lowered below 3 (REPORTS.md §3.2)")
    total_r = _total_index(total_row, height)
    total_c = _total_index(total_column, width)
    kind_of = _kinds(kinds, height, width)

    def extra(grid, r, c):
        return grid[r][c] if grid is not None else None

    def primary(r, c):
        return primary_is_hidden(
            kind_of[r][c],
            rows[r][c],
            k=k,
            contributors=extra(contributors, r, c),
            largest=extra(largest, r, c),
        )

    mask = [[False] * width for _ in range(height)]
    for r in range(height):
        for c in range(width):
            already = suppressed is not None and bool(suppressed[r][c])
            mask[r][c] = kind_of[r][c] != PLAIN and (already or primary(r, c))

    lines = []  # each: (the cells of the line other than its total, the total's position)
    if total_c is not None:
        lines += [
            ([(r, c) for c in range(width) if c != total_c], (r, total_c)) for r in range(height)
        ]
    if total_r is not None:
        lines += [
            ([(r, c) for r in range(height) if r != total_r], (total_r, c)) for c in range(width)
        ]
    lines = [(cells, total) for cells, total in lines if rows[total[0]][total[1]] is not None]

    # REPORTS.md §3.4, collapse: the grand total, or with a single total line every non-zero
    # total of it, is one the primary rules hide.
    grand = None
    if total_r is not None and total_c is not None and rows[total_r][total_c] is not None:
        grand = (total_r, total_c)
        if mask[total_r][total_c]:
            return _collapsed(rows)
    else:
        totals = {total for _cells, total in lines if rows[total[0]][total[1]] != 0}
        if totals and all(primary(r, c) for r, c in totals):
            return _collapsed(rows)

    changed = True
    while changed:  # REPORTS.md §3.4: "repeat until stable"
        changed = False
        for cells, (tr, tc) in lines:
            if sum(mask[r][c] for r, c in cells) + mask[tr][tc] != 1:
                continue
            candidates = [
                (rows[r][c], index, (r, c))
                for index, (r, c) in enumerate(cells)
                if not mask[r][c]
                and kind_of[r][c] != PLAIN
                and rows[r][c] is not None
                and rows[r][c] != 0
            ]
            if candidates:
                _value, _index, (r, c) = min(candidates)
            elif (tr, tc) != grand and not mask[tr][tc] and kind_of[tr][tc] != PLAIN:
                r, c = tr, tc  # nothing else to hide: the line's own total goes
            else:
                return _collapsed(rows)  # the grand total would have to go
            mask[r][c] = True
            changed = True
    return Result(mask=tuple(tuple(line) for line in mask), collapsed=False)


def _total_index(total: bool | int, size: int) -> int | None:
    if total is False or total is None or size == 0:
        return None
    if total is True:
        return size - 1
    if not 0 <= total < size:
        raise ValueError(f"total index {total} outside the table")
    return total


def _kinds(kinds, height: int, width: int) -> list[list[str]]:
    if kinds is None:
        grid = [[COUNT] * width for _ in range(height)]
    elif all(isinstance(kind, str) for kind in kinds):
        if len(kinds) != width:
            raise ValueError("one kind per column")
        grid = [list(kinds) for _ in range(height)]
    else:
        grid = [list(line) for line in kinds]
    for line in grid:
        for kind in line:
            if kind not in KINDS:
                raise ValueError(f"unknown kind of cell {kind!r}")
    return grid


def _collapsed(rows) -> Result:
    mask = tuple(tuple(value is not None for value in line) for line in rows)
    return Result(mask=mask, collapsed=True)
