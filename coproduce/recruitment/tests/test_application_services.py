import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.equality.models import EqualityAnswers
from coproduce.notifications.models import Delivery, DeliveryStatus
from coproduce.people.models import ConsentMethod, ConsentPurpose, Person, PersonNeed
from coproduce.people.services import withdraw_consent
from coproduce.recruitment import application_services as services
from coproduce.recruitment.application_messages import status_message
from coproduce.recruitment.application_services import NotEligible
from coproduce.recruitment.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    OpportunityStatus,
    SelectionQuestion,
)
from coproduce.testing.factories import (
    OrganisationFactory,
    make_application,
    make_opportunity,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db
S = ApplicationStatus
REQUIREMENTS = "You care for someone in Northshire\nYou are 18 or over"
SESSIONS = "Tuesday 3 March, 10am to 1pm\nThursday 12 March, 2pm to 5pm"


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def opportunity(organisation):
    opportunity = make_opportunity(
        organisation=organisation,
        publish=True,
        eligibility=REQUIREMENTS,
        sessions=SESSIONS,
        places=2,
        reserve_places=1,
    )
    SelectionQuestion.objects.create(
        organisation=organisation,
        opportunity=opportunity,
        feature="age_band",
        question="How old are you?",
        values=["18 to 34", "35 to 64", "65 or over"],
    )
    return opportunity


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR)


def answers(**overrides):
    data = {
        "name": "  Pat   Evans ",
        "preferred_channel": "email",
        "email": "pat.evans@example.org",
        "preferred_format": "large_print",
        "eligibility_answers": dict.fromkeys(REQUIREMENTS.splitlines(), "yes"),
        "availability": ["Thursday 12 March, 2pm to 5pm"],
        "access_needs": ["step_free", "replacement_care"],
        "access_notes": "I use a wheelchair.",
        "keep_needs": True,
        "selection_answers": {"age_band": "35 to 64"},
        "why_interested": "I care for my mum.",
    }
    data.update(overrides)
    return data


def answered(opportunity, **overrides):
    """A draft with every question answered, one step at a time."""
    application = services.start_application(opportunity)
    for step in services.steps_for(opportunity):
        services.save_answer(application, step.slug, answers(**overrides))
    return application


# Starting and saving


def test_applications_start_only_while_published_and_until_the_end_of_the_closing_date(
    organisation,
):
    draft = make_opportunity(organisation=organisation)
    with pytest.raises(ValidationError):
        services.start_application(draft)
    today = timezone.localdate()
    closing_today = make_opportunity(organisation=organisation, publish=True, closes_on=today)
    assert services.start_application(closing_today).status == S.DRAFT
    Application.objects.all().delete()
    closing_today.closes_on = today - datetime.timedelta(days=1)
    closing_today.save()
    with pytest.raises(ValidationError):
        services.start_application(closing_today)
    assert not Application.objects.exists()


def test_each_answer_is_saved_at_once_and_coming_back_opens_the_first_unanswered(opportunity):
    application = services.start_application(opportunity)
    steps = services.steps_for(opportunity)
    assert [s.slug for s in steps] == [
        "name",
        "contact",
        "contact-details",
        "format",
        "eligibility",
        "availability",
        "access-needs",
        "question-age_band",
        "why",
    ]
    services.save_answer(application, "name", {"name": "Pat Evans"})
    services.save_answer(application, "format", {"preferred_format": "standard"})
    stored = Application.objects.get()
    assert stored.name == "Pat Evans" and stored.answered_steps == ["name", "format"]
    assert services.first_unanswered(stored, steps).slug == "contact"
    # "No support needed" is an answer too: the page is not asked again.
    services.save_answer(stored, "access-needs", {"access_needs": []})
    missing = [s.slug for s in services.unanswered_required(stored, steps)]
    assert missing == [
        "contact",
        "contact-details",
        "eligibility",
        "availability",
        "question-age_band",
    ]


