import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from coproduce.audit.models import AuditEvent
from coproduce.equality import services
from coproduce.equality.models import (
    EqualityAnswers,
    EqualityExtraAnswer,
    EqualityQuestion,
    TargetShare,
)
from coproduce.people.models import ConsentMethod, ConsentPurpose
from coproduce.people.services import give_consent, withdraw_consent
from coproduce.testing.factories import (
    OrganisationFactory,
    make_equality_answers,
    make_person,
    make_project,
)

pytestmark = pytest.mark.django_db

EQUALITY = [ConsentPurpose.EQUALITY]
FULL = {
    "age_band": "35_44",
    "sex": "female",
    "gender_identity": "same",
    "sexual_orientation": "bisexual",
    "ethnic_group": "black_caribbean",
    "religion": "muslim",
    "disability": "limited_a_little",
    "carer": "20_34",
}


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def person(organisation):
    return make_person(organisation, consents=EQUALITY)


def make_question(
    organisation, label="Have they served in the UK armed forces?", options="Yes\nNo"
):
    return services.save_question(
        EqualityQuestion(organisation=organisation, label=label, choices_text=options)
    )


# Answers


def test_answers_are_saved_and_read_back(person):
    record = services.save_answers(person, FULL)
    record = EqualityAnswers.objects.get(pk=record.pk)
    assert {field: getattr(record, field) for field in FULL} == FULL
    assert record.organisation_id == person.organisation_id
    assert str(record) == f"Equality answers for person #{person.pk}"


def test_answers_need_the_persons_agreement_to_equality_monitoring(organisation):
    person = make_person(organisation, consents=[ConsentPurpose.CONTACT])
    with pytest.raises(ValidationError) as refused:
        services.save_answers(person, {"sex": "male"})
    assert "not agreed to equality monitoring" in refused.value.messages[0]
    assert "Record their agreement" in refused.value.messages[0]
    assert not EqualityAnswers.objects.exists()


def test_a_withdrawn_agreement_also_refuses(person):
    withdraw_consent(person, ConsentPurpose.EQUALITY, None)
    with pytest.raises(ValidationError):
        services.save_answers(person, {"sex": "male"})


def test_merged_records_take_no_answers(organisation, person):
    keep = make_person(organisation)
    person.merged_into = keep
    person.save()
    with pytest.raises(ValidationError, match="merged"):
        services.save_answers(person, {"sex": "male"})


def test_an_answer_that_is_not_offered_is_refused_by_field(person):
    with pytest.raises(ValidationError) as refused:
        services.save_answers(person, {"sex": "unknown", "religion": "sikh"})
    assert set(refused.value.message_dict) == {"sex"}
    assert refused.value.message_dict["sex"] == ["Choose one of the answers listed for Sex."]
    assert not EqualityAnswers.objects.exists()


def test_unknown_fields_are_a_programming_error(person):
    with pytest.raises(ValueError):
        services.save_answers(person, {"shoe_size": "9"})


def test_prefer_not_to_say_is_an_answer_for_every_question(person):
    record = services.save_answers(person, dict.fromkeys(FULL, "prefer_not_to_say"))
    record.refresh_from_db()
    assert all(getattr(record, field) == "prefer_not_to_say" for field in FULL)


def test_answers_can_be_changed_and_cleared_one_by_one(person):
    services.save_answers(person, FULL)
    record = services.save_answers(person, {**FULL, "religion": "", "sex": "male"})
    record.refresh_from_db()
    assert record.religion is None and record.sex == "male"
    assert EqualityAnswers.objects.count() == 1


def test_answering_nothing_keeps_nothing(person):
    assert services.save_answers(person, dict.fromkeys(FULL, "")) is None
    assert not EqualityAnswers.objects.exists()
    services.save_answers(person, FULL)
    assert services.save_answers(person, {}) is None
    assert not EqualityAnswers.objects.exists()


