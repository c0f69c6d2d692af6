"""Every permission in Coproduce, decided here and nowhere else.

Objects carry `organisation_id`; a user's role in that organisation decides what they may do.
Views first scope their queries to the user's organisations (another organisation's record is
"not found"), then ask these rules (a record they may not act on is "forbidden").
"""

from typing import Any

import rules

from .models import STAFF_ROLES, Role
from .roles import equality_access_organisation_ids, role_in


def _org_id(obj: Any) -> int | None:
    return getattr(obj, "organisation_id", None) if obj is not None else None


def _role_predicate(name: str, allowed: frozenset[str]) -> rules.Predicate:
    @rules.predicate(name)
    def predicate(user: Any, obj: Any) -> bool:
        return role_in(user, _org_id(obj)) in allowed

    return predicate


is_org_staff = _role_predicate("is_org_staff", STAFF_ROLES)
is_org_administrator = _role_predicate("is_org_administrator", frozenset({Role.ADMINISTRATOR}))
can_lead_commissioning = _role_predicate(
    "can_lead_commissioning", frozenset({Role.ADMINISTRATOR, Role.COMMISSIONER})
)
can_plan_involvement = _role_predicate(
    "can_plan_involvement",
    frozenset({Role.ADMINISTRATOR, Role.COMMISSIONER, Role.FACILITATOR}),
)
can_support_participants = _role_predicate(
    "can_support_participants", frozenset({Role.ADMINISTRATOR, Role.FACILITATOR})
)


@rules.predicate
def has_equality_data_access(user: Any, obj: Any) -> bool:
    return _org_id(obj) in equality_access_organisation_ids(user)


@rules.predicate
def is_job_owner(user: Any, job: Any) -> bool:
    return job is not None and job.created_by_id == user.pk


