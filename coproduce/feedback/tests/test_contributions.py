from typing import cast

import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts.models import Organisation
from coproduce.feedback import services
from coproduce.feedback.models import Contribution, ContributionKind, Contributor
from coproduce.projects.models import StageKind
from coproduce.testing.factories import OrganisationFactory, make_person, make_project

from .factories import make_contribution, stage_of

pytestmark = pytest.mark.django_db


def test_a_contribution_links_its_source_project_stage_and_people() -> None:
    project = make_project()
    people = [make_person(project.organisation) for _ in range(3)]
    event_like = people[0]  # any model instance can be the source
    contribution = services.add_contribution(
        project=project,
        stage=stage_of(project, StageKind.PLAN),
        kind=ContributionKind.EVENT_POINT,
        summary="  Evening sessions for working carers.  ",
        source=event_like,
        contributors=people,
        people_count=12,
    )
    contribution.refresh_from_db()
    assert contribution.summary == "Evening sessions for working carers."
    assert contribution.source == event_like
    assert contribution.source_label == str(event_like)
    assert contribution.stage.kind == StageKind.PLAN
    assert set(contribution.contributors.values_list("person_id", flat=True)) == {
        p.pk for p in people
    }


def test_a_quote_needs_consent_to_quote() -> None:
    project = make_project()
    with pytest.raises(ValidationError) as raised:
        make_contribution(project, quote="I never get a break.")
    assert "quote" in raised.value.message_dict
    assert not Contribution.objects.exists()
    person = make_person(project.organisation)
    kept = make_contribution(
        project, person=person, quote="I never get a break.", quote_consent=True
    )
    assert kept.quote == "I never get a break."
    assert Contributor.objects.filter(contribution=kept, person=person).exists()


def test_the_stage_must_be_the_projects_and_the_kind_known() -> None:
    project = make_project()
    other = make_project(project.organisation)
    with pytest.raises(ValidationError) as raised:
        services.add_contribution(
            project=project, stage=stage_of(other), kind="rumour", summary=" "
        )
    assert set(raised.value.message_dict) == {"stage", "kind", "summary"}


def test_people_of_another_organisation_are_refused() -> None:
    project = make_project()
    stranger = make_person(cast(Organisation, OrganisationFactory()))
    with pytest.raises(ValidationError):
        make_contribution(project, person=stranger)
    assert not Contribution.objects.exists()


def test_a_key_records_the_contribution_once_and_adds_new_contributors() -> None:
    project = make_project()
    first, second = make_person(project.organisation), make_person(project.organisation)
    one = make_contribution(project, key="visit:1:finding:1", contributors=[first])
    again = make_contribution(project, key="visit:1:finding:1", contributors=[first, second])
    assert one.pk == again.pk
    assert Contribution.objects.count() == 1
    assert one.contributors.count() == 2


def test_a_survey_theme_becomes_one_contribution_with_its_named_respondents() -> None:
    from .factories import make_theme

    project = make_project()
    people = [make_person(project.organisation) for _ in range(2)]
    theme = make_theme(project, "Short notice breaks", people, anonymous=3)
    contribution = services.contribution_from_theme(theme, stage=stage_of(project))
    assert contribution.kind == ContributionKind.SURVEY_THEME
    assert contribution.source == theme
    assert contribution.people_count == 5
    assert set(contribution.contributors.values_list("person_id", flat=True)) == {
        p.pk for p in people
    }
    # Adding the theme again finds the same contribution.
    assert services.contribution_from_theme(theme, stage=stage_of(project)).pk == contribution.pk
