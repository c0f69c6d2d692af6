"""Where deliveries go, chosen by the NOTIFICATIONS_BACKEND setting:

- `outbox`: nothing leaves Coproduce; emails and texts are kept to read in the outbox
  (development and tests);
- `email`: emails go through Django's email settings; texts, letters and calls become staff
  to-dos (letters in a printable pack);
- `notify`: GOV.UK Notify sends emails, texts and (unless NOTIFY_LETTERS is false) letters.

Each backend raises `TransientError` for a failure worth trying again (the service was down),
`PermanentError` for one that will fail the same way every time (an address it refuses).
"""

import io
import smtplib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from .models import Delivery, Route, SentAs
from .rendering import address_lines, email_html, letter_pack, plain_text


class TransientError(Exception):
    """Worth trying again later."""


class PermanentError(Exception):
    """Will fail the same way every time: the delivery fails with this reason."""


class CannotTell(Exception):
    """An earlier attempt stopped part-way and the backend cannot find out whether it went."""


@dataclass(frozen=True)
class Sent:
    provider_reference: str = ""
    provider_status: str = ""


class Backend:
    name = ""
    routes: frozenset[str] = frozenset()
    sent_reason = ""

    def delivers(self, route: str) -> bool:
        return route in self.routes

    def send(self, delivery: Delivery) -> Sent:
        raise NotImplementedError

    def find(self, delivery: Delivery, *, after_crash: bool) -> Sent | None:
        """Before sending again, what an earlier attempt already sent (None if nothing).
        `after_crash`: the worker stopped while sending, so nobody saw how it ended."""
        return None

    def provider_status(self, delivery: Delivery) -> str | None:
        """The provider's latest word on a sent delivery, where it has one."""
        return None


class OutboxBackend(Backend):
    name = "outbox"
    routes = frozenset({Route.EMAIL, Route.TEXT})
    sent_reason = "Kept in Coproduce's outbox: nothing leaves with NOTIFICATIONS_BACKEND=outbox."

    def send(self, delivery: Delivery) -> Sent:
        return Sent()