def test_changing_the_way_of_contact_asks_for_the_matching_detail_again(opportunity):
    application = answered(opportunity)
    steps = services.steps_for(opportunity)
    assert services.first_unanswered(application, steps) is None
    services.save_answer(application, "contact", {"preferred_channel": "post"})
    assert services.first_unanswered(application, steps).slug == "contact-details"
    with pytest.raises(ValidationError) as refused:
        services.save_answer(application, "contact-details", {"address": "", "postcode": ""})
    assert set(refused.value.message_dict) == {"address", "postcode"}


def test_the_rules_are_checked_again_by_the_service(opportunity):
    application = services.start_application(opportunity)
    cases = [
        ("name", {"name": "   "}, "name"),
        ("contact", {"preferred_channel": "via"}, "preferred_channel"),
        ("format", {"preferred_format": "interpreter", "language": ""}, "language"),
        ("availability", {"availability": ["Sunday"]}, "availability"),
        ("access-needs", {"access_needs": ["jetpack"]}, "access_needs"),
        ("question-age_band", {"selection_answers": {"age_band": "12"}}, "answer_age_band"),
    ]
    for step, data, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.save_answer(application, step, data)
        assert field in refused.value.message_dict, step
    assert Application.objects.get().answered_steps == []


def test_household_is_the_same_for_everyone_at_one_address():
    one = services.household_key("12 High Street\nNorthtown", "nr1 1aa")
    assert one == services.household_key("12 high street,\nNorthtown", "NR11AA")
    assert len(one) == 64
    assert one != services.household_key("14 High Street", "NR1 1AA")
    assert services.household_key("", "NR1 1AA") == ""


def test_a_postal_address_fills_the_household(opportunity):
    application = answered(
        opportunity,
        preferred_channel="post",
        address="12 High Street\nNorthtown",
        postcode="nr1 1aa",
    )
    assert application.postcode == "NR1 1AA"
    assert application.household == services.household_key("12 High Street", "NR1 1AA")


# Sending


def test_sending_adds_the_person_with_consent_and_needs_and_acknowledges(opportunity):
    application = answered(opportunity)
    services.submit_application(application, link="https://example.org/apply/continue/x/")
    application.refresh_from_db()
    person = application.person
    assert application.status == S.APPLIED and application.submitted_at is not None
    assert (person.name, person.email, person.preferred_format) == (
        "Pat Evans",
        "pat.evans@example.org",
        "large_print",
    )
    assert set(person.needs.values_list("need", flat=True)) == {"step_free", "replacement_care"}
    assert person.needs_notes == "I use a wheelchair."
    consents = {c.purpose: c.method for c in person.consents.all()}
    assert consents == {
        ConsentPurpose.CONTACT: ConsentMethod.ONLINE,
        ConsentPurpose.KEEP_NEEDS: ConsentMethod.ONLINE,
    }
    delivery = Delivery.objects.get()
    assert delivery.key == f"application:{application.pk}:applied:1"
    assert delivery.topic == f"opportunity:{opportunity.pk}:applications"
    assert delivery.person == person and delivery.status != DeliveryStatus.HELD
    assert "Thank you for applying" in delivery.body
    assert "https://example.org/apply/continue/x/" in delivery.body
    assert delivery.link == "https://example.org/apply/continue/x/"


def test_needs_are_not_kept_in_the_register_without_agreement(opportunity):
    application = answered(opportunity, keep_needs=False)
    services.submit_application(application)
    application.refresh_from_db()
    assert application.access_needs == ["step_free", "replacement_care"]
    assert not PersonNeed.objects.exists()
    assert application.person.needs_notes == ""
    purposes = set(application.person.consents.values_list("purpose", flat=True))
    assert purposes == {ConsentPurpose.CONTACT}


def test_unanswered_questions_stop_sending(opportunity):
    application = services.start_application(opportunity)
    services.save_answer(application, "name", {"name": "Pat Evans"})
    with pytest.raises(ValidationError) as refused:
        services.submit_application(application)
    assert "Still to answer: how we contact you" in refused.value.messages[0]
    assert Application.objects.get().status == S.DRAFT
    assert not Person.objects.exists() and not Delivery.objects.exists()


