import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.context import acting_as
from coproduce.audit.models import AuditEvent
from coproduce.dataprotection import services
from coproduce.dataprotection.models import ErasureRequest, ErasureStatus, HowReceived
from coproduce.people import services as people
from coproduce.people.models import (
    ConsentMethod,
    ConsentPurpose,
    InvolvementKind,
    PartnerContact,
    PartnerOrganisation,
    SavedListMember,
)
from coproduce.testing.factories import CommunityFactory, OrganisationFactory, make_person, member

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR)


@pytest.fixture
def admin(organisation):
    return member(organisation, Role.ADMINISTRATOR)


@pytest.fixture
def person(organisation, facilitator):
    community = CommunityFactory(organisation=organisation, name="Carers")
    person = make_person(
        organisation,
        needs=["step_free"],
        communities=[community],
        name="Pat Evans",
        email="pat.evans@example.org",
        address="1 Carer Close",
        needs_notes="Needs replacement care",
    )
    people.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PHONE, facilitator)
    people.record_involvement(
        person, InvolvementKind.EVENT, datetime.date(2026, 3, 4), "Told us about her husband"
    )
    saved = people.create_saved_list(organisation, "Reference group")
    people.add_to_list(saved, [person])
    partner = PartnerOrganisation.objects.create(
        organisation=organisation, name="Carers' Centre", kind="carers_group"
    )
    PartnerContact.objects.create(
        organisation=organisation, partner=partner, person=person, role="Trustee"
    )
    return person


def _request(person, by, **fields):
    values = {"received_on": TODAY, "how_received": HowReceived.EMAIL, "reason": ""}
    values.update(fields)
    with acting_as(by):
        return services.record_erasure_request(person, by, **values)


def test_a_request_is_recorded_with_when_and_how_it_came_in(person, facilitator):
    erasure = _request(person, facilitator, reason="I have moved away")
    assert erasure.status == ErasureStatus.REQUESTED
    assert erasure.requested_by == facilitator
    assert erasure.organisation_id == person.organisation_id
    assert erasure.respond_by > erasure.received_on


def test_a_request_must_be_received_by_today_and_say_how(person, facilitator):
    with pytest.raises(ValidationError) as refused:
        _request(
            person,
            facilitator,
            received_on=TODAY + datetime.timedelta(days=1),
            how_received="pigeon",
        )
    assert set(refused.value.message_dict) == {"received_on", "how_received"}


def test_one_open_request_per_person(person, facilitator, admin):
    first = _request(person, facilitator)
    with pytest.raises(ValidationError, match="already an open request"):
        _request(person, facilitator)
    services.refuse_erasure(first, admin, "We must keep payment records for six years.")
    assert _request(person, facilitator).status == ErasureStatus.REQUESTED


def test_an_administrator_cannot_approve_a_request_they_recorded(person, admin):
    erasure = _request(person, admin)
    with pytest.raises(ValidationError) as refused:
        services.approve_erasure(erasure, admin)
    message = refused.value.message_dict["decision"][0]
    assert "You recorded this request, so a different administrator must approve it" in message
    assert "two people check" in message
    erasure.refresh_from_db()
    assert erasure.status == ErasureStatus.REQUESTED
    # They may still refuse it.
    services.refuse_erasure(erasure, admin, "A legal claim is open.")


def test_refusing_needs_a_reason(person, facilitator, admin):
    erasure = _request(person, facilitator)
    with pytest.raises(ValidationError) as refused:
        services.refuse_erasure(erasure, admin, "  ")
    assert "Information Commissioner" in refused.value.message_dict["refusal_reason"][0]
    refused_request = services.refuse_erasure(erasure, admin, "A legal claim is open.")
    assert refused_request.status == ErasureStatus.REFUSED
    assert refused_request.decided_by == admin and refused_request.decided_at
    with pytest.raises(ValidationError, match="already been decided"):
        services.approve_erasure(erasure, admin)


def test_erasure_is_approved_by_another_administrator_then_carried_out(
    organisation, person, facilitator, admin
):
    erasure = _request(person, facilitator, reason="Please remove me, I am unwell")
    with pytest.raises(ValidationError, match="Only an approved request"):
        services.carry_out_erasure(erasure, admin)
    first_new_event = AuditEvent.objects.order_by("-sequence").first().sequence + 1
    with acting_as(admin):
        services.approve_erasure(erasure, admin)
        done = services.carry_out_erasure(erasure, admin)

    assert done.status == ErasureStatus.CARRIED_OUT
    assert done.carried_out_by == admin and done.carried_out_at
    assert done.reason == ""
    person.refresh_from_db()
    assert person.name == f"Person #{person.pk}" and person.pseudonymised_at
    assert person.email == person.address == person.needs_notes == ""
    assert not people.can_contact(person)
    # Kept for counts
    assert list(person.needs.values_list("need", flat=True)) == ["step_free"]
    assert person.memberships.count() == 1
    assert person.involvements.get().occurred_on == datetime.date(2026, 3, 4)
    consent = person.consents.get()
    assert consent.given_at and consent.recorded_by is None
    # Removed on erasure
    assert person.involvements.get().description == ""
    assert not SavedListMember.objects.filter(person=person).exists()
    assert not PartnerContact.objects.filter(person=person).exists()

    events = AuditEvent.objects.filter(sequence__gte=first_new_event)
    happened = set(events.values_list("model", "action"))
    assert {
        ("dataprotection.erasurerequest", "update"),
        ("people.person", "update"),
        ("people.involvement", "update"),
        ("people.consent", "update"),
        ("people.savedlistmember", "delete"),
        ("people.partnercontact", "delete"),
    } <= happened
    assert all(event.actor_id == admin.pk for event in events)
    statuses = [
        e.changes["status"][1]
        for e in events.filter(model="dataprotection.erasurerequest")
        if "status" in e.changes
    ]
    assert statuses == ["approved", "carried_out"]
    written = json.dumps(list(events.values_list("changes", "object_repr")))
    for secret in (
        "Pat",
        "Evans",
        "pat.evans",
        "Carer Close",
        "replacement care",
        "husband",
        "Trustee",
        "unwell",
    ):
        assert secret not in written, secret


def test_a_refused_request_changes_nothing(person, facilitator, admin):
    erasure = _request(person, facilitator)
    services.refuse_erasure(erasure, admin, "A legal claim is open.")
    with pytest.raises(ValidationError):
        services.carry_out_erasure(erasure, admin)
    person.refresh_from_db()
    assert person.name == "Pat Evans" and person.pseudonymised_at is None
    assert ErasureRequest.objects.get().refusal_reason == "A legal claim is open."
