"""The selection app: quotas from selection questions, a pool from applications, a run that
records what is needed to check it, and applying the result to applications."""

import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts.models import Role
from coproduce.notifications.models import Delivery
from coproduce.recruitment.models import Application, ApplicationStatus, SelectionQuestion
from coproduce.selection import services
from coproduce.selection.models import NOT_KNOWN, Algorithm, RunStatus, SelectionRun
from coproduce.selection.pool import SelectionProblem
from coproduce.testing.factories import make_application, make_opportunity, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity():
    opportunity = make_opportunity(publish=True, places=4, reserve_places=2)
    services.save_question(
        SelectionQuestion(
            organisation_id=opportunity.organisation_id,
            opportunity=opportunity,
            feature="area",
            question="Where do you live?",
        ),
        ["North", "South"],
    )
    services.save_question(
        SelectionQuestion(
            organisation_id=opportunity.organisation_id,
            opportunity=opportunity,
            feature="role",
            question="Are you a carer or do you use the service?",
            position=2,
        ),
        ["Carer", "Uses the service"],
    )
    return opportunity


def _apply(opportunity, count, area, role):
    return [
        make_application(opportunity, selection_answers={"area": area, "role": role})
        for _ in range(count)
    ]


def _quotas(opportunity, **limits):
    rows = []
    for question in opportunity.selection_questions.all():
        for value in services.question_values(question):
            low, high = limits.get(value, (0, opportunity.places))
            rows.append((question, value, low, high))
    services.save_quotas(opportunity, rows)


def test_questions_need_two_answers_and_not_known_is_added_for_you(opportunity):
    question = opportunity.selection_questions.first()
    assert services.question_values(question)[-1] == NOT_KNOWN
    with pytest.raises(ValidationError):
        services.save_question(question, ["Only one"])
    with pytest.raises(ValidationError):
        services.save_question(question, ["North", NOT_KNOWN])


def test_quota_table_counts_the_pool_and_defaults_to_no_limit(opportunity):
    _apply(opportunity, 3, "North", "Carer")
    make_application(opportunity, selection_answers={"area": "prefer_not_to_say", "role": "Carer"})
    table = {q.feature: rows for q, rows in services.quota_table(opportunity)}
    assert [(r["value"], r["in_pool"], r["minimum"], r["maximum"]) for r in table["area"]] == [
        ("North", 3, 0, 4),
        ("South", 0, 0, 4),
        (NOT_KNOWN, 1, 0, 4),
    ]


def test_quotas_are_saved_all_or_nothing(opportunity):
    area = opportunity.selection_questions.get(feature="area")
    with pytest.raises(ValidationError):
        services.save_quotas(opportunity, [(area, "North", 1, 2), (area, "South", 3, 1)])
    assert not area.quotas.exists()


def test_feasibility_explains_in_plain_words(opportunity):
    _apply(opportunity, 6, "North", "Carer")
    _apply(opportunity, 1, "South", "Uses the service")
    assert services.feasibility(opportunity) == ""
    _quotas(opportunity, South=(2, 4))
    explanation = services.feasibility(opportunity)
    assert "South" in explanation
    # An answer nobody gave cannot be required either.
    _quotas(opportunity, South=(0, 4), **{NOT_KNOWN: (1, 4)})
    assert "nobody in the pool" in services.feasibility(opportunity)


def test_overrides_check_quotas_before_they_are_saved(opportunity):
    _apply(opportunity, 6, "North", "Carer")
    _apply(opportunity, 1, "South", "Uses the service")
    assert "South" in services.feasibility(opportunity, overrides={("area", "South"): (2, 4)})
    assert services.feasibility(opportunity) == ""