# Organisations (obj: an Organisation)
rules.add_perm("accounts.view_organisation", is_org_staff)
rules.add_perm("accounts.act_for_participant", can_support_participants)
# Commissioning projects, stages, checklists and engagement plans (obj: the record)
rules.add_perm("projects.add_commissioningproject", can_lead_commissioning)
rules.add_perm("projects.view_commissioningproject", is_org_staff)
rules.add_perm("projects.change_commissioningproject", can_lead_commissioning)
rules.add_perm("projects.view_stage", is_org_staff)
rules.add_perm("projects.change_stage", can_lead_commissioning)
rules.add_perm("projects.change_readinessitem", can_plan_involvement)
rules.add_perm("projects.view_engagementplan", is_org_staff)
rules.add_perm("projects.change_engagementplan", can_plan_involvement)
rules.add_perm("projects.publish_engagementplan", can_lead_commissioning)
# People and communities register (obj: a Person, Community, PartnerOrganisation, SavedList or
# the Organisation itself for lists and new records)
rules.add_perm("people.view_person", is_org_staff)
rules.add_perm("people.change_person", can_plan_involvement)
rules.add_perm("people.manage_consent", can_plan_involvement)
rules.add_perm("people.change_register_settings", is_org_administrator)
# Equality monitoring answers, person by person: only with the dedicated permission.
rules.add_perm("people.view_equality_answers", is_org_staff & has_equality_data_access)
rules.add_perm("people.change_equality_answers", can_plan_involvement & has_equality_data_access)
# Aggregates with small numbers suppressed are for all staff.
rules.add_perm("people.view_equality_report", is_org_staff)
# The organisation's own equality questions (obj: the Organisation or an EqualityQuestion)
rules.add_perm("equality.change_equalityquestion", is_org_administrator)
# A project's target population profile for representativeness (obj: the project)
rules.add_perm("equality.change_targetshare", can_plan_involvement)
# Data protection (obj: the Organisation for retention pages and the list of erasure requests;
# a Person for exports and new requests; a RetentionReview or an ErasureRequest)
rules.add_perm("dataprotection.manage_retention", is_org_administrator)
rules.add_perm("dataprotection.export_person", can_support_participants)
rules.add_perm("dataprotection.request_erasure", can_support_participants)
rules.add_perm("dataprotection.view_erasure_requests", can_support_participants)
rules.add_perm("dataprotection.approve_erasure", is_org_administrator)
rules.add_perm("dataprotection.carry_out_erasure", is_org_administrator)
# Audit trail (obj: the record whose history is shown, or an Organisation)
rules.add_perm("audit.view_history", is_org_staff)
rules.add_perm("audit.verify_chain", is_org_administrator)
# Background jobs (obj: a Job)
rules.add_perm("core.view_job", is_job_owner | is_org_administrator)
# Recruitment: opportunities, invitations and the glossary (obj: an Opportunity, a method for
# new opportunities, a GlossaryTerm, or the Organisation for lists and settings)
rules.add_perm("recruitment.view_opportunity", is_org_staff)
rules.add_perm("recruitment.change_opportunity", can_plan_involvement)
rules.add_perm("recruitment.invite", can_plan_involvement)
rules.add_perm("recruitment.change_glossary", can_plan_involvement)
rules.add_perm("recruitment.change_settings", is_org_administrator)
# Applications (obj: an Application, or the Opportunity for its list and new applications).
# Answers for a fair mix can be special category data: only those who plan involvement.
rules.add_perm("recruitment.view_application", can_plan_involvement)
rules.add_perm("recruitment.change_application", can_plan_involvement)
rules.add_perm("recruitment.add_application", can_plan_involvement)
rules.add_perm("recruitment.view_selection_answers", can_plan_involvement)
# Messages to people: the outbox, letters to post, the call list and formats to make (obj: a
# Delivery, or the Organisation for lists). Those who plan involvement contact people, so they
# see what was sent (it holds contact details) and record letters posted and calls made.
rules.add_perm("notifications.view_delivery", can_plan_involvement)
rules.add_perm("notifications.change_delivery", can_plan_involvement)
# Fair selection (obj: an Opportunity or a SelectionRun): applicants' names and answers, so
# only those who run involvement
rules.add_perm("selection.view_selection", can_plan_involvement)
rules.add_perm("selection.change_selection", can_plan_involvement)
# Payments and expenses (obj: a Claim, or the Organisation for lists, the policy and the
# export; a Person for claims sent on their behalf; a CommissioningProject for its budget).
# Finance approvers approve and pay, and never for claims they made or sent (the service
# checks that too); those who plan involvement follow claims; facilitators send them for people.
can_approve_payments = _role_predicate("can_approve_payments", frozenset({Role.FINANCE_APPROVER}))
rules.add_perm("payments.view_claim", can_plan_involvement | can_approve_payments)
rules.add_perm("payments.submit_claim_for", can_support_participants)
rules.add_perm("payments.approve_claim", can_approve_payments)
rules.add_perm("payments.export", can_approve_payments)
rules.add_perm("payments.view_policy", is_org_staff)
rules.add_perm("payments.change_policy", is_org_administrator)
rules.add_perm("payments.view_budget", is_org_staff)


# Procurement: tenders, bids and their evaluation (obj: a Tender or one of its records, a
# CommissioningProject for new tenders, or the Organisation for the list). Officers who lead
# commissioning set up tenders, answer clarifications, assess conflicts and moderate; those
# who plan involvement run the panel (briefing, evaluators, questions); facilitators enter
# paper scores for lay evaluators. Nobody on a tender's panel sees its prices.
@rules.predicate
def is_tender_evaluator(user: Any, obj: Any) -> bool:
    if obj is None or not user.is_authenticated:
        return False
    is_tender = obj._meta.label == "procurement.Tender"
    tender_id = obj.pk if is_tender else getattr(obj, "tender_id", None)
    if tender_id is None:
        return False
    from coproduce.procurement.models import Evaluator

    return Evaluator.objects.filter(tender_id=tender_id, user=user).exists()


@rules.predicate
def is_this_evaluator(user: Any, evaluator: Any) -> bool:
    return evaluator is not None and user.is_authenticated and evaluator.user_id == user.pk


