"""Sending messages to people: the one `send` every part of Coproduce calls.

`send(person, message, purpose=..., key=..., topic=...)`:

1. returns the delivery already made with that key, if there is one (so a retried request or
   a repeated job never sends twice);
2. asks `people.services.can_contact` (the one consent gate): without consent for the
   purpose, the delivery is recorded as held, with the reason, and nothing is sent;
3. fits the message to the person: their preferred channel (or the person they asked us to go
   through) and format (easy read, large print; formats Coproduce cannot make are sent in
   standard form and put on the staff's to-do list);
4. records the delivery, then, once the transaction commits, hands it to the background
   worker (`tasks.deliver`), or leaves it for staff to print and post, or to phone.

The worker (`attempt`) locks the row, sends it through the backend with the delivery's key as
the provider's reference, and retries passing failures with growing pauses. Before any retry
it asks the provider whether an earlier attempt already got through, and adopts that one.
"""

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.audit.services import record_created
from coproduce.people.models import Channel, ConsentPurpose, Format, Person
from coproduce.people.services import can_contact, contactable

from . import backends
from .backends import CannotTell, PermanentError, Sent, TransientError
from .message import Message
from .models import PENDING, CallOutcome, Delivery, DeliveryStatus, Route, SentAs

logger = logging.getLogger(__name__)

# Pauses before each retry: a minute, five minutes, half an hour, two hours; then it fails.
RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A delivery still "sending" after this long belongs to a worker that stopped.
SENDING_TIMEOUT = datetime.timedelta(minutes=15)
# Queued deliveries whose task never ran (the worker was down when they were enqueued) are
# picked up by `retry_due` once they are this late.
LOST_AFTER = datetime.timedelta(minutes=5)
CHUNK = 200

# Formats Coproduce cannot produce itself: staff are asked to, and what the person is sent in
# the meantime is the standard version.
ALTERNATIVE_FORMATS = frozenset(
    {Format.BSL_VIDEO, Format.BRAILLE, Format.AUDIO, Format.INTERPRETER}
)

Key = str | Callable[[Person], str]


def _chunks(people: Iterable[Person], size: int) -> Iterable[list[Person]]:
    iterator = iter(people)
    while chunk := list(islice(iterator, size)):
        yield chunk


def person_key(prefix: str, person: Person) -> str:
    """The usual key: the topic (or another prefix) and the person, for example
    "invitation:opportunity:12:person:5". Keys go to GOV.UK Notify as the reference, so they
    hold ids only, never names or addresses."""
    return f"{prefix}:person:{person.pk}"


# ----- Fitting a message to a person -------------------------------------------------------


def _post_address(person: Person) -> str:
    address = person.address.strip()
    postcode = person.postcode.strip()
    if postcode and postcode.replace(" ", "").upper() not in address.replace(" ", "").upper():
        address = f"{address}\n{postcode}" if address else postcode
    return address


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


MISSING = {
    Route.EMAIL: "No email address recorded.",
    Route.TEXT: "No mobile number recorded.",
    Route.POST: "No postal address recorded.",
    Route.PHONE: "No phone number recorded.",
}


def _route(person: Person) -> tuple[str, str, str, str]:
    """(route, recipient, recipient's name, reason it cannot go): the channel they chose."""
    channel = person.preferred_channel
    if channel == Channel.VIA:
        # Through someone else: by email where we have theirs, otherwise staff contact them.
        contact = person.via_contact.strip()
        if not (person.via_name.strip() or contact):
            return Route.PHONE, "", "", "No one recorded to contact them through."
        route = Route.EMAIL if _is_email(contact) else Route.PHONE
        return route, contact, person.via_name.strip(), ""
    recipient = {
        Channel.EMAIL: person.email,
        Channel.TEXT: person.mobile,
        Channel.POST: _post_address(person) if person.address.strip() else "",
        Channel.PHONE: person.mobile or person.landline,
    }[Channel(channel)]
    route = Route(channel)
    return route, recipient, person.name, "" if recipient else MISSING[route]


def _via_note(person: Person) -> str:
    note = f"This message is for {person.display_name}. Please pass it on to them."
    if person.preferred_format != Format.STANDARD:
        note += f" They need information as: {Format(person.preferred_format).label.lower()}."
    return note