def test_someone_who_does_not_meet_a_requirement_is_told_why_and_whom_to_contact(opportunity):
    no = {"You care for someone in Northshire": "yes", "You are 18 or over": "no"}
    application = answered(opportunity, eligibility_answers=no)
    assert services.not_met(application) == ["You are 18 or over"]
    with pytest.raises(NotEligible) as refused:
        services.submit_application(application)
    message = refused.value.messages[0]
    assert "You are 18 or over" in message and "Fran Hughes, 01234 567890" in message
    assert refused.value.requirements == ["You are 18 or over"]
    assert not Person.objects.exists()


def test_only_the_chosen_way_of_contact_is_kept_from_an_online_application(opportunity):
    application = answered(
        opportunity, preferred_channel="post", address="1 Lane", postcode="NR1 1AA"
    )
    services.save_answer(application, "contact", {"preferred_channel": "text"})
    services.save_answer(application, "contact-details", {"phone": "07700 900982"})
    services.submit_application(application)
    application.refresh_from_db()
    assert (application.email, application.address, application.household) == ("", "", "")
    assert application.person.mobile == "07700 900982" and application.person.address == ""


def test_an_applicant_already_in_the_register_is_linked_by_email_and_name(
    organisation, opportunity
):
    known = make_person(organisation, name="Pat Evans", email="PAT.EVANS@example.org", address="")
    application = answered(opportunity)
    services.submit_application(application)
    application.refresh_from_db()
    assert application.person == known and Person.objects.count() == 1
    known.refresh_from_db()
    assert known.preferred_format == "large_print"


def test_the_same_email_with_another_name_is_a_new_record(organisation, opportunity):
    other = make_person(organisation, name="Sam Lewis", email="pat.evans@example.org")
    application = answered(opportunity)
    services.submit_application(application)
    application.refresh_from_db()
    assert application.person != other and Person.objects.count() == 2


def test_a_facilitator_enters_a_phone_application_with_consent_recorded_by_them(
    opportunity, facilitator
):
    application = services.enter_application(
        opportunity,
        answers(preferred_channel="phone", phone="01632 960001", email=""),
        ApplicationSource.PHONE,
        facilitator,
    )
    assert application.source == ApplicationSource.PHONE
    assert application.entered_by == facilitator and application.status == S.APPLIED
    consent = application.person.consents.get(purpose=ConsentPurpose.CONTACT)
    assert consent.method == ConsentMethod.PHONE and consent.recorded_by == facilitator
    assert application.person.landline == "01632 960001"
    assert Delivery.objects.get().sent_by == facilitator


def test_a_facilitator_can_enter_an_application_for_someone_in_the_register(
    organisation, opportunity, facilitator
):
    person = make_person(organisation, name="Sam Lewis")
    application = services.enter_application(
        opportunity, answers(name="Sam Lewis"), ApplicationSource.PAPER, facilitator, person=person
    )
    assert application.person == person and Person.objects.count() == 1
    assert person.consents.get(purpose=ConsentPurpose.CONTACT).method == ConsentMethod.PAPER


def test_staff_entry_reports_every_problem_and_saves_nothing(opportunity, facilitator):
    with pytest.raises(ValidationError) as refused:
        services.enter_application(
            opportunity,
            answers(name="", preferred_channel="email", email="", selection_answers={}),
            ApplicationSource.PHONE,
            facilitator,
        )
    assert {"name", "email", "answer_age_band"} <= set(refused.value.message_dict)
    assert not Application.objects.exists() and not Person.objects.exists()
    with pytest.raises(ValidationError):
        services.enter_application(opportunity, answers(), ApplicationSource.ONLINE, facilitator)


def test_staff_can_enter_late_paper_applications_once_closed_but_the_public_cannot(
    opportunity, facilitator
):
    draft = services.start_application(opportunity)
    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()
    with pytest.raises(ValidationError):
        services.save_answer(draft, "name", {"name": "Too Late"})
    entered = services.enter_application(
        opportunity, answers(), ApplicationSource.PAPER, facilitator
    )
    assert entered.status == S.APPLIED


