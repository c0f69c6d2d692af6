from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from coproduce.equality import selectors, services
from coproduce.equality.models import EqualityQuestion
from coproduce.equality.people_sets import SavedListSource, saved_list_people_set, sources
from coproduce.people.models import ConsentPurpose, Person
from coproduce.people.services import withdraw_consent
from coproduce.testing.factories import (
    OrganisationFactory,
    make_equality_answers,
    make_person,
    make_project,
    make_saved_list,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


def people_with(organisation, answers_list):
    people = []
    for answers in answers_list:
        person = make_person(organisation)
        if answers is not None:
            make_equality_answers(person, **answers)
        people.append(person)
    return people


def everyone(organisation):
    return Person.objects.filter(organisation=organisation)


# Counting


def test_answers_are_counted_by_question(organisation):
    people_with(
        organisation,
        [{"sex": "female", "carer": "no"}, {"sex": "female"}, {"sex": "male"}, None],
    )
    counts = selectors.count_answers(everyone(organisation))
    assert (counts.people, counts.counted) == (4, 3)
    assert counts.standard["sex"] == {"female": 2, "male": 1}
    assert counts.standard["carer"] == {"no": 1}
    assert counts.standard["religion"] == {}


def test_only_people_who_still_agree_and_live_records_are_counted(organisation):
    withdrawn, merged, pseudonymised, kept = people_with(organisation, [{"sex": "male"}] * 4)
    # The register's hook should delete these answers; counting checks again regardless.
    withdraw_consent(withdrawn, ConsentPurpose.EQUALITY, None)
    merged.merged_into = kept
    merged.save()
    pseudonymised.pseudonymised_at = timezone.now()
    pseudonymised.save()
    counts = selectors.count_answers(everyone(organisation))
    assert (counts.people, counts.counted) == (2, 1)
    assert counts.standard["sex"] == {"male": 1}


def test_extra_questions_are_counted(organisation):
    question = services.save_question(
        EqualityQuestion(organisation=organisation, label="Veteran?", choices_text="Yes\nNo")
    )
    for answer in ["Yes", "Yes", "Prefer not to say"]:
        make_equality_answers(make_person(organisation), extra={question.pk: answer})
    counts = selectors.count_answers(everyone(organisation))
    assert counts.extra == {question.pk: {"Yes": 2, "Prefer not to say": 1}}


def test_counting_takes_the_same_few_queries_for_any_number_of_people(
    organisation, django_assert_num_queries
):
    people_with(organisation, [{"sex": "female", "ethnic_group": "white_irish"}] * 3)
    with django_assert_num_queries(3):
        selectors.count_answers(everyone(organisation))
    people_with(organisation, [{"sex": "male", "religion": "hindu"}] * 12)
    with django_assert_num_queries(3):
        counts = selectors.count_answers(everyone(organisation))
    assert counts.counted == 15


def test_counting_is_bounded(organisation, monkeypatch):
    people_with(organisation, [{"sex": "female"}] * 3)
    monkeypatch.setattr(selectors, "AGGREGATE_LIMIT", 2)
    with pytest.raises(selectors.TooManyPeople):
        selectors.count_answers(everyone(organisation))


def test_answers_that_cannot_be_decrypted_are_left_out_and_logged(organisation, caplog):
    (person,) = people_with(organisation, [{"sex": "female", "religion": "sikh"}])
    # As if SALT_KEY had been changed: the stored token no longer decrypts.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE equality_equalityanswers SET sex = %s WHERE person_id = %s",
            ["gAAAAABnot-a-valid-token", person.pk],
        )
    counts = selectors.count_answers(everyone(organisation))
    assert counts.standard["sex"] == {} and counts.standard["religion"] == {"sikh": 1}
    assert "could not be decrypted" in caplog.text


# People sets


def test_a_saved_list_is_a_people_set(organisation):
    inside, _outside = people_with(organisation, [{"sex": "male"}, {"sex": "female"}])
    saved = make_saved_list(organisation, [inside], name="Carers' reference group")
    people_set = saved_list_people_set(saved)
    assert (people_set.name, people_set.kind, people_set.source) == (
        "Carers' reference group",
        "saved list",
        "list",
    )
    assert list(people_set.people) == [inside]
    assert any(isinstance(source, SavedListSource) for source in sources())


def test_a_source_finds_only_its_organisations_sets(organisation):
    saved = make_saved_list(organisation, [], name="Panel")
    source = SavedListSource()
    assert source.choices(organisation) == [(str(saved.pk), "Panel")]
    assert source.get(organisation, str(saved.pk)).key == str(saved.pk)
    assert source.get(OrganisationFactory(), str(saved.pk)) is None
    assert source.get(organisation, "not-a-number") is None


# Comparing with a target population