def from_address(delivery: Delivery) -> str:
    """The organisation's name with Coproduce's sending address, so people see who wrote."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return formataddr((delivery.organisation.name, address))


class EmailBackend(Backend):
    name = "email"
    routes = frozenset({Route.EMAIL})

    def send(self, delivery: Delivery) -> Sent:
        reply_to = (
            [delivery.organisation.contact_email] if delivery.organisation.contact_email else []
        )
        email = EmailMultiAlternatives(
            subject=delivery.subject,
            body=plain_text(delivery),
            from_email=from_address(delivery),
            to=[delivery.recipient],
            reply_to=reply_to,
            headers={"X-Coproduce-Reference": delivery.reference},
        )
        email.attach_alternative(email_html(delivery), "text/html")
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as refused:
            raise PermanentError(f"The email server refused the address: {refused}") from refused
        except (smtplib.SMTPException, OSError) as error:
            raise TransientError(f"The email server could not take it: {error}") from error
        return Sent()

    def find(self, delivery: Delivery, *, after_crash: bool) -> Sent | None:
        if after_crash:
            raise CannotTell(
                "Sending stopped part-way, so this email may or may not have gone. Check with "
                "the person before sending it again."
            )
        return None


# GOV.UK Notify's own words for how a message ended (see its "Get message status").
NOTIFY_DELIVERED = frozenset({"delivered"})
NOTIFY_POSTED = frozenset({"received"})
NOTIFY_FAILED = {
    "permanent-failure": "The email address or phone number is wrong.",
    "temporary-failure": "Not delivered after 72 hours (inbox full or phone off).",
    "technical-failure": "GOV.UK Notify had a technical problem and did not send it.",
    "validation-failed": "GOV.UK Notify could not print the letter as it was laid out.",
    "virus-scan-failed": "GOV.UK Notify refused the letter's file.",
    "cancelled": "The letter was cancelled before it was printed.",
}


def _notify_message(error: APIError) -> str:
    detail: Any = error.message
    if isinstance(detail, list):
        return "; ".join(str(item.get("message", item)) for item in detail)
    return str(detail)


class NotifyBackend(Backend):
    name = "notify"
    routes = frozenset({Route.EMAIL, Route.TEXT, Route.POST})

    def delivers(self, route: str) -> bool:
        # NOTIFY_LETTERS=false keeps letters in the printable pack (say, to post them in bulk).
        if route == Route.POST and not settings.NOTIFY_LETTERS:
            return False
        return route in self.routes

    def client(self) -> NotificationsAPIClient:
        if not settings.NOTIFY_API_KEY:
            raise PermanentError("GOV.UK Notify is not set up: NOTIFY_API_KEY is empty.")
        return NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20
        )

    def _call(self, request: Any) -> Any:
        try:
            return request()
        except APIError as error:
            message = _notify_message(error)
            if error.status_code >= 500 or error.status_code == 429:
                raise TransientError(f"GOV.UK Notify: {message}") from error
            raise PermanentError(f"GOV.UK Notify refused it: {message}") from error

    def _template(self, setting: str) -> str:
        template_id: str = getattr(settings, setting)
        if not template_id:
            raise PermanentError(f"GOV.UK Notify is not set up: {setting} is empty.")
        return template_id

    def send(self, delivery: Delivery) -> Sent:
        client = self.client()
        reference = delivery.key
        if delivery.route == Route.EMAIL:
            response = self._call(
                lambda: client.send_email_notification(
                    email_address=delivery.recipient,
                    template_id=self._template("NOTIFY_EMAIL_TEMPLATE_ID"),
                    personalisation={"subject": delivery.subject, "body": plain_text(delivery)},
                    reference=reference,
                )
            )
        elif delivery.route == Route.TEXT:
            response = self._call(
                lambda: client.send_sms_notification(
                    phone_number=delivery.recipient,
                    template_id=self._template("NOTIFY_SMS_TEMPLATE_ID"),
                    personalisation={"body": plain_text(delivery)},
                    reference=reference,
                )
            )
        elif delivery.route == Route.POST:
            response = self._send_letter(client, delivery)
        else:
            raise PermanentError(f"GOV.UK Notify cannot send by {delivery.get_route_display()}.")
        return Sent(provider_reference=str(response["id"]), provider_status="created")

    def _send_letter(self, client: NotificationsAPIClient, delivery: Delivery) -> Any:
        template_id = settings.NOTIFY_LETTER_TEMPLATE_ID
        if template_id and delivery.sent_as == SentAs.STANDARD:
            lines = address_lines(delivery)
            personalisation = {
                f"address_line_{number}": line for number, line in enumerate(lines, 1)
            }
            personalisation.update(subject=delivery.subject, body=plain_text(delivery))
            return self._call(
                lambda: client.send_letter_notification(
                    template_id=template_id,
                    personalisation=personalisation,
                    reference=delivery.key,
                )
            )
        # Large print, easy read, or no letter template: our own letter, laid out to Notify's
        # letter specification.
        pdf = io.BytesIO(letter_pack([delivery]))
        return self._call(
            lambda: client.send_precompiled_letter_notification(
                reference=delivery.key, pdf_file=pdf, postage="second"
            )
        )

    def find(self, delivery: Delivery, *, after_crash: bool) -> Sent | None:
        response = self._call(lambda: self.client().get_all_notifications(reference=delivery.key))
        found = response.get("notifications") or []
        if not found:
            return None
        return Sent(provider_reference=str(found[0]["id"]), provider_status=found[0]["status"])

    def provider_status(self, delivery: Delivery) -> str | None:
        response = self._call(
            lambda: self.client().get_notification_by_id(delivery.provider_reference)
        )
        return str(response["status"])


BACKENDS: dict[str, Backend] = {
    backend.name: backend for backend in (OutboxBackend(), EmailBackend(), NotifyBackend())
}


def backend_named(name: str) -> Backend:
    return BACKENDS[name]


def current() -> Backend:
    return BACKENDS[settings.NOTIFICATIONS_BACKEND]
