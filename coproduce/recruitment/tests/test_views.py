import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from coproduce.accounts.models import Role
from coproduce.notifications.models import Delivery
from coproduce.people.models import ConsentPurpose
from coproduce.recruitment import services
from coproduce.recruitment.models import Invitation, Opportunity, OpportunityStatus
from coproduce.testing.factories import (
    COMPLETE_KEY_MESSAGES,
    make_method,
    make_opportunity,
    make_person,
    make_project,
    make_saved_list,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def method():
    project = make_project()
    return make_method(project.stages.get(position=3).plan)


@pytest.fixture
def facilitator(method, client):
    user = member(method.organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


def test_create_keeps_what_was_typed_on_error_and_saves_a_draft(client, facilitator, method):
    url = reverse("recruitment:create", args=[method.pk])
    page = client.get(url).content.decode()
    assert "The total budget, set by the council." in page  # scope from the project
    response = client.post(
        url, {"title": "", "places": "8", "reserve_places": "2", "payment": "£20 an hour"}
    )
    assert response.status_code == 200
    assert "£20 an hour" in response.content.decode()
    assert not Opportunity.objects.exists()
    response = client.post(url, {"title": "Join our panel", "places": "8", "reserve_places": "2"})
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and opportunity.status == OpportunityStatus.DRAFT


def test_publish_is_refused_with_a_summary_linking_to_each_missing_message(
    client, facilitator, method
):
    opportunity = make_opportunity(method, payment="", feedback="")
    response = client.post(reverse("recruitment:publish", args=[opportunity.pk]))
    page = response.content.decode()
    assert response.status_code == 400
    assert "This cannot be published yet" in page
    edit = reverse("recruitment:edit", args=[opportunity.pk])
    assert f'href="{edit}#id_payment"' in page and f'href="{edit}#id_feedback"' in page
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.DRAFT
    opportunity.payment, opportunity.feedback = "£20 an hour", "A letter after the decision."
    services.save_opportunity(opportunity)
    assert client.post(reverse("recruitment:publish", args=[opportunity.pk])).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.PUBLISHED


def test_detail_shows_reading_ease_and_jargon(client, facilitator, method):
    opportunity = make_opportunity(method, expected="Score each tender in the procurement.")
    page = client.get(reverse("recruitment:detail", args=[opportunity.pk])).content.decode()
    assert "Reading ease of the whole text" in page
    assert "“tender”: try “offer to run a service”" in page


def test_easy_read_draft_then_edit(client, facilitator, method):
    opportunity = make_opportunity(method)
    url = reverse("recruitment:easy-read", args=[opportunity.pk])
    client.post(url, {"draft": "1"})
    assert opportunity.easy_read_sentences.count() > 5
    client.post(url, {"text": "We need your help. | Hands\nWe pay you. | Money"})
    assert [(r.sentence, r.picture_description) for r in opportunity.easy_read_sentences.all()] == [
        ("We need your help.", "Hands"),
        ("We pay you.", "Money"),
    ]


def test_invite_from_a_saved_list_shows_held_back_people_then_sends(client, facilitator, method):
    opportunity = make_opportunity(method, publish=True)
    ready = make_person(
        opportunity.organisation, consents=[ConsentPurpose.CONTACT], name="Ready Rita"
    )
    held = make_person(opportunity.organisation, name="Held Harry")
    saved = make_saved_list(opportunity.organisation, [ready, held])
    url = reverse("recruitment:invite", args=[opportunity.pk])
    page = client.get(url, {"saved_list": saved.pk}).content.decode()
    assert "Ready Rita" in page and "Held Harry" in page
    assert "No consent to be contacted about opportunities" in page
    response = client.post(url, {"people": [ready.pk, held.pk]})
    assert response.status_code == 302
    assert Invitation.objects.get(person=ready).held_reason == ""
    assert Invitation.objects.get(person=held).held_reason.startswith("No consent")
    assert Delivery.objects.filter(person=ready).count() == 1
    assert not Delivery.objects.filter(person=held).exists()
    page = client.get(reverse("recruitment:invitations", args=[opportunity.pk])).content.decode()
    assert "Held back" in page


def test_short_notice_asks_for_a_reason_and_keeps_the_selection(client, facilitator, method):
    opportunity = make_opportunity(
        method, publish=True, starts_on=datetime.date.today() + datetime.timedelta(days=2)
    )
    person = make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT])
    url = reverse("recruitment:invite", args=[opportunity.pk])
    response = client.post(url, {"people": [person.pk]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why it cannot wait" in page and person.display_name in page
    assert not Invitation.objects.exists()
    client.post(url, {"people": [person.pk], "short_notice_reason": "Dates moved."})
    assert Invitation.objects.get().short_notice_reason == "Dates moved."


def test_public_pages_and_pdfs(client, method):
    opportunity = make_opportunity(method, publish=True)
    services.save_easy_read(opportunity, [("We need your help.", "Hands")])
    page = client.get(reverse("recruitment:public-detail", args=[opportunity.pk])).content.decode()
    for text in (COMPLETE_KEY_MESSAGES["payment"], COMPLETE_KEY_MESSAGES["feedback"]):
        assert text.replace("'", "&#x27;") in page
    assert "easy read" in page
    easy = client.get(reverse("recruitment:public-easy-read", args=[opportunity.pk]))
    assert "We need your help." in easy.content.decode()
    for version in ("large-print", "easy-read"):
        response = client.get(reverse("recruitment:public-pdf", args=[opportunity.pk, version]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_large_print_pdf_is_large_print(method):
    from coproduce.core.documents import render_document

    opportunity = make_opportunity(method, publish=True)
    document = render_document(
        "recruitment/documents/large_print.html",
        {"opportunity": opportunity, "sections": services.key_message_sections(opportunity)},
    )
    # 11 key messages in 18pt type do not fit one A4 page.
    assert len(document.pages) >= 2


def test_public_list_shows_open_opportunities_only(client, method):
    open_one = make_opportunity(method, publish=True, title="Open one")
    make_opportunity(method, title="Draft one")
    closed = make_opportunity(method, publish=True, title="Closed one")
    services.close_opportunity(closed)
    page = client.get(reverse("recruitment:public-list")).content.decode()
    assert open_one.title in page and "Draft one" not in page and "Closed one" not in page


def test_opportunity_list_query_count_is_bounded(
    client, facilitator, method, django_assert_max_num_queries
):
    for number in range(12):
        make_opportunity(method, title=f"Opportunity {number}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("recruitment:list"))
    assert response.status_code == 200 and "Opportunity 11" in response.content.decode()


def test_invitations_list_query_count_does_not_grow_with_people(
    client, facilitator, method, django_assert_max_num_queries
):
    opportunity = make_opportunity(method, publish=True)
    people = [
        make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT]) for _ in range(3)
    ]
    services.invite(opportunity, people, by=facilitator, link="https://example.org/")
    url = reverse("recruitment:invitations", args=[opportunity.pk])
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    more = [
        make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT]) for _ in range(20)
    ]
    services.invite(opportunity, more, by=facilitator, link="https://example.org/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert all(escape(person.display_name) in page for person in more)
