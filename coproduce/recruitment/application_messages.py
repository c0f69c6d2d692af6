"""What a person is told about their application at each step, in plain English, with an
easy-read version in short sentences (one idea each)."""

from coproduce.notifications.services import Message

from .models import Application, ApplicationStatus, Opportunity

S = ApplicationStatus


def contact_for(opportunity: Opportunity) -> str:
    """Whom to contact, as the opportunity says it (or the organisation's address)."""
    return (
        opportunity.contact.strip()
        or opportunity.organisation.contact_email
        or "the team running this"
    )


def status_message(
    application: Application, *, reason: str = "", link: str = "", by_applicant: bool = False
) -> Message:
    """What the person is told about their application now, in plain English, with an
    easy-read version in short sentences."""
    opportunity = application.opportunity
    title = opportunity.title
    contact = contact_for(opportunity)
    ask = f"If you have any questions, contact {contact}."
    why = f"\n\nWhy: {reason}" if reason else ""
    status = application.status
    if status == S.APPLIED:
        closing = (
            f" after the closing date, {opportunity.closes_on:%-d %B %Y}"
            if opportunity.closes_on
            else ""
        )
        keep = (
            f"\n\nTo see your application or withdraw it, use this private link: {link}"
            if link
            else ""
        )
        return Message(
            subject=f"We have your application: {title}",
            body=f"Thank you for applying to take part in {title}.\n\nWe will read every "
            f"application{closing}. Then we will tell you whether you have a place.\n\n{ask}"
            f"{keep}",
            easy_read=[
                "Thank you for applying.",
                "We will read all the applications.",
                "Then we will tell you if you have a place.",
                f"Questions? Contact {contact}.",
            ],
            link=link,
        )
    if status == S.SHORTLISTED:
        return Message(
            subject=f"You are on the shortlist: {title}",
            body=f"Thank you for applying for {title}. You are on our shortlist. We will tell "
            f"you soon whether you have a place.\n\n{ask}",
            easy_read=[
                "You are on the shortlist.",
                "This means we may offer you a place.",
                "We will tell you soon.",
            ],
        )
    if status == S.SELECTED:
        when = (
            f"\n\nWhen and where: {opportunity.dates_and_place}"
            if opportunity.dates_and_place
            else ""
        )
        return Message(
            subject=f"We would like to offer you a place: {title}",
            body=f"We are pleased to offer you a place on {title}.\n\nPlease tell us as soon as "
            "you can whether you can take part, so that we can confirm your place and arrange "
            f"any support you need.{when}\n\nContact {contact}.",
            easy_read=[
                "We would like you to take part.",
                "Please tell us if you can come.",
                "We will arrange any support you need.",
                f"Contact {contact}.",
            ],
        )
    if status == S.RESERVE:
        return Message(
            subject=f"You are on the reserve list: {title}",
            body=f"Thank you for applying for {title}. You are on the reserve list. If someone "
            f"cannot take part, we will offer you their place.{why}\n\n{ask}",
            easy_read=[
                "You are on the reserve list.",
                "If a place comes free, we will ask you.",
                *([f"Why: {reason}"] if reason else []),
            ],
        )
    if status == S.NOT_SELECTED:
        return Message(
            subject=f"About your application: {title}",
            body=f"Thank you for applying for {title}. We are sorry, but we cannot offer you a "
            f"place this time.{why}\n\nThere will be other ways to take part. {ask}",
            easy_read=[
                "Thank you for applying.",
                "Sorry, we cannot offer you a place this time.",
                *([f"Why: {reason}"] if reason else []),
                "There will be other chances to take part.",
            ],
        )
    if status == S.CONFIRMED:
        details = "".join(
            f"\n\n{label}: {value}"
            for label, value in (
                ("When and where", opportunity.dates_and_place),
                ("Support", opportunity.access_support),
                ("Payment and expenses", opportunity.payment),
            )
            if value
        )
        return Message(
            subject=f"Your place is confirmed: {title}",
            body=f"Your place on {title} is confirmed. Thank you for taking part.{details}\n\n"
            f"{ask}",
            easy_read=[
                "Your place is confirmed.",
                "Thank you for taking part.",
                f"Questions? Contact {contact}.",
            ],
        )
    if status == S.WITHDRAWN and by_applicant:
        return Message(
            subject=f"You have withdrawn your application: {title}",
            body=f"You told us you no longer want to take part in {title}, so we have "
            f"withdrawn your application. Thank you for letting us know.\n\nIf this was a "
            f"mistake, contact {contact}.",
            easy_read=[
                "You have said you do not want to take part.",
                "Thank you for telling us.",
                f"Made a mistake? Contact {contact}.",
            ],
        )
    if status == S.WITHDRAWN:
        return Message(
            subject=f"Your application has been withdrawn: {title}",
            body=f"We have withdrawn your application for {title}.{why}\n\nIf you think this "
            f"is wrong, contact {contact}.",
            easy_read=[
                "We have taken your application off the list.",
                *([f"Why: {reason}"] if reason else []),
                f"Think this is wrong? Contact {contact}.",
            ],
        )
    raise ValueError(f"nothing to tell the person about status {status!r}")
