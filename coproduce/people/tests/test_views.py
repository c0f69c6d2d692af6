import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.people import services
from coproduce.people.models import (
    AccessNeed,
    ConsentPurpose,
    InvolvementKind,
    PartnerOrganisation,
    Person,
)
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(client, organisation):
    user = member(organisation, Role.FACILITATOR)
    client.force_login(user)
    return user


def person_data(**overrides):
    data = {
        "name": "Margaret Okoro",
        "preferred_name": "Maggie",
        "preferred_channel": "phone",
        "email": "",
        "mobile": "",
        "landline": "01632 960123",
        "address": "",
        "postcode": "nr1 1aa",
        "via_name": "",
        "via_relationship": "",
        "via_contact": "",
        "preferred_format": "large_print",
        "language": "",
        "available_days": ["mon", "wed"],
        "available_times": ["morning"],
        "voice": "self",
        "represents": "",
        "mandate": "",
        "needs": ["step_free", "papers_early"],
        "needs_notes": "Needs a seat near the door",
    }
    data.update(overrides)
    return data


def test_a_facilitator_adds_a_person_with_needs_then_records_consent_by_phone(
    client, facilitator, organisation
):
    carers = CommunityFactory(organisation=organisation, name="Carers")
    response = client.post(reverse("people:create"), person_data(communities=[carers.pk]))
    person = Person.objects.get()
    assert response.url == reverse("people:consent", args=[person.pk])
    assert person.organisation == organisation and person.postcode == "NR1 1AA"
    assert set(person.needs.values_list("need", flat=True)) == {"step_free", "papers_early"}
    client.post(
        reverse("people:consent", args=[person.pk]), {"purpose": "contact", "method": "phone"}
    )
    consent = person.consents.get()
    assert consent.recorded_by == facilitator and consent.method == "phone"
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Maggie" in page and "Step-free access" in page and "Carers" in page
    assert "Monday, Wednesday (morning)" in page


def test_mistakes_are_shown_beside_fields_and_what_was_typed_is_kept(client, facilitator):
    response = client.post(
        reverse("people:create"), person_data(landline="", name="Sam Patel", needs=["quiet_room"])
    )
    page = response.content.decode()
    assert 'href="#id_mobile"' in page and "Enter a phone number" in page
    assert 'value="Sam Patel"' in page
    assert 'value="quiet_room" checked' in page
    assert not Person.objects.exists()


def test_withdrawing_consent_from_the_person_page(client, facilitator, organisation):
    person = make_person(organisation, consents=[ConsentPurpose.CONTACT])
    response = client.post(reverse("people:consent-withdraw", args=[person.pk, "contact"]))
    assert response.status_code == 302
    assert not services.can_contact(person)
    bad = client.post(reverse("people:consent-withdraw", args=[person.pk, "nonsense"]))
    assert bad.status_code == 404


def test_filters_find_people_by_community_need_channel_consent_and_fatigue(
    client, facilitator, organisation
):
    carers = CommunityFactory(organisation=organisation, name="Carers")
    alice = make_person(
        organisation,
        name="Alice Able",
        communities=[carers],
        needs=[AccessNeed.HEARING_LOOP],
        consents=[ConsentPurpose.CONTACT],
    )
    bob = make_person(organisation, name="Bob Brown", preferred_channel="post", address="1 Road")
    make_person(OrganisationFactory(), name="Alice Elsewhere")
    settings = services.register_settings(organisation)
    settings.fatigue_threshold = 2
    settings.save()
    for _ in range(2):
        services.record_involvement(bob, InvolvementKind.EVENT, timezone.localdate(), "Event")

    def names(**params):
        page = client.get(reverse("people:list"), params).content.decode()
        return {n for n in ("Alice Able", "Bob Brown", "Alice Elsewhere") if n in page}

    assert names() == {"Alice Able", "Bob Brown"}
    assert names(q="alice") == {"Alice Able"}
    assert names(community=carers.pk) == {"Alice Able"}
    assert names(need="hearing_loop") == {"Alice Able"}
    assert names(channel="post") == {"Bob Brown"}
    assert names(consent="given") == {"Alice Able"}
    assert names(consent="not_given") == {"Bob Brown"}
    assert names(fatigue="over") == {"Bob Brown"}
    assert names(fatigue="under") == {"Alice Able"}
    assert alice.pk != bob.pk


