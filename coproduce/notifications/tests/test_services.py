import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import default_task_backend
from pypdf import PdfReader

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.audit.selectors import verify_chain
from coproduce.dataprotection.export import build_export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.notifications import selectors, services
from coproduce.notifications.message import Message
from coproduce.notifications.models import (
    CallOutcome,
    Delivery,
    DeliveryStatus,
    Route,
    SentAs,
)
from coproduce.people import services as people_services
from coproduce.people.models import Channel, Consent, ConsentPurpose, Format, Person
from coproduce.testing.factories import OrganisationFactory, make_person, member

pytestmark = pytest.mark.django_db

CONTACT = ConsentPurpose.CONTACT
MESSAGE = Message(
    subject="Join our carers' reference group",
    body="Dear friend,\n\nWe are changing the carers' support service. Would you help?",
    easy_read=["We want to change a service.", "Will you help us?"],
    link="https://coproduce.example/opportunities/12/",
    sign_off="Fran Hughes\nInvolvement team",
)
PLAIN = Message(subject="Your meeting", body="The meeting is on Tuesday at 10am.")


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Northshire County Council")


@pytest.fixture
def email_backend(settings):
    settings.NOTIFICATIONS_BACKEND = "email"


def person(organisation, consents=(CONTACT,), **fields):
    return make_person(organisation, consents=list(consents), **fields)


