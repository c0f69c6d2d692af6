"""Properties of the LEXIMIN lottery, the draw and the legacy method, on small generated pools."""

import hashlib
import itertools

import numpy as np
import pytest
from highspy import HighsModelStatus, ObjSense
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.selection.algorithm import run_selection
from coproduce.selection.draw import SeededStream, draw_from_lottery, first_replacement
from coproduce.selection.leximin import leximin_lottery
from coproduce.selection.panels import solver
from coproduce.selection.pool import Person, Quota, SelectionProblem

VALUES = {"age": ["young", "middle", "old"], "area": ["north", "south"], "carer": ["yes", "no"]}


@st.composite
def problems(draw, max_people=10, households=False):
    """A pool, quotas that some reference panel meets (so they are feasible) and the size."""
    features = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=3, unique=True))
    count = draw(st.integers(3, max_people))
    people = []
    for number in range(count):
        values = {f: draw(st.sampled_from(VALUES[f])) for f in features}
        home = f"h{draw(st.integers(0, count // 2))}" if households else None
        people.append(Person(f"p{number:02d}", values, home))
    one_each = list({p.household or p.id: p for p in people}.values())
    size = draw(st.integers(1, max(1, len(one_each) - 1)))
    reference = draw(st.permutations(one_each))[:size]
    quotas = []
    for feature in features:
        for value in sorted({p.features[feature] for p in people}):
            have = sum(p.features[feature] == value for p in reference)
            low = have - draw(st.integers(0, have))
            quotas.append(Quota(feature, value, low, have + draw(st.integers(0, 2))))
    return SelectionProblem.build(people, quotas, size)


def meets_quotas(problem, panel):
    people = {p.id: p for p in problem.people}
    homes = [people[i].household for i in panel if people[i].household]
    return (
        len(panel) == problem.panel_size
        and len(set(panel)) == len(panel)
        and len(homes) == len(set(homes))
        and all(
            q.min <= sum(people[i].features[q.feature] == q.value for i in panel) <= q.max
            for q in problem.quotas
        )
    )


def composition_meets_quotas(problem, composition):
    sizes = [len(g.members) for g in problem.groups]
    if any(c < 0 or c > s for c, s in zip(composition, sizes, strict=True)):
        return False
    homes = [
        g.household for g, c in zip(problem.groups, composition, strict=True) if c and g.household
    ]
    if len(homes) != len(set(homes)):
        return False
    index = {f: i for i, f in enumerate(problem.features)}
    return sum(composition) == problem.panel_size and all(
        q.min
        <= sum(
            c
            for g, c in zip(problem.groups, composition, strict=True)
            if g.values[index[q.feature]] == q.value
        )
        <= q.max
        for q in problem.quotas
    )


def brute_force_maximin(problem):
    """The maximin over every quota-meeting panel, by one LP over all of them."""
    ids = [p.id for p in problem.people]
    panels = [
        c for c in itertools.combinations(ids, problem.panel_size) if meets_quotas(problem, c)
    ]
    highs = solver()
    m = len(panels)
    highs.addVar(0.0, 1.0)  # z
    highs.changeColCost(0, 1.0)
    for _ in panels:
        highs.addVar(0.0, 1.0)
    for person in ids:
        members = [1 + j for j, panel in enumerate(panels) if person in panel]
        highs.addRow(
            0.0,
            1e30,
            len(members) + 1,
            np.array([0, *members], dtype=np.int32),
            np.array([-1.0] + [1.0] * len(members)),
        )
    highs.addRow(1.0, 1.0, m, np.arange(1, m + 1, dtype=np.int32), np.ones(m))
    highs.changeObjectiveSense(ObjSense.kMaximize)
    highs.run()
    assert highs.getModelStatus() == HighsModelStatus.kOptimal
    return highs.getObjectiveValue()


@settings(max_examples=40, deadline=None)
@given(problems(households=False) | problems(households=True))
def test_lottery_panels_meet_quotas_and_marginals_match(problem):
    lottery = leximin_lottery(problem)
    assert abs(sum(lottery.weights) - 1) < 1e-9
    assert all(w > 0 for w in lottery.weights)
    for composition in lottery.compositions:
        assert composition_meets_quotas(problem, list(composition))
    result = run_selection(problem.people, problem.quotas, problem.panel_size, seed="t")
    expected = {}
    for group, index in zip(problem.groups, range(len(problem.groups)), strict=True):
        share = sum(
            w * c[index]
            for c, w in zip(result.lottery.compositions, result.lottery.weights, strict=True)
        )
        for member in group.members:
            expected[member] = share / len(group.members)
    assert result.probabilities == pytest.approx(expected, abs=1e-12)
    assert sum(result.probabilities.values()) == pytest.approx(problem.panel_size, abs=1e-6)
    assert result.min_probability == min(result.probabilities.values())
    assert meets_quotas(problem, result.selected)


