"""Small-number suppression: the one function every count shown to anyone goes through.

Plain Python: this module imports nothing from Django, so it can be tested and reused on its own.

The rule, in plain words
------------------------
1. Primary suppression. A count from 1 to ``threshold - 1`` is hidden. Zero is shown as 0: it
   says nobody is in a group, which is what a representativeness check most needs to show, and
   it is how ONS and NHS England publish small numbers. Zeros can still be hidden as a
   complement (rule 3), so a hidden cell may be 0.
2. Small lines. When a line's total (see below) is from 1 to ``threshold - 1``, every cell of
   that line is hidden, zeros included: with so few people even a 0 gives something away (if
   only one group were not 0, everyone in the line would be known to be in it).
3. Secondary suppression. A *line* is a set of cells with the total they add up to: the cells
   of a 1-D table with its total; in a 2-D table each row with its row total, each column with
   its column total, the row totals with the grand total and the column totals with the grand
   total. Until nothing changes, in every line:

   - if the total is shown (and is not 0), the hidden cells must be none, or at least two that
     together count at least ``threshold`` people. Otherwise subtracting the shown cells from
     the total would give a hidden cell exactly, or a small number of people in the hidden
     groups together. The complement hidden is the smallest shown cell that brings the hidden
     cells up to ``threshold`` (or, if none is big enough, the largest); ties go to the cell
     that comes first;
   - if the total is hidden, at least two of its cells must be hidden too (or all of them, if
     it has fewer than two), so that adding up the shown cells does not give the total away;
   - if every cell of a line with a shown total is hidden and the line still breaks the rule,
     the total is hidden too.

A line whose total is 0 needs nothing: every cell in it is 0 and the total already says so.

What this protects against, and what it does not
------------------------------------------------
It stops a hidden count being worked out by subtraction from any shown total of the same
line, which is how small numbers usually leak from published tables. It is not a full
linear-programming audit of a 2-D table (as Tau-Argus does); tables shown in Coproduce are
small and mostly 1-D. The true counts are never kept in the result, so templates cannot show
them by mistake.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

DEFAULT_THRESHOLD = 5

K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Hashable)

# Internal keys: ("cell", key) or ("cell", row, column), ("row", row), ("column", column),
# ("total",). A line is (the keys of its cells, the key of its total).
_Key = tuple[Any, ...]
_Line = tuple[tuple[_Key, ...], _Key]
_TOTAL: _Key = ("total",)


@dataclass(frozen=True)
class Cell:
    """One figure as it may be shown: its count, or None when it is hidden."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Series(Generic[K]):
    """A 1-D table after suppression: a cell per category, and the total."""

    cells: dict[K, Cell]
    total: Cell
    threshold: int


@dataclass(frozen=True)
class Table(Generic[K, C]):
    """A 2-D table after suppression: cells by (row, column), row, column and grand totals."""

    rows: tuple[K, ...]
    columns: tuple[C, ...]
    cells: dict[tuple[K, C], Cell]
    row_totals: dict[K, Cell]
    column_totals: dict[C, Cell]
    total: Cell
    threshold: int

    def row(self, row: K) -> list[Cell]:
        return [self.cells[(row, column)] for column in self.columns]


@overload
def suppress(counts: Mapping[K, Mapping[C, int]], threshold: int = ...) -> Table[K, C]: ...


@overload
def suppress(counts: Mapping[K, int], threshold: int = ...) -> Series[K]: ...