@pytest.fixture
def project(organisation):
    project = make_project(organisation)
    services.set_target_shares(
        project,
        "ethnic_group",
        {
            "asian": Decimal("25"),
            "black": Decimal("10"),
            "mixed": Decimal("3"),
            "white": Decimal("60"),
            "other": Decimal("2"),
        },
    )
    return project


def ethnic_list(organisation, groups):
    """A saved list of people answering with these ethnic groups (None: no answers)."""
    answers = [None if g is None else {"ethnic_group": g} for g in groups]
    return saved_list_people_set(make_saved_list(organisation, people_with(organisation, answers)))


def rows_of(comparison, code):
    category = next(c for c in comparison.categories if c.code == code)
    return category, {row.group: row for row in category.rows}


def test_the_comparison_suppresses_small_counts_and_flags_groups_below_target(
    organisation, project
):
    groups = (
        ["white_british"] * 6
        + ["white_irish"] * 4  # white: 10
        + ["asian_indian"] * 6  # asian: 6
        + ["black_african"] * 3  # black: 3, hidden
        + ["mixed_white_asian"]  # mixed: 1, hidden
        + ["prefer_not_to_say"] * 2  # not counted as answering
        + [None]  # no answers at all
    )
    comparison = selectors.compare(project, ethnic_list(organisation, groups), threshold=5)
    category, rows = rows_of(comparison, "ethnic_group")
    assert (comparison.people, category.answered, category.not_answered) == (23, 20, 3)
    # black (3) and mixed (1) are hidden; together only 4, so asian (6) is hidden with them.
    assert [rows[g].count for g in ("asian", "black", "mixed", "white", "other")] == [
        None,
        None,
        None,
        10,
        0,
    ]
    white, other = rows["white"], rows["other"]
    assert (white.share, white.target, white.difference) == (
        Decimal("50.0"),
        Decimal("60.00"),
        Decimal("-10.00"),
    )
    assert white.under_represented  # 10 points below, more than the 5-point margin
    assert other.share == Decimal("0.0") and not other.under_represented  # only 2 below
    assert not rows["asian"].under_represented  # hidden groups are never marked
    assert rows["asian"].share is None and rows["asian"].difference is None
    assert category.under_represented == [white]
    assert comparison.any_hidden


def test_the_margin_decides_what_is_below_target(organisation, project):
    people_set = ethnic_list(organisation, ["white_british"] * 10 + ["asian_chinese"] * 10)
    _category, rows = rows_of(selectors.compare(project, people_set, threshold=5), "ethnic_group")
    assert rows["white"].under_represented  # 50% against 60%: 10 points below
    assert rows["asian"].share == Decimal("50.0") and not rows["asian"].under_represented
    assert rows["black"].under_represented  # 0% against 10%
    assert not rows["mixed"].under_represented  # 0% against 3%
    wide = selectors.compare(project, people_set, threshold=5, margin=Decimal("12"))
    _category, rows = rows_of(wide, "ethnic_group")
    assert not rows["white"].under_represented and not rows["black"].under_represented
    narrow = selectors.compare(project, people_set, threshold=5, margin=Decimal("2"))
    _category, rows = rows_of(narrow, "ethnic_group")
    assert rows["mixed"].under_represented


def test_too_few_answers_show_nothing(organisation, project):
    people_set = ethnic_list(organisation, ["white_british"] * 3 + [None] * 10)
    category, rows = rows_of(selectors.compare(project, people_set, threshold=5), "ethnic_group")
    assert category.answered is None and category.not_answered is None
    assert all(row.hidden for row in rows.values())


def test_the_organisations_threshold_is_used(organisation, project):
    people_set = ethnic_list(organisation, ["white_british"] * 3 + ["asian_indian"] * 3)
    _category, rows = rows_of(selectors.compare(project, people_set, threshold=3), "ethnic_group")
    assert rows["white"].count == 3 and rows["asian"].count == 3


def test_categories_without_a_target_still_show_counts(organisation, project):
    people_set = ethnic_list(organisation, ["white_british"] * 6)
    comparison = selectors.compare(project, people_set, threshold=5)
    category, _rows = rows_of(comparison, "sex")
    assert not category.has_target and category.answered == 0
    assert all(row.target is None for row in category.rows)
    ethnic, rows = rows_of(comparison, "ethnic_group")
    assert ethnic.has_target and rows["white"].share_width == 100
    assert rows["asian"].target_width == 25


def test_groups_left_out_of_a_target_count_as_zero(organisation):
    project = make_project(organisation)
    services.set_target_shares(project, "sex", {"female": Decimal("100")})
    people_set = ethnic_list(organisation, [])
    _category, rows = rows_of(selectors.compare(project, people_set, threshold=5), "sex")
    assert rows["male"].target == Decimal("0")
