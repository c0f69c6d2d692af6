"""Rules of the participant's journey: agreement versions and the gate on confidential
papers, briefings sent once per revision, training costs, conflicts, recognition, prize
draws and time credits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from coproduce.accounts.models import Role
from coproduce.events import services as event_services
from coproduce.events.models import Attendance
from coproduce.events.tests.factories import make_event
from coproduce.notifications.models import Delivery, SentAs
from coproduce.participation import draw as prize_draw
from coproduce.participation import services
from coproduce.participation.models import (
    AgreementKind,
    BriefingMember,
    InterestDeclaration,
    MentorAssignment,
    MentorKind,
    PrizeDraw,
    Recognition,
    RecognitionKind,
    TimeCredit,
    TimeCreditKind,
    TrainingOffer,
    TrainingPlace,
    TrainingStatus,
)
from coproduce.payments.selectors import budget_vs_actual
from coproduce.people import services as people_services
from coproduce.people.models import ConsentMethod, Format, InvolvementKind, PartnerOrganisation
from coproduce.procurement.models import ConflictOutcome
from coproduce.projects.models import BudgetCategory
from coproduce.surveys import services as survey_services
from coproduce.surveys.tests.factories import make_question, make_survey
from coproduce.surveys.tests.factories import make_response as make_survey_response
from coproduce.testing.factories import make_budget_line, make_person, member

from .factories import (
    easy_read_person,
    give_sign_in,
    make_briefing,
    make_role,
    make_version,
    people_of,
    photo,
    yesterday,
)

pytestmark = pytest.mark.django_db


# Agreements and their versions


def test_versions_are_numbered_and_a_new_one_must_say_what_changed():
    opportunity = make_role(people=0)
    first = make_version(opportunity)
    assert first.number == 1
    with pytest.raises(ValidationError) as raised:
        make_version(opportunity, change_note="")
    assert "change_note" in raised.value.message_dict
    second = make_version(opportunity, asks="Score the bids you choose.")
    assert second.number == 2
    assert services.current_version(opportunity, AgreementKind.ROLE) == second
    first.refresh_from_db()
    assert first.asks == "Read the bids and score them honestly."  # kept as it was


def test_a_role_description_needs_every_section():
    opportunity = make_role(people=0)
    with pytest.raises(ValidationError) as raised:
        make_version(opportunity, respect="", decisions=" ")
    assert set(raised.value.message_dict) == {"respect", "decisions"}


def test_only_the_current_version_can_be_agreed_and_agreeing_twice_keeps_one():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    facilitator = member(opportunity.organisation, Role.FACILITATOR)
    first = make_version(opportunity)
    agreement = services.record_agreement(
        first, person, method=ConsentMethod.PAPER, agreed_on=yesterday(), by=facilitator
    )
    assert agreement.agreed_on == yesterday() and agreement.method == ConsentMethod.PAPER
    again = services.record_agreement(first, person, method=ConsentMethod.ONLINE, by=None)
    assert again == agreement
    second = make_version(opportunity)
    assert services.outstanding_versions(person, opportunity) == [second]
    with pytest.raises(ValidationError, match="not the current version"):
        services.record_agreement(first, person, method=ConsentMethod.ONLINE, by=None)
    services.record_agreement(second, person, method=ConsentMethod.PHONE, by=facilitator)
    assert services.outstanding_versions(person, opportunity) == []
    assert person.agreements.count() == 2  # the history is kept


def test_an_agreement_cannot_be_dated_in_the_future():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    version = make_version(opportunity)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        services.record_agreement(
            version, person, method=ConsentMethod.PAPER, agreed_on=tomorrow, by=None
        )
    assert "agreed_on" in raised.value.message_dict


def _paper_for(opportunity, person):
    event = make_event(opportunity.method)
    Attendance.objects.create(organisation_id=event.organisation_id, event=event, person=person)
    return event_services.add_paper(
        event,
        "Bids to score",
        SimpleUploadedFile("bids.pdf", b"%PDF-1.4 bids"),
        by=member(opportunity.organisation, Role.FACILITATOR),
    )


def test_confidential_papers_open_only_once_the_current_version_is_agreed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    user = give_sign_in(person)
    paper = _paper_for(opportunity, person)
    # No confidentiality agreement for the role: its papers are not confidential.
    assert services.may_open_papers(user, paper)
    first = make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    assert not services.may_open_papers(user, paper)
    assert services.confidentiality_needed_for(user, paper) == [opportunity]
    services.record_agreement(first, person, method=ConsentMethod.ONLINE, by=user)
    assert services.may_open_papers(user, paper)
    # A new version must be agreed again.
    second = make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    assert not services.may_open_papers(user, paper)
    services.record_agreement(second, person, method=ConsentMethod.ONLINE, by=user)
    assert services.may_open_papers(user, paper)
    # Agreeing the role description is not agreeing confidentiality.
    make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    services.record_agreement(
        make_version(opportunity), person, method=ConsentMethod.ONLINE, by=user
    )
    assert not services.may_open_papers(user, paper)


def test_staff_open_confidential_papers_and_strangers_never(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    paper = _paper_for(opportunity, person)
    make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    assert services.may_open_papers(member(opportunity.organisation, Role.FINANCE_APPROVER), paper)
    stranger = member(make_role(people=0).organisation, Role.PARTICIPANT)
    assert not services.may_open_papers(stranger, paper)


# Briefings


def test_a_briefing_is_sent_once_per_revision_by_each_persons_format():
    opportunity = make_role(people=2)
    reader = easy_read_person(opportunity)
    briefing = make_briefing(opportunity)
    assert briefing.easy_read_lines()  # drafted from the background when left empty
    sent = services.send_briefing(briefing, link="https://example.org/b", by=None)
    assert len(sent.deliveries) == 2 and sent.revision == 1
    by_person = {delivery.person_id: delivery for delivery in sent.deliveries}
    assert by_person[reader.pk].sent_as == SentAs.EASY_READ
    assert [row["text"] for row in by_person[reader.pk].easy_read] == briefing.easy_read_lines()
    # Sending again sends nothing new.
    services.send_briefing(briefing, link="https://example.org/b", by=None)
    assert _briefings_sent() == 2
    # A change after sending is a new revision, sent afresh.
    briefing.refresh_from_db()
    briefing.what_happens = "The panel moves to 27 March."
    services.save_briefing(briefing)
    assert briefing.revision == 2
    assert services.send_briefing(briefing, link="https://example.org/b", by=None).revision == 2
    assert _briefings_sent() == 4


def _briefings_sent() -> int:
    return Delivery.objects.filter(topic__startswith="participation:briefing:").count()


def test_a_briefing_needs_people_in_the_role_and_easy_read_for_those_who_need_it():
    nobody = make_role(people=0)
    with pytest.raises(ValidationError, match="Nobody is in this role"):
        services.send_briefing(make_briefing(nobody), link="https://example.org", by=None)
    opportunity = make_role(people=1)
    easy_read_person(opportunity)
    briefing = make_briefing(opportunity)
    briefing.easy_read = "\n"
    briefing.save()
    with pytest.raises(ValidationError, match="need easy read"):
        services.send_briefing(briefing, link="https://example.org", by=None)


def test_the_briefing_pack_has_every_part(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opportunity = make_role(people=1, deciding="Which organisation runs the carers' hub.")
    project = opportunity.project
    briefing = make_briefing(opportunity, background="We are recommissioning the carers' hub.")
    member_row = services.save_member(
        BriefingMember(
            briefing=briefing,
            name="Fran Hughes",
            role="Involvement officer",
            photo_description="Fran smiling",
        ),
        photo(),
    )
    make_event(opportunity.method, title="Bid evaluation day")
    context = services.briefing_context(briefing)
    html = render_to_string("participation/documents/briefing_standard.html", context)
    assert "We are recommissioning the carers&#x27; hub." in html
    assert "Fran Hughes" in html and "Involvement officer" in html
    assert 'alt="Fran smiling"' in html and "data:image/png;base64," in html
    assert "Bid evaluation day" in html
    assert project.scope_open in html and project.decision_route in html
    assert "Which organisation runs the carers&#x27; hub." in html
    # The glossary: the organisation's words that the pack uses.
    assert [term.term for term in context["glossary"]] == [
        term.term for term in services.glossary_for(briefing) if term.term.lower() in html.lower()
    ]
    for version in services.BRIEFING_VERSIONS:
        assert services.briefing_pdf(briefing, version).startswith(b"%PDF")
    assert member_row.photo.name.startswith("private/briefing-photos/")


def test_who_is_who_photos_are_pictures_and_described():
    opportunity = make_role(people=0)
    briefing = make_briefing(opportunity)
    with pytest.raises(ValidationError) as raised:
        services.save_member(
            BriefingMember(briefing=briefing, name="Sam", role="Chair"),
            SimpleUploadedFile("x.pdf", b"%PDF", content_type="application/pdf"),
        )
    assert "photo" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.save_member(BriefingMember(briefing=briefing, name="Sam", role="Chair"), photo())
    assert "photo_description" in raised.value.message_dict


def test_adding_to_who_is_who_after_sending_makes_a_new_revision():
    opportunity = make_role(people=1)
    briefing = make_briefing(opportunity)
    services.send_briefing(briefing, link="https://example.org", by=None)
    services.save_member(BriefingMember(briefing=briefing, name="Sam Lee", role="Chair"))
    briefing.refresh_from_db()
    assert briefing.revision == 2 and briefing.sent_revision == 1


# Training and its costs


def _training_line(opportunity, reason="Carers chair the reference group."):
    return make_budget_line(
        opportunity.method, "500.00", category=BudgetCategory.TRAINING, reason=reason
    )


def test_training_costs_come_from_a_budget_line_that_gives_a_reason():
    opportunity = make_role(people=0)
    project = opportunity.project
    offer = TrainingOffer(
        project=project, topic="chairing", title="Chairing", starts_on=timezone.localdate()
    )
    offer.cost = Decimal("300.00")
    with pytest.raises(ValidationError) as raised:
        services.save_offer(offer)
    assert raised.value.message_dict["budget_line"] == [
        "Choose the budget line this cost comes from."
    ]
    offer.budget_line = _training_line(opportunity, reason="")
    with pytest.raises(ValidationError, match="does not say why"):
        services.save_offer(offer)
    offer.budget_line = _training_line(make_role(people=0))
    with pytest.raises(ValidationError, match="Choose a budget line of this project"):
        services.save_offer(offer)
    offer.budget_line = _training_line(opportunity)
    services.save_offer(offer)
    rows = {row.category: row for row in budget_vs_actual(project).rows}
    training = rows[BudgetCategory.TRAINING.label]
    assert training.actual == Decimal("300.00")
    assert training.budget == Decimal("1000.00")  # two training lines on the method


def test_training_completion_is_dated():
    opportunity = make_role(people=2)
    offer = services.save_offer(
        TrainingOffer(
            project=opportunity.project,
            topic="evaluating_bids",
            title="Scoring bids",
            starts_on=timezone.localdate() - datetime.timedelta(days=3),
        )
    )
    places = services.offer_places(offer, people_of(opportunity))
    assert len(places) == 2 and not services.offer_places(offer, people_of(opportunity))
    place = places[0]
    with pytest.raises(ValidationError) as raised:
        services.update_place(
            place, TrainingStatus.COMPLETED, offer.starts_on - datetime.timedelta(1)
        )
    assert "completed_on" in raised.value.message_dict
    services.update_place(place, TrainingStatus.COMPLETED, None)
    assert place.completed_on == timezone.localdate()
    services.update_place(place, TrainingStatus.NOT_COMPLETED, timezone.localdate())
    assert TrainingPlace.objects.get(pk=place.pk).completed_on is None


def test_a_mentor_is_one_other_person_or_a_member_of_staff():
    opportunity = make_role(people=2)
    person, other = people_of(opportunity)
    start = timezone.localdate()
    with pytest.raises(ValidationError, match="one"):
        services.assign_mentor(
            MentorAssignment(person=person, kind=MentorKind.BUDDY, starts_on=start)
        )
    with pytest.raises(ValidationError):
        services.assign_mentor(
            MentorAssignment(
                person=person, kind=MentorKind.BUDDY, mentor_person=person, starts_on=start
            )
        )
    buddy = services.assign_mentor(
        MentorAssignment(person=person, kind=MentorKind.BUDDY, mentor_person=other, starts_on=start)
    )
    assert buddy.mentor_name == other.display_name


# Conflicts of interest


def test_a_conflict_is_declared_then_assessed_with_mitigation():
    opportunity = make_role(people=0)
    organisation = opportunity.organisation
    recorder = member(organisation, Role.FACILITATOR)
    centre = PartnerOrganisation.objects.create(
        organisation=organisation, name="Carers' Centre", kind="carers_group"
    )
    declaration = InterestDeclaration(
        project=opportunity.project,
        nature="Runs the current hub and may bid.",
        declared_on=timezone.localdate(),
        recorded_by=recorder,
    )
    with pytest.raises(ValidationError, match="Say who has the interest"):
        services.declare_interest(declaration)
    declaration.partner = centre
    services.declare_interest(declaration)
    assert declaration.outcome == ConflictOutcome.AWAITING
    lead = member(organisation, Role.COMMISSIONER)
    with pytest.raises(ValidationError) as raised:
        services.assess_interest(declaration, ConflictOutcome.MANAGED, " ", by=lead)
    assert "mitigation" in raised.value.message_dict
    services.assess_interest(
        declaration,
        ConflictOutcome.MANAGED,
        "Everything they tell us is shared with all bidders in the tender documents.",
        by=lead,
    )
    declaration.refresh_from_db()
    assert declaration.outcome == ConflictOutcome.MANAGED and declaration.assessed_by == lead


# Recognition


def test_the_certificate_lists_the_involvement_history_and_completed_training():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    with pytest.raises(ValidationError, match="no involvement recorded"):
        services.create_recognition(
            Recognition(
                person=person,
                kind=RecognitionKind.CERTIFICATE,
                consent_method=ConsentMethod.ONLINE,
                consent_given_on=timezone.localdate(),
            )
        )
    people_services.record_involvement(
        person,
        InvolvementKind.PANEL,
        datetime.date(2026, 3, 20),
        "Bid evaluation day",
        project=opportunity.project,
    )
    offer = services.save_offer(
        TrainingOffer(
            project=opportunity.project,
            topic="chairing",
            title="Chairing meetings",
            starts_on=datetime.date(2026, 2, 1),
        )
    )
    declined = services.save_offer(
        TrainingOffer(
            project=opportunity.project,
            topic="interviewing",
            title="Interviewing providers",
            starts_on=datetime.date(2026, 2, 1),
        )
    )
    services.update_place(
        services.offer_places(offer, [person])[0], "completed", datetime.date(2026, 2, 1)
    )
    services.update_place(services.offer_places(declined, [person])[0], "declined", None)
    recognition = services.create_recognition(
        Recognition(
            person=person,
            kind=RecognitionKind.CERTIFICATE,
            consent_method=ConsentMethod.ONLINE,
            consent_given_on=timezone.localdate(),
            personal_note="Your questions made the bids better.",
        )
    )
    html = render_to_string(
        "participation/documents/certificate.html", services.recognition_context(recognition)
    )
    assert person.name in html
    assert "20 March 2026" in html and "Sat on a panel: Bid evaluation day" in html
    assert "Completed training: Chairing meetings" in html and "1 February 2026" in html
    assert "Interviewing providers" not in html
    assert opportunity.project.title.replace("'", "&#x27;") in html
    assert "since February 2026" in html
    assert "Your questions made the bids better." in html
    assert services.recognition_pdf(recognition).startswith(b"%PDF")


def test_a_reference_says_who_it_is_for():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    people_services.record_involvement(person, InvolvementKind.EVENT, yesterday(), "Workshop")
    reference = Recognition(
        person=person,
        kind=RecognitionKind.REFERENCE,
        consent_method=ConsentMethod.PHONE,
        consent_given_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as raised:
        services.create_recognition(reference)
    assert "addressed_to" in raised.value.message_dict
    reference.addressed_to = "Ms A Employer\nNorthtown Library"
    services.create_recognition(reference)
    html = render_to_string(
        "participation/documents/reference.html", services.recognition_context(reference)
    )
    assert "Northtown Library" in html and f"Reference for {person.name}" in html


# Prize draws


def _survey_with_responses(opportunity, count, **fields):
    survey = make_survey(
        opportunity.organisation, anonymous=False, project=opportunity.project, **fields
    )
    make_question(survey)
    survey_services.open_survey(survey)
    responses = [
        make_survey_response(
            survey, person=make_person(opportunity.organisation, consents=["contact"])
        )
        for _ in range(count)
    ]
    return survey, responses


def test_a_draw_is_reproducible_among_eligible_responses_and_winners_are_told():
    opportunity = make_role(people=0)
    survey, responses = _survey_with_responses(opportunity, 6)
    late = make_survey_response(survey, person=make_person(opportunity.organisation))
    unsent = make_survey_response(
        survey, person=make_person(opportunity.organisation), submit=False
    )
    draw = services.save_draw(
        PrizeDraw(
            survey=survey,
            prize="A £25 voucher",
            winners_wanted=2,
            entries_close_at=timezone.now(),
        )
    )
    late.submitted_at = timezone.now() + datetime.timedelta(hours=1)
    late.save()
    facilitator = member(opportunity.organisation, Role.FACILITATOR)
    winners = services.run_draw(draw, by=facilitator, seed="announced-1234")
    draw.refresh_from_db()
    eligible = sorted(str(response.pk) for response in responses)
    assert draw.eligible_ids == sorted(eligible, key=int)
    assert str(late.pk) not in draw.eligible_ids and str(unsent.pk) not in draw.eligible_ids
    expected = prize_draw.draw(eligible, 2, "announced-1234")
    assert [str(winner.response_id) for winner in winners] == expected
    assert draw.eligible_digest == prize_draw.entries_digest(eligible)
    assert services.verify_draw(draw)
    for winner in winners:
        delivery = Delivery.objects.get(key=winner.delivery_key)
        assert delivery.person_id == winner.person_id and "won" in delivery.subject
    with pytest.raises(ValidationError, match="already been made"):
        services.run_draw(draw, by=facilitator)
    # A changed record no longer checks out.
    draw.eligible_ids = draw.eligible_ids[1:]
    assert not services.verify_draw(draw)


def test_draws_need_closed_entries_a_named_survey_and_a_reasoned_budget_line():
    opportunity = make_role(people=0)
    survey, _responses = _survey_with_responses(opportunity, 1)
    draw = services.save_draw(
        PrizeDraw(
            survey=survey,
            prize="A voucher",
            entries_close_at=timezone.now() + datetime.timedelta(days=1),
        )
    )
    with pytest.raises(ValidationError, match="Entries are open until"):
        services.run_draw(draw, by=None)
    anonymous = make_survey(opportunity.organisation, anonymous=True)
    with pytest.raises(ValidationError, match="anonymous"):
        services.save_draw(PrizeDraw(survey=anonymous, prize="X", entries_close_at=timezone.now()))
    priced = PrizeDraw(
        survey=survey, prize="X", prize_value=Decimal("25"), entries_close_at=timezone.now()
    )
    with pytest.raises(ValidationError) as raised:
        services.save_draw(priced)
    assert "budget_line" in raised.value.message_dict
    priced.budget_line = make_budget_line(
        opportunity.method, "100", category=BudgetCategory.INCENTIVES, reason="More replies."
    )
    services.save_draw(priced)
    services.run_draw(priced, by=None, seed="s")
    rows = {row.category: row for row in budget_vs_actual(opportunity.project).rows}
    assert rows[BudgetCategory.INCENTIVES.label].actual == Decimal("25.00")


# Time credits


def test_time_credits_cannot_be_overspent():
    opportunity = make_role(people=1)
    (person,) = people_of(opportunity)
    staff = member(opportunity.organisation, Role.FACILITATOR)

    def credit(kind, count):
        return services.record_time_credit(
            TimeCredit(
                person=person,
                kind=kind,
                credits=count,
                on=timezone.localdate(),
                reason="Reference group",
                recorded_by=staff,
            )
        )

    credit(TimeCreditKind.EARNED, 3)
    credit(TimeCreditKind.SPENT, 2)
    with pytest.raises(ValidationError) as raised:
        credit(TimeCreditKind.SPENT, 2)
    assert raised.value.message_dict["credits"] == [
        f"{person.display_name} has 1 time credits to spend."
    ]
    assert services.time_credit_balance(person) == 1


def test_participants_are_those_selected_or_confirmed():
    opportunity = make_role(people=2)
    person = people_of(opportunity)[0]
    assert person.preferred_format == Format.STANDARD
    assert list(services.opportunities_of(person)) == [opportunity]


def test_lay_evaluators_read_bids_only_once_the_panels_confidentiality_is_agreed():
    from coproduce.procurement import services as procurement_services
    from coproduce.procurement.tests.factories import make_scoring_tender

    world = make_scoring_tender()
    lay, officer = world.lay[0], world.officer
    opportunity = make_role(organisation=world.tender.organisation, people=0)
    world.tender.panel_method = opportunity.method
    world.tender.save()
    # No confidentiality agreement for the panel's role yet: nothing more to agree.
    assert procurement_services.may_see_bids(lay)
    version = make_version(opportunity, AgreementKind.CONFIDENTIALITY)
    assert not procurement_services.may_see_bids(lay)
    assert procurement_services.may_see_bids(officer)
    with pytest.raises(ValidationError, match="agree the confidentiality agreement"):
        procurement_services.save_score(
            lay, world.answers(1)[0], score=2, justification="x", entered_by=lay.user, submit=False
        )
    facilitator = member(world.tender.organisation, Role.FACILITATOR)
    services.record_agreement(version, lay.person, method=ConsentMethod.PAPER, by=facilitator)
    assert procurement_services.may_see_bids(lay)
