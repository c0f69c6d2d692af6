"""The public, reproducible part: random numbers from an announced seed, the draw of one panel
from a lottery, and the order of reserves.

Anyone can check a draw with the seed alone: every random number comes from SHA-256, so it
does not depend on Python's hash randomisation, on numpy, or on the platform.
"""

import hashlib
from collections.abc import Sequence

import numpy as np

from coproduce.selection.leximin import Lottery
from coproduce.selection.pool import SelectionProblem


class SeededStream:
    """Random numbers for one purpose ("panel", "reserves"...) from a seed (text or integer).

    Block i is SHA-256(key ‖ i as 8 bytes, big-endian) with key = SHA-256 of the UTF-8 text
    "coproduce-selection|<purpose>|<seed>"; each block gives four 64-bit numbers. `below(n)`
    rejects numbers past the last whole multiple of n, so every result is equally likely."""

    def __init__(self, seed: str | int, purpose: str) -> None:
        self.key = hashlib.sha256(f"coproduce-selection|{purpose}|{seed}".encode()).digest()
        self.block = 0
        self.buffer: list[int] = []

    def next64(self) -> int:
        if not self.buffer:
            digest = hashlib.sha256(self.key + self.block.to_bytes(8, "big")).digest()
            self.block += 1
            self.buffer = [int.from_bytes(digest[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self.buffer.pop()

    def below(self, n: int) -> int:
        """A whole number from 0 to n − 1."""
        limit = (1 << 64) - (1 << 64) % n
        while True:
            number = self.next64()
            if number < limit:
                return number % n

    def unit(self) -> float:
        """A number in [0, 1) with 53 random bits."""
        return (self.next64() >> 11) / float(1 << 53)

    def shuffled(self, items: Sequence[str]) -> list[str]:
        """Fisher–Yates, from the last position down."""
        result = list(items)
        for last in range(len(result) - 1, 0, -1):
            other = self.below(last + 1)
            result[last], result[other] = result[other], result[last]
        return result


def draw_from_lottery(problem: SelectionProblem, lottery: Lottery, seed: str | int) -> list[str]:
    """One panel: a composition chosen with its weight (one `unit()` against the running sum
    of weights in stored order), then for each group in order the first `count` of its members
    (sorted by id) after a shuffle. Every member of a group is equally likely to be chosen, so
    each person's chance is exactly their group's chance in the lottery."""
    stream = SeededStream(seed, "panel")
    target = stream.unit() * sum(lottery.weights)
    chosen = len(lottery.weights) - 1
    running = 0.0
    for index, weight in enumerate(lottery.weights):
        running += weight
        if target < running:
            chosen = index
            break
    panel: list[str] = []
    for group, count in zip(problem.groups, lottery.compositions[chosen], strict=True):
        if count:
            panel.extend(stream.shuffled(group.members)[: int(count)])
    return sorted(panel)


def order_reserves(
    problem: SelectionProblem, panel: Sequence[str], seed: str | int, count: int
) -> list[str]:
    """Reserves, in the order to call them. Walk the people not selected in a seeded shuffle
    (the "reserves" stream); someone is taken next if they could stand in for a panel member
    that no earlier reserve could replace, keeping every quota and the household rule. When no
    one left covers another member, the rest follow in the shuffled order. So the first
    reserves between them can replace as many panel members as possible."""
    on_panel = set(panel)
    order = SeededStream(seed, "reserves").shuffled(
        [person.id for person in problem.people if person.id not in on_panel]
    )
    if count <= 0:
        return []
    swaps = _Swaps(problem, panel)
    uncovered = np.ones(len(panel), dtype=bool)
    covering: list[str] = []
    for candidate in order:
        if len(covering) == count or not uncovered.any():
            break
        covers = swaps.replaceable_by(candidate) & uncovered
        if covers.any():
            covering.append(candidate)
            uncovered &= ~covers
    taken = set(covering)
    return (covering + [person for person in order if person not in taken])[:count]


def first_replacement(
    problem: SelectionProblem, panel: Sequence[str], reserves: Sequence[str], dropped: str
) -> str | None:
    """The first reserve who can take `dropped`'s place keeping every quota and the household
    rule, or None if no reserve can (then the organisers decide, knowing the quotas bend)."""
    swaps = _Swaps(problem, panel)
    seat = list(panel).index(dropped)
    for reserve in reserves:
        if swaps.replaceable_by(reserve)[seat]:
            return reserve
    return None


class _Swaps:
    """Which panel members a person outside the panel could replace."""

    def __init__(self, problem: SelectionProblem, panel: Sequence[str]) -> None:
        self.people = {person.id: person for person in problem.people}
        rows = {(q.feature, q.value): index for index, q in enumerate(problem.quotas)}
        self.features = problem.features
        self.rows = rows
        codes = np.array(
            [[rows[f, self.people[id_].features[f]] for f in problem.features] for id_ in panel]
        ).reshape(len(panel), len(problem.features))
        counts = np.bincount(codes.ravel(), minlength=len(problem.quotas))
        self.can_lose = counts > np.array([q.min for q in problem.quotas])
        self.can_gain = counts < np.array([q.max for q in problem.quotas])
        self.codes = codes
        self.homes = [self.people[id_].household for id_ in panel]

    def replaceable_by(self, candidate: str) -> np.ndarray:
        person = self.people[candidate]
        code = np.array([self.rows[f, person.features[f]] for f in self.features])
        same = self.codes == code[None, :]
        fits = (same | (self.can_lose[self.codes] & self.can_gain[code][None, :])).all(axis=1)
        if person.household:
            # Joining is fine only in place of their own household's member, or if none sits.
            sitting = np.array([home == person.household for home in self.homes])
            fits &= sitting if sitting.any() else True
        return fits
