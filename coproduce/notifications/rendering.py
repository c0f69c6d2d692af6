"""A delivery as the person gets it: plain text, an email's HTML, or a printed letter."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Delivery, SentAs

# GOV.UK Notify prints at most 7 address lines, the last a postcode.
MAX_ADDRESS_LINES = 7


def paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def plain_text(delivery: Delivery) -> str:
    """The words sent by email, text message or read out on the phone (for easy read, the
    body holds the sentences, one a paragraph)."""
    text = delivery.body.strip()
    if extra_link(delivery):
        text = f"{text}\n\n{delivery.link}"
    return text


def extra_link(delivery: Delivery) -> str:
    """The message's link, to add after the body unless the body already gives it."""
    return delivery.link if delivery.link and delivery.link not in delivery.body else ""


def email_html(delivery: Delivery) -> str:
    return render_to_string(
        "notifications/email.html",
        {
            "delivery": delivery,
            "paragraphs": paragraphs(delivery.body),
            "large": delivery.sent_as in (SentAs.LARGE_PRINT, SentAs.EASY_READ),
            "link": extra_link(delivery),
        },
    )


def address_lines(delivery: Delivery) -> list[str]:
    """The recipient's name and address, one line each, at most 7 lines (the extra lines of a
    very long address are joined onto the one before the postcode)."""
    lines = [delivery.recipient_name.strip()] if delivery.recipient_name.strip() else []
    for raw in delivery.recipient.replace("\r\n", "\n").split("\n"):
        lines.extend(part.strip() for part in raw.split(",") if part.strip())
    if len(lines) > MAX_ADDRESS_LINES:
        keep = MAX_ADDRESS_LINES - 2
        lines = [*lines[:keep], ", ".join(lines[keep:-1]), lines[-1]]
    return lines


def letter_for(delivery: Delivery) -> dict[str, Any]:
    """What `documents/letters.html` needs for one letter."""
    day: datetime.datetime = delivery.sent_at or delivery.created_at or timezone.now()
    easy = delivery.sent_as == SentAs.EASY_READ
    return {
        "reference": delivery.reference,
        "recipient_name": delivery.recipient_name,
        "address_lines": address_lines(delivery)[1:]
        if delivery.recipient_name.strip()
        else address_lines(delivery),
        "date": timezone.localtime(day).date(),
        "subject": delivery.subject,
        "paragraphs": [] if easy else paragraphs(delivery.body),
        "rows": delivery.easy_read if easy else [],
        "has_pictures": easy and any(row.get("picture") for row in delivery.easy_read),
        "link": extra_link(delivery),
        "sign_off": [line for line in delivery.sign_off.split("\n") if line.strip()]
        or [delivery.organisation.name],
        "large_print": delivery.sent_as == SentAs.LARGE_PRINT,
    }


def letter_pack(deliveries: Sequence[Delivery]) -> bytes:
    """One PDF with every letter, each from a new page, ready to print, fold and post."""
    # Imported here so that sending emails and texts never needs WeasyPrint's system libraries.
    from coproduce.core.documents import render_pdf

    if not deliveries:
        raise ValueError("no letters to print")
    organisation = deliveries[0].organisation
    letters = [letter_for(delivery) for delivery in deliveries]
    return render_pdf("documents/letters.html", {"organisation": organisation, "letters": letters})