def test_a_run_records_inputs_hashes_chances_and_panel(opportunity):
    _apply(opportunity, 5, "North", "Carer")
    _apply(opportunity, 5, "South", "Uses the service")
    _quotas(opportunity, North=(2, 2), South=(2, 2))
    officer = member(opportunity.organisation, Role.FACILITATOR)
    run = services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="42", by=officer)
    run = services.carry_out(run)
    assert run.status == RunStatus.DONE
    assert len(run.selected) == 4 and len(run.reserves) == 2
    assert not set(run.selected) & set(run.reserves)
    assert run.feature_counts["area"] == {"North": 2, "South": 2}
    assert sum(run.probabilities.values()) == pytest.approx(4)
    assert run.min_probability == pytest.approx(0.4)  # 2 of 5 on each side: all equal
    problem = SelectionProblem.build(
        [
            services.Volunteer(key, entry["features"], entry["household"])
            for key, entry in run.pool.items()
        ],
        [services.QuotaRule(q["feature"], q["value"], q["min"], q["max"]) for q in run.quotas],
        run.places,
    )
    assert run.pool_hash == problem.pool_hash() and run.quotas_hash == problem.quotas_hash()
    # The same seed gives the same panel.
    again = services.carry_out(
        SelectionRun.objects.create(
            organisation_id=run.organisation_id,
            opportunity=opportunity,
            algorithm=run.algorithm,
            seed="42",
            places=4,
            reserves_wanted=2,
        )
    )
    assert again.selected == run.selected and again.reserves == run.reserves


def test_infeasible_run_is_recorded_with_the_reason(opportunity):
    _apply(opportunity, 6, "North", "Carer")
    _apply(opportunity, 1, "South", "Uses the service")
    _quotas(opportunity, South=(2, 4))
    run = services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="1", by=None)
    run = services.carry_out(run)
    assert run.status == RunStatus.INFEASIBLE and "South" in run.explanation
    assert run.selected == []


def test_nothing_to_choose_between_is_refused(opportunity):
    _apply(opportunity, 4, "North", "Carer")
    with pytest.raises(ValidationError):
        services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="", by=None)


def test_seed_is_chosen_and_recorded_when_left_empty(opportunity):
    _apply(opportunity, 6, "North", "Carer")
    run = services.start_run(opportunity, algorithm=Algorithm.LEGACY, seed="  ", by=None)
    assert run.seed.isdigit() and len(run.seed) == 6
    assert run.job is not None


def test_applying_a_run_moves_everyone_and_tells_them(opportunity):
    _apply(opportunity, 5, "North", "Carer")
    _apply(opportunity, 5, "South", "Uses the service")
    officer = member(opportunity.organisation, Role.FACILITATOR)
    run = services.carry_out(
        services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="7", by=officer)
    )
    assert services.apply_run(run, by=officer, notify=True) == 10
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert sorted(statuses[int(key)] for key in run.selected) == [ApplicationStatus.SELECTED] * 4
    assert [statuses[int(key)] for key in run.reserves] == [ApplicationStatus.RESERVE] * 2
    assert list(statuses.values()).count(ApplicationStatus.NOT_SELECTED) == 4
    first_reserve = Application.objects.get(pk=int(run.reserves[0]))
    assert "reserve number 1" in first_reserve.status_reason
    assert Delivery.objects.filter(person=first_reserve.person).exists()
    with pytest.raises(ValidationError):
        services.apply_run(run, by=officer)


def test_a_run_cannot_be_applied_after_the_pool_changed(opportunity):
    _apply(opportunity, 6, "North", "Carer")
    run = services.carry_out(
        services.start_run(opportunity, algorithm=Algorithm.LEXIMIN, seed="7", by=None)
    )
    _apply(opportunity, 1, "South", "Carer")
    with pytest.raises(ValidationError, match="changed"):
        services.apply_run(run, by=None)
    assert not Application.objects.filter(status=ApplicationStatus.SELECTED).exists()


def test_gini_is_zero_for_equal_chances_and_grows_with_inequality():
    assert services.gini([0.5, 0.5, 0.5]) == pytest.approx(0)
    assert services.gini([0.0, 0.0, 1.0]) == pytest.approx(2 / 3)
