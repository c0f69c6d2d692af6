"""Applications and invitations follow the person: merges move them, pseudonymisation removes
what the person told us, and subject access exports them."""

import pytest

from coproduce.accounts.models import Role
from coproduce.dataprotection import export
from coproduce.dataprotection.services import pseudonymise_person
from coproduce.people.models import ConsentPurpose
from coproduce.people.services import merge_people
from coproduce.recruitment import services
from coproduce.recruitment.models import Application, Invitation
from coproduce.testing.factories import make_application, make_opportunity, make_person, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity():
    return make_opportunity(publish=True)


def test_pseudonymisation_removes_what_the_applicant_told_us(opportunity):
    application = make_application(
        opportunity, why_interested="My son uses the service", access_notes="Wheelchair user"
    )
    person = application.person
    pseudonymise_person(person)
    application.refresh_from_db()
    assert application.name == f"Person #{person.pk}"
    assert application.email == "" and application.why_interested == ""
    assert application.access_notes == "" and application.selection_answers == {}
    assert application.status == "applied"  # the figures still add up


def test_merging_moves_applications_and_invitations(opportunity):
    keep = make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT])
    duplicate = make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT])
    services.invite(opportunity, [keep, duplicate], by=None, link="https://example.org/")
    application = make_application(opportunity)
    Application.objects.filter(pk=application.pk).update(person=duplicate)
    merge_people(keep, duplicate)
    assert Application.objects.get(pk=application.pk).person == keep
    assert list(Invitation.objects.values_list("person", flat=True)) == [keep.pk]


def test_subject_access_lists_applications_and_invitations(opportunity):
    application = make_application(opportunity, why_interested="To help other carers")
    person = application.person
    services.invite(opportunity, [person], by=None, link="https://example.org/")
    facilitator = member(opportunity.organisation, Role.FACILITATOR)
    built = export.build_export(person, facilitator)
    sections = {section.key: section for section in built.sections}
    assert sections["applications"].records[0]["why_interested"] == "To help other carers"
    assert sections["invitations"].records[0]["opportunity"] == opportunity.title


def test_confirming_a_place_is_recorded_as_involvement(opportunity):
    application = make_application(opportunity, status="confirmed")
    involvement = application.person.involvements.get()
    assert involvement.kind == "opportunity" and opportunity.title in involvement.description
