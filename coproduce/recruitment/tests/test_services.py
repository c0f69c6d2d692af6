import datetime

import pytest
from django.core.exceptions import ValidationError

from coproduce.accounts.models import Role
from coproduce.notifications.models import Delivery
from coproduce.people.models import Channel, ConsentPurpose, Format, InvolvementKind
from coproduce.people.services import record_involvement, register_settings
from coproduce.recruitment import services
from coproduce.recruitment.models import (
    KEY_MESSAGES,
    GlossaryTerm,
    Invitation,
    OpportunityStatus,
)
from coproduce.testing.factories import (
    COMPLETE_KEY_MESSAGES,
    make_method,
    make_opportunity,
    make_person,
    make_project,
    member,
)

pytestmark = pytest.mark.django_db
LINK = "https://coproduce.example/opportunities/1/"


@pytest.fixture
def project():
    return make_project(scope_open="The days and times of the service.", scope_fixed="The budget.")


@pytest.fixture
def method(project):
    return make_method(project.stages.get(position=3).plan)


def test_new_opportunity_takes_the_scope_of_influence_from_the_project(method, project):
    opportunity = services.new_opportunity(method)
    assert opportunity.deciding == "The days and times of the service."
    assert opportunity.cannot_change == "The budget."
    assert opportunity.stage == method.plan.stage and opportunity.project == project


def test_publishing_is_blocked_until_every_key_message_is_written(method):
    opportunity = services.new_opportunity(method)
    opportunity.title = "Help us"
    services.save_opportunity(opportunity)
    with pytest.raises(ValidationError) as raised:
        services.publish_opportunity(opportunity, None)
    missing = set(raised.value.message_dict)
    # deciding and cannot_change came from the project; purpose from the method.
    assert missing == {field for field, _ in KEY_MESSAGES} - {
        "deciding",
        "cannot_change",
        "purpose",
    }
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.DRAFT


@pytest.mark.parametrize("field", [field for field, _ in KEY_MESSAGES])
def test_each_key_message_on_its_own_blocks_publishing(method, field):
    opportunity = make_opportunity(method)
    setattr(opportunity, field, None if field == "closes_on" else "  ")
    with pytest.raises(ValidationError) as raised:
        services.publish_opportunity(opportunity, None)
    assert list(raised.value.message_dict) == [field]


