"""The suppression rule of REPORTS.md §3 on one table (calportal.reports.suppression): hand-worked
tables, and properties that must hold for any table of counts with printed totals."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calportal.reports.suppression import COUNT, MAGNITUDE, PLAIN, suppress


def hidden(result):
    return set(result.hidden())


# --- hand-worked tables -------------------------------------------------------------------


def test_it_hides_small_counts_and_keeps_zeros_in_a_table_without_totals():
    result = suppress([[0, 1, 2], [3, 30, 0]], k=3)

    assert hidden(result) == {(0, 1), (0, 2)}
    assert not result.collapsed


def test_a_raised_k_hides_more():
    assert hidden(suppress([[4, 5, 2]], k=5)) == {(0, 0), (0, 2)}


def test_it_hides_a_second_cell_in_every_line_with_a_total():
    # women, men, not given | total; the last row is the total.
    table = [
        [10, 2, 0, 12],
        [7, 8, 4, 19],
        [5, 6, 3, 14],
        [22, 16, 7, 45],
    ]
    result = suppress(table, k=3, total_row=True, total_column=True)

    # 2 is hidden (primary); row 0 then hides its smallest non-zero other cell, 10 (the zero
    # stays); column 1 hides 6 (smaller than 8), column 0 hides 5 (smaller than 7); row 2
    # then has two hidden cells and nothing else changes.
    assert hidden(result) == {(0, 1), (0, 0), (2, 1), (2, 0)}
    assert not result.collapsed


def test_only_the_direction_with_a_total_is_protected():
    table = [[10, 2, 12], [7, 8, 15]]  # a total column, no total row

    result = suppress(table, k=3, total_column=True)

    assert hidden(result) == {(0, 1), (0, 0)}  # row 0; the columns have no total to protect


def test_the_total_may_be_anywhere():
    table = [[12, 10, 2], [15, 7, 8]]  # the total column first

    result = suppress(table, k=3, total_column=0)

    assert hidden(result) == {(0, 2), (0, 1)}


def test_a_small_grand_total_collapses_the_table():
    table = [[1, 0, 1], [1, 0, 1], [2, 0, 2]]

    result = suppress(table, k=3, total_row=True, total_column=True)

    assert result.collapsed
    assert all(all(line) for line in result.mask)


def test_a_small_row_total_is_hidden_and_protected_not_collapsed():
    table = [[1, 1, 2], [10, 20, 30], [11, 21, 32]]

    result = suppress(table, k=3, total_row=True, total_column=True)

    # Row 0 (1, 1 and its total 2) is hidden by the primary rule. Column 0 then hides 10,
    # column 1 hides 20, and the total column (whose total, 32, is the grand total) hides the
    # other row total, 30. The total row prints.
    assert not result.collapsed
    assert hidden(result) == {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)}


def test_an_age_by_gender_table_with_one_small_band_is_not_collapsed():
    # age bands × women, men, not given | total; the last row is the total.
    table = [
        [20, 15, 3, 38],  # 60–64
        [12, 9, 0, 21],  # 65–74
        [6, 4, 0, 10],  # 75–84
        [1, 0, 0, 1],  # 85+
        [39, 28, 3, 70],
    ]

    result = suppress(table, k=3, total_row=True, total_column=True)

    # Primary: 85+'s 1 woman and its total 1 (a row total, not the grand total); row 85+ then
    # has two hidden members. Column women (one hidden) hides its smallest other non-zero
    # cell, 6 (75–84); the total column (one hidden; its total is the grand total 70) hides
    # 10, 75–84's total. Row 75–84 now has two hidden members (6 and 10); nothing else moves.
    assert not result.collapsed
    assert hidden(result) == {(3, 0), (3, 3), (2, 0), (2, 3)}
    # Solving for 85+'s women: women 6 + w = 39 − 32, totals 10 + t = 70 − 59, 6 + 4 = 10 and
    # w = t — one equation short: w may be anything from 1 to 6.


def test_a_zero_total_does_not_collapse_the_table():
    result = suppress([[0, 0, 0], [4, 5, 9]], k=3, total_column=True)

    assert hidden(result) == set()
    assert not result.collapsed


def test_with_a_single_total_line_a_table_collapses_when_every_total_is_small():
    assert suppress([[1, 1, 2], [0, 0, 0], [1, 0, 1]], k=3, total_column=True).collapsed
    assert suppress([[1, 0], [1, 1], [2, 1]], k=3, total_row=True).collapsed
    result = suppress([[1, 1, 2], [4, 5, 9]], k=3, total_column=True)
    assert not result.collapsed
    assert hidden(result) == {(0, 0), (0, 1), (0, 2)}


def test_a_line_with_nothing_else_to_hide_hides_its_own_total():
    # A total of distinct persons (not a sum): row 0's only other cell is a zero.
    result = suppress([[2, 0, 4], [5, 6, 9]], k=3, total_column=True)

    assert hidden(result) == {(0, 0), (0, 2)}
    assert not result.collapsed


def test_a_line_that_would_need_the_grand_total_collapses_the_table():
    # Distinct persons again: the total row's only other non-zero cell is hidden.
    table = [[2, 0, 5], [0, 0, 5], [2, 0, 9]]

    assert suppress(table, k=3, total_row=True, total_column=True).collapsed


def test_no_data_is_never_hidden_nor_chosen_to_protect_a_line():
    table = [[2, None, 7, 9], [5, 5, 5, 15]]

    result = suppress(table, k=3, total_column=True)

    assert hidden(result) == {(0, 0), (0, 2)}


def test_magnitudes_follow_the_gus_rule():
    values = [[10], [8], [12], [12], [0]]
    contributors = [[5], [2], [4], [4], [0]]
    largest = [[3], [5], [10], [9], [0]]

    result = suppress(values, k=3, kinds=[MAGNITUDE], contributors=contributors, largest=largest)

    # 8 has 2 contributors; in the first 12 one person gave 10 (> 75 % = 9); the second 12's
    # largest is exactly 75 %, which is allowed; a zero stays visible.
    assert hidden(result) == {(1, 0), (2, 0)}


def test_a_magnitude_of_unknown_contributors_is_hidden():
    result = suppress([[10]], k=3, kinds=[MAGNITUDE], contributors=None, largest=None)

    assert hidden(result) == {(0, 0)}


def test_plain_cells_are_never_hidden_nor_chosen_to_protect_a_line():
    # hours of the events themselves (plain) next to persons' hours (magnitude), total row.
    values = [[1, 20], [2, 3], [30, 40], [33, 63]]
    kinds = [PLAIN, MAGNITUDE]
    contributors = [[None, 1], [None, 5], [None, 9], [None, 15]]
    largest = [[None, 20], [None, 1], [None, 5], [None, 20]]

    result = suppress(
        values, k=3, kinds=kinds, contributors=contributors, largest=largest, total_row=True
    )

    # Column 1: 20 has one contributor; the smallest non-zero other cell, 3, goes with it.
    # Column 0's small plain numbers stay.
    assert hidden(result) == {(0, 1), (1, 1)}


def test_a_table_of_plain_cells_is_never_suppressed():
    # Events (things) by month with a total row and column: small numbers all print.
    table = [[1, 0, 1], [2, 1, 3], [3, 1, 4]]

    result = suppress(table, k=3, kinds=[PLAIN] * 3, total_row=True, total_column=True)

    assert hidden(result) == set()
    assert not result.collapsed
    assert hidden(suppress(table, k=3, kinds=[PLAIN] * 3, suppressed=[[True] * 3] * 3)) == set()


def test_plain_cells_are_not_chosen_to_protect_a_line():
    # persons (count), events (plain) | a total of persons and events.
    result = suppress([[2, 1, 3], [5, 6, 11]], k=3, kinds=[COUNT, PLAIN, COUNT], total_column=True)

    # Row 0: the 2 persons are hidden, the 1 event is not hideable, so the total goes.
    assert hidden(result) == {(0, 0), (0, 2)}


def test_kinds_may_be_given_per_cell():
    result = suppress([[2, 2]], k=3, kinds=[[PLAIN, COUNT]])

    assert hidden(result) == {(0, 1)}


def test_cells_already_hidden_stay_hidden_and_are_protected():
    table = [[10, 20, 30, 60], [10, 20, 30, 60]]
    already = [[False, True, False, False], [False, False, False, False]]

    result = suppress(table, k=3, total_column=True, suppressed=already)

    assert hidden(result) == {(0, 1), (0, 0)}


def test_an_already_hidden_row_total_is_protected_in_its_row():
    already = [[False, False, True], [False, False, False]]

    result = suppress([[10, 20, 30], [4, 5, 9]], k=3, total_column=True, suppressed=already)

    assert hidden(result) == {(0, 2), (0, 0)}
    assert not result.collapsed


def test_an_already_hidden_grand_total_collapses_the_table():
    already = [[False] * 3, [False] * 3, [False, False, True]]
    table = [[10, 20, 30], [4, 5, 9], [14, 25, 39]]

    assert suppress(table, k=3, total_row=True, total_column=True, suppressed=already).collapsed


def test_k_below_3_is_refused():
    with pytest.raises(ValueError):
        suppress([[1]], k=2)


def test_ragged_rows_are_refused():
    with pytest.raises(ValueError):
        suppress([[1, 2], [3]], k=3)


# --- properties ---------------------------------------------------------------------------


@st.composite
def tables(draw):
    """A table of counts 0..30, small ones frequent (1..6 × 1..6), with a total row and/or
    column computed as sums."""
    height = draw(st.integers(1, 6))
    width = draw(st.integers(1, 6))
    count = st.one_of(st.integers(0, 4), st.integers(0, 30))
    body = [draw(st.lists(count, min_size=width, max_size=width)) for _ in range(height)]
    total_row = draw(st.booleans())
    total_column = draw(st.booleans())
    grid = [line + [sum(line)] if total_column else list(line) for line in body]
    if total_row:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    k = draw(st.sampled_from([3, 5]))
    return grid, total_row, total_column, k


def lines_with_a_total(grid, total_row, total_column):
    """Each line with a printed total: (its other cells, the total's position)."""
    height, width = len(grid), len(grid[0])
    lines = []
    if total_column:
        lines += [([(r, c) for c in range(width - 1)], (r, width - 1)) for r in range(height)]
    if total_row:
        lines += [([(r, c) for r in range(height - 1)], (height - 1, c)) for c in range(width)]
    return lines


PROPERTIES = settings(max_examples=200, deadline=None)


@PROPERTIES
@given(tables())
def test_no_visible_cell_is_a_small_count(case):
    grid, total_row, total_column, k = case
    result = suppress(grid, k=k, total_row=total_row, total_column=total_column)

    visible = [
        value
        for line, mask in zip(grid, result.mask, strict=True)
        for value, hide in zip(line, mask, strict=True)
        if not hide
    ]
    assert [value for value in visible if 0 < value < k] == []


@PROPERTIES
@given(tables())
def test_no_hidden_cell_can_be_worked_out_from_a_total_of_its_lines(case):
    grid, total_row, total_column, k = case
    result = suppress(grid, k=k, total_row=total_row, total_column=total_column)
    if result.collapsed:
        return
    if total_row and total_column:
        assert not result.mask[-1][-1], "the grand total is printed unless the table collapses"
    for cells, (tr, tc) in lines_with_a_total(grid, total_row, total_column):
        hidden_cells = [(r, c) for r, c in cells if result.mask[r][c]]
        if not result.mask[tr][tc]:
            # A printed total with one hidden cell would give it away: total − the visible cells.
            assert len(hidden_cells) != 1
        else:
            # A hidden (row or column) total with every cell printed is their sum.
            assert hidden_cells
        if hidden_cells and not result.mask[tr][tc]:
            visible_sum = sum(grid[r][c] for r, c in cells if not result.mask[r][c])
            remainder = grid[tr][tc] - visible_sum
            assert remainder == sum(grid[r][c] for r, c in hidden_cells)
            # ... and the remainder can be split among them in more than one way (each hidden
            # cell is non-zero, so moving 1 from one to another is another split that fits).
            assert all(grid[r][c] > 0 for r, c in hidden_cells)


@PROPERTIES
@given(tables())
def test_suppression_is_idempotent(case):
    grid, total_row, total_column, k = case
    first = suppress(grid, k=k, total_row=total_row, total_column=total_column)

    again = suppress(
        grid, k=k, total_row=total_row, total_column=total_column, suppressed=first.mask
    )

    assert again == first
    assert suppress(grid, k=k, total_row=total_row, total_column=total_column) == first


@PROPERTIES
@given(tables())
def test_zeros_are_never_hidden_unless_the_table_collapses(case):
    grid, total_row, total_column, k = case
    result = suppress(grid, k=k, total_row=total_row, total_column=total_column)
    if result.collapsed:
        assert all(all(line) for line in result.mask)
        return
    zeros = [
        (r, c)
        for r, line in enumerate(grid)
        for c, value in enumerate(line)
        if value == 0 and result.mask[r][c]
    ]
    assert zeros == []


@PROPERTIES
@given(tables())
def test_without_totals_only_the_primary_rule_applies(case):
    grid, _total_row, _total_column, k = case

    result = suppress(grid, k=k)

    assert not result.collapsed
    assert hidden(result) == {
        (r, c) for r, line in enumerate(grid) for c, value in enumerate(line) if 0 < value < k
    }


@PROPERTIES
@given(tables())
def test_a_table_collapses_exactly_when_its_grand_total_is_a_small_count(case):
    grid, total_row, total_column, k = case
    result = suppress(grid, k=k, total_row=total_row, total_column=total_column)

    if total_row and total_column:
        expected = 0 < grid[-1][-1] < k
    else:
        # A single total line: collapsed when every non-zero total in it is small.
        totals = [
            grid[r][c] for _cells, (r, c) in lines_with_a_total(grid, total_row, total_column)
        ]
        non_zero = [total for total in totals if total]
        expected = bool(non_zero) and all(total < k for total in non_zero)
    # With totals that are sums, every other line can be protected without collapsing.
    assert result.collapsed == expected