def test_answers_are_encrypted_in_the_database(organisation, person):
    question = make_question(organisation)
    record = services.save_answers(person, FULL, {question.pk: "Yes"})
    with connection.cursor() as cursor:
        columns = ", ".join(FULL)
        cursor.execute(f"SELECT {columns} FROM equality_equalityanswers WHERE id = %s", [record.pk])
        stored = cursor.fetchone()
        cursor.execute("SELECT answer FROM equality_equalityextraanswer")
        (extra,) = cursor.fetchone()
    for value, plain in zip(stored, FULL.values(), strict=True):
        assert value.startswith("gAAAAA")  # a Fernet token
        assert plain not in value
    assert extra.startswith("gAAAAA") and "Yes" not in extra
    # Two people with the same answer do not share a stored value.
    other = make_person(organisation, consents=EQUALITY)
    services.save_answers(other, {"sex": "female"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT sex FROM equality_equalityanswers")
        tokens = [row[0] for row in cursor.fetchall()]
    assert len(set(tokens)) == 2


def test_the_audit_trail_never_holds_the_answers(organisation, person):
    question = make_question(organisation, options="Care experienced\nNot care experienced")
    services.save_answers(person, FULL, {question.pk: "Care experienced"})
    services.save_answers(person, {**FULL, "sex": "male"}, {question.pk: "Not care experienced"})
    services.forget_equality_answers(person)
    events = AuditEvent.objects.filter(
        model__in=["equality.equalityanswers", "equality.equalityextraanswer"]
    )
    assert {e.action for e in events} == {"create", "update", "delete"}
    trail = json.dumps([e.changes for e in events] + [e.object_repr for e in events])
    for value in [*FULL.values(), "male", "Care experienced"]:
        assert f'"{value}"' not in trail
    assert "[hidden]" in trail
    update = events.get(action="update", model="equality.equalityanswers")
    assert update.changes["sex"] == ["[hidden]", "[hidden]"]


def test_forgetting_deletes_everything_and_can_be_repeated(organisation, person):
    question = make_question(organisation)
    services.save_answers(person, FULL, {question.pk: "No"})
    assert services.forget_equality_answers(person) == 2
    assert not EqualityAnswers.objects.exists() and not EqualityExtraAnswer.objects.exists()
    assert services.forget_equality_answers(person) == 0


def test_other_peoples_answers_are_left_alone(organisation, person):
    other = make_person(organisation)
    make_equality_answers(other, sex="male")
    services.save_answers(person, FULL)
    services.forget_equality_answers(person)
    assert EqualityAnswers.objects.get().person == other


# The organisation's own questions


def test_extra_answers_are_saved_changed_and_cleared(organisation, person):
    question = make_question(organisation)
    record = services.save_answers(person, {}, {question.pk: "Yes"})
    assert record.extra.get().answer == "Yes"
    services.save_answers(person, {"sex": "male"}, {question.pk: "Prefer not to say"})
    assert record.extra.get().answer == "Prefer not to say"
    services.save_answers(person, {"sex": "male"}, {question.pk: ""})
    assert not record.extra.exists()


def test_an_extra_answer_must_be_one_offered(organisation, person):
    question = make_question(organisation)
    with pytest.raises(ValidationError) as refused:
        services.save_answers(person, {}, {question.pk: "Maybe"})
    assert refused.value.message_dict == {
        f"extra_{question.pk}": [f"Choose one of the answers listed for {question.label}."]
    }


def test_another_organisations_question_cannot_be_answered(person):
    question = make_question(OrganisationFactory())
    with pytest.raises(ValueError):
        services.save_answers(person, {}, {question.pk: "Yes"})


def test_a_question_is_tidied_and_prefer_not_to_say_is_not_repeated(organisation):
    question = make_question(organisation, options="  Yes \n\nNo\nyes\nPrefer not to say\n")
    assert question.choices_text == "Yes\nNo"
    assert question.options() == ["Yes", "No"]


@pytest.mark.parametrize(
    ("label", "options", "field", "message"),
    [
        ("Care experienced?", "Yes", "choices_text", "Enter at least 2 answers"),
        ("Care experienced?", "\n".join(str(n) for n in range(31)), "choices_text", "no more"),
        ("", "Yes\nNo", "label", "This field cannot be blank."),
    ],
)
def test_question_rules(organisation, label, options, field, message):
    with pytest.raises(ValidationError) as refused:
        make_question(organisation, label=label, options=options)
    assert message in refused.value.message_dict[field][0]


def test_a_question_cannot_be_asked_twice(organisation):
    make_question(organisation, label="Care experienced?")
    with pytest.raises(ValidationError) as refused:
        make_question(organisation, label="care  experienced?")
    assert "already ask" in refused.value.message_dict["label"][0]
    make_question(OrganisationFactory(), label="Care experienced?")  # fine elsewhere


# Target population


@pytest.fixture
def project(organisation):
    return make_project(organisation)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5", "12.50"), (" 12 ", "12.00"), ("12.5%", "12.50"), ("0", "0.00"), ("33.335", "33.34")],
)
def test_shares_are_read_as_people_type_them(text, expected):
    assert services.parse_share(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "lots", "-1", "100.01", "NaN", "1e400"])
def test_bad_shares_say_what_to_do(text):
    with pytest.raises(ValueError, match="enter a percentage between 0 and 100"):
        services.parse_share(text)


def test_target_shares_replace_a_category(project):
    services.set_target_shares(project, "sex", {"female": Decimal("51"), "male": Decimal("49")})
    services.set_target_shares(project, "sex", {"female": Decimal("100"), "male": None})
    assert list(project.target_shares.values_list("group", "share")) == [
        ("female", Decimal("100.00"))
    ]
    assert project.target_shares.get().organisation_id == project.organisation_id


@pytest.mark.parametrize(("female", "ok"), [("50.5", True), ("49.5", True), ("50.6", False)])
def test_shares_must_add_up_to_100_give_or_take_half(project, female, ok):
    shares = {"female": Decimal(female), "male": Decimal("50")}
    if ok:
        services.set_target_shares(project, "sex", shares)
        assert project.target_shares.count() == 2
    else:
        with pytest.raises(ValidationError) as refused:
            services.set_target_shares(project, "sex", shares)
        assert refused.value.message_dict["shares"] == [
            "The shares for Sex add up to 100.6%. They must add up to 100%, give or take 0.5."
        ]
        assert not project.target_shares.exists()