def _held_reason(person: Person, purpose: str) -> str:
    if person.merged_into_id:
        return "Their record was merged into another one: send to that record instead."
    if person.pseudonymised_at:
        return "Their details have been removed."
    label = ConsentPurpose(purpose).label.lower() if purpose in ConsentPurpose.values else purpose
    return f"No consent: they have not agreed to this, or withdrew their agreement ({label})."


def build(
    person: Person,
    message: Message,
    *,
    purpose: str,
    key: str,
    topic: str,
    may_contact: bool,
    sent_by: Any = None,
) -> Delivery:
    """The delivery for one person, not yet saved: channel, format and first status."""
    backend = backends.current()
    route, recipient, recipient_name, missing = _route(person)
    via = person.preferred_channel == Channel.VIA
    wanted = person.preferred_format
    body = message.body.strip()
    rows = [
        {
            "text": sentence,
            "picture": message.easy_read_pictures[index]
            if index < len(message.easy_read_pictures)
            else "",
            "alt": message.easy_read_alts[index] if index < len(message.easy_read_alts) else "",
        }
        for index, sentence in enumerate(message.easy_read or ())
    ]
    if via:
        note = _via_note(person)
        body = f"{note}\n\n{body}"
        rows = [{"text": note, "picture": "", "alt": ""}, *rows] if rows else []
    sent_as = SentAs.STANDARD
    easy_read_missing = False
    if wanted == Format.EASY_READ:
        if message.easy_read:
            sent_as = SentAs.EASY_READ
        else:
            easy_read_missing = True
    elif wanted == Format.LARGE_PRINT and route in (Route.POST, Route.EMAIL):
        sent_as = SentAs.LARGE_PRINT
    if sent_as == SentAs.EASY_READ:
        # The body is always what was sent: here the sentences, one a paragraph.
        body = "\n\n".join(row["text"] for row in rows)
    delivery = Delivery(
        organisation_id=person.organisation_id,
        person=person,
        purpose=purpose,
        topic=topic,
        key=key,
        channel=person.preferred_channel,
        route=route,
        format=wanted,
        sent_as=sent_as,
        easy_read_missing=easy_read_missing,
        needs_format=wanted if wanted in ALTERNATIVE_FORMATS else "",
        via=via,
        recipient_name=recipient_name,
        recipient=recipient,
        subject=message.subject.strip()[:200],
        body=body,
        easy_read=rows if sent_as == SentAs.EASY_READ else [],
        link=message.link,
        sign_off=message.sign_off.strip(),
        backend=backend.name,
        sent_by=sent_by if getattr(sent_by, "pk", None) else None,
    )
    if not may_contact:
        delivery.status = DeliveryStatus.HELD
        delivery.status_reason = _held_reason(person, purpose)
        delivery.needs_format = ""
    elif missing:
        delivery.status = DeliveryStatus.FAILED
        delivery.status_reason = missing
        delivery.needs_format = ""
    elif route == Route.PHONE or (route == Route.TEXT and not backend.delivers(route)):
        delivery.status = DeliveryStatus.TO_CALL
        delivery.status_reason = (
            "Send this text message by hand." if route == Route.TEXT else "Phone them."
        )
    elif route == Route.POST and not backend.delivers(route):
        delivery.status = DeliveryStatus.TO_PRINT
    else:
        delivery.status = DeliveryStatus.QUEUED
        delivery.next_attempt_at = timezone.now()
    return delivery


# ----- Sending -------------------------------------------------------------------------------


def _enqueue(delivery_ids: list[int]) -> None:
    from .tasks import deliver, deliver_batch

    if len(delivery_ids) == 1:
        deliver.enqueue(delivery_ids[0])
    elif delivery_ids:
        deliver_batch.enqueue(delivery_ids)


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    # robust: if the queue is down the deliveries stay queued, and `retry_due` finds them.
    if delivery_ids:
        transaction.on_commit(lambda: _enqueue(delivery_ids), robust=True)


def _existing(key: str, person: Person) -> Delivery | None:
    found = Delivery.objects.filter(key=key).first()
    if found is not None and found.person_id != person.pk:
        raise ValueError(f"the key {key!r} was already used for someone else")
    return found


