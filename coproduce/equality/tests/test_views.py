from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.equality import services
from coproduce.equality.models import EqualityAnswers, EqualityExtraAnswer, EqualityQuestion
from coproduce.people.models import ConsentPurpose
from coproduce.people.services import register_settings
from coproduce.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_equality_answers,
    make_person,
    make_project,
    make_saved_list,
    member,
)

pytestmark = pytest.mark.django_db

EQUALITY = [ConsentPurpose.EQUALITY]


@pytest.fixture
def organisation():
    return OrganisationFactory()


def with_access(organisation, role=Role.FACILITATOR):
    user = UserFactory()
    MembershipFactory(user=user, organisation=organisation, role=role, equality_data_access=True)
    return user


@pytest.fixture
def facilitator(organisation):
    return with_access(organisation)


@pytest.fixture
def person(organisation):
    return make_person(organisation, name="Pat Evans", consents=EQUALITY)


@pytest.fixture
def question(organisation):
    return services.save_question(
        EqualityQuestion(
            organisation=organisation,
            label="Have they ever served in the UK armed forces?",
            choices_text="Yes, in the Royal Navy\nYes, in another service\nNo",
        )
    )


def views_of(person):
    return AuditEvent.objects.filter(
        model="equality.equalityanswers", action="view", object_id=str(person.equality_answers.pk)
    )


# Recording answers