def test_closing_date_in_the_past_blocks_publishing(method):
    opportunity = make_opportunity(method, closes_on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as raised:
        services.publish_opportunity(opportunity, None)
    assert "closes_on" in raised.value.message_dict


def test_a_published_opportunity_cannot_lose_a_key_message(method):
    opportunity = make_opportunity(method, publish=True)
    opportunity.payment = ""
    with pytest.raises(ValidationError):
        services.save_opportunity(opportunity)


def test_publish_then_close(method):
    opportunity = make_opportunity(method, publish=True)
    assert opportunity.status == OpportunityStatus.PUBLISHED and opportunity.published_at
    services.close_opportunity(opportunity)
    assert opportunity.status == OpportunityStatus.CLOSED


def test_text_checks_flag_jargon_and_score_against_the_organisation_target(method):
    opportunity = make_opportunity(
        method, expected="You will help with the procurement and score each tender."
    )
    settings = services.recruitment_settings(opportunity.organisation)
    settings.readability_target = 95
    settings.save()
    overall, checks = services.text_checks(opportunity)
    assert overall is not None and overall.target == 95 and not overall.meets_target
    expected = next(check for check in checks if check.field == "expected")
    assert {found.term.term for found in expected.jargon} == {"procurement", "tender"}


def test_glossary_is_editable_and_new_terms_are_flagged(method):
    opportunity = make_opportunity(method, expected="We will look at the KPIs and the widgets.")
    services.save_glossary_term(
        GlossaryTerm(organisation=opportunity.organisation, term="widget", plain_alternative="part")
    )
    _, checks = services.text_checks(opportunity)
    expected = next(check for check in checks if check.field == "expected")
    assert {found.term.term for found in expected.jargon} == {"KPI", "widget"}
    with pytest.raises(ValidationError):
        services.save_glossary_term(
            GlossaryTerm(
                organisation=opportunity.organisation, term="Widget", plain_alternative="bit"
            )
        )


def test_easy_read_draft_and_edit_keep_order_and_reject_long_rows(method):
    opportunity = make_opportunity(method)
    drafted = services.draft_easy_read(opportunity)
    assert len(drafted) >= len(COMPLETE_KEY_MESSAGES)
    assert [row.position for row in drafted] == list(range(1, len(drafted) + 1))
    rows = services.save_easy_read(
        opportunity, [("We need your help.", "Hands"), ("", ""), ("Thank you.", "")]
    )
    assert [(row.sentence, row.picture_description) for row in rows] == [
        ("We need your help.", "Hands"),
        ("Thank you.", ""),
    ]
    assert opportunity.easy_read_sentences.count() == 2
    with pytest.raises(ValidationError):
        services.save_easy_read(opportunity, [("x" * 201, "")])
    assert opportunity.easy_read_sentences.count() == 2


def _people(organisation):
    ready = make_person(organisation, consents=[ConsentPurpose.CONTACT], name="Ready Person")
    no_consent = make_person(organisation, name="No Consent")
    tired = make_person(organisation, consents=[ConsentPurpose.CONTACT], name="Often Asked")
    for days in range(register_settings(organisation).fatigue_threshold):
        record_involvement(
            tired,
            InvolvementKind.EVENT,
            datetime.date.today() - datetime.timedelta(days=days + 1),
            "Meeting",
        )
    return ready, no_consent, tired


def test_candidates_show_who_is_held_back_and_why(method):
    opportunity = make_opportunity(method, publish=True)
    ready, no_consent, tired = _people(opportunity.organisation)
    found = {c.person.pk: c for c in services.candidates(opportunity, [ready, no_consent, tired])}
    assert found[ready.pk].held_reason == ""
    assert "consent" in found[no_consent.pk].held_reason
    assert found[tired.pk].fatigued and "12 months" in found[tired.pk].held_reason


def test_invite_sends_to_the_contactable_holds_back_the_rest_and_never_twice(method):
    opportunity = make_opportunity(method, publish=True)
    officer = member(opportunity.organisation, Role.FACILITATOR)
    ready, no_consent, tired = _people(opportunity.organisation)
    outcome = services.invite(opportunity, [ready, no_consent, tired], by=officer, link=LINK)
    assert [i.person for i in outcome.invited] == [ready]
    assert {i.person for i in outcome.held} == {no_consent, tired}
    delivery = Delivery.objects.get(key=f"invitation:{outcome.invited[0].pk}")
    assert delivery.person == ready and LINK in delivery.body
    # Confirming the often-asked person invites them; nobody already invited is sent again.
    again = services.invite(
        opportunity, [ready, no_consent, tired], by=officer, link=LINK, confirm_fatigued=[tired.pk]
    )
    assert [i.person for i in again.invited] == [tired]
    assert Invitation.objects.get(person=tired).fatigue_confirmed
    assert Delivery.objects.filter(person=ready).count() == 1
    assert not Delivery.objects.filter(person=no_consent).exists()


def test_confirming_fatigue_never_overrides_missing_consent(method):
    opportunity = make_opportunity(method, publish=True)
    _, no_consent, _ = _people(opportunity.organisation)
    outcome = services.invite(
        opportunity, [no_consent], by=None, link=LINK, confirm_fatigued=[no_consent.pk]
    )
    assert outcome.invited == [] and len(outcome.held) == 1


def test_short_notice_needs_a_reason(method):
    soon = datetime.date.today() + datetime.timedelta(days=3)
    opportunity = make_opportunity(method, publish=True, starts_on=soon)
    person = make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT])
    with pytest.raises(ValidationError) as raised:
        services.invite(opportunity, [person], by=None, link=LINK)
    assert "short_notice_reason" in raised.value.message_dict
    assert not Invitation.objects.exists()
    outcome = services.invite(
        opportunity, [person], by=None, link=LINK, short_notice_reason="The panel date moved."
    )
    assert outcome.invited[0].short_notice_reason == "The panel date moved."


def test_draft_opportunities_cannot_be_sent(method):
    opportunity = make_opportunity(method)
    person = make_person(opportunity.organisation, consents=[ConsentPurpose.CONTACT])
    with pytest.raises(ValidationError):
        services.invite(opportunity, [person], by=None, link=LINK)


def test_people_of_another_organisation_are_ignored(method):
    opportunity = make_opportunity(method, publish=True)
    stranger = make_person(make_project().organisation, consents=[ConsentPurpose.CONTACT])
    assert services.candidates(opportunity, [stranger]) == []


def test_invitation_uses_easy_read_sentences_for_people_who_need_them(method):
    opportunity = make_opportunity(method, publish=True)
    services.save_easy_read(opportunity, [("We need your help.", ""), ("We will pay you.", "")])
    person = make_person(
        opportunity.organisation,
        consents=[ConsentPurpose.CONTACT],
        preferred_format=Format.EASY_READ,
        preferred_channel=Channel.EMAIL,
    )
    outcome = services.invite(opportunity, [person], by=None, link=LINK)
    delivery = Delivery.objects.get(key=outcome.invited[0].delivery_key)
    assert delivery.sent_as == "easy_read"
    assert [row["text"] for row in delivery.easy_read] == ["We need your help.", "We will pay you."]