@settings(max_examples=60, deadline=None)
@given(problems(max_people=10, households=False) | problems(max_people=9, households=True))
def test_leximin_minimum_equals_brute_force_maximin(problem):
    result = run_selection(problem.people, problem.quotas, problem.panel_size, seed=1)
    assert result.min_probability == pytest.approx(brute_force_maximin(problem), abs=1e-6)


@settings(max_examples=25, deadline=None)
@given(problems(), st.text(max_size=12) | st.integers())
def test_same_seed_same_panel_and_reserves(problem, seed):
    first = run_selection(problem.people, problem.quotas, problem.panel_size, seed=seed, reserves=2)
    again = run_selection(problem.people, problem.quotas, problem.panel_size, seed=seed, reserves=2)
    assert first.selected == again.selected
    assert first.reserves == again.reserves
    assert not set(first.reserves) & set(first.selected)
    assert len(first.reserves) == min(2, len(problem.people) - problem.panel_size)


def test_different_seeds_draw_different_panels():
    people = [Person(f"p{i}", {"area": "north" if i < 6 else "south"}) for i in range(12)]
    quotas = [Quota("area", "north", 2, 2), Quota("area", "south", 2, 2)]
    problem = SelectionProblem.build(people, quotas, 4)
    lottery = leximin_lottery(problem)
    panels = {tuple(draw_from_lottery(problem, lottery, seed)) for seed in range(20)}
    assert len(panels) > 5
    assert all(meets_quotas(problem, panel) for panel in panels)


def test_seeded_stream_follows_its_published_definition():
    """Anyone can recompute the draw from the seed: SHA-256 blocks of the key and a counter."""
    assert SeededStream(42, "panel").next64() == SeededStream("42", "panel").next64()
    assert SeededStream(42, "panel").next64() != SeededStream(43, "panel").next64()
    key = hashlib.sha256(b"coproduce-selection|panel|meeting 12 March").digest()
    blocks = [hashlib.sha256(key + block.to_bytes(8, "big")).digest() for block in (0, 1)]
    numbers = [int.from_bytes(b[i : i + 8], "big") for b in blocks for i in (0, 8, 16, 24)]
    stream = SeededStream("meeting 12 March", "panel")
    assert [stream.below(10) for _ in range(6)] == [number % 10 for number in numbers[:6]]


def test_leximin_lifts_the_second_smallest_too():
    """The one person with a value whose max is 0 can never sit, so the maximin is 0 and any
    lottery is maximin-optimal; LEXIMIN still shares the places equally among the others."""
    people = [Person("a", {"x": "barred"})] + [Person(f"c{i}", {"x": "open"}) for i in range(5)]
    quotas = [Quota("x", "barred", 0, 0), Quota("x", "open", 0, 2)]
    result = run_selection(people, quotas, 2, seed=0)
    assert result.probabilities["a"] == 0
    assert all(result.probabilities[f"c{i}"] == pytest.approx(0.4, abs=1e-6) for i in range(5))


def test_reserve_can_replace_a_dropout_keeping_quotas():
    people = [Person(f"n{i}", {"area": "north"}) for i in range(5)]
    people += [Person(f"s{i}", {"area": "south"}) for i in range(5)]
    quotas = [Quota("area", "north", 2, 2), Quota("area", "south", 2, 2)]
    result = run_selection(people, quotas, 4, seed="reserves", reserves=3)
    problem = SelectionProblem.build(people, quotas, 4)
    # The first two reserves cover both areas: any drop-out has a like-for-like replacement.
    assert {r[0] for r in result.reserves[:2]} == {"n", "s"}
    for dropped in result.selected:
        stand_in = first_replacement(problem, result.selected, result.reserves, dropped)
        assert stand_in is not None and stand_in[0] == dropped[0]


def test_legacy_panels_meet_quotas_and_estimates_are_shares_of_runs():
    people = [
        Person(f"p{i}", {"area": ["n", "s", "e"][i % 3], "age": ["y", "o"][i % 2]}, f"h{i // 2}")
        for i in range(18)
    ]
    quotas = [Quota("area", v, 1, 3) for v in "nse"] + [Quota("age", v, 2, 3) for v in "yo"]
    result = run_selection(people, quotas, 5, algorithm="legacy", seed=3, legacy_runs=200)
    problem = SelectionProblem.build(people, quotas, 5)
    assert meets_quotas(problem, result.selected)
    assert result.legacy_runs == 200
    assert sum(result.probabilities.values()) == pytest.approx(5)
    assert all(abs(p * 200 - round(p * 200)) < 1e-9 for p in result.probabilities.values())
    assert result.to_json()["legacy_runs"] == 200
    again = run_selection(people, quotas, 5, algorithm="legacy", seed=3, legacy_runs=200)
    assert again.selected == result.selected and again.probabilities == result.probabilities
