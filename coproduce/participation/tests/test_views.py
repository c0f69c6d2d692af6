"""Pages: forms keep what was typed and say what is wrong; the participant agrees online; the
gate on confidential event papers; draws from the page; list pages' queries do not grow."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coproduce.accounts.models import Role
from coproduce.events import services as event_services
from coproduce.events.models import Attendance
from coproduce.events.tests.factories import make_event
from coproduce.notifications.models import Delivery
from coproduce.participation import services
from coproduce.participation.models import (
    Agreement,
    AgreementKind,
    Briefing,
    InterestDeclaration,
    PrizeDraw,
    Recognition,
    TrainingOffer,
)
from coproduce.people import services as people_services
from coproduce.people.models import ConsentMethod, InvolvementKind
from coproduce.surveys import services as survey_services
from coproduce.surveys.tests.factories import make_question, make_response, make_survey
from coproduce.testing.factories import make_person, member

from .factories import give_sign_in, make_briefing, make_role, make_version, people_of

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_briefing_form_says_what_is_missing_and_keeps_what_was_typed():
    opportunity = make_role(people=1)
    client = signed_in(member(opportunity.organisation, Role.FACILITATOR))
    url = reverse("participation:briefing", args=[opportunity.pk])
    page = client.get(url).content.decode()
    assert escape(opportunity.purpose) in page  # a starting point from the opportunity
    refused = client.post(url, {"background": "", "what_happens": "Panel on 20 March."})
    body = refused.content.decode()
    assert refused.status_code == 200 and 'href="#id_background"' in body
    assert "Enter the background" in body and "Panel on 20 March." in body
    assert not Briefing.objects.exists()
    done = client.post(url, {"background": "Why we are here.", "what_happens": "Panel in March."})
    assert done.headers["Location"] == reverse("participation:opportunity", args=[opportunity.pk])
    assert Briefing.objects.get().easy_read_lines()


def test_sending_the_briefing_from_the_page():
    opportunity = make_role(people=2)
    make_briefing(opportunity)
    client = signed_in(member(opportunity.organisation, Role.FACILITATOR))
    response = client.post(
        reverse("participation:briefing-send", args=[opportunity.pk]), follow=True
    )
    assert "Briefing sent to 2 people" in response.content.decode()
    links = set(
        Delivery.objects.filter(topic__startswith="participation:briefing").values_list(
            "link", flat=True
        )
    )
    assert links == {
        f"http://testserver{reverse('participation:my-briefing', args=[opportunity.pk])}"
    }


def test_a_facilitator_records_an_agreement_made_on_paper():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    version = make_version(opportunity)
    facilitator = member(opportunity.organisation, Role.FACILITATOR)
    client = signed_in(facilitator)
    url = reverse("participation:agreement-record", args=[opportunity.pk])
    refused = client.post(url, {"person": person.pk, "version": version.pk, "agreed_on": ""})
    assert "Choose how they agreed." in refused.content.decode()
    client.post(
        url,
        {
            "person": person.pk,
            "version": version.pk,
            "method": ConsentMethod.PAPER,
            "agreed_on": "2026-03-02",
        },
    )
    agreement = Agreement.objects.get()
    assert agreement.method == ConsentMethod.PAPER and agreement.recorded_by == facilitator
    assert agreement.agreed_on == datetime.date(2026, 3, 2)


def test_a_new_version_starts_from_the_current_one():
    opportunity = make_role(people=0)
    make_version(opportunity)
    client = signed_in(member(opportunity.organisation, Role.COMMISSIONER))
    url = reverse("participation:agreement-new", args=[opportunity.pk, AgreementKind.ROLE])
    page = client.get(url).content.decode()
    assert "Read the bids and score them honestly." in page and "This will be version 2" in page


def test_the_participant_agrees_online_and_then_opens_the_confidential_papers(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    user = give_sign_in(person)
    event = make_event(opportunity.method)
    Attendance.objects.create(organisation_id=event.organisation_id, event=event, person=person)
    paper = event_services.add_paper(
        event,
        "Bids",
        SimpleUploadedFile("bids.pdf", b"%PDF-1.4 bids"),
        by=member(opportunity.organisation, Role.FACILITATOR),
    )
    version = make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    client = signed_in(user)
    download = reverse("events:paper-download", args=[event.pk, paper.pk])
    blocked = client.get(download)
    assert blocked.status_code == 302
    assert blocked.headers["Location"] == reverse("participation:mine")
    mine = client.get(reverse("participation:mine")).content.decode()
    assert reverse("participation:my-agree", args=[version.pk]) in mine
    agree = reverse("participation:my-agree", args=[version.pk])
    refused = client.post(agree, {})
    assert "Tick the box to say you agree" in refused.content.decode()
    client.post(agree, {"confirm": "on"})
    agreement = Agreement.objects.get(person=person)
    assert agreement.method == ConsentMethod.ONLINE and agreement.agreed_on == timezone.localdate()
    opened = client.get(download)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == b"%PDF-1.4 bids"


def test_an_older_version_link_goes_to_the_current_one():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    first = make_version(opportunity)
    second = make_version(opportunity)
    client = signed_in(give_sign_in(person))
    response = client.get(reverse("participation:my-agree", args=[first.pk]))
    assert response.headers["Location"] == reverse("participation:my-agree", args=[second.pk])


def test_the_participant_reads_the_easy_read_briefing_and_gets_a_certificate():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    person.preferred_format = "easy_read"
    person.save()
    briefing = make_briefing(opportunity, easy_read="We are choosing a new service.\nYou can help.")
    client = signed_in(give_sign_in(person))
    page = client.get(reverse("participation:my-briefing", args=[opportunity.pk])).content.decode()
    assert "We are choosing a new service." in page and "Read the standard version" in page
    standard = client.get(
        reverse("participation:my-briefing", args=[opportunity.pk]), {"version": "standard"}
    ).content.decode()
    assert briefing.background.replace("'", "&#x27;") in standard
    pdf = client.get(reverse("participation:my-briefing-pdf", args=[opportunity.pk, "easy-read"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    people_services.record_involvement(
        person, InvolvementKind.PANEL, timezone.localdate(), "Bid evaluation day"
    )
    url = reverse("participation:my-certificate")
    assert "Bid evaluation day" in client.get(url).content.decode()
    assert "Tick the box" in client.post(url, {}).content.decode()
    assert not Recognition.objects.exists()
    client.post(url, {"consent": "on"})
    recognition = Recognition.objects.get()
    assert recognition.consent_method == ConsentMethod.ONLINE
    pdf = client.get(reverse("participation:recognition-pdf", args=[recognition.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_a_draw_is_made_from_its_page_with_an_announced_seed():
    opportunity = make_role(people=0)
    organisation = opportunity.organisation
    survey = make_survey(organisation, anonymous=False, project=opportunity.project)
    make_question(survey)
    survey_services.open_survey(survey)
    for _ in range(3):
        make_response(survey, person=make_person(organisation, consents=["contact"]))
    client = signed_in(member(organisation, Role.FACILITATOR))
    created = client.post(
        reverse("participation:draw-new"),
        {
            "survey": survey.pk,
            "prize": "A £25 voucher",
            "winners_wanted": "1",
            "entries_close_on": timezone.localdate().isoformat(),
        },
    )
    draw = PrizeDraw.objects.get()
    assert created.headers["Location"] == reverse("participation:draw", args=[draw.pk])
    early = client.post(reverse("participation:draw-run", args=[draw.pk]), {"seed": "42"})
    assert early.status_code == 400 and "Entries are open until" in early.content.decode()
    PrizeDraw.objects.filter(pk=draw.pk).update(entries_close_at=timezone.now())
    client.post(reverse("participation:draw-run", args=[draw.pk]), {"seed": "42"})
    page = client.get(reverse("participation:draw", args=[draw.pk])).content.decode()
    assert "Checked" in page and "<code>42</code>" in page
    draw.refresh_from_db()
    assert draw.seed == "42" and draw.winners.count() == 1


def test_an_anonymous_survey_cannot_have_a_draw():
    opportunity = make_role(people=0)
    anonymous = make_survey(opportunity.organisation, anonymous=True)
    client = signed_in(member(opportunity.organisation, Role.FACILITATOR))
    response = client.post(
        reverse("participation:draw-new"),
        {
            "survey": anonymous.pk,
            "prize": "X",
            "winners_wanted": "1",
            "entries_close_on": "2026-1-1",
        },
    )
    assert "Select a valid choice" in response.content.decode() and not PrizeDraw.objects.exists()


def test_a_conflict_is_recorded_and_assessed_from_the_pages():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    organisation = opportunity.organisation
    client = signed_in(member(organisation, Role.COMMISSIONER))
    client.post(
        reverse("participation:conflict-new"),
        {
            "project": opportunity.project.pk,
            "person": person.pk,
            "nature": "Works for a provider that may bid.",
            "declared_on": timezone.localdate().isoformat(),
        },
    )
    declaration = InterestDeclaration.objects.get()
    url = reverse("participation:conflict-assess", args=[declaration.pk])
    refused = client.post(url, {"outcome": "managed", "mitigation": ""})
    assert "Say how the risk is managed" in refused.content.decode()
    client.post(url, {"outcome": "managed", "mitigation": "Learning shared in the tender."})
    declaration.refresh_from_db()
    assert declaration.outcome == "managed"
    page = client.get(reverse("participation:person", args=[person.pk])).content.decode()
    assert "Learning shared in the tender." in page


def test_training_places_are_offered_and_completed():
    opportunity = make_role(people=2)
    client = signed_in(member(opportunity.organisation, Role.FACILITATOR))
    client.post(
        reverse("participation:training-new"),
        {
            "project": opportunity.project.pk,
            "topic": "chairing",
            "title": "Chairing meetings",
            "starts_on": timezone.localdate().isoformat(),
            "cost": "120",
        },
    )
    assert not TrainingOffer.objects.exists()  # a cost needs a budget line
    response = client.post(
        reverse("participation:training-new"),
        {
            "project": opportunity.project.pk,
            "topic": "chairing",
            "title": "Chairing meetings",
            "starts_on": timezone.localdate().isoformat(),
        },
    )
    offer = TrainingOffer.objects.get()
    assert response.headers["Location"] == reverse("participation:training-detail", args=[offer.pk])
    people = people_of(opportunity)
    client.post(
        reverse("participation:training-detail", args=[offer.pk]),
        {"people": [p.pk for p in people]},
    )
    place = offer.places.get(person=people[0])
    client.post(reverse("participation:place", args=[place.pk]), {"status": "completed"})
    place.refresh_from_db()
    assert place.completed_on == timezone.localdate()


def test_list_pages_queries_do_not_grow(django_assert_max_num_queries):
    opportunity = make_role(people=2)
    organisation = opportunity.organisation
    facilitator = member(organisation, Role.FACILITATOR)
    client = signed_in(facilitator)
    make_briefing(opportunity)
    make_version(opportunity)

    def add_more():
        other = make_role(organisation, people=0)
        services.save_offer(
            TrainingOffer(
                project=other.project,
                topic="chairing",
                title="Chairing",
                starts_on=timezone.localdate(),
            )
        )
        services.declare_interest(
            InterestDeclaration(
                project=other.project,
                person=people_of(opportunity)[0],
                nature="An interest.",
                declared_on=timezone.localdate(),
                recorded_by=facilitator,
            )
        )

    pages = [
        reverse("participation:home"),
        reverse("participation:training"),
        reverse("participation:conflicts"),
        reverse("participation:opportunity", args=[opportunity.pk]),
    ]
    add_more()
    counts = {}
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            client.get(url)
        counts[url] = len(captured)
    for _ in range(4):
        add_more()
    for _ in range(3):
        from coproduce.testing.factories import make_application

        make_application(opportunity, status="selected")
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)
