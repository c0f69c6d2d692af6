"""Sending through GOV.UK Notify, with the real Python client talking to the fake Notify
(`coproduce.testing.fake_notify`), which checks the client's tokens as Notify does."""

import base64
import datetime
import io
import time

import jwt
import pytest
import requests
from django.core.management import call_command
from django.utils import timezone
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient
from pypdf import PdfReader

from coproduce.notifications import services
from coproduce.notifications.message import Message
from coproduce.notifications.models import DeliveryStatus, SentAs
from coproduce.people.models import Channel, ConsentPurpose, Format
from coproduce.testing.factories import OrganisationFactory, make_person

pytestmark = pytest.mark.django_db

CONTACT = ConsentPurpose.CONTACT
MESSAGE = Message(
    subject="Join our carers' reference group",
    body="Dear friend,\n\nWe are changing the carers' support service. Would you help?",
    link="https://coproduce.example/opportunities/12/",
)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Northshire County Council")


def person(organisation, **fields):
    return make_person(organisation, consents=[CONTACT], **fields)


def send(django_capture_on_commit_callbacks, who, key="invitation:1", message=MESSAGE):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send(who, message, purpose=CONTACT, key=key, topic="t:1")
    delivery.refresh_from_db()
    return delivery


def test_email_through_notify(organisation, fake_notify, django_capture_on_commit_callbacks):
    pat = person(organisation, email="pat@example.org")
    delivery = send(django_capture_on_commit_callbacks, pat)
    (sent,) = fake_notify.sent("email")
    assert delivery.status == DeliveryStatus.SENT and delivery.backend == "notify"
    assert delivery.provider_reference == sent["id"]
    assert sent["email_address"] == "pat@example.org"
    assert sent["reference"] == "invitation:1"  # the key: ids only, nothing personal
    assert sent["template"]["id"] == fake_notify.email_template.id
    assert sent["subject"] == MESSAGE.subject
    assert sent["body"].startswith("Dear friend") and sent["body"].endswith(MESSAGE.link)


def test_text_message_through_notify(organisation, fake_notify, django_capture_on_commit_callbacks):
    sam = person(organisation, preferred_channel=Channel.TEXT, mobile="+44 7700 900123")
    delivery = send(django_capture_on_commit_callbacks, sam)
    (sent,) = fake_notify.sent("sms")
    assert delivery.status == DeliveryStatus.SENT
    assert sent["phone_number"] == "07700900123"
    assert "We are changing" in sent["body"]


