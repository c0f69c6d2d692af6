import datetime

import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.people import services
from coproduce.people.models import (
    AccessNeed,
    Channel,
    ConsentMethod,
    ConsentPurpose,
    InvolvementKind,
    Person,
    SavedListMember,
)
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    PersonFactory,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def organisation():
    return OrganisationFactory()


def test_each_channel_needs_its_contact_detail(organisation):
    cases = {
        Channel.EMAIL: ("email", {"email": ""}),
        Channel.TEXT: ("mobile", {"mobile": ""}),
        Channel.POST: ("address", {"address": ""}),
        Channel.VIA: ("via_name", {"via_name": ""}),
        Channel.PHONE: ("mobile", {"mobile": "", "landline": ""}),
    }
    for channel, (field, blanks) in cases.items():
        person = PersonFactory.build(organisation=organisation, preferred_channel=channel, **blanks)
        with pytest.raises(ValidationError) as refused:
            services.save_person(person)
        assert field in refused.value.message_dict, channel
    landline_only = PersonFactory.build(
        organisation=organisation, preferred_channel=Channel.PHONE, landline="01632 960001"
    )
    services.save_person(landline_only)


def test_representatives_name_their_group_and_interpreters_their_language(organisation):
    person = PersonFactory.build(organisation=organisation, voice="representative")
    with pytest.raises(ValidationError) as refused:
        services.save_person(person)
    assert "represents" in refused.value.message_dict
    person = PersonFactory.build(organisation=organisation, preferred_format="interpreter")
    with pytest.raises(ValidationError) as refused:
        services.save_person(person)
    assert "language" in refused.value.message_dict


def test_needs_and_communities_are_set_and_changed(organisation):
    carers, ward = (
        CommunityFactory(organisation=organisation),
        CommunityFactory(organisation=organisation, kind="place"),
    )
    person = make_person(organisation, needs=[AccessNeed.HEARING_LOOP], communities=[carers])
    services.save_person(person, [AccessNeed.TRANSPORT, AccessNeed.QUIET_ROOM], [ward])
    assert set(person.needs.values_list("need", flat=True)) == {"transport", "quiet_room"}
    assert list(person.memberships.values_list("community", flat=True)) == [ward.pk]
    other = CommunityFactory()
    with pytest.raises(ValidationError):
        services.save_person(person, None, [other])


def test_postcodes_are_tidied(organisation):
    person = make_person(organisation, postcode=" nr1 2ab ")
    assert person.postcode == "NR1 2AB"


def test_withdrawing_consent_stops_contact_at_once(organisation):
    officer = member(organisation, Role.FACILITATOR)
    person = make_person(organisation)
    assert not services.can_contact(person)
    services.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PHONE, officer)
    assert services.can_contact(person)
    assert list(services.contactable(Person.objects.all())) == [person]
    services.withdraw_consent(person, ConsentPurpose.CONTACT, officer)
    assert not services.can_contact(person)
    assert not services.contactable(Person.objects.all()).exists()
    # Agreeing again starts a new agreement; the history keeps both.
    services.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.ONLINE, None)
    assert person.consents.count() == 2 and services.can_contact(person)


def test_consent_is_per_purpose(organisation):
    person = make_person(organisation, consents=[ConsentPurpose.QUOTES_PHOTOS])
    assert services.can_contact(person, ConsentPurpose.QUOTES_PHOTOS)
    assert not services.can_contact(person, ConsentPurpose.CONTACT)


def test_giving_consent_twice_keeps_one_agreement(organisation):
    person = make_person(organisation)
    first = services.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.PAPER, None)
    again = services.give_consent(person, ConsentPurpose.CONTACT, ConsentMethod.ONLINE, None)
    assert first.pk == again.pk


def test_withdrawing_consent_to_keep_needs_removes_them(organisation):
    person = make_person(
        organisation,
        needs=[AccessNeed.BSL_INTERPRETER],
        needs_notes="Prefers morning sessions",
        consents=[ConsentPurpose.KEEP_NEEDS],
    )
    services.withdraw_consent(person, ConsentPurpose.KEEP_NEEDS, None)
    person.refresh_from_db()
    assert not person.needs.exists() and person.needs_notes == ""