def send(django_capture_on_commit_callbacks, who, message=MESSAGE, key=None, **options):
    """Sends and runs the background task as the worker would, after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send(
            who,
            message,
            purpose=options.pop("purpose", CONTACT),
            key=key or f"test:person:{who.pk}",
            topic=options.pop("topic", "test:topic:1"),
            **options,
        )
    delivery.refresh_from_db()
    return delivery


# ----- The consent gate and idempotency ------------------------------------------------------


def test_without_consent_it_is_held_with_the_reason_and_nothing_is_sent(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    nobody_asked = person(organisation, consents=())
    with django_capture_on_commit_callbacks() as callbacks:
        delivery = services.send(nobody_asked, MESSAGE, purpose=CONTACT, key="k:1", topic="t")
    assert delivery.status == DeliveryStatus.HELD
    assert "No consent" in delivery.status_reason
    assert callbacks == []  # nothing handed to the worker
    assert mail.outbox == []


def test_consent_for_another_purpose_does_not_count(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    quotes_only = person(organisation, consents=[ConsentPurpose.QUOTES_PHOTOS])
    delivery = send(django_capture_on_commit_callbacks, quotes_only)
    assert delivery.status == DeliveryStatus.HELD
    assert mail.outbox == []


def test_merged_and_pseudonymised_people_are_held(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    keep, duplicate, gone = (person(organisation) for _ in range(3))
    people_services.merge_people(keep, duplicate)
    pseudonymise_person(gone)
    merged = send(django_capture_on_commit_callbacks, Person.objects.get(pk=duplicate.pk))
    removed = send(django_capture_on_commit_callbacks, Person.objects.get(pk=gone.pk))
    assert merged.status == removed.status == DeliveryStatus.HELD
    assert "merged" in merged.status_reason
    assert "removed" in removed.status_reason
    assert mail.outbox == []


def test_the_same_key_sends_once(organisation, email_backend, django_capture_on_commit_callbacks):
    pat = person(organisation)
    first = send(django_capture_on_commit_callbacks, pat, key="invitation:7")
    again = send(django_capture_on_commit_callbacks, pat, key="invitation:7")
    assert again.pk == first.pk
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1
    with pytest.raises(ValueError, match="someone else"):
        services.send(person(organisation), MESSAGE, purpose=CONTACT, key="invitation:7")


# ----- Channels ------------------------------------------------------------------------------


def test_email_goes_as_plain_text_and_html_from_the_organisation(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation, email="pat@example.org")
    delivery = send(django_capture_on_commit_callbacks, pat)
    assert delivery.status == DeliveryStatus.SENT and delivery.sent_at is not None
    assert (delivery.route, delivery.recipient, delivery.attempts) == (Route.EMAIL, pat.email, 1)
    (email,) = mail.outbox
    assert email.to == ["pat@example.org"]
    assert email.subject == MESSAGE.subject
    assert email.from_email.startswith("Northshire County Council <")
    assert email.reply_to == [organisation.contact_email]
    assert "We are changing the carers' support service." in email.body
    assert email.body.endswith(MESSAGE.link)
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "We are changing the carers&#x27; support service." in html
    assert f'href="{MESSAGE.link}"' in html


def test_the_outbox_backend_keeps_messages_and_sends_nothing(
    organisation, django_capture_on_commit_callbacks
):
    sam = person(organisation, preferred_channel=Channel.TEXT, mobile="07700 900123")
    delivery = send(django_capture_on_commit_callbacks, sam)
    assert delivery.backend == "outbox"
    assert delivery.status == DeliveryStatus.SENT
    assert "nothing leaves" in delivery.status_reason
    assert mail.outbox == []


def test_texts_without_notify_are_sent_by_hand_from_the_call_list(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    sam = person(organisation, preferred_channel=Channel.TEXT, mobile="07700 900123")
    delivery = send(django_capture_on_commit_callbacks, sam)
    assert (delivery.status, delivery.route) == (DeliveryStatus.TO_CALL, Route.TEXT)
    assert list(selectors.call_list(organisation)) == [delivery]
    assert mail.outbox == []


def test_letters_without_notify_wait_to_be_printed(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    ann = person(
        organisation,
        preferred_channel=Channel.POST,
        address="12 Mill Lane\nNorthtown",
        postcode="NR1 1AA",
        email="",
    )
    delivery = send(django_capture_on_commit_callbacks, ann)
    assert delivery.status == DeliveryStatus.TO_PRINT
    assert delivery.recipient == "12 Mill Lane\nNorthtown\nNR1 1AA"
    assert selectors.letters_waiting(organisation) == [
        {"topic": "test:topic:1", "count": 1, "upto": delivery.pk, "large_print": 0, "easy_read": 0}
    ]


def test_people_who_want_a_call_go_on_the_call_list_with_what_to_say(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    officer = member(organisation, Role.FACILITATOR)
    margaret = person(organisation, preferred_channel=Channel.PHONE, landline="01632 960123")
    delivery = send(django_capture_on_commit_callbacks, margaret)
    assert (delivery.status, delivery.recipient) == (DeliveryStatus.TO_CALL, "01632 960123")
    assert "We are changing" in delivery.body
    services.record_contact(delivery, CallOutcome.NO_ANSWER, "", officer)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.TO_CALL and "No answer" in delivery.status_reason
    services.record_contact(delivery, CallOutcome.REACHED, "She will come.", officer)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CALLED
    assert delivery.done_by == officer and "She will come." in delivery.outcome
    assert "No answer" in delivery.outcome  # both tries stay on record


def test_through_a_carer_by_email_says_who_it_is_for(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    sam = person(
        organisation,
        name="Sam Lewis",
        preferred_channel=Channel.VIA,
        via_name="Jo Lewis",
        via_relationship="carer",
        via_contact="jo.lewis@example.org",
        email="",
    )
    delivery = send(django_capture_on_commit_callbacks, sam)
    assert (delivery.route, delivery.via, delivery.recipient_name) == (
        Route.EMAIL,
        True,
        "Jo Lewis",
    )
    (email,) = mail.outbox
    assert email.to == ["jo.lewis@example.org"]
    assert email.body.startswith("This message is for Sam Lewis. Please pass it on to them.")


def test_through_someone_without_email_goes_on_the_call_list(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    sam = person(
        organisation,
        preferred_channel=Channel.VIA,
        via_name="Northtown Advocacy",
        via_relationship="organisation",
        via_contact="01632 960000",
    )
    delivery = send(django_capture_on_commit_callbacks, sam)
    assert (delivery.status, delivery.recipient) == (DeliveryStatus.TO_CALL, "01632 960000")
    assert mail.outbox == []


def test_missing_contact_details_fail_with_the_reason(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation)
    Person.objects.filter(pk=pat.pk).update(email="")
    delivery = send(django_capture_on_commit_callbacks, Person.objects.get(pk=pat.pk))
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.status_reason == "No email address recorded."


# ----- Formats -------------------------------------------------------------------------------


def test_easy_read_uses_the_sentences(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation, preferred_format=Format.EASY_READ)
    delivery = send(django_capture_on_commit_callbacks, pat)
    assert delivery.sent_as == SentAs.EASY_READ and not delivery.easy_read_missing
    assert delivery.body == "We want to change a service.\n\nWill you help us?"
    (email,) = mail.outbox
    assert email.body.startswith("We want to change a service.\n\nWill you help us?")
    assert "Dear friend" not in email.body
    assert "<td" in email.alternatives[0][0] and "font-size:24px" in email.alternatives[0][0]


def test_easy_read_missing_sends_the_standard_version_and_says_so(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation, preferred_format=Format.EASY_READ)
    delivery = send(django_capture_on_commit_callbacks, pat, message=PLAIN)
    assert delivery.sent_as == SentAs.STANDARD and delivery.easy_read_missing
    assert delivery.status == DeliveryStatus.SENT
    assert mail.outbox[0].body == PLAIN.body


def test_formats_coproduce_cannot_make_are_sent_standard_and_put_on_the_to_do_list(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    officer = member(organisation, Role.FACILITATOR)
    reader = person(organisation, preferred_format=Format.BRAILLE)
    speaker = person(
        organisation,
        preferred_format=Format.INTERPRETER,
        language="Polish",
        preferred_channel=Channel.PHONE,
        mobile="07700 900456",
    )
    braille = send(django_capture_on_commit_callbacks, reader)
    interpreter = send(django_capture_on_commit_callbacks, speaker)
    assert (braille.status, braille.sent_as, braille.needs_format) == (
        DeliveryStatus.SENT,
        SentAs.STANDARD,
        Format.BRAILLE,
    )
    assert interpreter.status == DeliveryStatus.TO_CALL
    assert interpreter.needs_format == Format.INTERPRETER
    assert list(selectors.format_to_dos(organisation)) == [braille, interpreter]
    services.mark_format_done(braille, officer)
    assert list(selectors.format_to_dos(organisation)) == [interpreter]


def test_large_print_letters_are_printed_large(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    ann = person(
        organisation,
        preferred_channel=Channel.POST,
        preferred_format=Format.LARGE_PRINT,
        address="12 Mill Lane, Northtown",
        postcode="NR1 1AA",
    )
    bob = person(
        organisation, preferred_channel=Channel.POST, address="3 High Street", postcode="NR2 2BB"
    )
    large = send(django_capture_on_commit_callbacks, ann)
    standard = send(django_capture_on_commit_callbacks, bob)
    assert (large.sent_as, standard.sent_as) == (SentAs.LARGE_PRINT, SentAs.STANDARD)
    from coproduce.notifications.rendering import letter_pack

    pdf = PdfReader(io.BytesIO(letter_pack([large, standard])))
    assert len(pdf.pages) == 2

    def body_points(page):
        sizes = []
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: sizes.append((text, size * cm[0]))
        )
        return next(size for text, size in sizes if text.startswith("Dear friend"))

    assert body_points(pdf.pages[0]) >= 16
    assert body_points(pdf.pages[1]) == pytest.approx(12, abs=0.1)
    assert ann.name in pdf.pages[0].extract_text() and "NR1 1AA" in pdf.pages[0].extract_text()


# ----- The background worker: retries, never twice --------------------------------------------


class FlakyEmail(LocmemBackend):
    """The email server is down for the next `failures` messages."""

    failures = 0

    def send_messages(self, messages):
        if FlakyEmail.failures:
            FlakyEmail.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_email(settings, email_backend):
    settings.EMAIL_BACKEND = "coproduce.notifications.tests.test_services.FlakyEmail"
    yield FlakyEmail
    FlakyEmail.failures = 0


def test_a_passing_failure_is_tried_again_later_and_sent_once(
    organisation, flaky_email, django_capture_on_commit_callbacks
):
    flaky_email.failures = 1
    pat = person(organisation)
    delivery = send(django_capture_on_commit_callbacks, pat)
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 1 and "Connection unexpectedly closed" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    # Not due yet: nothing happens.
    assert services.retry_due() == 0
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert services.retry_due(now=later) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(mail.outbox) == 1
    assert services.retry_due(now=later + datetime.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_after_the_last_try_it_fails_with_the_reason(
    organisation, flaky_email, django_capture_on_commit_callbacks
):
    flaky_email.failures = services.MAX_ATTEMPTS
    delivery = send(django_capture_on_commit_callbacks, person(organisation))
    when = timezone.now()
    for _ in range(services.MAX_ATTEMPTS):
        when += datetime.timedelta(hours=3)
        services.retry_due(now=when)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.status_reason == f"Tried {services.MAX_ATTEMPTS} times without success."
    assert mail.outbox == []


def test_with_a_queue_that_can_wait_the_retry_is_enqueued_to_run_later(
    organisation, flaky_email, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    flaky_email.failures = 1
    delivery = services.send(person(organisation), MESSAGE, purpose=CONTACT, key="k", topic="t")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attempt(delivery.pk) == "retry"
    delivery.refresh_from_db()
    retry = default_task_backend.results[-1]
    assert retry.task.name == "deliver" and retry.args == [delivery.pk]
    assert retry.task.run_after == delivery.next_attempt_at


def test_a_worker_that_stopped_while_emailing_never_sends_again(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    delivery = services.send(person(organisation), MESSAGE, purpose=CONTACT, key="k", topic="t")
    # The worker marked it sending, then stopped (no exception reached our code).
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, attempts=1)
    assert services.retry_due() == 0  # not long enough ago to be a stopped worker
    services.retry_due(now=timezone.now() + services.SENDING_TIMEOUT)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "may or may not have gone" in delivery.status_reason
    assert mail.outbox == []


def test_consent_withdrawn_before_sending_stops_it(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat, sam = (
        person(organisation),
        person(organisation, preferred_channel=Channel.PHONE, mobile="07700 900789"),
    )
    queued = services.send(pat, MESSAGE, purpose=CONTACT, key="k1", topic="t")
    to_call = send(django_capture_on_commit_callbacks, sam, key="k2")
    # The register's own withdrawal holds anything waiting, for the worker or for staff.
    people_services.withdraw_consent(sam, CONTACT, None)
    to_call.refresh_from_db()
    assert to_call.status == DeliveryStatus.HELD
    # And the worker asks the gate again itself, whatever route the withdrawal took.
    Consent.objects.filter(person=pat).update(withdrawn_at=timezone.now())
    assert services.attempt(queued.pk) == "nothing to do"
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.HELD
    assert mail.outbox == []


def test_two_workers_on_the_same_delivery_send_it_once(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    delivery = services.send(person(organisation), MESSAGE, purpose=CONTACT, key="k", topic="t")
    assert services.attempt(delivery.pk) == "sent"
    assert services.attempt(delivery.pk) == "nothing to do"
    assert len(mail.outbox) == 1


# ----- Many at once ----------------------------------------------------------------------------


def test_send_many_takes_the_same_queries_for_5_or_25_people_and_sends_each_once(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    def batch(count, consents=(CONTACT,)):
        return [person(organisation, consents=consents) for _ in range(count)]

    def queries(people, prefix):
        with CaptureQueriesContext(connection) as captured:
            made = services.send_many(people, MESSAGE, purpose=CONTACT, key=prefix, topic=prefix)
        return len(captured), made

    few, _ = queries(batch(4) + batch(1, consents=()), "a")
    many_people = batch(20) + batch(5, consents=())
    many, made = queries(many_people, "b")
    assert few == many
    assert [d.person_id for d in made] == [p.pk for p in many_people]
    assert [d.key for d in made][:1] == [f"b:person:{many_people[0].pk}"]
    assert sum(d.status == DeliveryStatus.HELD for d in made) == 5
    # Every delivery made is in the audit trail, and the trail still verifies.
    created = AuditEvent.objects.filter(model="notifications.delivery", action="create")
    assert created.count() == 30
    assert verify_chain() is None
    # Sending again sends nothing new; the worker sends each queued one once.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_many(many_people, MESSAGE, purpose=CONTACT, key="b", topic="b")
    assert [d.pk for d in again] == [d.pk for d in made]
    for delivery in made:
        services.attempt(delivery.pk)
    assert len(mail.outbox) == 20


def test_send_many_runs_the_worker_once_per_batch(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    people = [person(organisation) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.send_many(people, lambda p: PLAIN, purpose=CONTACT, key=lambda p: f"x{p.pk}")
    assert len(callbacks) == 1
    assert len(mail.outbox) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# ----- What happens to the person elsewhere ----------------------------------------------------


def test_pseudonymisation_removes_what_was_said_and_stops_what_waits(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation, preferred_channel=Channel.PHONE, mobile="07700 900111")
    sent = send(django_capture_on_commit_callbacks, pat, key="a")
    pseudonymise_person(pat)
    sent.refresh_from_db()
    assert (sent.recipient, sent.recipient_name, sent.subject, sent.body) == ("", "", "", "")
    assert sent.status == DeliveryStatus.HELD
    event = AuditEvent.objects.filter(model="notifications.delivery").last()
    assert "07700" not in str(event.changes)


def test_a_merge_moves_deliveries_to_the_kept_record(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    keep, duplicate = person(organisation), person(organisation)
    delivery = send(django_capture_on_commit_callbacks, duplicate)
    people_services.merge_people(keep, duplicate)
    delivery.refresh_from_db()
    assert delivery.person == keep


def test_subject_access_exports_the_messages(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    facilitator = member(organisation, Role.FACILITATOR)
    pat = person(organisation)
    send(django_capture_on_commit_callbacks, pat)
    sections = {s.key: s for s in build_export(pat, facilitator).sections}
    (record,) = sections["deliveries"].records
    assert record["subject"] == MESSAGE.subject and record["status"] == "Sent"


def test_the_audit_trail_never_holds_addresses_or_bodies(
    organisation, email_backend, django_capture_on_commit_callbacks
):
    pat = person(organisation, email="secret.pat@example.org")
    send(django_capture_on_commit_callbacks, pat)
    events = AuditEvent.objects.filter(model="notifications.delivery")
    assert events.count() >= 3  # made, sending, sent
    trail = str(list(events.values_list("changes", flat=True)))
    assert "secret.pat" not in trail and "carers' support" not in trail