@rules.predicate
def acts_for_bidder(user: Any, obj: Any) -> bool:
    """obj: a Bidder, or a Bid (or anything with `bidder_id`)."""
    if obj is None or not user.is_authenticated:
        return False
    is_bidder = obj._meta.label == "procurement.Bidder"
    bidder_id = obj.pk if is_bidder else getattr(obj, "bidder_id", None)
    if bidder_id is None:
        return False
    if role_in(user, _org_id(obj)) != Role.PROVIDER:
        return False
    from coproduce.procurement.models import BidderUser

    return BidderUser.objects.filter(bidder_id=bidder_id, user=user).exists()


rules.add_perm("procurement.view_tender", is_org_staff)
rules.add_perm("procurement.change_tender", can_lead_commissioning)
rules.add_perm("procurement.view_price", is_org_staff & ~is_tender_evaluator)
rules.add_perm("procurement.manage_panel", can_plan_involvement)
rules.add_perm("procurement.assess_conflict", can_lead_commissioning)
rules.add_perm("procurement.answer_clarification", can_lead_commissioning)
rules.add_perm("procurement.moderate", can_lead_commissioning)
rules.add_perm("procurement.enter_paper_scores", can_support_participants)
# An evaluator's own pages (obj: the Evaluator)
rules.add_perm("procurement.evaluate", is_this_evaluator)
# A bidder's own bids (obj: the Bidder or a Bid)
rules.add_perm("procurement.act_for_bidder", acts_for_bidder)


# Events (obj: an Event, a Venue, a SupportArrangement, or the Organisation for lists, new
# venues and settings; an EventPaper or PaperFormat for downloads). People asked to an event
# may download its calendar file and papers, and their own version of a paper.
@rules.predicate
def is_asked_to_event(user: Any, obj: Any) -> bool:
    """Invited to or coming to the event (obj: an Event, an EventPaper, or a PaperFormat,
    which must then be the user's own version)."""
    from coproduce.events.models import Attendance, Event, EventPaper, PaperFormat, Response

    if not user.is_authenticated:
        return False
    asked = Attendance.objects.filter(person__user=user).exclude(response=Response.DECLINED)
    if isinstance(obj, Event):
        asked = asked.filter(event_id=obj.pk)
    elif isinstance(obj, EventPaper):
        asked = asked.filter(event_id=obj.event_id)
    elif isinstance(obj, PaperFormat):
        asked = asked.filter(event_id=obj.paper.event_id, person_id=obj.person_id)
    else:
        return False
    return asked.exists()


rules.add_perm("events.view_event", is_org_staff)
rules.add_perm("events.change_event", can_plan_involvement)
rules.add_perm("events.invite", can_plan_involvement)
rules.add_perm("events.take_register", can_plan_involvement)
rules.add_perm("events.change_support", can_plan_involvement)
rules.add_perm("events.view_venue", is_org_staff)
rules.add_perm("events.change_venue", can_plan_involvement)
rules.add_perm("events.change_settings", is_org_administrator)
rules.add_perm("events.download_calendar", is_org_staff | is_asked_to_event)
rules.add_perm("events.download_paper", is_org_staff | is_asked_to_event)
# Surveys (obj: a Survey, a Question, an Answer, or the Organisation for the list and new
# surveys). All staff read aggregate results (small numbers suppressed); single responses,
# comments and exports are for those who run involvement; equality breakdowns need the
# equality permission as well.
rules.add_perm("surveys.view_survey", is_org_staff)
rules.add_perm("surveys.change_survey", can_plan_involvement)
rules.add_perm("surveys.enter_response", can_plan_involvement)
rules.add_perm("surveys.view_results", is_org_staff)
rules.add_perm("surveys.view_responses", can_plan_involvement)
rules.add_perm("surveys.crosstab_equality", is_org_staff & has_equality_data_access)
# Theming free text (obj: a Question, ThemeSet or Theme). Themes show and quote single
# comments, so they are for those who may read the comments (surveys.view_responses).
rules.add_perm("theming.view_themes", can_plan_involvement)
rules.add_perm("theming.change_themes", can_plan_involvement)


