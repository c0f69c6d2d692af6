import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.equality.models import EqualityAnswers
from coproduce.notifications.models import Delivery
from coproduce.people.models import ConsentMethod, ConsentPurpose, Person
from coproduce.recruitment.models import (
    Application,
    ApplicationStatus,
    OpportunityStatus,
    SelectionQuestion,
)
from coproduce.testing.factories import (
    OrganisationFactory,
    make_application,
    make_opportunity,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus
REQUIREMENTS = ["You care for someone in Northshire", "You are 18 or over"]
SESSIONS = ["Tuesday 3 March, 10am to 1pm", "Thursday 12 March, 2pm to 5pm"]


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Northshire County Council")


@pytest.fixture
def opportunity(organisation):
    opportunity = make_opportunity(
        organisation=organisation,
        publish=True,
        eligibility="\n".join(REQUIREMENTS),
        sessions="\n".join(SESSIONS),
        places=2,
        reserve_places=1,
    )
    SelectionQuestion.objects.create(
        organisation=organisation,
        opportunity=opportunity,
        feature="age_band",
        question="How old are you?",
        values=["18 to 34", "35 to 64", "65 or over"],
    )
    return opportunity


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR)


@pytest.fixture
def staff(client, facilitator):
    client.force_login(facilitator)
    return client


# What a person gives on each page, in order.
PAGES = [
    ("name", {"name": "Pat Evans"}),
    ("contact", {"preferred_channel": "email"}),
    ("contact-details", {"email": "pat.evans@example.org"}),
    ("format", {"preferred_format": "easy_read"}),
    ("eligibility", {"requirement_0": "yes", "requirement_1": "yes"}),
    ("availability", {"availability": [SESSIONS[1]]}),
    ("access-needs", {"access_needs": ["hearing_loop"], "access_notes": "", "keep_needs": "on"}),
    ("question-age_band", {"answer_age_band": "35 to 64"}),
    ("why", {"why_interested": "I look after my dad."}),
]


def step_url(application, step, **query):
    url = reverse("apply:step", args=[application.resume_key, step])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def start(client, opportunity):
    response = client.post(reverse("apply:start", args=[opportunity.pk]))
    application = Application.objects.latest("pk")
    assert response.url == step_url(application, "name")
    return application


def test_a_person_applies_one_question_per_page_without_javascript(client, opportunity):
    page = client.get(reverse("apply:start", args=[opportunity.pk])).content.decode()
    assert "Start now" in page and "Save and come back later" in page
    assert "What we do with your details" in page and "about 9 minutes" in page
    application = start(client, opportunity)

    for number, (step, data) in enumerate(PAGES):
        page = client.get(step_url(application, step)).content.decode()
        assert page.count("<h1") == 1, step
        main = page.split("<main")[1].split("</main>")[0]
        assert 'name="csrfmiddlewaretoken"' in main and "<script" not in main
        response = client.post(step_url(application, step), data)
        assert response.status_code == 302, (step, response.content.decode()[:2000])
        expected = (
            step_url(application, PAGES[number + 1][0])
            if number + 1 < len(PAGES)
            else reverse("apply:check", args=[application.resume_key])
        )
        assert response.url == expected

    check = client.get(reverse("apply:check", args=[application.resume_key])).content.decode()
    for shown in ("Pat Evans", "pat.evans@example.org", "Easy read", SESSIONS[1], "Hearing loop"):
        assert shown in check
    assert "You are 18 or over: Yes" in check and "35 to 64" in check
    assert step_url(application, "contact", **{"from": "check"}).replace("&", "&amp;") in check

    response = client.post(reverse("apply:check", args=[application.resume_key]))
    assert response.url == reverse("apply:sent", args=[application.resume_key])
    application.refresh_from_db()
    assert application.status == S.APPLIED
    person = Person.objects.get()
    assert application.person == person and person.preferred_format == "easy_read"
    assert {c.purpose for c in person.consents.all()} == {
        ConsentPurpose.CONTACT,
        ConsentPurpose.KEEP_NEEDS,
    }
    delivery = Delivery.objects.get()
    assert application.resume_key in delivery.link and delivery.sent_as == "easy_read"

    sent = client.get(response.url).content.decode()
    assert "Application sent" in sent and "Fran Hughes" in sent
    assert reverse("apply:equality", args=[application.resume_key]) in sent
    # Once sent, the questions cannot be changed through the link.
    response = client.post(step_url(application, "name"), {"name": "Someone Else"})
    assert response.url == reverse("apply:resume", args=[application.resume_key])
    assert Application.objects.get().name == "Pat Evans"


