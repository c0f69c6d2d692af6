import datetime

import pytest
from django.test import Client
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.feedback import services
from coproduce.feedback.models import Contribution, ContributionResponse, Decision, Outcome
from coproduce.people.models import Involvement, InvolvementKind
from coproduce.testing.factories import make_person, make_project, member

from .factories import consenting_person, make_contribution, make_decision, stage_of

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _published(project, contributions=(), outcome=Outcome.ADOPTED, reason=""):  # type: ignore[no-untyped-def]
    decision = make_decision(project)
    for contribution in contributions:
        services.respond(
            decision=decision,
            contribution=contribution,
            outcome=outcome,
            reason=reason,
            recorded_by=decision.recorded_by,
        )
    services.publish_decision(decision)
    services.save_page(
        project, introduction="Thank you.", easy_read_introduction="", publish=True, user=None
    )
    return decision


def _involve(project, count: int, kind: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        Involvement.objects.create(
            organisation=project.organisation,
            person=make_person(project.organisation),
            project=project,
            kind=kind,
            occurred_on=datetime.date(2026, 2, 1),
            description="Took part",
        )


def test_adding_a_contribution_keeps_what_was_typed_when_something_is_wrong() -> None:
    project = make_project()
    client = _signed_in(member(project.organisation, Role.FACILITATOR))
    url = reverse("feedback:contribution-add", args=[project.pk])
    data = {
        "kind": "comment",
        "stage": stage_of(project).pk,
        "summary": "More evening sessions, please",
        "quote": "I work days.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Only quote someone who agreed to be quoted" in page
    assert "More evening sessions, please" in page
    assert not Contribution.objects.exists()
    response = client.post(url, {**data, "quote_consent": "on"})
    assert response.status_code == 302
    assert Contribution.objects.get().quote == "I work days."


def test_an_event_point_needs_its_event_and_counts_everyone_present() -> None:
    from coproduce.events.models import Attended
    from coproduce.events.tests.factories import make_attendee, make_event
    from coproduce.testing.factories import make_method

    project = make_project()
    event = make_event(make_method(stage_of(project).plan))
    present = make_attendee(event)
    present.attended = Attended.PRESENT
    present.save()
    make_attendee(event)  # asked, but did not come
    client = _signed_in(member(project.organisation, Role.FACILITATOR))
    url = reverse("feedback:contribution-add", args=[project.pk])
    data = {"kind": "event_point", "stage": stage_of(project).pk, "summary": "Transport is hard"}
    response = client.post(url, data)
    assert "Choose the event where this was said." in response.content.decode()
    response = client.post(url, {**data, "event": event.pk})
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert contribution.source == event
    assert contribution.stage == event.stage
    assert list(contribution.contributors.values_list("person_id", flat=True)) == [
        present.person_id
    ]


def test_recording_a_decision_and_responses_through_the_pages() -> None:
    project = make_project()
    first = make_contribution(project, summary="Breaks at short notice")
    second = make_contribution(project, summary="A carers' card")
    client = _signed_in(member(project.organisation, Role.DECISION_MAKER))
    response = client.post(
        reverse("feedback:decision-add", args=[project.pk]),
        {
            "title": "New service",
            "summary": "We will buy a new short breaks service.",
            "decided_by": "Cabinet member",
            "decided_on": "02/03/2026",
        },
    )
    decision = Decision.objects.get()
    assert response.headers["Location"] == reverse("feedback:decision-respond", args=[decision.pk])
    url = reverse("feedback:decision-respond", args=[decision.pk])
    response = client.post(
        url,
        {
            f"outcome_{first.pk}": "adopted",
            f"outcome_{second.pk}": "not_taken_forward",
            f"reason_{second.pk}": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Explain in plain words why" in page
    assert not ContributionResponse.objects.exists()
    response = client.post(
        url,
        {
            f"outcome_{first.pk}": "adopted",
            f"outcome_{second.pk}": "not_taken_forward",
            f"reason_{second.pk}": "Discounts are run by a partner.",
        },
    )
    assert response.status_code == 302
    assert ContributionResponse.objects.count() == 2
    detail = client.get(reverse("feedback:project", args=[project.pk])).content.decode()
    assert 'id="closure-rate">100%' in detail


def test_the_public_page_hides_small_numbers_names_and_unconsented_quotes(
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    named = make_person(project.organisation, name="Verity Quillfeather")
    said = make_contribution(
        project,
        summary="Breaks bookable at short notice",
        person=named,
        quote="I never get a break",
        quote_consent=True,
        people_count=3,
    )
    many = make_contribution(project, summary="Evening sessions", people_count=40)
    _published(project, [said, many])
    _involve(project, 2, InvolvementKind.EVENT)
    _involve(project, 12, InvolvementKind.SURVEY)
    url = reverse("feedback:public-page", args=[project.organisation.slug, project.pk])
    with django_assert_max_num_queries(12):
        response = Client().get(url)
    page = response.content.decode()
    assert "Verity Quillfeather" not in page
    assert "“I never get a break”" in page
    assert "People who said this: <abbr" in page  # 3 is hidden
    assert "People who said this: 40" in page
    table = page[
        page.index('id="people-involved"') : page.index(
            "</table>", page.index('id="people-involved"')
        )
    ]
    # 2 at events is hidden, so the survey row is hidden too (or 14 - 12 gives it away), and
    # the total of 14 different people is shown.
    assert ">12<" not in table and ">2<" not in table
    assert table.count(">Not shown<") == 2
    assert ">14<" in table


def test_the_public_page_is_bounded_in_queries_at_two_sizes(
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    project = make_project()
    contributions = [make_contribution(project, summary=f"Point {n}") for n in range(3)]
    _published(project, contributions)
    url = reverse("feedback:public-page", args=[project.organisation.slug, project.pk])
    with django_assert_max_num_queries(12):
        Client().get(url)
    more = [make_contribution(project, summary=f"More {n}") for n in range(30)]
    _published(project, more)
    with django_assert_max_num_queries(12):
        response = Client().get(url)
    assert "More 29" in response.content.decode()


def test_staff_list_pages_are_bounded_in_queries(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    client = _signed_in(member(project.organisation, Role.COMMISSIONER))
    urls = [
        reverse("feedback:project", args=[project.pk]) + "?show=all",
        reverse("feedback:log", args=[project.organisation.slug]),
    ]
    for size in (2, 20):
        for n in range(size):
            make_contribution(
                project,
                summary=f"Point {size}-{n}",
                contributors=[make_person(project.organisation)],
            )
        _published(project, list(Contribution.objects.filter(response__isnull=True)))
        decision = Decision.objects.first()
        assert decision is not None
        for url in [*urls, reverse("feedback:decision", args=[decision.pk])]:
            with django_assert_max_num_queries(30):
                assert client.get(url).status_code == 200


def test_the_easy_read_page_and_pdf() -> None:
    project = make_project()
    contribution = make_contribution(project, summary="Breaks at short notice")
    _published(project, [contribution], Outcome.NOT_TAKEN_FORWARD, "The money is fixed.")
    slug = project.organisation.slug
    page = Client().get(reverse("feedback:public-easy-read", args=[slug, project.pk]))
    text = page.content.decode()
    assert "We could not do what you said." in text
    assert "This is why: The money is fixed." in text
    pdf = Client().get(reverse("feedback:public-pdf", args=[slug, project.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_decision_log_searches_and_the_feed_lists_new_decisions() -> None:
    project = make_project(title="Carers support")
    other = make_project(project.organisation, title="Day opportunities")
    services.publish_decision(
        make_decision(project, title="Short breaks service", summary="Bookable at short notice.")
    )
    services.publish_decision(
        make_decision(other, title="Day centre hours", summary="Open until 6pm.")
    )
    make_decision(project, title="Draft, not published")
    slug = project.organisation.slug
    url = reverse("feedback:log", args=[slug])
    page = Client().get(url, {"q": "breaks"}).content.decode()
    assert "Short breaks service" in page and "Day centre hours" not in page
    page = Client().get(url, {"q": "day opportunities"}).content.decode()
    assert "Day centre hours" in page and "Short breaks service" not in page
    assert "Draft, not published" not in Client().get(url).content.decode()
    feed = Client().get(reverse("feedback:feed", args=[slug]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Short breaks service" in body and "Day centre hours" in body
    assert "Draft, not published" not in body


def test_sending_feedback_from_the_page_starts_the_job(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    project = make_project()
    person = consenting_person(project)
    _published(project, [make_contribution(project, contributors=[person])])
    client = _signed_in(member(project.organisation, Role.FACILITATOR))
    assert (
        "1 person has not yet been told"
        in client.get(reverse("feedback:project", args=[project.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:send", args=[project.pk]))
    round_page = client.get(response.headers["Location"]).content.decode()
    assert "Feedback was sent to 1 person." in round_page
    assert person.name in round_page
    assert "Sent</dt>" in round_page or "Sent<" in round_page


def test_a_participant_reads_what_happened_and_their_consents() -> None:
    project = make_project(title="Carers support")
    user = member(project.organisation, Role.PARTICIPANT)
    person = consenting_person(project, user=user)
    told = make_contribution(project, summary="Breaks at short notice", contributors=[person])
    make_contribution(project, summary="A carers' card", contributors=[person])
    _published(project, [told], Outcome.ADAPTED, "Twice a month, not weekly.")
    page = _signed_in(user).get(reverse("feedback:mine")).content.decode()
    assert "Breaks at short notice" in page
    assert "Twice a month, not weekly." in page
    assert "Not decided yet." in page
    assert "Contact about opportunities to take part" in page
    assert reverse("core:privacy") in page
    involvement = _signed_in(user).get(reverse("accounts:my-involvement")).content.decode()
    assert reverse("feedback:mine") in involvement


def test_the_dashboard_and_project_page_show_unanswered_contributions() -> None:
    project = make_project(title="Carers support")
    make_contribution(project)
    client = _signed_in(project.lead_officer)
    dashboard = client.get(reverse("projects:dashboard")).content.decode()
    assert "Carers support</a>: 1 waiting" in dashboard
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "0 of 1 responded to" in detail and "1 waiting for a response" in detail


def test_the_decision_form_offers_today_and_accepts_it_as_shown() -> None:
    project = make_project()
    client = _signed_in(member(project.organisation, Role.COMMISSIONER))
    url = reverse("feedback:decision-add", args=[project.pk])
    today = datetime.date.today().strftime("%d/%m/%Y")
    assert f'value="{today}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"title": "New", "summary": "Why.", "decided_by": "Cabinet", "decided_on": today},
    )
    assert response.status_code == 302
    edit = client.get(reverse("feedback:decision-edit", args=[Decision.objects.get().pk]))
    assert f'value="{today}"' in edit.content.decode()
