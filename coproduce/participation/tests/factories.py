"""Participation test data, made through the services."""

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.participation import services
from coproduce.participation.models import AgreementKind, AgreementVersion, Briefing
from coproduce.people.models import Format, Person
from coproduce.recruitment.models import Opportunity
from coproduce.testing.factories import make_application, make_opportunity, member

ROLE_TEXT = {
    "asks": "Read the bids and score them honestly.",
    "offers": "Papers a week early, payment for your time, and support when you need it.",
    "respect": "We listen to each other and keep to the point.",
    "disagreements": "The chair makes sure every view is heard; we may need to compromise.",
    "decisions": "We aim for agreement; without it, the panel votes and the officer records it.",
}
CONFIDENTIALITY_TEXT = {
    "confidential": "Bids are commercially confidential until the contract is awarded.",
    "if_broken": "You may be asked to leave the panel.",
}


def make_role(organisation: Any = None, people: int = 2, **fields: Any) -> Opportunity:
    """A published opportunity with `people` applicants selected for it."""
    opportunity = make_opportunity(publish=True, organisation=organisation, **fields)
    for _ in range(people):
        make_application(opportunity, status="selected")
    return opportunity


def people_of(opportunity: Opportunity) -> list[Person]:
    return list(services.participants(opportunity))


def give_sign_in(person: Person) -> Any:
    user = member(person.organisation, Role.PARTICIPANT)
    person.user = user
    person.save()
    return user


def make_briefing(opportunity: Opportunity, **fields: Any) -> Briefing:
    values = {
        "background": "The carers' hub contract ends next year. We are choosing who runs it.",
        "what_happens": "Briefing on 3 March. Scoring at home for two weeks. Panel on 20 March.",
    }
    values.update(fields)
    return services.save_briefing(Briefing(opportunity=opportunity, **values))


def make_version(opportunity: Opportunity, kind: str = AgreementKind.ROLE, **fields: Any) -> Any:
    text = ROLE_TEXT if kind == AgreementKind.ROLE else CONFIDENTIALITY_TEXT
    values = {**text, **fields}
    if services.current_version(opportunity, kind) is not None:
        values.setdefault("change_note", "Changed for a test.")
    by = member(opportunity.organisation, Role.FACILITATOR)
    return services.new_version(
        AgreementVersion(opportunity=opportunity, kind=kind, **values), by=by
    )


# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def photo(name: str = "fran.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def easy_read_person(opportunity: Opportunity) -> Person:
    person = people_of(opportunity)[0]
    person.preferred_format = Format.EASY_READ
    person.save()
    return person


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
