"""The rules of a tender, from set-up to moderation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.procurement import services
from coproduce.procurement.models import (
    BidStatus,
    ConflictOutcome,
    Criterion,
    EvaluatorKind,
    Moderation,
    Question,
    ScoreStatus,
    TenderStatus,
)
from coproduce.projects.models import StageKind, StageStatus
from coproduce.testing.factories import make_person, member

from .factories import (
    PNG,
    bidder_user,
    make_bidder,
    make_lay_evaluator,
    make_officer,
    make_open_tender,
    make_paper_evaluator,
    make_scoring_tender,
    make_submitted_bid,
    make_tender,
    submit_all_scores,
)

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> list[str]:
    return error.messages


# Set-up


def test_new_tender_has_one_lot_and_a_described_0_to_4_scale():
    tender = make_tender()
    assert [lot.title for lot in tender.lots.all()] == ["Whole contract"]
    assert list(tender.descriptors.values_list("score", flat=True)) == [0, 1, 2, 3, 4]
    assert AuditEvent.objects.filter(model="procurement.tender", object_id=str(tender.pk)).exists()


def test_tender_cannot_be_added_to_a_project_whose_do_stage_is_complete():
    tender = make_tender()
    stage = tender.project.stages.get(kind=StageKind.DO)
    stage.status = StageStatus.COMPLETE
    stage.save()
    with pytest.raises(ValidationError, match="Do"):
        services.create_tender(tender.project, tender.created_by, title="Again", reference="R2")


def test_tender_opens_when_weights_total_100():
    tender = make_tender()
    assert services.setup_problems(tender) == []
    services.open_for_bids(tender, tender.created_by)
    assert tender.status == TenderStatus.OPEN
    assert tender.opened_at is not None


def test_weights_that_do_not_total_100_stop_the_tender_opening():
    tender = make_tender()
    tender.price_weight = Decimal("25")
    tender.save()
    with pytest.raises(ValidationError) as raised:
        services.open_for_bids(tender, tender.created_by)
    text = " ".join(messages(raised.value))
    assert "The weights add up to 95 (quality 70 and price 25). Add 5 to make 100." in text
    assert tender.status == TenderStatus.DRAFT


def test_question_weights_must_total_their_criterion():
    tender = make_tender(questions=2)
    question = tender.questions.get(number=2)
    question.weight = Decimal("20")
    services.save_question(question)
    problems = services.setup_problems(tender)
    assert any("adding up to 55" in p and "70" in p for p in problems)


def test_every_written_question_needs_a_word_limit_but_interviews_do_not():
    tender = make_tender(questions=1)
    question = tender.questions.get()
    question.word_limit = None
    services.save_question(question)
    assert "Give question 1 a word limit." in services.setup_problems(tender)
    question.kind = "interview"
    services.save_question(question)
    assert services.setup_problems(tender) == []


def test_every_score_on_the_scale_needs_a_descriptor():
    tender = make_tender()
    tender.scale_max = 5
    services.save_tender(tender)
    assert tender.descriptors.count() == 6
    with pytest.raises(ValidationError, match="Scores 3 have no descriptor"):
        services.save_descriptors(tender, {0: "a", 1: "b", 2: "c", 4: "d", 5: "e"})
    with pytest.raises(ValidationError, match="scale goes up to 5"):
        services.save_descriptors(tender, {0: "a", 1: "b", 2: "c", 3: "d", 4: "e"})


def test_weights_and_scale_are_fixed_once_open():
    tender = make_open_tender()
    tender.price_weight = Decimal("40")
    with pytest.raises(ValidationError, match="cannot change once the tender is open"):
        services.save_tender(tender)
    with pytest.raises(ValidationError, match="being set up"):
        services.save_criterion(Criterion(tender=tender, name="More", weight=Decimal("1")))


def test_question_criterion_must_belong_to_the_tender():
    tender = make_tender()
    other = make_tender(tender.organisation)
    with pytest.raises(ValidationError) as raised:
        services.save_question(
            Question(
                tender=tender,
                criterion=other.criteria.get(),
                text="?",
                weight=Decimal("1"),
                word_limit=100,
            )
        )
    assert "criterion" in raised.value.message_dict


# Bids


def test_word_limit_is_enforced_with_a_clear_message():
    tender = make_open_tender(questions=3)
    bidder = make_bidder(tender)
    bid = services.start_bid(bidder, tender.lots.get())
    question = tender.questions.get(number=3)
    with pytest.raises(ValidationError) as raised:
        services.save_answer(bid, question, " ".join(["word"] * 612))
    assert raised.value.message_dict["text"] == [
        "Your answer to question 3 has 612 words. The limit is 500. Shorten it by 112 words."
    ]
    answer = services.save_answer(bid, question, " ".join(["word"] * 500))
    assert answer.word_count == 500


def test_bid_cannot_be_submitted_until_every_question_and_price_is_in():
    tender = make_open_tender(questions=2, easy_read=True)
    bidder = make_bidder(tender)
    bid = services.start_bid(bidder, tender.lots.get())
    services.save_answer(bid, tender.questions.get(number=1), "We will listen.")
    with pytest.raises(ValidationError) as raised:
        services.submit_bid(bid, bidder_user(bidder))
    assert messages(raised.value) == [
        "Give an easy read answer to question 1.",
        "Upload a flow chart of the service pathway for question 1.",
        "Answer question 2.",
        "Enter your price.",
    ]


def test_submitted_bid_is_locked():
    tender = make_open_tender()
    bid = make_submitted_bid(make_bidder(tender))
    assert bid.status == BidStatus.SUBMITTED
    with pytest.raises(ValidationError, match="submitted and cannot be changed"):
        services.save_price(bid, Decimal("1.00"))


def test_documents_are_checked_for_type_and_size(settings):
    tender = make_open_tender()
    bidder = make_bidder(tender)
    bid = services.start_bid(bidder, tender.lots.get())
    user = bidder_user(bidder)
    fake_pdf = SimpleUploadedFile("plan.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="does not look like a PDF"):
        services.add_document(bid, fake_pdf, "Plan", user)
    exe = SimpleUploadedFile("plan.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="must be a PDF"):
        services.add_document(bid, exe, "Plan", user)
    big = SimpleUploadedFile("big.png", PNG + b"0" * services.MAX_DOCUMENT_MEGABYTES * 1024 * 1024)
    with pytest.raises(ValidationError, match="the largest we can take is 10 MB"):
        services.add_document(bid, big, "Big", user)
    document = services.add_document(bid, SimpleUploadedFile("chart.png", PNG), "Chart", user)
    assert document.content_type == "image/png"
    assert document.file.read() == PNG


def test_only_provider_users_can_act_for_a_bidder():
    tender = make_open_tender()
    officer = member(tender.organisation, Role.COMMISSIONER)
    with pytest.raises(ValidationError, match="not set up as a provider user"):
        services.add_bidder(tender, "Carers First", [officer])


def test_clarification_is_published_to_all_bidders():
    tender = make_open_tender()
    bidder = make_bidder(tender)
    asked = services.ask_clarification(bidder, "Is TUPE likely?", bidder_user(bidder))
    assert asked.published_at is None
    services.answer_clarification(asked, "Yes, for two staff.", tender.created_by)
    assert asked.published_at is not None


# The panel


def test_lay_evaluators_choose_at_the_briefing_only():
    tender = make_open_tender()
    evaluator = make_lay_evaluator(tender)
    with pytest.raises(ValidationError, match="Come to the briefing first"):
        services.choose_questions(evaluator, tender.questions.all())


def test_lay_evaluators_choose_only_questions_open_to_them():
    import datetime

    tender = make_tender()
    closed = tender.questions.get(number=2)
    closed.lay_may_score = False
    services.save_question(closed)
    services.open_for_bids(tender, tender.created_by)
    evaluator = make_lay_evaluator(tender)
    services.record_briefing(
        tender,
        held_on=datetime.date(2026, 3, 2),
        led_by=tender.created_by,
        attendees=[evaluator],
        plain_guide_given=True,
        flow_chart_given=True,
    )
    evaluator.refresh_from_db()
    with pytest.raises(ValidationError, match="only from the questions listed"):
        services.choose_questions(evaluator, [closed])
    chosen = services.choose_questions(evaluator, [tender.questions.get(number=1)])
    assert [a.question.number for a in chosen] == [1]


def test_lay_evaluator_codes_are_anonymous_letters():
    tender = make_open_tender()
    first = make_lay_evaluator(tender, "Pat Evans")
    second = make_paper_evaluator(tender)
    officer = make_officer(tender)
    assert (first.code, second.code, officer.code) == (
        "Lay evaluator A",
        "Lay evaluator B",
        "Officer A",
    )
    assert "Pat" not in first.code


def test_officers_must_be_staff():
    tender = make_open_tender()
    with pytest.raises(ValidationError, match="member of staff"):
        services.add_evaluator(
            tender, EvaluatorKind.OFFICER, user=member(tender.organisation, Role.PARTICIPANT)
        )


def test_scoring_cannot_start_while_a_lay_question_has_fewer_than_two_lay_evaluators():
    import datetime

    tender = make_open_tender(questions=2)
    bidder = make_bidder(tender)
    make_submitted_bid(bidder)
    services.close_bids(tender)
    only = make_lay_evaluator(tender)
    services.record_briefing(
        tender,
        held_on=datetime.date(2026, 3, 2),
        led_by=tender.created_by,
        attendees=[only],
        plain_guide_given=True,
        flow_chart_given=False,
    )
    only.refresh_from_db()
    services.choose_questions(only, [tender.questions.get(number=1)])
    services.declare(only, bidder, has_conflict=False, nature="", by=tender.created_by)
    with pytest.raises(ValidationError) as raised:
        services.start_scoring(tender)
    problems = messages(raised.value)
    assert (
        "Question 1 is open to lay evaluators and needs at least two of them; 1 chose it."
        in problems
    )
    assert "Nobody scores question 2. Assign an officer." in problems
    assert tender.status == TenderStatus.EVALUATION


def test_scoring_cannot_start_until_everyone_declares_and_conflicts_are_assessed():
    world = make_scoring_tender()
    tender = world.tender
    assert tender.status == TenderStatus.SCORING
    tender.status = TenderStatus.EVALUATION
    tender.save()
    late = make_officer(tender)
    problems = services.scoring_problems(tender)
    assert f"{late.code} has not declared conflicts for every bidder." in problems
    services.declare(
        late, world.bidders[0], has_conflict=True, nature="Sister works there", by=late.user
    )
    services.declare(late, world.bidders[1], has_conflict=False, nature="", by=late.user)
    assert "1 declared conflicts are waiting to be assessed." in services.scoring_problems(tender)


# Conflicts


def test_a_declared_conflict_needs_its_nature():
    world = make_scoring_tender()
    with pytest.raises(ValidationError, match="Say what the conflict with Carers First is"):
        services.declare(
            world.lay[0], world.bidders[0], has_conflict=True, nature=" ", by=world.lead
        )


def test_an_excluded_evaluator_never_sees_or_scores_that_bidder():
    world = make_scoring_tender()
    pat = world.lay[0]
    declaration = pat.declarations.get(bidder=world.bidders[0])
    declaration.assessed_at = None
    declaration.save()
    services.declare(
        pat, world.bidders[0], has_conflict=True, nature="I use their service", by=world.lead
    )
    # Waiting for assessment: already hidden.
    assert {a.bid.bidder_id for a in services.answers_to_score(pat)} == {world.bidders[1].pk}
    declaration.refresh_from_db()
    with pytest.raises(ValidationError, match="Write the assessment"):
        services.assess_conflict(
            declaration, outcome=ConflictOutcome.EXCLUDED, mitigation="", by=world.lead
        )
    services.assess_conflict(
        declaration,
        outcome=ConflictOutcome.EXCLUDED,
        mitigation="Uses the service weekly: excluded from this bidder.",
        by=world.lead,
    )
    assert {a.bid.bidder_id for a in services.answers_to_score(pat)} == {world.bidders[1].pk}
    excluded_answer = world.answers(1)[0]
    assert excluded_answer.bid.bidder_id == world.bidders[0].pk
    with pytest.raises(ValidationError, match="not scoring this answer"):
        services.save_score(
            pat, excluded_answer, score=3, justification="x", entered_by=pat.user, submit=True
        )


def test_a_managed_conflict_lets_them_score_with_the_mitigation_recorded():
    world = make_scoring_tender()
    jo = world.lay[1]
    services.declare(
        jo, world.bidders[1], has_conflict=True, nature="Friend on its board", by=world.lead
    )
    declaration = jo.declarations.get(bidder=world.bidders[1])
    services.assess_conflict(
        declaration,
        outcome=ConflictOutcome.MANAGED,
        mitigation="Not close: scores reviewed at moderation.",
        by=world.lead,
    )
    assert world.bidders[1].pk in {a.bid.bidder_id for a in services.answers_to_score(jo)}


def test_nobody_assesses_their_own_conflict():
    world = make_scoring_tender()
    officer = world.officer
    declaration = services.declare(
        officer, world.bidders[0], has_conflict=True, nature="Former employer", by=officer.user
    )
    with pytest.raises(ValidationError, match="Someone else"):
        services.assess_conflict(
            declaration,
            outcome=ConflictOutcome.MANAGED,
            mitigation="Left 5 years ago.",
            by=officer.user,
        )


# Scoring


def test_score_needs_a_justification_to_submit_and_is_then_locked():
    world = make_scoring_tender()
    pat = world.lay[0]
    answer = world.answers(1)[0]
    draft = services.save_score(
        pat, answer, score=2, justification="", entered_by=pat.user, submit=False
    )
    assert draft.status == ScoreStatus.DRAFT
    with pytest.raises(ValidationError) as raised:
        services.save_score(
            pat, answer, score=2, justification=" ", entered_by=pat.user, submit=True
        )
    assert "justification" in raised.value.message_dict
    submitted = services.save_score(
        pat, answer, score=3, justification="Clear plan.", entered_by=pat.user, submit=True
    )
    assert submitted.is_locked and not submitted.on_paper
    with pytest.raises(ValidationError, match="locked"):
        services.save_score(
            pat, answer, score=4, justification="Better", entered_by=pat.user, submit=True
        )
    submitted.refresh_from_db()
    assert submitted.score == 3


def test_score_must_be_on_the_scale():
    world = make_scoring_tender()
    pat = world.lay[0]
    with pytest.raises(ValidationError, match="from 0 to 4"):
        services.save_score(
            pat, world.answers(1)[0], score=5, justification="x", entered_by=pat.user, submit=True
        )


def test_paper_score_records_who_entered_it_and_for_whom():
    world = make_scoring_tender()
    facilitator = member(world.tender.organisation, Role.FACILITATOR)
    pat = world.lay[0]
    score = services.save_score(
        pat,
        world.answers(1)[0],
        score=2,
        justification="From her form.",
        entered_by=facilitator,
        submit=True,
    )
    assert score.entered_by == facilitator
    assert score.evaluator == pat
    assert score.on_paper


def test_evaluators_score_only_their_questions():
    world = make_scoring_tender()
    officer_only = world.tender.questions.get(number=2)
    pat = world.lay[0]
    pat.assignments.filter(question=officer_only).delete()
    assert {a.question_id for a in services.answers_to_score(pat)} == {
        world.tender.questions.get(number=1).pk
    }


def test_easy_read_panel_chooses_only_easy_read_questions():
    world_tender = make_open_tender(easy_read=True)
    person = make_person(
        world_tender.organisation, name="Lee Hart", preferred_channel="via", via_name="Day centre"
    )
    panel = services.add_evaluator(world_tender, EvaluatorKind.EASY_READ_PANEL, person=person)
    assert list(services.choosable_questions(panel).values_list("number", flat=True)) == [1]


# Moderation


def test_moderation_opens_only_when_every_score_is_in():
    world = make_scoring_tender()
    question = world.tender.questions.get(number=1)
    with pytest.raises(ValidationError, match="Waiting for scores from"):
        services.open_moderation(question)
    submit_all_scores(world, 1, {world.lay[0].pk: 1, world.lay[1].pk: 4, world.officer.pk: 3})
    services.open_moderation(question)
    assert question.moderation_opened_at is not None
    pat = world.lay[0]
    with pytest.raises(ValidationError, match="scoring is closed"):
        services.save_score(
            pat, world.answers(1)[0], score=1, justification="x", entered_by=pat.user, submit=False
        )


def test_moderation_needs_a_rationale_and_explains_every_differing_score():
    world = make_scoring_tender()
    question = world.tender.questions.get(number=1)
    submit_all_scores(world, 1, {world.lay[0].pk: 1, world.lay[1].pk: 4, world.officer.pk: 3})
    answer = world.answers(1)[0]
    with pytest.raises(ValidationError, match="not opened"):
        services.moderate(answer, consensus_score=3, rationale="x", explanations={}, by=world.lead)
    services.open_moderation(question)
    scores = {s.evaluator_id: s for s in answer.scores.all()}
    with pytest.raises(ValidationError) as raised:
        services.moderate(answer, consensus_score=3, rationale="", explanations={}, by=world.lead)
    errors = raised.value.message_dict
    assert "rationale" in errors
    assert set(errors) - {"rationale"} == {
        f"explanation_{scores[world.lay[0].pk].pk}",
        f"explanation_{scores[world.lay[1].pk].pk}",
    }
    moderation = services.moderate(
        answer,
        consensus_score=3,
        rationale="Good evidence of carers' breaks.",
        explanations={
            scores[world.lay[0].pk].pk: "Missed the section on breaks.",
            scores[world.lay[1].pk].pk: "Agreed the waiting times plan was thin.",
        },
        by=world.lead,
    )
    assert moderation.spread == 3 and moderation.spread_flagged
    assert moderation.explanations.count() == 2
    assert Moderation.objects.get(answer=answer).consensus_score == 3


def test_moderation_refuses_a_lay_evaluators_name_where_bidders_read_it():
    world = make_scoring_tender()
    submit_all_scores(world, 1, {world.lay[0].pk: 1, world.lay[1].pk: 3, world.officer.pk: 3})
    services.open_moderation(world.tender.questions.get(number=1))
    answer = world.answers(1)[0]
    pat_score = answer.scores.get(evaluator=world.lay[0])
    with pytest.raises(ValidationError) as raised:
        services.moderate(
            answer,
            consensus_score=3,
            rationale="As pat  EVANS said, the breaks plan is clear.",
            explanations={pat_score.pk: "Jo Carter persuaded the panel."},
            by=world.lead,
        )
    errors = raised.value.message_dict
    assert errors["rationale"] == [
        f"This names {world.lay[0].code}. Bidders read it, and lay evaluators stay anonymous: "
        "use their code instead of their name."
    ]
    assert world.lay[1].code in errors[f"explanation_{pat_score.pk}"][0]
    assert not Moderation.objects.filter(answer=answer).exists()
    # A first name alone is an ordinary word as often as a name; codes are what to write.
    moderation = services.moderate(
        answer,
        consensus_score=3,
        rationale=f"{world.lay[1].code} and the officer agreed; Pat's point was answered.",
        explanations={pat_score.pk: "Missed the section on breaks."},
        by=world.lead,
    )
    assert moderation.consensus_score == 3


def test_small_spread_is_not_flagged():
    world = make_scoring_tender()
    submit_all_scores(world, 1, {world.lay[0].pk: 3, world.lay[1].pk: 3, world.officer.pk: 2})
    services.open_moderation(world.tender.questions.get(number=1))
    answer = world.answers(1)[0]
    officer_score = answer.scores.get(evaluator=world.officer)
    moderation = services.moderate(
        answer,
        consensus_score=3,
        rationale="Agreed.",
        explanations={officer_score.pk: "Persuaded by the lay evaluators."},
        by=world.lead,
    )
    assert moderation.spread == 1 and not moderation.spread_flagged


def test_word_count_counts_words_between_spaces():
    assert services.count_words("  one two\nthree\tfour  ") == 4
    assert services.count_words("") == 0


# Data protection


def test_subject_access_lists_panels_and_pseudonymisation_removes_conflict_details():
    from coproduce.dataprotection.export import Subject
    from coproduce.procurement.hooks import _pseudonymised, collect_panels

    world = make_scoring_tender()
    pat = world.lay[0]
    services.declare(
        pat, world.bidders[0], has_conflict=True, nature="I use their day centre", by=world.lead
    )
    assert pat.person is not None
    records = collect_panels(Subject(pat.person, frozenset({pat.person.pk}), world.lead))
    assert records[0]["anonymous_code"] == "Lay evaluator A"
    assert "I use their day centre" in records[0]["conflicts_declared"]
    _pseudonymised(pat.person, erasure=False)
    declaration = pat.declarations.get(bidder=world.bidders[0])
    assert declaration.nature == "Removed at the person's request."


def test_interview_questions_are_scored_like_written_answers():
    tender = make_tender(questions=1)
    interview = services.save_question(
        Question(
            tender=tender,
            criterion=tender.criteria.get(),
            number=2,
            kind="interview",
            text="Presentation: a day in the life of a carer using your service.",
            weight=Decimal("0"),
            lay_may_score=True,
            lay_panel_questions="How would you help a carer who works full time?",
        )
    )
    services.open_for_bids(tender, tender.created_by)
    bidder = make_bidder(tender)
    draft = services.start_bid(bidder, tender.lots.get())
    with pytest.raises(ValidationError, match="answered at the interview"):
        services.save_answer(draft, interview, "Written instead")
    bid = make_submitted_bid(bidder)
    services.close_bids(tender)
    assert bid.answers.filter(question=interview).exists()


def test_lay_evaluators_are_told_when_scoring_starts():
    from coproduce.notifications.models import Delivery

    world = make_scoring_tender()
    deliveries = Delivery.objects.filter(key__startswith="procurement-scoring:")
    assert sorted(d.person_id for d in deliveries) == sorted(e.person_id for e in world.lay)
    assert "You can start scoring the bids" in deliveries.first().subject
