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
