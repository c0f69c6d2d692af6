"""Quota-meeting panels as an integer program over groups, solved with HiGHS (highspy).

A panel composition gives each group a count between 0 and its size; it meets the quotas when,
for every quota row, the counts of the groups with that value add up to between min and max,
the counts add up to the panel size, and no household has two people on it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from highspy import HighsModelStatus, HighsVarType
from highspy._core import _Highs

from coproduce.selection.pool import Quota, SelectionProblem

INFINITY = 1e30  # HiGHS reads any bound at or past 1e20 as infinite
Counts = np.ndarray  # int64 count per group: one panel composition


def solver() -> _Highs:
    """A quiet, single-threaded HiGHS instance. The core class rather than `highspy.Highs`: that
    wrapper prints a banner on stdout and routes every log line through Python callbacks."""
    highs = _Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    return highs


@dataclass(frozen=True)
class Constraints:
    """The rows of the panel program: the size row, one row per quota, one per shared
    household. `matrix` is dense (rows × groups): small enough here and simple to slice."""

    matrix: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    group_sizes: np.ndarray
    quota_rows: dict[Quota, int]

    @classmethod
    def of(cls, problem: SelectionProblem) -> "Constraints":
        groups = problem.groups
        rows: list[np.ndarray] = [np.ones(len(groups))]
        lower, upper = [float(problem.panel_size)], [float(problem.panel_size)]
        quota_rows: dict[Quota, int] = {}
        column = {feature: index for index, feature in enumerate(problem.features)}
        for quota in problem.quotas:
            position = column[quota.feature]
            quota_rows[quota] = len(rows)
            rows.append(np.array([float(g.values[position] == quota.value) for g in groups]))
            lower.append(float(quota.min))
            upper.append(float(quota.max))
        for members in problem.households.values():
            row = np.zeros(len(groups))
            row[members] = 1.0
            rows.append(row)
            lower.append(0.0)
            upper.append(1.0)
        return cls(
            np.vstack(rows),
            np.array(lower),
            np.array(upper),
            np.array([len(group.members) for group in groups], dtype=np.int64),
            quota_rows,
        )


def load(
    highs: _Highs,
    constraints: Constraints,
    *,
    integral: bool,
    extra_columns: np.ndarray | None = None,
    extra_upper: Sequence[float] = (),
) -> None:
    """Pass the panel program to `highs` (objective zero), with optional extra continuous
    columns (given as a rows × extra matrix) after the group columns."""
    matrix = constraints.matrix
    upper = constraints.group_sizes.astype(float)
    integrality = np.full(len(upper), int(HighsVarType.kInteger if integral else 0))
    if extra_columns is not None:
        matrix = np.hstack([matrix, extra_columns])
        upper = np.concatenate([upper, np.asarray(extra_upper, dtype=float)])
        integrality = np.concatenate([integrality, np.zeros(extra_columns.shape[1], dtype=int)])
    starts, indices, values = _column_wise(matrix)
    highs.passModel(
        matrix.shape[1],
        matrix.shape[0],
        len(values),
        1,  # column-wise
        -1,  # maximise
        0.0,
        np.zeros(matrix.shape[1]),
        np.zeros(matrix.shape[1]),
        upper,
        constraints.lower,
        constraints.upper,
        starts,
        indices,
        values,
        integrality.astype(np.int32),
    )


def _column_wise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, columns = np.nonzero(matrix.T)
    starts = np.searchsorted(rows, np.arange(matrix.shape[1]))
    return starts.astype(np.int32), columns.astype(np.int32), matrix.T[rows, columns]


def solved(highs: _Highs) -> bool:
    """Run HiGHS; True if it found an optimum, False if the program has no solution."""
    highs.run()
    status = highs.getModelStatus()
    if status == HighsModelStatus.kOptimal:
        return True
    if status in (HighsModelStatus.kInfeasible, HighsModelStatus.kUnboundedOrInfeasible):
        return False
    raise RuntimeError(f"HiGHS stopped with status {highs.modelStatusToString(status)}")


class PanelFinder:
    """Finds the quota-meeting panel composition that maximises a weight per person.

    The integer program is built once; each search only changes the objective. The LP
    relaxation (warm-started, much faster) answers first when its optimum is whole numbers."""

    def __init__(self, problem: SelectionProblem) -> None:
        self.constraints = Constraints.of(problem)
        self.sizes = self.constraints.group_sizes
        self.columns = np.arange(len(self.sizes), dtype=np.int32)
        self.integer = solver()
        load(self.integer, self.constraints, integral=True)
        self.integer.setOptionValue("mip_rel_gap", 1e-9)
        self.relaxation = solver()
        load(self.relaxation, self.constraints, integral=False)
        # For swaps: each group's quota row for each feature, and its household's number.
        row_of = {(q.feature, q.value): row for q, row in self.constraints.quota_rows.items()}
        self.value_rows = np.array(
            [
                [row_of[f, value] for f, value in zip(problem.features, g.values, strict=True)]
                for g in problem.groups
            ],
            dtype=np.int64,
        )
        self.household = np.full(len(problem.groups), -1)
        for number, members in enumerate(problem.households.values()):
            self.household[members] = number

    def any_panel(self) -> Counts | None:
        self.integer.changeColsCost(len(self.columns), self.columns, np.zeros(len(self.columns)))
        if not solved(self.integer):
            return None
        return self._counts(self.integer.getSolution().col_value)

    def best_panel(self, weights: np.ndarray) -> Counts:
        """The panel with the greatest total weight (sum over groups of weight × count). The
        LP relaxation answers when its optimum is already whole numbers."""
        self.relaxation.changeColsCost(len(self.columns), self.columns, weights)
        if solved(self.relaxation):
            relaxed = np.asarray(self.relaxation.getSolution().col_value)
            rounded = np.round(relaxed)
            if np.abs(relaxed - rounded).max() < 1e-9:
                return rounded.astype(np.int64)
        self.integer.changeColsCost(len(self.columns), self.columns, weights)
        if not solved(self.integer):
            raise RuntimeError("no panel meets the quotas: check feasibility first")
        return self._counts(self.integer.getSolution().col_value)

    def _counts(self, values: Sequence[float]) -> Counts:
        return np.round(np.asarray(values)[: len(self.sizes)]).astype(np.int64)

    def improve(self, composition: Counts, weights: np.ndarray, reach: int = 32) -> Counts:
        """Local search: swap one person for another while a swap adds weight and keeps every
        quota and the household rule. Far cheaper than the integer program, and usually
        enough to find a panel worth adding to the master LP. Only the `reach` heaviest
        groups with room and the `reach` lightest on the panel are tried: the best swap is
        almost always among them, and the integer program catches what this misses."""
        composition = composition.copy()
        matrix = self.constraints.matrix
        totals = matrix @ composition
        while True:
            can_lose = totals > self.constraints.lower + 0.5
            can_gain = totals < self.constraints.upper - 0.5
            present = np.flatnonzero(composition)
            homes = self.household[present]
            room = (composition < self.sizes) & ~np.isin(self.household, homes[homes >= 0])
            into = _extreme(np.where(room, weights, -np.inf), reach)
            into = into[room[into]]
            out = present[_extreme(-weights[present], reach)]
            if not len(into) or not len(out):
                return composition
            gains = weights[into][None, :] - weights[out][:, None]
            leaving, joining = self.value_rows[out], self.value_rows[into]
            allowed = (leaving[:, None, :] == joining[None, :, :]) | (
                can_lose[leaving][:, None, :] & can_gain[joining][None, :, :]
            )
            gains[~allowed.all(axis=2)] = 0.0
            best = np.unravel_index(np.argmax(gains), gains.shape)
            if gains[best] <= 1e-12:
                return composition
            composition[out[best[0]]] -= 1
            composition[into[best[1]]] += 1
            totals += matrix[:, into[best[1]]] - matrix[:, out[best[0]]]


def _extreme(values: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` largest values (all of them if there are fewer)."""
    if len(values) <= count:
        return np.arange(len(values))
    return np.argpartition(-values, count)[:count]