def send(
    person: Person,
    message: Message,
    *,
    purpose: str,
    key: str,
    topic: str = "",
    sent_by: Any = None,
) -> Delivery:
    """Sends one message to one person, once per key (see the module's notes)."""
    existing = _existing(key, person)
    if existing is not None:
        return existing
    delivery = build(
        person,
        message,
        purpose=purpose,
        key=key,
        topic=topic,
        may_contact=can_contact(person, purpose),
        sent_by=sent_by,
    )
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        # Another request with the same key got there first: theirs is the delivery.
        found = _existing(key, person)
        if found is None:
            raise
        return found
    if delivery.status == DeliveryStatus.QUEUED:
        _enqueue_on_commit([delivery.pk])
    return delivery


def send_many(
    people: Iterable[Person],
    message: Message | Callable[[Person], Message],
    *,
    purpose: str,
    key: Key,
    topic: str = "",
    sent_by: Any = None,
) -> list[Delivery]:
    """`send` for many people at once, in the same order: a few queries per 200 people rather
    than per person. `key` is a prefix (see `person_key`) or a function of the person;
    `message` the same for everyone or a function of the person."""
    results: list[Delivery] = []
    for chunk in _chunks(people, CHUNK):
        keys = [key(person) if callable(key) else person_key(key, person) for person in chunk]
        existing = {found.key: found for found in Delivery.objects.filter(key__in=keys)}
        # `contactable` is `can_contact`'s rule for many people at once.
        allowed = set(
            contactable(Person.objects.filter(pk__in=[p.pk for p in chunk]), purpose).values_list(
                "pk", flat=True
            )
        )
        made: dict[str, Delivery] = {}
        for person, person_key_ in zip(chunk, keys, strict=True):
            found = existing.get(person_key_)
            if found is not None:
                if found.person_id != person.pk:
                    raise ValueError(f"the key {person_key_!r} was already used for someone else")
                continue
            if person_key_ in made:
                continue
            made[person_key_] = build(
                person,
                message(person) if callable(message) else message,
                purpose=purpose,
                key=person_key_,
                topic=topic,
                may_contact=person.pk in allowed,
                sent_by=sent_by,
            )
        try:
            with transaction.atomic():
                created = Delivery.objects.bulk_create(list(made.values()))
                record_created(list(created))
        except IntegrityError:
            # A key was taken meanwhile: fall back to one at a time for this chunk.
            for person, person_key_ in zip(chunk, keys, strict=True):
                if person_key_ in made:
                    made[person_key_] = send(
                        person,
                        message(person) if callable(message) else message,
                        purpose=purpose,
                        key=person_key_,
                        topic=topic,
                        sent_by=sent_by,
                    )
        else:
            _enqueue_on_commit([d.pk for d in made.values() if d.status == DeliveryStatus.QUEUED])
        results.extend(existing.get(k) or made[k] for k in keys)
    return results


# ----- The background worker ----------------------------------------------------------------


