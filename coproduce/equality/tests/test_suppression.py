"""Small-number suppression: worked examples, then properties checked on random tables.

A *line* is a set of cells with the total they add up to (see the module's docstring). For
every random table the tests rebuild each line from the input and check what is shown.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.equality.suppression import DEFAULT_THRESHOLD, Cell, Series, Table, suppress

# Counts skewed towards small numbers, where suppression matters, with some large ones.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
thresholds = st.integers(1, 10)
labels = st.text("abcdefgh", min_size=1, max_size=3)
series = st.dictionaries(labels, counts, max_size=8)


@st.composite
def tables(draw):
    rows = draw(st.lists(labels, min_size=1, max_size=5, unique=True))
    columns = draw(st.lists(labels, min_size=1, max_size=5, unique=True))
    return {r: {c: draw(counts) for c in columns} for r in rows}


# Each line as [(true value, shown cell) for its cells], (true total, shown total).
def series_lines(data, result: Series):
    cells = [(data[k], result.cells[k]) for k in data]
    return [(cells, (sum(data.values()), result.total))]


def table_lines(data, result: Table):
    rows, columns = result.rows, result.columns
    row_total = {r: sum(data[r].values()) for r in rows}
    column_total = {c: sum(data[r][c] for r in rows) for c in columns}
    grand = sum(row_total.values())
    lines = [
        (
            [(data[r][c], result.cells[(r, c)]) for c in columns],
            (row_total[r], result.row_totals[r]),
        )
        for r in rows
    ]
    lines += [
        (
            [(data[r][c], result.cells[(r, c)]) for r in rows],
            (column_total[c], result.column_totals[c]),
        )
        for c in columns
    ]
    lines.append(([(row_total[r], result.row_totals[r]) for r in rows], (grand, result.total)))
    lines.append(
        ([(column_total[c], result.column_totals[c]) for c in columns], (grand, result.total))
    )
    return lines


def every_figure(lines):
    for cells, total in lines:
        yield from cells
        yield total


def check_properties(lines, threshold):
    # (a) every count shown is at least the threshold, or 0
    for _value, cell in every_figure(lines):
        assert cell.suppressed or cell.value == 0 or cell.value >= threshold

    # (d) every count shown is the true count
    for value, cell in every_figure(lines):
        assert cell.suppressed or cell.value == value

    for cells, (total, shown_total) in lines:
        hidden = [value for value, cell in cells if cell.suppressed]
        hidden_members = len(hidden) + shown_total.suppressed

        # (b) no line has exactly one hidden figure, counting its total; and when the total
        # is hidden, adding up the shown cells does not give it away. (A line whose total is
        # shown as 0 is all zeros, and says so itself.)
        if not (not shown_total.suppressed and total == 0):
            assert hidden_members != 1
            if shown_total.suppressed:
                assert len(hidden) >= min(2, len(cells))

        # (c) subtracting the shown cells from a shown total gives only the hidden cells'
        # combined count: never one cell alone, and never a small number of people
        if not shown_total.suppressed and total > 0 and hidden:
            recovered = shown_total.value - sum(c.value for _v, c in cells if not c.suppressed)
            assert recovered == sum(hidden)
            assert len(hidden) >= 2
            assert recovered >= threshold

        # small lines are hidden whole, zeros included
        if 0 < total < threshold:
            assert shown_total.suppressed
            assert all(cell.suppressed for _value, cell in cells)


@settings(max_examples=400, deadline=None)
@given(series, thresholds)
def test_properties_hold_for_random_1d_tables(data, threshold):
    result = suppress(data, threshold)
    assert isinstance(result, Series) and list(result.cells) == list(data)
    check_properties(series_lines(data, result), threshold)


@settings(max_examples=400, deadline=None)
@given(tables(), thresholds)
def test_properties_hold_for_random_2d_tables(data, threshold):
    result = suppress(data, threshold)
    assert isinstance(result, Table)
    check_properties(table_lines(data, result), threshold)


@settings(max_examples=100, deadline=None)
@given(tables(), thresholds)
def test_suppression_is_deterministic(data, threshold):
    assert suppress(data, threshold) == suppress(data, threshold)


@given(series)
def test_a_threshold_of_one_hides_nothing(data):
    result = suppress(data, 1)
    assert all(not cell.suppressed for cell in result.cells.values())
    assert result.total == Cell(sum(data.values()))


# Worked examples


def test_a_small_count_and_the_next_smallest_big_enough_are_hidden():
    result = suppress({"a": 3, "b": 10, "c": 12, "d": 0})
    assert {k: c.value for k, c in result.cells.items()} == {"a": None, "b": None, "c": 12, "d": 0}
    assert result.total.value == 25
    assert result.threshold == DEFAULT_THRESHOLD


def test_zero_is_shown_as_zero():
    result = suppress({"a": 0, "b": 9, "c": 7})
    assert [c.value for c in result.cells.values()] == [0, 9, 7]


def test_a_complement_is_never_a_cell_that_would_leave_a_small_number():
    # Hiding 1 with the 0 beside it would reveal "1 person in these two groups": the 0 is
    # not enough, so the next cell that makes the hidden cells add up to 5 or more is hidden.
    result = suppress({"a": 1, "b": 0, "c": 6, "d": 30})
    assert [c.value for c in result.cells.values()] == [None, 0, None, 30]


def test_a_line_with_fewer_people_than_the_threshold_is_hidden_whole():
    result = suppress({"a": 3, "b": 0, "c": 0})
    assert all(cell.suppressed for cell in result.cells.values())
    assert result.total.suppressed


def test_an_empty_table_shows_a_total_of_zero():
    assert suppress({}).total == Cell(0)


def test_a_2d_table_hides_a_rectangle_so_that_rows_and_columns_are_safe():
    result = suppress({"r1": {"x": 3, "y": 10, "z": 8}, "r2": {"x": 6, "y": 7, "z": 9}})
    assert [c.value for c in result.row("r1")] == [None, 10, None]
    assert [c.value for c in result.row("r2")] == [None, 7, None]
    assert [result.row_totals[r].value for r in result.rows] == [21, 22]
    assert [result.column_totals[c].value for c in result.columns] == [9, 17, 17]
    assert result.total.value == 43


def test_a_small_row_total_is_protected_in_the_line_of_row_totals():
    result = suppress({"r1": {"x": 2, "y": 1}, "r2": {"x": 10, "y": 20}, "r3": {"x": 8, "y": 9}})
    assert result.row_totals["r1"].suppressed
    shown = [r for r in result.rows if not result.row_totals[r].suppressed]
    assert len(shown) <= 1  # another row total is hidden with it
    assert result.total.value == 50


def test_missing_columns_count_zero():
    result = suppress({"r1": {"x": 10}, "r2": {"y": 10}})
    assert result.columns == ("x", "y")
    assert result.cells[("r1", "y")] == Cell(0)


@pytest.mark.parametrize(
    ("data", "threshold", "error"),
    [
        ({"a": -1}, 5, ValueError),
        ({"a": 1.5}, 5, ValueError),
        ({"a": True}, 5, ValueError),
        ({"a": 1}, 0, ValueError),
        ({"a": 1, "b": {"x": 1}}, 5, TypeError),
    ],
)
def test_bad_input_is_refused(data, threshold, error):
    with pytest.raises(error):
        suppress(data, threshold)


def test_the_module_imports_nothing_from_django():
    import ast
    from pathlib import Path

    import coproduce.equality.suppression as module

    tree = ast.parse(Path(module.__file__).read_text())
    imported = [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
    ]
    assert imported and not any(name.startswith(("django", "coproduce")) for name in imported)