def test_the_form_saves_answers_and_shows_them(client, facilitator, person, question):
    client.force_login(facilitator)
    url = reverse("equality:change", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Every question is optional" in page and "Prefer not to say" in page
    assert question.label in page
    response = client.post(
        url,
        {
            "sex": "female",
            "ethnic_group": "asian_bangladeshi",
            "carer": "50_plus",
            f"extra_{question.pk}": "Yes, in the Royal Navy",
        },
    )
    assert response.url == reverse("equality:answers", args=[person.pk])
    record = EqualityAnswers.objects.get(person=person)
    assert (record.sex, record.ethnic_group, record.carer) == (
        "female",
        "asian_bangladeshi",
        "50_plus",
    )
    assert record.extra.get().answer == "Yes, in the Royal Navy"
    page = client.get(response.url).content.decode()
    assert "Equality monitoring answers saved." in page
    assert "Asian or Asian British: Bangladeshi" in page and "Yes, 50 or more hours a week" in page
    assert "Yes, in the Royal Navy" in page


def test_ethnic_group_is_asked_in_its_five_groups(client, facilitator, person):
    client.force_login(facilitator)
    page = client.get(reverse("equality:change", args=[person.pk])).content.decode()
    for heading in (
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
        "White",
    ):
        assert (
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{heading}</legend>'
            in page
        )
    assert 'id="id_ethnic_group_0" name="ethnic_group" type="radio" value="asian_indian"' in page
    assert page.count('name="ethnic_group"') == 20  # 19 groups and "Prefer not to say"


def test_mistakes_are_shown_and_what_was_chosen_is_kept(client, facilitator, person):
    client.force_login(facilitator)
    response = client.post(
        reverse("equality:change", args=[person.pk]),
        {"sex": "not-an-answer", "religion": "jewish", "ethnic_group": "white_roma"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert '<a href="#id_sex_0">Choose one of the answers listed.</a>' in page
    assert 'value="jewish" checked' in page and 'value="white_roma" checked' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    assert not EqualityAnswers.objects.exists()


def test_without_consent_the_form_explains_and_saving_is_refused(client, facilitator, organisation):
    person = make_person(organisation)
    client.force_login(facilitator)
    url = reverse("equality:change", args=[person.pk])
    page = client.get(url).content.decode()
    assert "has not agreed to equality monitoring" in page and "Save answers" not in page
    response = client.post(url, {"sex": "male", "religion": "none"})
    page = response.content.decode()
    assert "They have not agreed to equality monitoring" in page
    assert 'value="none" checked' in page
    assert not EqualityAnswers.objects.exists()


def test_opening_the_form_with_answers_is_recorded_as_a_view(client, facilitator, person):
    make_equality_answers(person, sex="male")
    client.force_login(facilitator)
    page = client.get(reverse("equality:change", args=[person.pk])).content.decode()
    assert 'value="male" checked' in page
    event = views_of(person).get()
    assert event.actor_id == facilitator.pk and event.changes == {
        "viewed": [None, "equality answers"]
    }
    assert event.organisation_id == person.organisation_id


def test_viewing_answers_is_recorded_every_time(client, organisation, person):
    make_equality_answers(person, religion="buddhist")
    # A decision-maker with the permission may look, but not change.
    viewer = with_access(organisation, Role.DECISION_MAKER)
    client.force_login(viewer)
    url = reverse("equality:answers", args=[person.pk])
    for _ in range(2):
        page = client.get(url).content.decode()
        assert "Buddhist" in page and "Change answers" not in page
    assert views_of(person).filter(actor_id=viewer.pk).count() == 2


def test_no_answers_means_nothing_to_view(client, facilitator, person):
    client.force_login(facilitator)
    page = client.get(reverse("equality:answers", args=[person.pk])).content.decode()
    assert "No answers recorded." in page
    assert not AuditEvent.objects.filter(action="view").exists()


def test_without_the_permission_answers_are_never_shown(client, organisation, person, question):
    make_equality_answers(
        person, ethnic_group="asian_bangladeshi", extra={question.pk: "Yes, in the Royal Navy"}
    )
    project = make_project(organisation)
    saved = make_saved_list(organisation, [person], name="Reference group")
    admin_without = member(organisation, Role.ADMINISTRATOR)
    commissioner_without = member(organisation, Role.COMMISSIONER)
    for user in (admin_without, commissioner_without):
        client.force_login(user)
        for name in ("equality:change", "equality:answers", "equality:delete"):
            response = client.get(reverse(name, args=[person.pk]))
            assert response.status_code == 403, (user, name)
            assert b"Bangladeshi" not in response.content and b"Royal Navy" not in response.content
        assert (
            client.post(reverse("equality:change", args=[person.pk]), {"sex": "male"}).status_code
            == 403
        )
        assert client.post(reverse("equality:delete", args=[person.pk])).status_code == 403
        pages = [
            reverse("equality:representativeness", args=[project.pk]) + f"?list={saved.pk}",
            reverse("equality:questions"),
            reverse("equality:targets", args=[project.pk, "ethnic_group"]),
            reverse("equality:targets-import", args=[project.pk]),
        ]
        for url in pages:
            content = client.get(url).content
            assert b"Bangladeshi" not in content and b"Royal Navy" not in content, url
    assert not AuditEvent.objects.filter(action="view").exists()
    assert EqualityAnswers.objects.get().sex is None  # nothing changed


def test_answers_are_not_in_the_admin():
    assert EqualityAnswers not in admin.site._registry
    assert EqualityExtraAnswer not in admin.site._registry


def test_deleting_answers_asks_first_then_deletes(client, facilitator, person):
    make_equality_answers(person, sex="female")
    client.force_login(facilitator)
    url = reverse("equality:delete", args=[person.pk])
    assert "Delete their equality monitoring answers?" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("equality:answers", args=[person.pk])
    assert not EqualityAnswers.objects.exists()
    assert AuditEvent.objects.filter(model="equality.equalityanswers", action="delete").exists()


def test_answers_kept_after_consent_was_withdrawn_are_flagged(client, facilitator, person):
    make_equality_answers(person, sex="female")
    person.consents.update(withdrawn_at="2026-01-01T00:00Z")  # as if the hook had not run
    client.force_login(facilitator)
    page = client.get(reverse("equality:change", args=[person.pk])).content.decode()
    assert "has not agreed" in page and 'value="female" checked' not in page
    assert not AuditEvent.objects.filter(action="view").exists()  # not shown, so not read
    page = client.get(reverse("equality:answers", args=[person.pk])).content.decode()
    assert "no longer agree" in page and "Delete answers" in page and "Change answers" not in page


def test_another_organisations_person_is_not_found(client, facilitator):
    stranger = make_person(OrganisationFactory(), consents=EQUALITY)
    client.force_login(facilitator)
    for name in ("equality:change", "equality:answers", "equality:delete"):
        assert client.get(reverse(name, args=[stranger.pk])).status_code == 404


# The organisation's own questions


def test_an_administrator_adds_and_changes_a_question(client, organisation):
    admin_user = member(organisation, Role.ADMINISTRATOR)
    client.force_login(admin_user)
    response = client.post(
        reverse("equality:question-create"),
        {
            "label": "Have they been in care?",
            "hint": "",
            "choices_text": "Yes\nNo",
            "is_active": "on",
        },
    )
    assert response.url == reverse("equality:questions")
    question = EqualityQuestion.objects.get()
    assert question.organisation == organisation and question.options() == ["Yes", "No"]
    assert "Have they been in care?" in client.get(response.url).content.decode()
    response = client.post(
        reverse("equality:question", args=[question.pk]),
        {"label": "Have they been in care?", "choices_text": "Yes\nNo\nNot sure"},
    )
    question.refresh_from_db()
    assert not question.is_active and question.options() == ["Yes", "No", "Not sure"]


def test_a_question_with_mistakes_keeps_what_was_typed(client, organisation):
    client.force_login(member(organisation, Role.ADMINISTRATOR))
    response = client.post(
        reverse("equality:question-create"),
        {"label": "Armed forces?", "choices_text": "Only one answer"},
    )
    page = response.content.decode()
    assert "Enter at least 2 answers people can choose" in page
    assert "Armed forces?" in page and "Only one answer" in page
    assert not EqualityQuestion.objects.exists()


# Target population


@pytest.fixture
def project(organisation):
    return make_project(organisation)


def test_a_target_is_entered_for_a_category(client, facilitator, project):
    client.force_login(facilitator)
    url = reverse("equality:targets", args=[project.pk, "sex"])
    response = client.post(url, {"share_female": "51.5", "share_male": "48.5%"})
    assert response.url == reverse("equality:representativeness", args=[project.pk])
    assert dict(project.target_shares.values_list("group", "share")) == {
        "female": Decimal("51.50"),
        "male": Decimal("48.50"),
    }
    page = client.get(url).content.decode()
    assert 'value="51.5"' in page


def test_a_target_that_does_not_add_up_keeps_what_was_typed(client, facilitator, project):
    client.force_login(facilitator)
    url = reverse("equality:targets", args=[project.pk, "disability"])
    response = client.post(
        url, {"share_limited_a_lot": "10", "share_limited_a_little": "lots", "share_no": "80"}
    )
    page = response.content.decode()
    assert "Yes, limited a little: enter a percentage between 0 and 100, like 12.5" in page
    assert 'href="#id_share_limited_a_little"' in page and 'value="lots"' in page
    response = client.post(url, {"share_limited_a_lot": "10", "share_no": "80"})
    page = response.content.decode()
    assert "The shares for Disability add up to 90%." in page and 'value="80"' in page
    assert 'href="#id_share_limited_a_lot"' in page
    assert not project.target_shares.exists()


def test_an_unknown_category_is_not_found(client, facilitator, project):
    client.force_login(facilitator)
    assert (
        client.get(reverse("equality:targets", args=[project.pk, "shoe_size"])).status_code == 404
    )


def upload(text):
    return SimpleUploadedFile("targets.csv", text.encode(), content_type="text/csv")


def test_a_target_population_is_imported_from_csv(client, facilitator, project):
    client.force_login(facilitator)
    url = reverse("equality:targets-import", args=[project.pk])
    assert "Categories and groups you can use" in client.get(url).content.decode()
    response = client.post(
        url, {"file": upload("category,group,share\nsex,female,50\nsex,male,50\n")}
    )
    assert response.url == reverse("equality:representativeness", args=[project.pk])
    assert project.target_shares.count() == 2
    page = client.get(response.url).content.decode()
    assert "Target population imported for Sex." in page and "Set for 2 groups" in page


def test_a_bad_csv_lists_every_problem_and_saves_nothing(client, facilitator, project):
    client.force_login(facilitator)
    response = client.post(
        reverse("equality:targets-import", args=[project.pk]),
        {
            "file": upload(
                "category,group,share\nsex,female,50\nsex,male,50\nsex,female,500\ncarer,no,\n"
            )
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Row 4, column share: enter a percentage between 0 and 100" in page
    assert "Row 5, column share: enter a percentage between 0 and 100, like 12.5" in page
    assert 'href="#id_file"' in page
    assert not project.target_shares.exists()


def test_no_file_says_what_to_do(client, facilitator, project):
    client.force_login(facilitator)
    page = client.post(reverse("equality:targets-import", args=[project.pk])).content.decode()
    assert "Choose a CSV file to upload." in page


# Who we are involving


def test_the_comparison_page_shows_suppressed_counts_a_chart_and_highlights(
    client, organisation, project
):
    services.set_target_shares(project, "sex", {"female": Decimal("50"), "male": Decimal("50")})
    people = [make_person(organisation) for _ in range(12)]
    for person in people[:10]:
        make_equality_answers(person, sex="female")
    make_equality_answers(people[10], sex="male")
    saved = make_saved_list(organisation, people, name="Reference group")
    client.force_login(member(organisation, Role.FINANCE_APPROVER))  # any staff, no access
    url = reverse("equality:representativeness", args=[project.pk])
    page = client.get(url).content.decode()
    assert "Reference group" in page and "Set for 2 groups" in page and "<table" not in page
    page = client.get(url, {"list": saved.pk}).content.decode()
    assert "12 people on this saved list" in page
    assert "11 of 12 people answered." in page and "The other 1 preferred not to say" in page
    # male is 1, so it is hidden, and female with it (else 11 - 10 would give it away)
    sex = page.split('id="category-sex"')[1].split("</section>")[0]
    assert sex.count(">Hidden<") == 6  # in the chart, and count and share in the table
    assert "Below target" not in sex
    assert 'href="/static/equality/representativeness.css"' in page
    assert 'style="' not in page  # no inline styles: the CSP forbids them


def test_a_group_below_target_is_marked_in_the_chart_and_the_table(client, organisation, project):
    services.set_target_shares(project, "sex", {"female": Decimal("40"), "male": Decimal("60")})
    people = [make_person(organisation) for _ in range(20)]
    for n, person in enumerate(people):
        make_equality_answers(person, sex="female" if n < 14 else "male")
    saved = make_saved_list(organisation, people)
    client.force_login(member(organisation, Role.DECISION_MAKER))
    url = reverse("equality:representativeness", args=[project.pk])
    page = client.get(url, {"list": saved.pk}).content.decode()
    sex = page.split('id="category-sex"')[1].split("</section>")[0]
    assert "Below target: Male." in sex
    assert sex.count("Below target</strong>") == 2  # in the chart and in the table
    assert "cp-chart__bar--under cp-w-30" in sex and "cp-chart__bar--target cp-w-60" in sex
    assert "-30 points" in sex and "+30 points" in sex
    # a wider margin marks nothing
    page = client.get(url, {"list": saved.pk, "margin": "31"}).content.decode()
    assert "Below target" not in page.split('id="category-sex"')[1].split("</section>")[0]


def test_the_organisations_threshold_is_applied(client, organisation, project):
    settings = register_settings(organisation)
    settings.suppression_threshold = 2
    settings.save()
    people = [make_person(organisation) for _ in range(4)]
    for person in people:
        make_equality_answers(person, sex="female")
    saved = make_saved_list(organisation, people)
    client.force_login(member(organisation, Role.COMMISSIONER))
    page = client.get(
        reverse("equality:representativeness", args=[project.pk]), {"list": saved.pk}
    ).content.decode()
    assert "4 of 4 people answered." in page


def test_a_bad_margin_is_shown_with_what_was_typed(client, organisation, project):
    saved = make_saved_list(organisation, [])
    client.force_login(member(organisation, Role.COMMISSIONER))
    url = reverse("equality:representativeness", args=[project.pk])
    page = client.get(url, {"list": saved.pk, "margin": "lots"}).content.decode()
    assert "Enter the margin as a number of percentage points, like 5." in page
    assert 'value="lots"' in page and "<table" not in page


def test_another_organisations_list_is_not_found(client, organisation, project):
    elsewhere = make_saved_list(OrganisationFactory(), [])
    client.force_login(member(organisation, Role.COMMISSIONER))
    url = reverse("equality:representativeness", args=[project.pk])
    assert client.get(url, {"list": elsewhere.pk}).status_code == 404
    assert client.get(url, {"list": "nonsense"}).status_code == 404


def test_a_very_large_list_is_refused_politely(client, organisation, project, monkeypatch):
    from coproduce.equality import selectors

    people = [make_person(organisation) for _ in range(3)]
    for person in people:
        make_equality_answers(person, sex="female")
    saved = make_saved_list(organisation, people, name="Everyone")
    monkeypatch.setattr(selectors, "AGGREGATE_LIMIT", 2)
    client.force_login(member(organisation, Role.COMMISSIONER))
    page = client.get(
        reverse("equality:representativeness", args=[project.pk]), {"list": saved.pk}
    ).content.decode()
    assert "more than 2 people with equality answers" in page