def _retry_or_fail(delivery: Delivery, error: str, now: datetime.datetime) -> str:
    delivery.last_error = error[:2000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.status_reason = f"Tried {delivery.attempts} times without success."[:300]
        delivery.next_attempt_at = None
        delivery.save()
        return "failed"
    delivery.status = DeliveryStatus.QUEUED
    delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.status_reason = "Will try again shortly."
    delivery.save()
    _schedule_retry(delivery)
    return "retry"


def _schedule_retry(delivery: Delivery) -> None:
    """With a queue that can wait (database, RQ), the retry is enqueued to run later; with one
    that cannot (tests run tasks at once), `retry_due` picks it up when it is due."""
    from .tasks import deliver

    if not deliver.get_backend().supports_defer or delivery.next_attempt_at is None:
        return
    run_after = delivery.next_attempt_at
    transaction.on_commit(
        lambda: deliver.using(run_after=run_after).enqueue(delivery.pk), robust=True
    )


def _mark_sent(delivery: Delivery, sent: Sent, now: datetime.datetime, *, adopted: bool) -> str:
    backend = backends.backend_named(delivery.backend)
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = now
    delivery.next_attempt_at = None
    delivery.provider_reference = sent.provider_reference
    delivery.provider_status = sent.provider_status
    delivery.status_reason = (
        "An earlier try had got through, so it was not sent again."
        if adopted
        else backend.sent_reason
    )
    delivery.save()
    return "adopted" if adopted else "sent"


def _claim(delivery_id: int, now: datetime.datetime) -> tuple[Delivery | None, bool, bool]:
    """Locks the delivery and marks it sending, if it is this worker's to send. Returns it,
    whether an earlier attempt may have got through, and whether that attempt's worker
    stopped part-way (so nobody knows how it ended)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("person", "organisation")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None, False, False
        if delivery.status == DeliveryStatus.QUEUED:
            if delivery.next_attempt_at and delivery.next_attempt_at > now + datetime.timedelta(
                seconds=5
            ):
                return None, False, False  # an early run: its own retry is scheduled
            crashed = False
        elif (
            delivery.status == DeliveryStatus.SENDING
            and delivery.updated_at <= now - SENDING_TIMEOUT
        ):
            crashed = True
        else:
            return None, False, False  # sent, held, failed, or being sent by another worker
        if not can_contact(delivery.person, delivery.purpose):
            # Consent withdrawn since it was queued: it stops here.
            delivery.status = DeliveryStatus.HELD
            delivery.status_reason = _held_reason(delivery.person, delivery.purpose)
            delivery.next_attempt_at = None
            delivery.save()
            return None, False, False
        tried_before = crashed or delivery.attempts > 0
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.save()
    return delivery, tried_before, crashed


def attempt(delivery_id: int, *, now: datetime.datetime | None = None) -> str:
    """One try at sending a queued delivery; safe to run twice at once or after a crash."""
    now = now or timezone.now()
    delivery, tried_before, crashed = _claim(delivery_id, now)
    if delivery is None:
        return "nothing to do"
    backend = backends.backend_named(delivery.backend)
    try:
        if tried_before:
            found = backend.find(delivery, after_crash=crashed)
            if found is not None:
                return _mark_sent(delivery, found, now, adopted=True)
        sent = backend.send(delivery)
    except TransientError as error:
        return _retry_or_fail(delivery, str(error), now)
    except (PermanentError, CannotTell) as error:
        delivery.status = DeliveryStatus.FAILED
        delivery.status_reason = str(error)[:300]
        delivery.last_error = str(error)[:2000]
        delivery.next_attempt_at = None
        delivery.save()
        return "failed"
    except Exception as error:
        # A fault of ours (a template error, say): retried, then failed, never lost.
        logger.exception("Delivery %s could not be sent", delivery.pk)
        return _retry_or_fail(delivery, f"{type(error).__name__}: {error}", now)
    return _mark_sent(delivery, sent, now, adopted=False)


def retry_due(now: datetime.datetime | None = None) -> int:
    """Tries every delivery that is due again, late, or left 'sending' by a stopped worker.
    Run by `coproduce notifications refresh` (schedule it every few minutes)."""
    from .tasks import deliver

    now = now or timezone.now()
    # A queue that can wait runs each retry when it is due; only late ones are left here.
    grace = LOST_AFTER if deliver.get_backend().supports_defer else datetime.timedelta(0)
    due = Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now - grace)
    stuck = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, updated_at__lte=now - SENDING_TIMEOUT
    )
    ids = [*due.values_list("pk", flat=True), *stuck.values_list("pk", flat=True)]
    return sum(attempt(pk, now=now) != "nothing to do" for pk in ids)


# ----- What happened after sending ------------------------------------------------------------

# GOV.UK Notify keeps messages for 7 days: after that there is nothing more to ask.
PROVIDER_KEEPS = datetime.timedelta(days=7)


def refresh_statuses(now: datetime.datetime | None = None) -> int:
    """Asks the provider how each recently sent delivery ended (delivered, failed, letter
    posted). Returns how many changed. Run by `coproduce notifications refresh`."""
    now = now or timezone.now()
    changed = 0
    waiting = Delivery.objects.filter(
        status=DeliveryStatus.SENT, sent_at__gte=now - PROVIDER_KEEPS
    ).exclude(provider_reference="")
    for delivery in waiting.iterator(500):
        backend = backends.backend_named(delivery.backend)
        try:
            status = backend.provider_status(delivery)
        except (TransientError, PermanentError) as error:
            logger.warning("Could not refresh delivery %s: %s", delivery.pk, error)
            continue
        if status is None or status == delivery.provider_status:
            continue
        delivery.provider_status = status
        if status in backends.NOTIFY_DELIVERED:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.done_at = now
        elif status in backends.NOTIFY_POSTED:
            delivery.status = DeliveryStatus.POSTED
            delivery.done_at = now
            delivery.status_reason = "Printed and posted by GOV.UK Notify."
        elif status in backends.NOTIFY_FAILED:
            delivery.status = DeliveryStatus.FAILED
            delivery.status_reason = backends.NOTIFY_FAILED[status]
        delivery.save()
        changed += 1
    return changed


# ----- Staff work: letters to post, people to phone, formats to make ----------------------


def letters_to_print(organisation: Any, topic: str | None, upto: int) -> Sequence[Delivery]:
    """The letters waiting to be printed (for one topic, or all when `topic` is None) up to
    delivery `upto`, so that the pack downloaded and the letters marked posted are the same
    ones even if more arrive in between."""
    letters = Delivery.objects.filter(
        organisation=organisation, status=DeliveryStatus.TO_PRINT, pk__lte=upto
    ).select_related("organisation")
    if topic is not None:
        letters = letters.filter(topic=topic)
    return list(letters.order_by("pk"))


@transaction.atomic
def mark_posted(organisation: Any, topic: str | None, upto: int, user: Any) -> int:
    letters = letters_to_print(organisation, topic, upto)
    now = timezone.now()
    for letter in letters:
        letter.status = DeliveryStatus.POSTED
        letter.status_reason = ""
        letter.done_at = now
        letter.done_by = user
        letter.sent_at = letter.sent_at or now
        letter.save()
    return len(letters)


@transaction.atomic
def record_contact(delivery: Delivery, outcome: str, notes: str, user: Any) -> Delivery:
    """Records a phone call made (or a text sent by hand) from the call list."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.TO_CALL:
        raise ValidationError("This is no longer on the call list.")
    now = timezone.now()
    said = CallOutcome(outcome).label
    entry = f"{timezone.localtime(now):%d %b %Y %H:%M}, {user}: {said}." + (
        f" {notes.strip()}" if notes.strip() else ""
    )
    delivery.outcome = f"{delivery.outcome}\n{entry}".strip()
    delivery.attempts += 1
    if outcome == CallOutcome.NO_ANSWER:
        delivery.status_reason = f"No answer on {timezone.localtime(now):%d %b %Y at %H:%M}."
    else:
        delivery.status = DeliveryStatus.CALLED
        delivery.status_reason = said
        delivery.done_at = now
        delivery.done_by = user
        delivery.sent_at = delivery.sent_at or now
    delivery.save()
    return delivery


@transaction.atomic
def mark_format_done(delivery: Delivery, user: Any) -> Delivery:
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if not delivery.format_to_do:
        raise ValidationError("There is nothing left to do for this message's format.")
    delivery.format_done_at = timezone.now()
    delivery.format_done_by = user
    delivery.save()
    return delivery


# ----- When something happens to the person --------------------------------------------------


def hold_pending(person: Person, reason: str, purpose: str | None = None) -> int:
    """Stops deliveries not yet sent (queued, to print, to phone)."""
    pending = Delivery.objects.filter(person=person, status__in=PENDING)
    if purpose is not None:
        pending = pending.filter(purpose=purpose)
    count = 0
    for delivery in pending:
        delivery.status = DeliveryStatus.HELD
        delivery.status_reason = reason
        delivery.next_attempt_at = None
        delivery.save()
        count += 1
    return count


def forget_messages(person: Person) -> None:
    """On pseudonymisation: what was sent and where goes; that something was sent, when and
    how stays (for counts). Anything not yet sent is stopped."""
    hold_pending(person, "Their details were removed before it was sent.")
    for delivery in Delivery.objects.filter(person=person):
        delivery.recipient = ""
        delivery.recipient_name = ""
        delivery.subject = ""
        delivery.body = ""
        delivery.easy_read = []
        delivery.link = ""
        delivery.outcome = ""
        delivery.last_error = ""
        delivery.save()


def move_deliveries(keep: Person, duplicate: Person) -> None:
    """On a merge the duplicate's deliveries become the kept record's, like its involvements."""
    for delivery in Delivery.objects.filter(person=duplicate):
        delivery.person = keep
        delivery.save()
