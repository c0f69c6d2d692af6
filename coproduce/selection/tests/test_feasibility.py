"""Quotas that cannot be met are explained: which quotas conflict, and the smallest fix."""

import dataclasses

import pytest

from coproduce.selection.algorithm import run_selection
from coproduce.selection.feasibility import InfeasibleQuotas, check_feasibility
from coproduce.selection.pool import Person, Quota, SelectionInputError


def pool():
    """Four people: two young in the north, two old in the south."""
    return [
        Person("p1", {"age": "young", "area": "north"}),
        Person("p2", {"age": "young", "area": "north"}),
        Person("p3", {"age": "old", "area": "south"}),
        Person("p4", {"age": "old", "area": "south"}),
    ]


def relaxed(quotas, explanation):
    changed = {(c.feature, c.value, c.bound): c.new for c in explanation.changes}
    return [
        dataclasses.replace(
            q,
            min=changed.get((q.feature, q.value, "min"), q.min),
            max=changed.get((q.feature, q.value, "max"), q.max),
        )
        for q in quotas
    ]


def test_feasible_quotas_give_none():
    quotas = [Quota("age", "young", 1, 1), Quota("age", "old", 1, 1)]
    quotas += [Quota("area", "north", 1, 1), Quota("area", "south", 1, 1)]
    assert check_feasibility(pool(), quotas, 2) is None


def test_conflict_across_features_names_both_quotas_and_the_relaxation_works():
    # Each feature alone is fine, but an old person is always from the south.
    quotas = [Quota("age", "young", 1, 1), Quota("age", "old", 1, 1)]
    quotas += [Quota("area", "north", 2, 2), Quota("area", "south", 0, 0)]
    explanation = check_feasibility(pool(), quotas, 2)
    assert explanation is not None
    assert explanation.reasons == ("No panel can meet all these quotas together.",)
    conflict = " | ".join(explanation.conflicting)
    assert "age = " in conflict
    assert "area = south max 0" in conflict or "area = north min 2" in conflict
    # Nothing smaller works: one more southerner needs room in the south and below north's min.
    assert sum(abs(c.new - c.old) for c in explanation.changes) == 2
    assert explanation.panel_size is None
    assert "Smallest change that would work" in explanation.message
    assert check_feasibility(pool(), relaxed(quotas, explanation), 2) is None


def test_min_above_the_people_who_have_the_value():
    quotas = [Quota("age", "young", 3, 4), Quota("age", "old", 0, 4)]
    quotas += [Quota("area", "north", 0, 4), Quota("area", "south", 0, 4)]
    explanation = check_feasibility(pool(), quotas, 3)
    assert explanation is not None
    assert (
        "The min for age = young is 3, but only 2 people in the pool have it."
        in explanation.reasons
    )
    assert [str(c) for c in explanation.changes] == ["age = young: min 3 → 2"]
    assert check_feasibility(pool(), relaxed(quotas, explanation), 3) is None


def test_sums_of_mins_and_maxes_against_the_panel_size():
    quotas = [Quota("age", "young", 2, 2), Quota("age", "old", 2, 2)]
    quotas += [Quota("area", "north", 0, 1), Quota("area", "south", 0, 1)]
    explanation = check_feasibility(pool(), quotas, 3)
    assert explanation is not None
    assert "The mins for age add up to 4, more than the panel size 3." in explanation.reasons
    assert any("across the values of area" in reason for reason in explanation.reasons)


def test_panel_size_can_be_part_of_the_fix():
    quotas = [Quota("age", "young", 2, 2), Quota("age", "old", 2, 2)]
    quotas += [Quota("area", "north", 0, 2), Quota("area", "south", 0, 2)]
    explanation = check_feasibility(pool(), quotas, 3)
    assert explanation is not None
    assert explanation.panel_size == 4 or len(explanation.changes) == 1


def test_household_rule_counts_households_not_people():
    people = [
        dataclasses.replace(p, household="same" if p.id in ("p1", "p2") else None) for p in pool()
    ]
    quotas = [Quota("age", "young", 2, 2), Quota("age", "old", 0, 2)]
    quotas += [Quota("area", "north", 0, 2), Quota("area", "south", 0, 2)]
    explanation = check_feasibility(people, quotas, 2)
    assert explanation is not None
    assert "The min for age = young is 2, but only 1 households have it." in explanation.reasons


@pytest.mark.parametrize(
    ("quotas", "reason"),
    [
        ([Quota("age", "young", 0, 2)], "person 'p3' has age = 'old', which has no quota row"),
        (
            [Quota("age", "young", 0, 2), Quota("age", "old", 0, 2), Quota("age", "teen", 0, 1)],
            "quota row age = teen matches no one in the pool",
        ),
        ([Quota("age", "young", 2, 1), Quota("age", "old", 0, 2)], "max 1 below its min 2"),
    ],
)
def test_malformed_quotas_say_which_row(quotas, reason):
    people = [Person(p.id, {"age": p.features["age"]}) for p in pool()]
    explanation = check_feasibility(people, quotas, 2)
    assert explanation is not None and reason.lower() in explanation.message.lower()
    with pytest.raises(SelectionInputError, match=reason):
        run_selection(people, quotas, 2)


def test_run_selection_raises_with_the_explanation():
    quotas = [Quota("age", "young", 1, 1), Quota("age", "old", 1, 1)]
    quotas += [Quota("area", "north", 2, 2), Quota("area", "south", 0, 0)]
    with pytest.raises(InfeasibleQuotas) as caught:
        run_selection(pool(), quotas, 2)
    assert caught.value.explanation.changes