# Awards (obj: a Tender for totals, marks, awards, the panel report, feedback and OCDS; an
# Award; a Bid for its assessment summary). Totals show prices, so only those who lead
# commissioning or decide, and are not on the tender's panel (nobody scoring quality sees
# price). Only a decision-maker signs an award off. Those who plan involvement tell the lay
# evaluators and record their feedback. A bidder reads its own assessment summary.
is_decision_maker = _role_predicate("is_decision_maker", frozenset({Role.DECISION_MAKER}))
sees_totals = (can_lead_commissioning | is_decision_maker) & ~is_tender_evaluator
rules.add_perm("awards.view_totals", sees_totals)
rules.add_perm("awards.view_award", is_org_staff)
rules.add_perm("awards.record_award", can_lead_commissioning & ~is_tender_evaluator)
rules.add_perm("awards.sign_off", is_decision_maker)
rules.add_perm("awards.tell_lay_evaluators", can_plan_involvement)
rules.add_perm("awards.view_panel_report", can_plan_involvement)
rules.add_perm("awards.record_feedback", can_plan_involvement)
rules.add_perm("awards.view_assessment_summary", sees_totals | acts_for_bidder)


# Individual level: person-centred plans and personal budgets are health and care records
# (obj: a PersonCentredPlan, or a PlanVersion or PersonalBudget of one). Only the staff working
# with the person, and the person and their representatives, may read them; being an
# administrator or a commissioner is not enough. Administrators may change who is on the team
# (so a plan is never left with nobody), which is audited. Commissioners see only the
# suppressed figures across plans (obj: the Organisation), and attach them as evidence to a
# stage (obj: the Stage). The directory of approved providers (obj: the Organisation, or an
# ApprovedProvider) is for the organisation's staff and the people and providers it works with.
def _plan_of(obj: Any) -> tuple[int | None, Any]:
    from coproduce.individual.models import PersonCentredPlan

    if obj is None:
        return None, None
    if isinstance(obj, PersonCentredPlan):
        return obj.pk, obj
    return getattr(obj, "plan_id", None), None


@rules.predicate
def is_plan_worker(user: Any, obj: Any) -> bool:
    if not user.is_authenticated or role_in(user, _org_id(obj)) not in STAFF_ROLES:
        return False
    plan_id, _ = _plan_of(obj)
    from coproduce.individual.models import PlanWorker

    return plan_id is not None and PlanWorker.objects.filter(plan_id=plan_id, user=user).exists()


@rules.predicate
def is_plan_person(user: Any, obj: Any) -> bool:
    """The person the plan is for, or someone representing them."""
    if not user.is_authenticated:
        return False
    plan_id, plan = _plan_of(obj)
    if plan_id is None:
        return False
    from coproduce.individual.models import PersonCentredPlan, Representative

    if plan is None:
        plan = PersonCentredPlan.objects.select_related("person").filter(pk=plan_id).first()
    if plan is not None and plan.person.user_id == user.pk:
        return True
    return Representative.objects.filter(plan_id=plan_id, user=user).exists()


is_org_participant = _role_predicate("is_org_participant", frozenset({Role.PARTICIPANT}))
is_org_provider = _role_predicate("is_org_provider", frozenset({Role.PROVIDER}))
rules.add_perm("individual.add_plan", can_support_participants)
rules.add_perm("individual.view_plan", is_plan_worker | is_plan_person)
rules.add_perm("individual.change_plan", is_plan_worker)
rules.add_perm("individual.respond_to_plan", is_plan_person)
rules.add_perm("individual.manage_team", is_plan_worker | is_org_administrator)
rules.add_perm("individual.view_aggregates", can_lead_commissioning | is_decision_maker)
rules.add_perm("individual.attach_evidence", can_lead_commissioning)
rules.add_perm("individual.view_evidence", is_org_staff)
rules.add_perm("individual.view_providers", is_org_staff | is_org_participant | is_org_provider)
rules.add_perm("individual.change_providers", can_lead_commissioning)
rules.add_perm("individual.moderate_reviews", can_plan_involvement)
rules.add_perm("individual.review_provider", is_org_participant | can_support_participants)