def test_all_empty_clears_a_category(project):
    services.set_target_shares(project, "disability", {"no": Decimal("100")})
    services.set_target_shares(project, "disability", {"no": None})
    assert not project.target_shares.exists()


def test_unknown_groups_and_categories_are_refused(project):
    with pytest.raises(ValueError):
        services.set_target_shares(project, "sex", {"other": Decimal("100")})
    with pytest.raises(ValidationError):
        services.set_target_shares(project, "shoe_size", {})


def test_ethnic_group_targets_use_the_five_high_level_groups(project):
    shares = {"asian": "9.6", "black": "4.2", "mixed": "3", "white": "81", "other": "2.2"}
    services.set_target_shares(project, "ethnic_group", {k: Decimal(v) for k, v in shares.items()})
    assert str(project.target_shares.get(group="black")) == (
        "Ethnic group: Black, Black British, Caribbean or African 4.20%"
    )


# Importing a target population


def import_csv(project, text, encoding="utf-8"):
    return services.import_target_shares(project, text.encode(encoding))


def test_a_csv_imports_several_categories(project):
    result = import_csv(
        project,
        "\ufeffCategory,Group,Share,Source\n"
        "sex,Female,51.2%,Census 2021\n"
        "sex,male,48.8,Census 2021\n"
        "\n"
        "ethnic_group,Asian or Asian British,10,\n"
        "ethnic_group,white,90,\n",
    )
    assert result.categories == {"sex": 2, "ethnic_group": 2} and result.rows == 4
    assert TargetShare.objects.get(category="sex", group="female").share == Decimal("51.20")


def test_a_csv_replaces_only_the_categories_it_has(project):
    services.set_target_shares(project, "disability", {"no": Decimal("100")})
    services.set_target_shares(project, "sex", {"female": Decimal("100")})
    import_csv(project, "category,group,share\nsex,male,100\n")
    assert set(project.target_shares.values_list("category", "group")) == {
        ("disability", "no"),
        ("sex", "male"),
    }


def test_every_problem_in_a_csv_is_reported_and_nothing_is_saved(project):
    services.set_target_shares(project, "sex", {"female": Decimal("100")})
    with pytest.raises(ValidationError) as refused:
        import_csv(
            project,
            "category,group,share\n"
            "sex,female,50\n"
            "sex,male,lots\n"  # row 3
            "sex,female,150\n"  # row 4
            "ethnicity,white,10\n"  # row 5
            "age_band,teenager,\n"  # row 6
            "sex,female,50\n"  # row 7
            "disability,no,60\n",  # row 8
        )
    assert refused.value.messages == [
        "Row 3, column share: enter a percentage between 0 and 100, like 12.5",
        "Row 4, column share: enter a percentage between 0 and 100",
        "Row 5, column category: enter one of age_band, sex, gender_identity, "
        "sexual_orientation, ethnic_group, religion, disability, carer (not 'ethnicity')",
        "Row 6, column group: enter a group of age_band: under_16, 16_17, 18_24, 25_34, "
        "35_44, 45_54, 55_64, 65_74, 75_84, 85_plus (not 'teenager')",
        "Row 6, column share: enter a percentage between 0 and 100, like 12.5",
        "Row 7, column group: female is already given for sex in row 2. Keep one of them.",
        "The shares for Disability add up to 60%. They must add up to 100%, give or take 0.5.",
    ]
    assert list(project.target_shares.values_list("group", flat=True)) == ["female"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty. Add the column names category, group and share."),
        ("category,share\nsex,100\n", "Column group is missing. Add it to the first row."),
        ("category,group,share\n", "The file has no rows under the column names."),
        ("category,group,group,share\n", "Column group appears more than once. Keep one."),
    ],
)
def test_problems_with_the_whole_file(project, text, message):
    with pytest.raises(ValidationError) as refused:
        import_csv(project, text)
    assert refused.value.messages[0].startswith(message)


def test_a_csv_saved_by_older_excel_is_read(project):
    import_csv(project, "category,group,share\nreligion,No religion,100\n", encoding="cp1252")
    assert project.target_shares.get().group == "none"


def test_a_file_that_is_not_text_is_refused(project):
    with pytest.raises(ValidationError, match="CSV UTF-8"):
        services.import_target_shares(project, b"\x81\x8d\x8f\x90\x9d")


def test_a_big_file_is_refused(project):
    with pytest.raises(ValidationError, match="bigger than 1 MB"):
        services.import_target_shares(project, b"x" * (services.CSV_MAX_BYTES + 1))


def test_give_consent_helper_is_idempotent_with_make_equality_answers(organisation):
    person = make_person(organisation)
    give_consent(person, ConsentPurpose.EQUALITY, ConsentMethod.PAPER, None)
    record = make_equality_answers(person, sex="male")
    assert record.sex == "male" and person.consents.count() == 1