def test_the_resume_link_email_has_the_link_and_nothing_personal(opportunity):
    application = answered(opportunity)
    request = RequestFactory().get("/")
    sent_to = services.email_resume_link(application, request, "someone@example.org")
    assert sent_to == "someone@example.org"
    email = mail.outbox[0]
    assert email.to == ["someone@example.org"]
    assert f"/apply/continue/{application.resume_key}/" in email.body
    assert opportunity.title in email.subject
    assert "Pat" not in email.body + email.subject
    # Without an address typed, theirs is used.
    services.email_resume_link(application, request)
    assert mail.outbox[1].to == ["pat.evans@example.org"]


# Moving applications along

EVERY_STATUS = [s for s in S.values if s != S.DRAFT]


# The design: where an application can go from each status.
EXPECTED_MOVES = {
    S.APPLIED: {S.SHORTLISTED, S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.WITHDRAWN},
    S.SHORTLISTED: {S.SELECTED, S.RESERVE, S.NOT_SELECTED, S.WITHDRAWN},
    S.RESERVE: {S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN},
    S.SELECTED: {S.CONFIRMED, S.RESERVE, S.WITHDRAWN},
    S.CONFIRMED: {S.WITHDRAWN},
    S.NOT_SELECTED: set(),
    S.WITHDRAWN: set(),
}


def test_every_move_from_every_status_is_allowed_exactly_as_designed(opportunity):
    wrong = []
    for start in EVERY_STATUS:
        for target in S.values:
            with transaction.atomic():
                application = make_application(opportunity, status=start)
                try:
                    services.move_application(
                        application,
                        target,
                        by=None,
                        reason="A reason.",
                        notify=False,
                        beyond_places=True,
                    )
                    moved = True
                except ValidationError:
                    moved = False
                if moved != (target in EXPECTED_MOVES[start]):
                    wrong.append((start, target, moved))
                transaction.set_rollback(True)
    assert wrong == []


@pytest.mark.parametrize(
    ("start", "target", "needs_reason"),
    [
        (S.APPLIED, S.NOT_SELECTED, True),
        (S.SHORTLISTED, S.WITHDRAWN, True),
        (S.SELECTED, S.RESERVE, True),
        (S.SHORTLISTED, S.RESERVE, False),
        (S.APPLIED, S.SHORTLISTED, False),
    ],
)
def test_a_reason_is_required_where_the_person_is_owed_one(
    opportunity, start, target, needs_reason
):
    application = make_application(opportunity, status=start)
    if needs_reason:
        with pytest.raises(ValidationError) as refused:
            services.move_application(application, target, by=None, reason="  ")
        assert "reason" in refused.value.message_dict
        application.refresh_from_db()
        assert application.status == start
    services.move_application(application, target, by=None, reason="Sorry.")
    assert Application.objects.get(pk=application.pk).status == target


def test_each_move_tells_the_person_with_the_reason_unless_asked_not_to(opportunity, facilitator):
    application = make_application(opportunity)
    Delivery.objects.all().delete()
    services.move_application(application, S.SHORTLISTED, by=facilitator, notify=False)
    assert not Delivery.objects.exists()
    services.move_application(
        application, S.NOT_SELECTED, by=facilitator, reason="We had many carers of older people."
    )
    delivery = Delivery.objects.get()
    assert delivery.key == f"application:{application.pk}:not_selected:3"
    assert "We had many carers of older people." in delivery.body
    assert delivery.sent_by == facilitator
    application.refresh_from_db()
    assert application.status_reason == "We had many carers of older people."


def test_moving_back_and_forth_sends_each_message_once(opportunity):
    application = make_application(opportunity, status=S.SELECTED)
    for target in (S.RESERVE, S.SELECTED, S.RESERVE):
        services.move_application(application, target, by=None, reason="Dates changed.")
    keys = sorted(Delivery.objects.values_list("key", flat=True))
    prefix = f"application:{application.pk}:"
    assert keys == [
        f"{prefix}applied:1",
        f"{prefix}reserve:3",
        f"{prefix}reserve:5",
        f"{prefix}selected:4",
    ]


def test_someone_without_consent_is_not_contacted(opportunity):
    application = make_application(opportunity)
    withdraw_consent(application.person, ConsentPurpose.CONTACT, None)
    services.move_application(application, S.SHORTLISTED, by=None)
    delivery = Delivery.objects.get(key__endswith=":shortlisted:2")
    assert delivery.status == DeliveryStatus.HELD