# Co-review (obj: a CommissioningProject for its outcomes framework, services and lessons; a
# Service, a ProviderReport, a ReviewVisit, a Lesson or a SelfAssessment; the Organisation for
# lists). All staff read; those who plan involvement keep the outcomes framework, quality
# characteristics, review visits and lessons; officers who lead commissioning set up services,
# enter figures and accept or return providers' reports. A provider user acts only for the
# services they are linked to. Staff and participants of the organisation score its
# self-assessment; results show participants' averages only where enough answered.
@rules.predicate
def acts_for_service(user: Any, obj: Any) -> bool:
    """obj: a review Service, or anything with `service_id` (a ProviderReport)."""
    if obj is None or not user.is_authenticated:
        return False
    is_service = obj._meta.label == "review.Service"
    service_id = obj.pk if is_service else getattr(obj, "service_id", None)
    if service_id is None or role_in(user, _org_id(obj)) != Role.PROVIDER:
        return False
    from coproduce.review.models import ServiceProviderUser

    return ServiceProviderUser.objects.filter(service_id=service_id, user=user).exists()


scores_as_participant = _role_predicate("scores_as_participant", frozenset({Role.PARTICIPANT}))
rules.add_perm("review.view_review", is_org_staff)
rules.add_perm("review.change_framework", can_plan_involvement)
rules.add_perm("review.enter_values", can_lead_commissioning)
rules.add_perm("review.change_service", can_lead_commissioning)
rules.add_perm("review.review_report", can_lead_commissioning)
rules.add_perm("review.act_for_service", acts_for_service)
rules.add_perm("review.change_visit", can_plan_involvement)
rules.add_perm("review.change_lesson", can_plan_involvement)
rules.add_perm("review.run_self_assessment", can_plan_involvement)
rules.add_perm("review.score_self_assessment", is_org_staff | scores_as_participant)
rules.add_perm("review.enter_paper_scores", can_support_participants)


# Feedback: contributions, decisions, "You said, we did" and personal feedback (obj: a
# CommissioningProject for its lists and new records, a Contribution, a Decision or a
# FeedbackRound). All staff follow what was said and decided; those who plan involvement record
# contributions, edit the public page and send people their feedback (rounds show names and
# where messages went); those who lead commissioning and decision-makers record and publish
# decisions (an officer may record one on the decision-maker's behalf).
rules.add_perm("feedback.view_contributions", is_org_staff)
rules.add_perm("feedback.add_contribution", can_plan_involvement)
rules.add_perm("feedback.record_decision", can_lead_commissioning | is_decision_maker)
rules.add_perm("feedback.publish_decision", can_lead_commissioning | is_decision_maker)
rules.add_perm("feedback.change_page", can_plan_involvement)
rules.add_perm("feedback.send_feedback", can_plan_involvement)


# Participation: briefings, agreements, training, conflicts of interest, recognition and
# incentives (obj: an Opportunity, a Person, a TrainingOffer, an InterestDeclaration, a
# PrizeDraw, a Survey for new draws, a CommissioningProject for new training and declarations,
# or the Organisation for lists). All staff read them; those who plan involvement brief,
# agree, train, recognise and run prize draws; conflicts are assessed by those who lead
# commissioning (as procurement's are). A participant's own pages check that the records are
# theirs, in the views.
rules.add_perm("participation.view", is_org_staff)
rules.add_perm("participation.change", can_plan_involvement)
rules.add_perm("participation.record_for_person", can_plan_involvement)
rules.add_perm("participation.assess_conflict", can_lead_commissioning)
rules.add_perm("participation.run_draw", can_plan_involvement)
