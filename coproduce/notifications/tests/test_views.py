import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.notifications import services
from coproduce.notifications.message import Message
from coproduce.notifications.models import Delivery, DeliveryStatus
from coproduce.people.models import Channel, ConsentPurpose, Format
from coproduce.testing.factories import OrganisationFactory, make_person, member

pytestmark = pytest.mark.django_db

CONTACT = ConsentPurpose.CONTACT
MESSAGE = Message(subject="Join our carers' group", body="Dear friend,\n\nWould you help us?")


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(client, organisation):
    user = member(organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


def deliver(organisation, topic="invitation:opportunity:1", consents=(CONTACT,), **fields):
    person = make_person(organisation, consents=list(consents), **fields)
    return services.send(
        person, MESSAGE, purpose=CONTACT, key=f"{topic}:person:{person.pk}", topic=topic
    )


def letter(organisation, topic="invitation:opportunity:1", **fields):
    fields = {"address": "12 Mill Lane\nNorthtown", "postcode": "NR1 1AA", **fields}
    return deliver(organisation, topic, preferred_channel=Channel.POST, **fields)


def test_the_outbox_runs_the_same_queries_for_3_or_30_messages(client, facilitator, organisation):
    def add(count):
        for index in range(count):
            deliver(organisation, consents=(CONTACT,) if index % 3 else ())
            letter(organisation)

    def count_queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [
        reverse("notifications:outbox"),
        reverse("notifications:outbox") + "?status=held&route=email&topic=invitation:opportunity:1",
        reverse("notifications:letters"),
        reverse("notifications:calls"),
        reverse("notifications:formats"),
    ]
    add(2)
    few = [count_queries(url) for url in urls]
    add(13)
    many = [count_queries(url) for url in urls]
    assert few == many
    assert max(many) <= 10


def test_the_outbox_filters_and_shows_only_this_organisation(client, facilitator, organisation):
    held = deliver(organisation, consents=())
    queued = deliver(organisation, topic="acknowledgement:application:4")
    elsewhere = deliver(OrganisationFactory())
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert held.person.display_name in page and queued.person.display_name in page
    assert elsewhere.person.display_name not in page
    held_only = client.get(reverse("notifications:outbox") + "?status=held").content.decode()
    assert held.person.display_name in held_only
    assert queued.person.display_name not in held_only
    by_topic = client.get(
        reverse("notifications:outbox") + "?topic=acknowledgement:application:4"
    ).content.decode()
    assert queued.person.display_name in by_topic
    assert held.person.display_name not in by_topic


def test_the_outbox_keeps_the_filters_across_pages(client, facilitator, organisation, settings):
    settings.COPRODUCE_PAGE_SIZE = 2
    for _ in range(3):
        deliver(organisation, consents=())
    page = client.get(reverse("notifications:outbox") + "?status=held").content.decode()
    assert "?status=held&amp;page=2" in page


def test_a_message_shows_what_was_sent_and_in_what_format(client, facilitator, organisation):
    delivery = deliver(organisation, preferred_format=Format.BRAILLE)
    page = client.get(reverse("notifications:delivery", args=[delivery.pk])).content.decode()
    assert "Would you help us?" in page
    assert "braille" in page
    assert "Coproduce sent the standard version" in page
    other = deliver(OrganisationFactory())
    assert client.get(reverse("notifications:delivery", args=[other.pk])).status_code == 404


def test_the_letter_pack_and_mark_as_posted_cover_the_same_letters(
    client, facilitator, organisation
):
    first = letter(organisation)
    second = letter(organisation, preferred_format=Format.LARGE_PRINT)
    other_topic = letter(organisation, topic="acknowledgement:application:9")
    page = client.get(reverse("notifications:letters")).content.decode()
    assert f"upto={second.pk}" in page and f"upto={other_topic.pk}" in page
    # A letter made after the page was shown is in neither the pack nor the posting.
    late = letter(organisation)
    query = f"?topic=invitation:opportunity:1&upto={second.pk}"
    response = client.get(reverse("notifications:letter-pack") + query)
    assert response["Content-Type"] == "application/pdf"
    pack = PdfReader(io.BytesIO(response.content))
    assert len(pack.pages) == 2
    assert first.person.name in pack.pages[0].extract_text()
    response = client.post(
        reverse("notifications:letters-posted"),
        {"topic": "invitation:opportunity:1", "upto": second.pk},
    )
    assert response.status_code == 302
    statuses = dict(Delivery.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == DeliveryStatus.POSTED
    assert statuses[other_topic.pk] == statuses[late.pk] == DeliveryStatus.TO_PRINT
    posted = AuditEvent.objects.filter(
        model="notifications.delivery", object_id=str(first.pk), action="update"
    ).last()
    assert posted.actor_id == facilitator.pk
    assert posted.changes["status"] == ["to_print", "posted"]


def test_one_pack_for_every_letter_waiting(client, facilitator, organisation):
    letters = [letter(organisation), letter(organisation, topic="other:1")]
    upto = max(d.pk for d in letters)
    response = client.get(reverse("notifications:letter-pack") + f"?all_topics=on&upto={upto}")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 2
    client.post(reverse("notifications:letters-posted"), {"all_topics": "on", "upto": upto})
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.POSTED}


def test_one_letter_can_be_downloaded_from_its_page(client, facilitator, organisation):
    delivery = letter(organisation)
    response = client.get(reverse("notifications:letter", args=[delivery.pk]))
    assert response.content.startswith(b"%PDF")
    emailed = deliver(organisation)
    assert client.get(reverse("notifications:letter", args=[emailed.pk])).status_code == 404


def test_recording_a_call(client, facilitator, organisation):
    delivery = deliver(organisation, preferred_channel=Channel.PHONE, landline="01632 960123")
    calls = client.get(reverse("notifications:calls")).content.decode()
    assert "01632 960123" in calls
    url = reverse("notifications:record-contact", args=[delivery.pk])
    page = client.get(url).content.decode()
    assert "Would you help us?" in page
    response = client.post(url, {"outcome": ""})
    assert "Select" in response.content.decode() or "required" in response.content.decode()
    response = client.post(url, {"outcome": "reached", "notes": "Coming on Tuesday."})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CALLED and delivery.done_by == facilitator
    assert "01632 960123" not in client.get(reverse("notifications:calls")).content.decode()


def test_marking_a_format_as_done(client, facilitator, organisation):
    delivery = deliver(organisation, preferred_format=Format.INTERPRETER, language="Polish")
    page = client.get(reverse("notifications:formats")).content.decode()
    assert "Polish" in page
    client.post(reverse("notifications:format-done", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.format_done_by == facilitator
    assert "Nothing to make." in client.get(reverse("notifications:formats")).content.decode()


def test_the_menu_shows_messages_to_those_who_may_see_them(client, organisation):
    client.force_login(member(organisation, Role.COMMISSIONER))
    assert reverse("notifications:outbox") in client.get(reverse("people:list")).content.decode()
    client.force_login(member(organisation, Role.FINANCE_APPROVER))
    assert (
        reverse("notifications:outbox") not in client.get(reverse("people:list")).content.decode()
    )