def test_the_people_list_runs_the_same_queries_for_3_or_30_people(
    client, facilitator, organisation
):
    communities = [CommunityFactory(organisation=organisation) for _ in range(3)]

    def add(count):
        for _ in range(count):
            person = make_person(
                organisation,
                needs=[AccessNeed.TRANSPORT, AccessNeed.QUIET_ROOM],
                communities=communities[:2],
                consents=[ConsentPurpose.CONTACT],
            )
            services.record_involvement(
                person, InvolvementKind.PANEL, person.created_at.date(), "x"
            )

    def count_queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    saved = services.create_saved_list(organisation, "Group")
    add(3)
    services.add_to_list(saved, Person.objects.all())
    urls = [
        reverse("people:list"),
        reverse("people:list") + "?need=transport&consent=given",
        reverse("people:saved-list", args=[saved.pk]),
        reverse("people:communities"),
        reverse("people:saved-lists"),
    ]
    few = [count_queries(url) for url in urls]
    add(27)
    services.add_to_list(saved, Person.objects.all())
    many = [count_queries(url) for url in urls]
    assert few == many
    assert max(many) <= 12


def test_adding_selected_people_to_a_saved_list(client, facilitator, organisation):
    saved = services.create_saved_list(organisation, "Carers' reference group")
    people = [make_person(organisation) for _ in range(2)]
    response = client.post(
        reverse("people:saved-list-add"),
        {"saved_list": saved.pk, "people": [p.pk for p in people]},
    )
    assert response.url == reverse("people:saved-list", args=[saved.pk])
    assert saved.members.count() == 2
    outsider = make_person(OrganisationFactory())
    client.post(reverse("people:saved-list-add"), {"saved_list": saved.pk, "people": [outsider.pk]})
    assert saved.members.count() == 2
    response = client.post(
        reverse("people:saved-list-add"), {"people": [people[0].pk]}, follow=True
    )
    assert "Choose the list to add people to." in response.content.decode()


def test_communities_and_partner_organisations_are_recorded(client, facilitator, organisation):
    client.post(
        reverse("people:community-create"),
        {"name": "Thorpe ward", "kind": "place", "place_type": "ward", "description": ""},
    )
    ward = organisation.communities.get()
    client.post(
        reverse("people:partner-create"),
        {
            "name": "Northshire Carers",
            "kind": "carers_group",
            "communities": [ward.pk],
            "conflicts_of_interest": "May bid for the carers' hub contract",
        },
    )
    page = client.get(reverse("people:partners")).content.decode()
    assert "Northshire Carers" in page and "Thorpe ward" in page and "May bid" in page
    response = client.post(reverse("people:community-create"), {"name": "", "kind": ""})
    assert "There is a problem" in response.content.decode()


def test_register_settings_refuse_a_suppression_threshold_below_three(client, organisation):
    client.force_login(member(organisation, Role.ADMINISTRATOR))
    response = client.post(
        reverse("people:settings"), {"fatigue_threshold": "4", "suppression_threshold": "2"}
    )
    assert "Use 3 or more" in response.content.decode()
    client.post(
        reverse("people:settings"), {"fatigue_threshold": "4", "suppression_threshold": "6"}
    )
    assert services.register_settings(organisation).suppression_threshold == 6


def test_in_assisted_mode_the_new_record_is_the_participants_and_audited_as_such(
    client, facilitator, organisation
):
    sam = member(organisation, Role.PARTICIPANT, email="", first_name="Sam", last_name="Lewis")
    client.post(reverse("accounts:assist"), {"participant": sam.pk})
    page = client.get(reverse("people:create")).content.decode()
    assert 'value="Sam Lewis"' in page and "linked to their account" in page
    client.post(reverse("people:create"), person_data(name="Sam Lewis"))
    person = Person.objects.get()
    assert person.user == sam
    created = AuditEvent.objects.get(model="people.person", object_id=str(person.pk))
    assert (created.actor_id, created.on_behalf_of_id) == (facilitator.pk, sam.pk)
    assert "linked to their account" not in client.get(reverse("people:create")).content.decode()


def test_a_person_becomes_a_contact_for_a_partner_organisation(client, facilitator, organisation):
    partner = PartnerOrganisation.objects.create(
        organisation=organisation, name="People First", kind="user_led"
    )
    elsewhere = PartnerOrganisation.objects.create(
        organisation=OrganisationFactory(), name="Elsewhere", kind="vcse"
    )
    person = make_person(organisation)
    url = reverse("people:partner-role", args=[person.pk])
    response = client.post(url, {"partner": elsewhere.pk, "role": "Chair"})
    assert "Select a valid choice" in response.content.decode()
    client.post(url, {"partner": partner.pk, "role": "Chair"})
    client.post(url, {"partner": partner.pk, "role": "Treasurer"})
    contact = person.partner_roles.get()
    assert contact.role == "Treasurer"
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "People First (Treasurer)" in page
    client.post(reverse("people:partner-role-remove", args=[person.pk, contact.pk]))
    assert not person.partner_roles.exists()
