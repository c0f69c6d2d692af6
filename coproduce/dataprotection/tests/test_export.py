import datetime
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from coproduce.accounts.models import Membership, Role, User
from coproduce.audit.context import acting_as
from coproduce.dataprotection import export, services
from coproduce.dataprotection.models import HowReceived
from coproduce.people import services as people
from coproduce.people.models import (
    ConsentMethod,
    ConsentPurpose,
    InvolvementKind,
    PartnerContact,
    PartnerOrganisation,
)
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    make_person,
    make_project,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")


@pytest.fixture
def registry():
    """The registry as the app set it up, restored after a test adds to it."""
    saved = dict(export._SOURCES)
    yield
    export._SOURCES.clear()
    export._SOURCES.update(saved)


@pytest.fixture
def world(organisation, facilitator):
    """Pat, with something in every section, and Robin, who shares a community, a list and a
    partner organisation with Pat."""
    carers = CommunityFactory(organisation=organisation, name="Carers")
    project = make_project(organisation, title="Carers' support service")
    participant = member(organisation, Role.PARTICIPANT, first_name="Pat", last_name="Evans")
    with acting_as(facilitator):
        pat = make_person(
            organisation,
            needs=["step_free", "hearing_loop"],
            communities=[carers],
            name="Patricia Evans",
            preferred_name="Pat",
            email="pat.evans@example.org",
            address="1 Carer Close",
            postcode="NS1 1AA",
            needs_notes="Morning meetings only",
            available_days=["mon", "tue"],
            user=participant,
        )
        robin = make_person(
            organisation,
            communities=[carers],
            name="Robin Other",
            email="robin.other@example.org",
            address="9 Elsewhere Road",
        )
        people.set_needs(pat, ["step_free"])  # hearing loop removed: still in the history
        people.give_consent(pat, ConsentPurpose.CONTACT, ConsentMethod.PHONE, facilitator)
        people.withdraw_consent(pat, ConsentPurpose.CONTACT, facilitator)
        people.give_consent(pat, ConsentPurpose.CONTACT, ConsentMethod.ONLINE, None)
        people.give_consent(robin, ConsentPurpose.CONTACT, ConsentMethod.ONLINE, None)
        people.record_involvement(
            pat, InvolvementKind.PANEL, datetime.date(2026, 5, 1), "Bid evaluation panel", project
        )
        people.record_involvement(
            robin, InvolvementKind.EVENT, datetime.date(2026, 5, 2), "Robin's workshop"
        )
        saved = people.create_saved_list(organisation, "Reference group")
        people.add_to_list(saved, [pat, robin])
        partner = PartnerOrganisation.objects.create(
            organisation=organisation, name="Carers' Centre", kind="carers_group"
        )
        PartnerContact.objects.create(
            organisation=organisation, partner=partner, person=pat, role="Trustee"
        )
        PartnerContact.objects.create(
            organisation=organisation, partner=partner, person=robin, role="Volunteer lead"
        )
        duplicate = make_person(organisation, name="P. Evans", email="old.pat@example.org")
        people.record_involvement(
            duplicate, InvolvementKind.SURVEY, datetime.date(2025, 1, 1), "Answered a survey"
        )
        people.merge_people(pat, duplicate)
        services.record_erasure_request(
            pat, facilitator, datetime.date(2026, 6, 1), HowReceived.LETTER, "Only the list"
        )
    # Another participant changes Pat's record through a facilitator: their name is withheld.
    other_participant = member(organisation, Role.PARTICIPANT, first_name="Sam", last_name="Lewis")
    with acting_as(facilitator, on_behalf_of=other_participant):
        pat.language = "Welsh"
        pat.save()
    return {"pat": pat, "robin": robin, "duplicate": duplicate, "facilitator": facilitator}


def _dump(built):
    return json.dumps(built.as_json(), cls=DjangoJSONEncoder)


def test_the_export_holds_everything_about_the_person(world, facilitator):
    pat = world["pat"]
    built = export.build_export(pat, facilitator)
    sections = {section.key: section for section in built.sections}
    assert list(sections) == [
        "person",
        "needs",
        "communities",
        "consents",
        "involvements",
        "saved_lists",
        "partner_roles",
        "applications",
        "invitations",
        "events",
        "deliveries",
        "claims",
        "payment_choice",
        "erasure_requests",
        "evaluation_panels",
        "survey_responses",
        "history",
    ]
    main, merged = sections["person"].records
    assert main["name"] == "Patricia Evans" and main["email"] == "pat.evans@example.org"
    assert main["address"] == "1 Carer Close" and main["needs_notes"] == "Morning meetings only"
    assert main["available_days"] == ["Monday", "Tuesday"]
    assert main["sign_in_account"]
    assert merged["name"] == "P. Evans" and merged["record"].startswith("A duplicate")
    assert sections["needs"].records == [{"need": "Step-free access"}]
    assert sections["communities"].records == [
        {"community": "Carers", "kind": "Interest or experience"}
    ]
    consents = sections["consents"].records
    assert [c["status"] for c in consents] == ["Withdrawn", "Given"]
    assert consents[0]["recorded_by"] == "Fran Hughes" and consents[0]["withdrawn_at"]
    involvements = sections["involvements"].records
    assert [i["description"] for i in involvements] == ["Answered a survey", "Bid evaluation panel"]
    assert involvements[1]["project"] == "Carers' support service"
    assert sections["saved_lists"].records == [{"list": "Reference group"}]
    assert sections["partner_roles"].records == [
        {"organisation": "Carers' Centre", "kind": "Carers' group", "role": "Trustee"}
    ]
    assert sections["erasure_requests"].records[0]["what_they_said"] == "Only the list"

    history = sections["history"].records
    records = {event["record"] for event in history}
    assert f"Person #{pat.pk}" in records and f"Person #{world['duplicate'].pk}" in records
    assert f"Hearing loop for person #{pat.pk}" in records  # a need since removed
    assert any(r.startswith("Request to erase") for r in records)
    kinds = {(event["record"], event["what"]) for event in history}
    assert (f"Hearing loop for person #{pat.pk}", "Deleted") in kinds
    # Only the special category section is held back from a user without that permission.
    assert [w.title for w in built.withheld] == ["Equality monitoring answers"]