def suppress(counts: Mapping[Any, Any], threshold: int = DEFAULT_THRESHOLD) -> Any:
    """Hides small counts, and enough others that none can be worked out (see the module).

    `counts` is 1-D (category -> count) or 2-D (row -> column -> count; a column missing from
    a row counts 0). Returns a `Series` or a `Table` of `Cell`s.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError("threshold must be a whole number of at least 1")
    inner = [isinstance(value, Mapping) for value in counts.values()]
    if any(inner) and not all(inner):
        raise TypeError("counts must be all numbers (1-D) or all mappings (2-D), not a mix")
    if inner and all(inner):
        return _suppress_table(counts, threshold)
    return _suppress_series(counts, threshold)


def _check_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"counts must be whole numbers of 0 or more, not {value!r}")
    return value


def _suppress_series(counts: Mapping[K, int], threshold: int) -> Series[K]:
    values: dict[_Key, int] = {("cell", key): _check_count(n) for key, n in counts.items()}
    values[_TOTAL] = sum(values.values())
    cells = tuple(key for key in values if key != _TOTAL)
    hidden = _protect(values, [(cells, _TOTAL)], threshold)

    def shown(key: _Key) -> Cell:
        return Cell(None if key in hidden else values[key])

    return Series(
        cells={key: shown(("cell", key)) for key in counts},
        total=shown(_TOTAL),
        threshold=threshold,
    )


def _suppress_table(counts: Mapping[K, Mapping[C, int]], threshold: int) -> Table[K, C]:
    rows = tuple(counts)
    columns: tuple[C, ...] = tuple(dict.fromkeys(c for row in counts.values() for c in row))
    values: dict[_Key, int] = {}
    for r in rows:
        for c in columns:
            values[("cell", r, c)] = _check_count(counts[r].get(c, 0))
    for r in rows:
        values[("row", r)] = sum(values[("cell", r, c)] for c in columns)
    for c in columns:
        values[("column", c)] = sum(values[("cell", r, c)] for r in rows)
    values[_TOTAL] = sum(values[("row", r)] for r in rows)
    lines: list[_Line] = [(tuple(("cell", r, c) for c in columns), ("row", r)) for r in rows]
    lines += [(tuple(("cell", r, c) for r in rows), ("column", c)) for c in columns]
    lines.append((tuple(("row", r) for r in rows), _TOTAL))
    lines.append((tuple(("column", c) for c in columns), _TOTAL))
    hidden = _protect(values, lines, threshold)

    def shown(key: _Key) -> Cell:
        return Cell(None if key in hidden else values[key])

    return Table(
        rows=rows,
        columns=columns,
        cells={(r, c): shown(("cell", r, c)) for r in rows for c in columns},
        row_totals={r: shown(("row", r)) for r in rows},
        column_totals={c: shown(("column", c)) for c in columns},
        total=shown(_TOTAL),
        threshold=threshold,
    )


def _protect(values: dict[_Key, int], lines: Iterable[_Line], threshold: int) -> set[_Key]:
    """The keys to hide: primary, small lines, then complements until every line is safe."""
    lines = list(lines)
    hidden = {key for key, value in values.items() if 0 < value < threshold}
    for cells, total in lines:
        if 0 < values[total] < threshold:
            hidden.update(cells)
    order = {key: position for position, key in enumerate(values)}
    changed = True
    while changed:  # each pass hides at least one more key or stops, so this ends
        changed = False
        for cells, total in lines:
            extra = _complement(cells, total, values, hidden, threshold, order)
            if extra is not None:
                hidden.add(extra)
                changed = True
    return hidden


def _complement(
    cells: tuple[_Key, ...],
    total: _Key,
    values: dict[_Key, int],
    hidden: set[_Key],
    threshold: int,
    order: dict[_Key, int],
) -> _Key | None:
    """The next key this line needs hidden, or None if the line is safe."""
    hidden_cells = [key for key in cells if key in hidden]
    shown_cells = [key for key in cells if key not in hidden]
    if total in hidden:
        if len(hidden_cells) >= min(2, len(cells)):
            return None
        needed = 0
    else:
        if not hidden_cells or values[total] == 0:
            return None
        hidden_sum = sum(values[key] for key in hidden_cells)
        if len(hidden_cells) >= 2 and hidden_sum >= threshold:
            return None
        if not shown_cells:
            return total
        needed = threshold - hidden_sum
    candidates = sorted(shown_cells, key=lambda key: (values[key], order[key]))
    for key in candidates:
        if values[key] >= needed:
            return key
    return candidates[-1]
