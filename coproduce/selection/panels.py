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
        self.homes = [np.asarray(members) for members in problem.households.values()]
        for number, members in enumerate(self.homes):
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
        """Local search: swap people for others while a swap adds weight and keeps every
        quota and the household rule. Far cheaper than the integer program, and usually
        enough to find a panel worth adding to the master LP. Only the `reach` heaviest
        groups with room and the `reach` lightest on the panel are tried: the best swap is
        almost always among them, and the integer program catches what this misses.

        It runs thousands of times per selection. Each pass makes every swap it can among
        the pairs it scored, best gain first, each person moving once and each swap checked
        against the quotas as they stand (on the 2,000 × 200 benchmark a call takes less than
        half the time of one swap per pass, for panels as heavy within 0.3%), and what a swap
        changes is updated in place rather than recomputed over every group."""
        composition = composition.copy()
        matrix = self.constraints.matrix
        totals = matrix @ composition
        losable, gainable = self.constraints.lower + 0.5, self.constraints.upper - 0.5
        heaviest_first = np.argsort(-weights, kind="stable")
        room = composition < self.sizes
        for home in np.unique(self.household[(composition > 0) & (self.household >= 0)]):
            room[self.homes[home]] = False
        while True:
            into = heaviest_first[room[heaviest_first]][:reach]
            present = np.flatnonzero(composition)
            out = present[_extreme(-weights[present], reach)]
            if not len(into) or not len(out):
                return composition
            gains = weights[into][None, :] - weights[out][:, None]
            # A swap changing a feature's value needs room in both quotas; only features with a
            # quota at its limit can forbid swaps, and they are usually few.
            leaving, joining = self.value_rows[out], self.value_rows[into]
            stuck_out = (totals <= losable)[leaving]
            stuck_in = (totals >= gainable)[joining]
            for feature in np.flatnonzero(stuck_out.any(axis=0) | stuck_in.any(axis=0)):
                changes = leaving[:, feature, None] != joining[None, :, feature]
                stuck = stuck_out[:, feature, None] | stuck_in[None, :, feature]
                gains[changes & stuck] = 0.0
            swaps = 0
            left, joined = np.zeros(len(out), dtype=bool), np.zeros(len(into), dtype=bool)
            ranked = np.argsort(-gains, axis=None, kind="stable")
            for flat in ranked[: np.count_nonzero(gains > 1e-12)]:
                leaving_at, joining_at = divmod(int(flat), len(into))
                leaver, joiner = out[leaving_at], into[joining_at]
                # Each position moves once a pass, so a leaver is still on the panel; a joiner
                # may have lost its room to someone from its household joining first.
                if left[leaving_at] or joined[joining_at] or not room[joiner]:
                    continue
                if not self._fits(leaver, joiner, totals, losable, gainable):
                    continue
                swaps += 1
                composition[leaver] -= 1
                composition[joiner] += 1
                totals += matrix[:, joiner] - matrix[:, leaver]
                room[leaver] = True
                room[joiner] = composition[joiner] < self.sizes[joiner]
                if self.household[leaver] >= 0:  # the household has no one on the panel now
                    room[self.homes[self.household[leaver]]] = True
                if self.household[joiner] >= 0:
                    room[self.homes[self.household[joiner]]] = False
                left[leaving_at] = joined[joining_at] = True
            if not swaps:
                return composition

    def _fits(
        self,
        leaver: int,
        joiner: int,
        totals: np.ndarray,
        losable: np.ndarray,
        gainable: np.ndarray,
    ) -> bool:
        """Whether swapping keeps every quota: a feature whose value changes needs room to
        lose in the leaver's quota and room to gain in the joiner's."""
        for leaving_row, joining_row in zip(
            self.value_rows[leaver], self.value_rows[joiner], strict=True
        ):
            if leaving_row != joining_row and (
                totals[leaving_row] <= losable[leaving_row]
                or totals[joining_row] >= gainable[joining_row]
            ):
                return False
        return True


def _extreme(values: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` largest values (all of them if there are fewer)."""
    if len(values) <= count:
        return np.arange(len(values))
    return np.argpartition(-values, count)[:count]
