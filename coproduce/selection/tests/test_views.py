import pytest
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.recruitment.models import SelectionQuestion
from coproduce.selection import services
from coproduce.selection.models import Quota, RunStatus, SelectionRun
from coproduce.testing.factories import make_application, make_opportunity, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity():
    opportunity = make_opportunity(publish=True, places=3, reserve_places=1)
    services.save_question(
        SelectionQuestion(
            organisation_id=opportunity.organisation_id,
            opportunity=opportunity,
            feature="area",
            question="Where do you live?",
        ),
        ["North", "South"],
    )
    for number in range(7):
        make_application(
            opportunity, selection_answers={"area": "North" if number < 5 else "South"}
        )
    return opportunity


@pytest.fixture
def client_(client, opportunity):
    client.force_login(member(opportunity.organisation, Role.FACILITATOR))
    return client


def _fields(opportunity, **values):
    question = opportunity.selection_questions.get()
    data = {}
    for index, value in enumerate(services.question_values(question)):
        low, high = values.get(value, (0, 3))
        data[f"q{question.pk}-{index}-min"] = str(low)
        data[f"q{question.pk}-{index}-max"] = str(high)
    return data


def test_check_keeps_what_was_typed_and_explains(client_, opportunity):
    url = reverse("selection:opportunity", args=[opportunity.pk])
    response = client_.post(url, {**_fields(opportunity, South=(3, 3)), "check": "1"})
    page = response.content.decode()
    assert "These quotas cannot be met" in page and "South" in page
    assert 'value="3"' in page
    assert not Quota.objects.exists()


def test_live_check_returns_only_the_feasibility_fragment(client_, opportunity):
    url = reverse("selection:opportunity", args=[opportunity.pk])
    response = client_.post(url, _fields(opportunity), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.strip().startswith('<div id="feasibility"') and "can be met" in page


def test_min_above_max_is_refused_beside_the_field(client_, opportunity):
    url = reverse("selection:opportunity", args=[opportunity.pk])
    response = client_.post(url, {**_fields(opportunity, North=(3, 1)), "save": "1"})
    assert response.status_code == 200
    assert "the fewest (3) is more than the most (1)" in response.content.decode()
    assert not Quota.objects.exists()


def test_save_then_run_then_see_the_result(
    client_, opportunity, django_capture_on_commit_callbacks
):
    url = reverse("selection:opportunity", args=[opportunity.pk])
    assert client_.post(url, {**_fields(opportunity, South=(1, 2)), "save": "1"}).status_code == 302
    assert Quota.objects.get(value="South").minimum == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client_.post(
            reverse("selection:run-start", args=[opportunity.pk]),
            {"algorithm": "leximin", "seed": "meeting 12 May"},
        )
    run = SelectionRun.objects.get()
    assert response.url == reverse("selection:run", args=[run.pk])
    assert run.status == RunStatus.DONE  # the job ran when the request's work committed
    page = client_.get(response.url).content.decode()
    assert "The panel" in page and "meeting 12 May" in page and run.pool_hash in page
    assert "Reserves, in order" in page


def test_question_form_adds_a_feature(client_, opportunity):
    url = reverse("selection:question-create", args=[opportunity.pk])
    response = client_.post(
        url,
        {
            "question": "Which service do you use?",
            "feature": "service",
            "values_text": "Day centre\nHome care",
            "position": "2",
        },
    )
    assert response.status_code == 302
    question = opportunity.selection_questions.get(feature="service")
    assert question.values == ["Day centre", "Home care"]
