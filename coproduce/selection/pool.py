"""The people who volunteered, the quotas and the panel size: checked, hashed and grouped.

Plain Python (no Django), so the `coproduce select` command and the benchmark use it as it is.
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


class SelectionInputError(ValueError):
    """The people, the quotas or the panel size are malformed; the message says which and why."""


@dataclass(frozen=True)
class Person:
    """One volunteer. People sharing a non-empty `household` are never both selected."""

    id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True)
class Quota:
    """How many of the panel must (min) and may (max) have `value` for `feature`."""

    feature: str
    value: str
    min: int
    max: int

    @property
    def label(self) -> str:
        return f"{self.feature} = {self.value}"


@dataclass(frozen=True)
class Group:
    """People the quotas cannot tell apart: the same value for every feature and no one else
    from their household in the pool. Any `count` of them make the same panel composition, so
    the algorithms decide counts per group and the draw picks which members."""

    members: tuple[str, ...]
    values: tuple[str, ...]  # one per feature, in `SelectionProblem.features` order
    household: str | None


@dataclass(frozen=True)
class SelectionProblem:
    """A checked pool, quotas and panel size. Build it with `SelectionProblem.build`."""

    people: tuple[Person, ...]  # sorted by id, so row order in a file never changes a result
    quotas: tuple[Quota, ...]  # sorted by feature then value
    panel_size: int
    features: tuple[str, ...]
    groups: tuple[Group, ...]

    @classmethod
    def build(
        cls, people: Iterable[Person], quotas: Iterable[Quota], panel_size: int
    ) -> "SelectionProblem":
        """Check that the quotas and the pool describe each other exactly, and group people.

        Raises `SelectionInputError` naming the first problem found."""
        people = tuple(sorted(people, key=lambda person: person.id))
        quotas = tuple(sorted(quotas, key=lambda quota: (quota.feature, quota.value)))
        features = tuple(dict.fromkeys(quota.feature for quota in quotas))
        _check_quotas(quotas)
        _check_people(people, features)
        _check_values_match(people, quotas, features)
        if not people:
            raise SelectionInputError("the pool has no people")
        if panel_size < 1:
            raise SelectionInputError(f"panel size must be at least 1, not {panel_size}")
        if panel_size > len(people):
            raise SelectionInputError(
                f"panel size {panel_size} is more than the {len(people)} people in the pool"
            )
        return cls(people, quotas, panel_size, features, _group(people, features))

    @property
    def households(self) -> dict[str, list[int]]:
        """Group indices of each household with more than one person in the pool."""
        shared: dict[str, list[int]] = defaultdict(list)
        for index, group in enumerate(self.groups):
            if group.household is not None:
                shared[group.household].append(index)
        return dict(shared)

    def people_with(self, quota: Quota) -> int:
        return sum(person.features[quota.feature] == quota.value for person in self.people)

    def households_with(self, quota: Quota) -> int:
        """How many people with the value could sit on one panel under the household rule."""
        homes = {
            person.household or f"\0{person.id}"
            for person in self.people
            if person.features[quota.feature] == quota.value
        }
        return len(homes)

    @property
    def household_count(self) -> int:
        return len({person.household or f"\0{person.id}" for person in self.people})

    def pool_hash(self) -> str:
        """SHA-256 of the pool as canonical JSON: a list sorted by id of
        {"features": {...}, "household": ..., "id": ...} with sorted keys, no spaces, UTF-8."""
        return _sha256(
            [
                {"features": dict(person.features), "household": person.household, "id": person.id}
                for person in self.people
            ]
        )

    def quotas_hash(self) -> str:
        """SHA-256 of the quotas as canonical JSON: a list sorted by feature and value of
        {"feature", "max", "min", "value"}, sorted keys, no spaces, UTF-8."""
        return _sha256(
            [
                {"feature": q.feature, "max": q.max, "min": q.min, "value": q.value}
                for q in self.quotas
            ]
        )


def _sha256(data: object) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_quotas(quotas: Sequence[Quota]) -> None:
    if not quotas:
        raise SelectionInputError("there are no quotas")
    seen: set[tuple[str, str]] = set()
    for quota in quotas:
        if (quota.feature, quota.value) in seen:
            raise SelectionInputError(f"quota for {quota.label} is given twice")
        seen.add((quota.feature, quota.value))
        if quota.min < 0:
            raise SelectionInputError(f"quota for {quota.label} has a negative min {quota.min}")
        if quota.max < quota.min:
            raise SelectionInputError(
                f"quota for {quota.label} has max {quota.max} below its min {quota.min}"
            )


def _check_people(people: Sequence[Person], features: Sequence[str]) -> None:
    repeated = [id_ for id_, count in Counter(p.id for p in people).items() if count > 1]
    if repeated:
        raise SelectionInputError(f"person id {sorted(repeated)[0]!r} appears more than once")
    wanted = set(features)
    for person in people:
        if not person.id:
            raise SelectionInputError("a person has an empty id")
        missing = wanted - set(person.features)
        if missing:
            raise SelectionInputError(
                f"person {person.id!r} has no value for {sorted(missing)[0]!r}"
            )
        extra = set(person.features) - wanted
        if extra:
            raise SelectionInputError(
                f"people have a feature {sorted(extra)[0]!r} with no quota rows"
            )


def _check_values_match(
    people: Sequence[Person], quotas: Sequence[Quota], features: Sequence[str]
) -> None:
    """Every value in the pool needs a quota row and every quota row a person: otherwise a typo
    ("Noth" for "North") would silently leave people unconstrained or a quota unmeetable."""
    quoted = {(quota.feature, quota.value) for quota in quotas}
    for person in people:
        for feature in features:
            if (feature, person.features[feature]) not in quoted:
                raise SelectionInputError(
                    f"person {person.id!r} has {feature} = {person.features[feature]!r}, "
                    "which has no quota row"
                )
    present = {(feature, person.features[feature]) for person in people for feature in features}
    for quota in quotas:
        if (quota.feature, quota.value) not in present:
            raise SelectionInputError(f"quota row {quota.label} matches no one in the pool")


def _group(people: Sequence[Person], features: Sequence[str]) -> tuple[Group, ...]:
    household_sizes = Counter(person.household for person in people if person.household)
    alone: dict[tuple[str, ...], list[str]] = defaultdict(list)
    groups = []
    for person in people:
        values = tuple(person.features[feature] for feature in features)
        if person.household and household_sizes[person.household] > 1:
            # Someone sharing a household with another volunteer is constrained on their own.
            groups.append(Group((person.id,), values, person.household))
        else:
            alone[values].append(person.id)
    groups.extend(Group(tuple(ids), values, None) for values, ids in alone.items())
    return tuple(sorted(groups, key=lambda group: (group.values, group.members)))