def test_the_export_leaves_out_other_people(world, facilitator):
    pat, robin = world["pat"], world["robin"]
    built = export.build_export(pat, facilitator)
    dumped = _dump(built)
    for theirs in ("Robin", "robin.other", "Elsewhere", "Volunteer lead", "Robin's workshop"):
        assert theirs not in dumped, theirs
    history = next(s for s in built.sections if s.key == "history").records
    assert f"Person #{robin.pk}" not in {event["record"] for event in history}
    # A participant who is not this person is not named; staff are.
    whos = {event["who"] for event in history}
    assert "Fran Hughes, for Someone else (name withheld)" in whos
    assert "Sam" not in dumped and "Lewis" not in dumped
    assert "Fran Hughes" in whos


def test_the_export_is_readable_and_serialises_to_json(world, facilitator):
    built = export.build_export(world["pat"], facilitator)
    data = json.loads(_dump(built))
    assert data["about"] == f"Person #{world['pat'].pk}"
    assert set(data["sections"]) >= {"person", "consents", "history"}
    consents = next(s for s in built.sections if s.key == "consents")
    assert consents.headings[:3] == ["What for", "Agreed", "How"]
    first_row = dict(consents.rows[0])
    assert first_row["What for"] == "Contact about opportunities to take part"
    assert first_row["Recorded by"] == "Fran Hughes"
    assert export.readable(None) == "–"
    assert export.readable({"name": ["[hidden]", "[hidden]"], "id": [None, 4]}) == (
        "name: (not shown) → (not shown)\nid: – → 4"
    )
    assert export.readable(datetime.date(2026, 3, 4)) == "4 March 2026"


def _equality_answers(subject):
    return [{"question": "Ethnic group", "answer": "Prefer not to say"}]


def test_a_section_needing_a_permission_is_withheld_without_it(
    registry, world, facilitator, organisation
):
    export.register(
        export.Source(
            "equality_answers",
            "Equality monitoring answers",
            _equality_answers,
            permission="people.view_equality_answers",
            audit_models=("people.communitymembership",),
            order=45,
        )
    )
    # Drop the communities section so its history depends only on the withheld section.
    export._SOURCES.pop("communities")
    pat = world["pat"]

    without = export.build_export(pat, facilitator)
    assert "equality_answers" not in {s.key for s in without.sections}
    assert [w.title for w in without.withheld] == ["Equality monitoring answers"]
    assert "Prefer not to say" not in _dump(without)
    history = next(s for s in without.sections if s.key == "history").records
    assert not any(" in " in event["record"] and "Person #" in event["record"] for event in history)
    assert _dump(without).count("Equality monitoring answers") == 1  # named as withheld only

    Membership.objects.filter(user=facilitator).update(equality_data_access=True)
    with_access = export.build_export(pat, User.objects.get(pk=facilitator.pk))
    sections = {s.key: s for s in with_access.sections}
    assert sections["equality_answers"].records == _equality_answers(None)
    assert with_access.withheld == []
    history = sections["history"].records
    assert any(
        event["record"] == f"Person #{pat.pk} in {pat.memberships.get().community_id}"
        for event in history
    )


def test_sections_are_ordered_and_replaced_by_key(registry):
    before = [s.key for s in export.sources()]
    export.register(export.Source("zzz", "Last", lambda subject: [], order=999))
    export.register(export.Source("aaa", "First", lambda subject: [], order=1))
    keys = [s.key for s in export.sources()]
    assert keys[0] == "aaa" and keys[-1] == "zzz" and keys[1:-1] == before
    export.register(export.Source("aaa", "Changed", lambda subject: [], order=1))
    assert export.sources()[0].title == "Changed"


def test_every_equality_section_registered_needs_the_equality_permission():
    """A safety net for the equality app's section (and any other holding equality answers):
    it must ask for `people.view_equality_answers`, or the export would include answers for
    anyone allowed to export."""
    for source in export.sources():
        about_equality = "equality" in source.key or any(
            model.startswith("equality.") for model in source.audit_models
        )
        if about_equality:
            assert source.permission == "people.view_equality_answers", source.key