def test_the_way_of_contact_decides_the_next_page(client, opportunity):
    application = start(client, opportunity)
    client.post(step_url(application, "name"), {"name": "Sam Lewis"})
    client.post(step_url(application, "contact"), {"preferred_channel": "post"})
    page = client.get(step_url(application, "contact-details")).content.decode()
    assert "What is your address?" in page and 'autocomplete="postal-code"' in page
    assert 'name="email"' not in page
    response = client.post(
        step_url(application, "contact-details"),
        {"address": "12 High Street\nNorthtown", "postcode": "nr1 1aa"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.postcode == "NR1 1AA" and len(application.household) == 64


def test_a_mistake_is_explained_and_what_was_typed_is_kept(client, opportunity):
    application = start(client, opportunity)
    response = client.post(step_url(application, "name"), {"name": "   "})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#id_name"' in page and "Enter your full name." in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page

    client.post(step_url(application, "contact"), {"preferred_channel": "email"})
    page = client.post(step_url(application, "contact-details"), {"email": "pat@"}).content.decode()
    assert 'value="pat@"' in page and "in the right format" in page

    page = client.post(
        step_url(application, "format"), {"preferred_format": "interpreter", "language": ""}
    ).content.decode()
    assert 'value="interpreter" checked' in page and "Enter the language" in page

    page = client.post(
        step_url(application, "availability"),
        {"availability": [SESSIONS[0], "none-of-these"]},
    ).content.decode()
    assert "not both" in page
    assert f'value="{SESSIONS[0]}" checked' in page and 'value="none-of-these" checked' in page

    page = client.post(
        step_url(application, "why"), {"why_interested": "x" * 3001}
    ).content.decode()
    assert "x" * 3001 in page
    assert Application.objects.get().answered_steps == ["contact"]


def test_save_and_come_back_later_emails_a_link_that_restores_the_draft(client, opportunity):
    application = start(client, opportunity)
    client.post(step_url(application, "name"), {"name": "Pat Evans"})
    response = client.post(
        step_url(application, "contact"), {"preferred_channel": "email", "save_later": "1"}
    )
    save_url = reverse("apply:save", args=[application.resume_key])
    assert response.url == f"{save_url}?from=contact"
    page = client.get(response.url).content.decode()
    assert "Save and come back later" in page and 'autocomplete="email"' in page

    page = client.post(save_url, {"email": "pat@example.org"}).content.decode()
    assert "We have sent you a link" in page and "pat@example.org" in page
    body = mail.outbox[0].body
    link = re.search(r"http://testserver(/apply/continue/[^/\s]+/)", body).group(1)
    assert link == reverse("apply:resume", args=[application.resume_key])
    assert "Pat Evans" not in body

    later = Client()  # another day, another browser
    response = later.get(link)
    assert response.url == step_url(application, "contact-details")
    page = later.get(step_url(application, "contact")).content.decode()
    assert 'value="email" checked' in page


def test_save_later_on_an_empty_page_saves_nothing_and_asks_for_an_email(client, opportunity):
    application = start(client, opportunity)
    response = client.post(step_url(application, "name"), {"name": "", "save_later": "1"})
    assert response.url.startswith(reverse("apply:save", args=[application.resume_key]))
    page = client.post(response.url, {"email": "not an email"}).content.decode()
    assert "in the right format" in page and 'value="not an email"' in page
    assert not mail.outbox


def test_a_change_from_check_your_answers_goes_back_there(client, opportunity):
    application = make_application(opportunity, status="draft")
    check = reverse("apply:check", args=[application.resume_key])
    assert client.get(reverse("apply:resume", args=[application.resume_key])).url == check
    response = client.post(step_url(application, "name"), {"name": "Pat Evans", "from": "check"})
    assert response.url == check
    # A new way of contact needs its detail before going back.
    response = client.post(
        step_url(application, "contact"), {"preferred_channel": "text", "from": "check"}
    )
    assert response.url == step_url(application, "contact-details", **{"from": "check"})


def test_someone_who_does_not_meet_a_requirement_is_told_plainly(client, opportunity):
    application = make_application(opportunity, status="draft")
    response = client.post(
        step_url(application, "eligibility"), {"requirement_0": "yes", "requirement_1": "no"}
    )
    cannot = reverse("apply:not-eligible", args=[application.resume_key])
    assert response.url == cannot
    page = client.get(cannot).content.decode()
    assert "You cannot apply for this" in page and "You are 18 or over" in page
    assert "Fran Hughes, 01234 567890" in page and "change your answers" in page
    assert client.post(reverse("apply:check", args=[application.resume_key])).url == cannot
    assert not Person.objects.exists()


def test_closed_cancelled_and_draft_opportunities(client, organisation, opportunity):
    draft = make_application(opportunity, status="draft")
    opportunity.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    opportunity.save()
    response = client.get(reverse("apply:start", args=[opportunity.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "Applications have closed" in page
    assert "Fran Hughes" in page
    response = client.get(step_url(draft, "name"))
    assert response.status_code == 200 and "Your answers were not sent" in response.content.decode()
    assert client.post(reverse("apply:start", args=[opportunity.pk])).status_code == 200
    assert Application.objects.count() == 1

    opportunity.status = OpportunityStatus.CANCELLED
    opportunity.save()
    response = client.get(reverse("apply:start", args=[opportunity.pk]))
    assert response.status_code == 410 and "cancelled" in response.content.decode()

    unpublished = make_opportunity(organisation=organisation)
    assert client.get(reverse("apply:start", args=[unpublished.pk])).status_code == 404
    assert client.get(reverse("apply:resume", args=["not-a-key"])).status_code == 404


def test_every_form_needs_its_csrf_token(opportunity):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("apply:start", args=[opportunity.pk])).status_code == 403
    application = make_application(opportunity, status="draft")
    response = strict.post(step_url(application, "name"), {"name": "Someone"})
    assert response.status_code == 403


def test_the_equality_questions_are_optional_and_need_their_own_agreement(client, opportunity):
    application = make_application(opportunity)
    url = reverse("apply:equality", args=[application.resume_key])
    page = client.get(url).content.decode()
    assert "What is your sex?" in page and "not</strong> part of your application" in page
    assert "Only a few named staff at Northshire County Council" in page

    page = client.post(url, {"sex": "female", "religion": "prefer_not_to_say"}).content.decode()
    assert "tick the box to say you agree" in page
    assert 'value="female" checked' in page
    assert not EqualityAnswers.objects.exists()

    response = client.post(url, {"agree": "on", "sex": "female"})
    assert response.url == reverse("apply:resume", args=[application.resume_key])
    assert EqualityAnswers.objects.get(person=application.person).sex == "female"
    assert "Your answers are saved" in client.get(response.url).content.decode()
    assert client.get(url).status_code == 302  # offered once


def test_the_applicant_withdraws_from_their_private_link(client, opportunity):
    application = make_application(opportunity, status=S.SHORTLISTED)
    status_page = reverse("apply:resume", args=[application.resume_key])
    page = client.get(status_page).content.decode()
    assert "You are on our shortlist" in page and "Withdraw your application" in page
    url = reverse("apply:withdraw", args=[application.resume_key])
    assert "Are you sure" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Too far to travel."})
    assert response.url == status_page
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN and "Too far to travel." in application.status_reason
    assert client.get(url).status_code == 302


# Staff pages


def test_the_list_counts_each_status_and_summarises_places(staff, opportunity):
    for status in (S.APPLIED, S.SELECTED, S.CONFIRMED, S.RESERVE, S.NOT_SELECTED):
        make_application(opportunity, status=status)
    make_application(opportunity, status="draft")
    url = reverse("applications:list", args=[opportunity.pk])
    page = staff.get(url).content.decode()
    assert "Selected <strong>2 of 2</strong>" in page and "Reserves <strong>1 of 1</strong>" in page
    assert "All (5)" in page and "Not selected (1)" in page
    assert "5 applications" in page
    page = staff.get(url, {"status": "reserve"}).content.decode()
    assert "1 application shown" in page


def test_the_list_runs_the_same_queries_for_3_or_30_applications(staff, opportunity, settings):
    url = reverse("applications:list", args=[opportunity.pk])

    def count():
        staff.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url).status_code == 200
        return len(queries)

    for _ in range(3):
        make_application(opportunity, access_needs=["transport"])
    few = count()
    for _ in range(27):
        make_application(opportunity, access_needs=["transport", "quiet_room"])
    assert count() == few
    assert few <= 12


def test_shortlisting_several_at_once(staff, opportunity):
    applications = [make_application(opportunity) for _ in range(3)]
    Delivery.objects.all().delete()
    url = reverse("applications:list", args=[opportunity.pk])
    response = staff.post(
        url,
        {"applications": [a.pk for a in applications[:2]], "status": "shortlisted", "notify": "on"},
    )
    assert response.status_code == 302
    statuses = [Application.objects.get(pk=a.pk).status for a in applications]
    assert statuses == [S.SHORTLISTED, S.SHORTLISTED, S.APPLIED]
    assert Delivery.objects.count() == 2
    messages = staff.get(url).content.decode()
    assert "2 applications moved to shortlisted. They have been told." in messages


def test_a_bulk_move_that_needs_a_reason_keeps_the_ticks(staff, opportunity):
    applications = [make_application(opportunity) for _ in range(2)]
    url = reverse("applications:list", args=[opportunity.pk])
    page = staff.post(
        url, {"applications": [applications[0].pk], "status": "not_selected", "reason": ""}
    ).content.decode()
    assert "Say why they were not offered a place" in page
    assert f'value="{applications[0].pk}" id="id_applications_0" checked' in page
    assert f'value="{applications[1].pk}" id="select-{applications[1].pk}">' in page


def test_the_application_page_shows_answers_and_records_looking_at_fair_mix_answers(
    staff, opportunity, facilitator
):
    application = make_application(
        opportunity,
        access_needs=["bsl_interpreter"],
        access_notes="Please send papers a week early.",
        selection_answers={"age_band": "65 or over"},
    )
    page = staff.get(reverse("applications:detail", args=[application.pk])).content.decode()
    for shown in (
        application.name,
        "British Sign Language interpreter",
        "Please send papers a week early.",
        "You are 18 or over",
        "How old are you?",
        "65 or over",
        "We have your application",
        "Online, by the person",
    ):
        assert shown in page, shown
    viewed = AuditEvent.objects.get(action="view")
    assert viewed.actor_id == facilitator.pk and viewed.object_id == str(application.pk)


def test_drafts_are_private_to_the_person(staff, opportunity):
    draft = make_application(opportunity, status="draft")
    assert staff.get(reverse("applications:detail", args=[draft.pk])).status_code == 404


def test_changing_status_needs_a_reason_where_owed_and_can_skip_telling_them(staff, opportunity):
    application = make_application(opportunity)
    url = reverse("applications:status", args=[application.pk])
    page = staff.get(url).content.decode()
    assert 'name="notify" type="checkbox" value="on" checked' in page
    page = staff.post(url, {"status": "not_selected", "reason": ""}).content.decode()
    assert "Say why they were not offered a place" in page
    assert 'value="not_selected" checked' in page
    deliveries = Delivery.objects.count()
    response = staff.post(url, {"status": "not_selected", "reason": "We had many applicants."})
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert Delivery.objects.count() == deliveries  # notify was not ticked
    application.refresh_from_db()
    assert application.status == S.NOT_SELECTED
    assert "cannot move any further" in staff.get(url).content.decode()


def test_changing_status_tells_the_person_when_ticked(staff, opportunity):
    application = make_application(opportunity)
    url = reverse("applications:status", args=[application.pk])
    staff.post(url, {"status": "selected", "notify": "on"})
    delivery = Delivery.objects.get(key=f"application:{application.pk}:selected:2")
    assert "offer you a place" in delivery.body


def test_confirming_beyond_the_places_asks_first(staff, opportunity):
    for _ in range(2):
        make_application(opportunity, status=S.CONFIRMED)
    extra = make_application(opportunity, status=S.SELECTED)
    url = reverse("applications:status", args=[extra.pk])
    page = staff.post(url, {"status": "confirmed"}).content.decode()
    assert "would confirm 3 people for 2 places" in page
    staff.post(url, {"status": "confirmed", "beyond_places": "on"})
    assert Application.objects.get(pk=extra.pk).status == S.CONFIRMED


def staff_entry(**overrides):
    data = {
        "source": "paper",
        "person": "",
        "name": "Sam Lewis",
        "preferred_channel": "post",
        "email": "",
        "phone": "",
        "address": "3 Mill Lane\nNorthtown",
        "postcode": "NR2 4BB",
        "preferred_format": "large_print",
        "language": "",
        "requirement_0": "yes",
        "requirement_1": "yes",
        "availability": [SESSIONS[0]],
        "access_needs": ["none-of-these"],
        "access_notes": "",
        "answer_age_band": "prefer_not_to_say",
        "why_interested": "",
        "agreed_contact": "on",
    }
    data.update(overrides)
    return data


def test_a_facilitator_enters_a_paper_application(staff, opportunity, facilitator):
    url = reverse("applications:new", args=[opportunity.pk])
    page = staff.get(url).content.decode()
    assert "How did they apply?" in page and "Online, by the person" not in page
    response = staff.post(url, staff_entry())
    application = Application.objects.get()
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert application.source == "paper" and application.entered_by == facilitator
    assert application.selection_answers == {"age_band": "prefer_not_to_say"}
    assert application.access_needs == [] and application.household
    consent = application.person.consents.get()
    assert consent.method == ConsentMethod.PAPER and consent.recorded_by == facilitator


def test_a_facilitator_finds_someone_in_the_register_to_fill_in_their_details(
    staff, organisation, opportunity
):
    person = make_person(organisation, name="Margaret Okoro", email="maggie@example.org")
    url = reverse("applications:new", args=[opportunity.pk])
    page = staff.get(url, {"q": "okoro"}).content.decode()
    assert f"?person={person.pk}" in page
    page = staff.get(url, {"person": person.pk}).content.decode()
    assert 'value="Margaret Okoro"' in page and 'value="maggie@example.org"' in page
    assert f'name="person" value="{person.pk}"' in page
    staff.post(
        url,
        staff_entry(
            person=person.pk, name="Margaret Okoro", preferred_channel="email", email=person.email
        ),
    )
    assert Application.objects.get().person == person and Person.objects.count() == 1


def test_staff_entry_mistakes_keep_what_was_typed_and_explain_ineligibility(staff, opportunity):
    url = reverse("applications:new", args=[opportunity.pk])
    page = staff.post(url, staff_entry(address="", agreed_contact="")).content.decode()
    assert "Enter their postal address, or choose another way to contact them." in page
    assert 'value="Sam Lewis"' in page and "tick the box" in page
    page = staff.post(url, staff_entry(requirement_1="no")).content.decode()
    assert "They cannot apply: they said this is not true for them: You are 18 or over" in page
    assert not Application.objects.exists()