def test_a_standard_letter_uses_the_letter_template(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    ann = person(
        organisation,
        name="Ann Smith",
        preferred_channel=Channel.POST,
        address="12 Mill Lane\nNorthtown",
        postcode="NR1 1AA",
    )
    delivery = send(django_capture_on_commit_callbacks, ann)
    (sent,) = fake_notify.sent("letter")
    assert delivery.status == DeliveryStatus.SENT
    assert [sent[f"line_{n}"] for n in range(1, 5)] == [
        "Ann Smith",
        "12 Mill Lane",
        "Northtown",
        "NR1 1AA",
    ]
    assert sent["status"] == "accepted" and sent["subject"] == MESSAGE.subject


def test_large_print_and_easy_read_letters_go_as_our_own_pdf(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    ann = person(
        organisation,
        preferred_channel=Channel.POST,
        preferred_format=Format.LARGE_PRINT,
        address="12 Mill Lane\nNorthtown",
        postcode="NR1 1AA",
    )
    delivery = send(django_capture_on_commit_callbacks, ann)
    (sent,) = fake_notify.sent("letter")
    assert delivery.sent_as == SentAs.LARGE_PRINT
    assert sent["reference"] == delivery.key and sent["postage"] == "second"
    pdf = PdfReader(io.BytesIO(sent["pdf"]))
    assert len(pdf.pages) == 1
    sizes = []
    pdf.pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: sizes.append((text, size * cm[0]))
    )
    assert next(size for text, size in sizes if text.startswith("Dear friend")) >= 16


def test_notify_refusing_a_message_fails_it_at_once_with_notify_s_reason(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    landline = person(organisation, preferred_channel=Channel.TEXT, mobile="01632 960123")
    delivery = send(django_capture_on_commit_callbacks, landline)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.status_reason == (
        "GOV.UK Notify refused it: phone_number Not a UK mobile number"
    )
    assert delivery.attempts == 1 and delivery.next_attempt_at is None
    assert fake_notify.sent() == []


def test_a_wrong_api_key_is_refused_by_the_token_check(
    organisation, fake_notify, settings, django_capture_on_commit_callbacks
):
    service_and_key = fake_notify.api_key.rsplit("-", 5)[0]
    settings.NOTIFY_API_KEY = f"{service_and_key}-00000000-0000-0000-0000-000000000000"
    delivery = send(django_capture_on_commit_callbacks, person(organisation))
    assert delivery.status == DeliveryStatus.FAILED
    assert "Invalid token" in delivery.status_reason
    assert fake_notify.sent() == []


def test_an_address_notify_cannot_print_fails(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    one_line = person(
        organisation, preferred_channel=Channel.POST, address="Somewhere", postcode=""
    )
    delivery = send(django_capture_on_commit_callbacks, one_line)
    assert delivery.status == DeliveryStatus.FAILED
    assert "Address must be at least 3 lines" in delivery.status_reason


def test_a_notify_outage_is_retried_and_sent_once(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    fake_notify.fail_next(1)
    delivery = send(django_capture_on_commit_callbacks, person(organisation))
    assert delivery.status == DeliveryStatus.QUEUED
    assert "Internal server error" in delivery.last_error
    assert services.retry_due(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(fake_notify.sent()) == 1
    # The retry first asked Notify whether the first try had got through.
    assert ("GET", "/v2/notifications") in fake_notify.requests


def test_notify_accepting_then_failing_to_answer_is_not_sent_twice(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    fake_notify.crash_after_accepting(1)
    delivery = send(django_capture_on_commit_callbacks, person(organisation))
    # The client saw a dropped connection: a passing failure, to try again.
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    (kept,) = fake_notify.sent()
    services.retry_due(now=timezone.now() + datetime.timedelta(minutes=2))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_reference == kept["id"]
    assert "not sent again" in delivery.status_reason
    assert len(fake_notify.sent()) == 1
    assert fake_notify.requests.count(("POST", "/v2/notifications/email")) == 1


def test_a_worker_stopping_after_notify_took_the_message_is_not_sent_twice(
    organisation, fake_notify, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker is killed between Notify's answer and saving it: the delivery stays
    'sending'. Whoever picks it up later adopts Notify's message instead of sending again."""

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):
        raise Killed

    delivery = services.send(person(organisation), MESSAGE, purpose=CONTACT, key="k", topic="t")
    with monkeypatch.context() as patch:
        patch.setattr(services, "_mark_sent", killed)
        with pytest.raises(Killed):
            services.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING
    (kept,) = fake_notify.sent()
    assert services.retry_due() == 0  # it may still be sending: left alone for now
    services.retry_due(now=timezone.now() + services.SENDING_TIMEOUT)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_reference == kept["id"]
    assert len(fake_notify.sent()) == 1


def test_without_the_lookup_a_retry_would_have_sent_twice(
    organisation, fake_notify, monkeypatch, django_capture_on_commit_callbacks
):
    """The control for the two tests above: the lookup is what prevents the second copy."""
    from coproduce.notifications.backends import NotifyBackend

    monkeypatch.setattr(NotifyBackend, "find", lambda self, delivery, after_crash: None)
    fake_notify.crash_after_accepting(1)
    send(django_capture_on_commit_callbacks, person(organisation))
    services.retry_due(now=timezone.now() + datetime.timedelta(minutes=2))
    assert len(fake_notify.sent()) == 2


def test_statuses_are_refreshed_from_notify(
    organisation, fake_notify, django_capture_on_commit_callbacks
):
    emailed = send(django_capture_on_commit_callbacks, person(organisation), key="a")
    wrong = send(django_capture_on_commit_callbacks, person(organisation), key="b")
    posted = send(
        django_capture_on_commit_callbacks,
        person(
            organisation, preferred_channel=Channel.POST, address="1 Road\nTown", postcode="NR1 1AA"
        ),
        key="c",
    )
    fake_notify.set_status(emailed.provider_reference, "delivered")
    fake_notify.set_status(wrong.provider_reference, "permanent-failure")
    fake_notify.set_status(posted.provider_reference, "received")
    out = io.StringIO()
    call_command("notifications", "refresh", stdout=out)
    assert "3 statuses updated" in out.getvalue()
    for delivery in (emailed, wrong, posted):
        delivery.refresh_from_db()
    assert emailed.status == DeliveryStatus.DELIVERED
    assert wrong.status == DeliveryStatus.FAILED
    assert wrong.status_reason == "The email address or phone number is wrong."
    assert posted.status == DeliveryStatus.POSTED
    # Nothing changed since: nothing to update.
    assert services.refresh_statuses() == 0


def test_letters_can_stay_with_staff_when_notify_letters_are_off(
    organisation, fake_notify, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_LETTERS = False
    ann = person(
        organisation, preferred_channel=Channel.POST, address="1 Road\nTown", postcode="NR1 1AA"
    )
    delivery = send(django_capture_on_commit_callbacks, ann)
    assert delivery.status == DeliveryStatus.TO_PRINT
    assert fake_notify.sent() == []


# ----- The fake itself checks what the real service checks -------------------------------


def test_the_fake_refuses_tokens_that_are_old_unsigned_or_for_another_service(fake_notify):
    url = f"{fake_notify.base_url}/v2/notifications"

    def get(token):
        return requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)

    now = int(time.time())
    good = jwt.encode({"iss": fake_notify.service_id, "iat": now}, fake_notify.secret, "HS256")
    assert get(good).status_code == 200
    old = jwt.encode({"iss": fake_notify.service_id, "iat": now - 60}, fake_notify.secret, "HS256")
    assert get(old).json()["errors"][0]["message"] == (
        "Error: Your system clock must be accurate to within 30 seconds"
    )
    forged = jwt.encode(
        {"iss": fake_notify.service_id, "iat": now},
        "a-secret-that-is-not-the-service-s-own",
        "HS256",
    )
    assert get(forged).status_code == 403
    other = jwt.encode({"iss": "another-service", "iat": now}, fake_notify.secret, "HS256")
    assert get(other).status_code == 403
    assert requests.get(url, timeout=5).status_code == 401


def test_the_fake_answers_like_notify_for_the_real_client(fake_notify):
    client = NotificationsAPIClient(fake_notify.api_key, base_url=fake_notify.base_url)
    sent = client.send_email_notification(
        email_address="pat@example.org",
        template_id=fake_notify.email_template.id,
        personalisation={"subject": "Hello", "body": "Hi Pat"},
        reference="ref-1",
    )
    assert sent["content"] == {
        "subject": "Hello",
        "body": "Hi Pat",
        "from_email": "coproduce@notifications.invalid",
    }
    assert client.get_notification_by_id(sent["id"])["status"] == "created"
    assert client.get_all_notifications(reference="ref-1")["notifications"][0]["id"] == sent["id"]
    assert client.get_all_notifications(reference="ref-2")["notifications"] == []
    with pytest.raises(HTTPError) as missing:
        client.send_email_notification(
            email_address="pat@example.org",
            template_id=fake_notify.email_template.id,
            personalisation={"subject": "Hello"},
        )
    assert missing.value.status_code == 400
    assert missing.value.message == [
        {"error": "BadRequestError", "message": "Missing personalisation: body"}
    ]
    with pytest.raises(HTTPError) as not_pdf:
        client.post(
            "/v2/notifications/letter",
            {"reference": "x", "content": base64.b64encode(b"not a pdf").decode()},
        )
    assert not_pdf.value.message[0]["message"] == "Letter content is not a valid PDF"