def test_merged_or_pseudonymised_people_cannot_be_contacted(organisation):
    keep = make_person(organisation, consents=[ConsentPurpose.CONTACT])
    duplicate = make_person(organisation, consents=[ConsentPurpose.CONTACT])
    services.merge_people(keep, duplicate)
    duplicate.refresh_from_db()
    assert services.can_contact(keep) and not services.can_contact(duplicate)


def test_fatigue_counts_involvements_in_the_last_twelve_months(organisation):
    settings = services.register_settings(organisation)
    settings.fatigue_threshold = 3
    settings.save()
    person = make_person(organisation)
    services.record_involvement(
        person, InvolvementKind.EVENT, TODAY - datetime.timedelta(days=365), "Too old"
    )
    for days in (1, 100, 364):
        services.record_involvement(
            person, InvolvementKind.PANEL, TODAY - datetime.timedelta(days=days), "Panel"
        )
    assert services.recent_involvement_count(person, TODAY) == 3
    assert services.is_fatigued(person, TODAY)
    assert services.recent_involvement_count(person, TODAY + datetime.timedelta(days=2)) == 2


def test_saved_lists_add_once_and_only_own_people(organisation):
    saved = services.create_saved_list(organisation, "Carers' reference group")
    people = [make_person(organisation) for _ in range(3)]
    assert services.add_to_list(saved, people) == 3
    assert services.add_to_list(saved, people[:2]) == 0
    with pytest.raises(ValidationError):
        services.add_to_list(saved, [make_person(OrganisationFactory())])
    services.remove_from_list(saved, people[0])
    assert saved.members.count() == 2
    with pytest.raises(ValidationError):
        services.create_saved_list(organisation, "Carers' reference group")


def test_merge_keeps_both_histories(organisation):
    carers = CommunityFactory(organisation=organisation)
    keep = make_person(organisation, needs=[AccessNeed.TRANSPORT], consents=["contact"])
    duplicate = make_person(
        organisation,
        needs=[AccessNeed.TRANSPORT, AccessNeed.QUIET_ROOM],
        communities=[carers],
        consents=["contact", "quotes_photos"],
        mobile="07700 900123",
    )
    keep.mobile = ""
    keep.save()
    services.record_involvement(keep, InvolvementKind.EVENT, TODAY, "Workshop")
    services.record_involvement(duplicate, InvolvementKind.PANEL, TODAY, "Panel")
    saved = services.create_saved_list(organisation, "Panel")
    services.add_to_list(saved, [keep, duplicate])

    services.merge_people(keep, duplicate)
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep
    assert keep.involvements.count() == 2
    assert set(keep.needs.values_list("need", flat=True)) == {"transport", "quiet_room"}
    assert list(keep.memberships.values_list("community", flat=True)) == [carers.pk]
    assert keep.mobile == "07700 900123"
    assert keep.consents.filter(withdrawn_at__isnull=True).count() == 2
    assert keep.consents.count() == 3
    assert SavedListMember.objects.filter(saved_list=saved).count() == 1
    # The duplicate's own audit history stays readable.
    assert AuditEvent.objects.filter(model="people.person", object_id=str(duplicate.pk)).exists()
    with pytest.raises(ValidationError):
        services.merge_people(keep, duplicate)
    with pytest.raises(ValidationError):
        services.merge_people(keep, keep)


def test_personal_details_never_enter_the_audit_trail(organisation):
    person = make_person(organisation, name="Priscilla Unusualname", email="pu@example.org")
    person.address = "1 Secret Lane"
    person.save()
    trail = str(list(AuditEvent.objects.values_list("changes", "object_repr")))
    for secret in ["Priscilla", "Unusualname", "pu@example.org", "Secret Lane"]:
        assert secret not in trail