def test_places_are_counted_and_going_beyond_them_needs_saying_so(opportunity):
    first, second, third = (make_application(opportunity, status=S.SELECTED) for _ in range(3))
    reserve = make_application(opportunity, status=S.RESERVE)
    make_application(opportunity, status="draft")
    places = services.places_for(opportunity)
    assert (places.selected, places.confirmed, places.reserve, places.taken) == (3, 0, 1, 3)
    assert places.counts[S.APPLIED] == 0 and S.DRAFT not in places.counts
    services.move_applications([first, second], S.CONFIRMED, by=None)
    with pytest.raises(ValidationError) as refused:
        services.move_application(third, S.CONFIRMED, by=None)
    assert "would confirm 3 people for 2 places" in refused.value.message_dict["beyond_places"][0]
    with pytest.raises(ValidationError):
        services.move_application(reserve, S.SELECTED, by=None)
    services.move_application(third, S.CONFIRMED, by=None, beyond_places=True)
    assert services.places_for(opportunity).confirmed == 3


def test_a_bulk_move_moves_all_or_none(opportunity):
    applied = make_application(opportunity)
    refused_one = make_application(opportunity, status=S.NOT_SELECTED)
    with pytest.raises(ValidationError) as refused:
        services.move_applications([applied, refused_one], S.SHORTLISTED, by=None)
    assert refused_one.name in refused.value.message_dict["status"][0]
    assert Application.objects.get(pk=applied.pk).status == S.APPLIED
    other = make_application(opportunity)
    moved = services.move_applications([applied, other], S.SHORTLISTED, by=None)
    assert {a.status for a in moved} == {S.SHORTLISTED}
    assert Application.objects.filter(status=S.SHORTLISTED).count() == 2


def test_the_applicant_can_withdraw_from_the_private_link(opportunity):
    application = make_application(opportunity, status=S.SELECTED)
    services.withdraw_by_applicant(application, "  My mum is in hospital. ")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.status_reason == (
        "Withdrawn by the applicant. They said: My mum is in hospital."
    )
    delivery = Delivery.objects.get(key__contains=":withdrawn:")
    assert "You told us you no longer want to take part" in delivery.body
    with pytest.raises(ValidationError):
        services.withdraw_by_applicant(application)


def test_every_status_has_a_plain_message_with_an_easy_read_version(opportunity):
    application = make_application(opportunity)
    for status in EVERY_STATUS:
        application.status = status
        message = status_message(application, reason="A reason.")
        assert opportunity.title in message.subject and message.easy_read, status
        assert all(len(sentence.split()) <= 15 for sentence in message.easy_read[:3]), status


# Equality monitoring, after sending


def test_equality_answers_are_kept_only_with_their_own_agreement(opportunity):
    application = make_application(opportunity)
    person = application.person
    with pytest.raises(ValidationError) as refused:
        services.save_equality_answers(application, {"sex": "female"}, agreed=False)
    assert "agree" in refused.value.message_dict
    assert not EqualityAnswers.objects.exists()
    assert services.save_equality_answers(application, {"sex": ""}, agreed=True) is None
    assert not person.consents.filter(purpose=ConsentPurpose.EQUALITY).exists()

    services.save_equality_answers(application, {"sex": "female", "carer": "20_34"}, agreed=True)
    record = EqualityAnswers.objects.get(person=person)
    assert (record.sex, record.carer) == ("female", "20_34")
    consent = person.consents.get(purpose=ConsentPurpose.EQUALITY)
    assert consent.method == ConsentMethod.ONLINE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sex FROM {EqualityAnswers._meta.db_table} WHERE id = %s", [record.pk]
        )
        assert cursor.fetchone()[0] not in ("female", None)
    # Offered once: the private link never replaces answers already kept.
    assert not services.equality_offer_open(application)
    with pytest.raises(ValidationError):
        services.save_equality_answers(application, {"sex": "male"}, agreed=True)


def test_equality_is_not_offered_before_sending(opportunity):
    draft = make_application(opportunity, status="draft")
    assert not services.equality_offer_open(draft)
