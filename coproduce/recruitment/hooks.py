"""How applications and invitations follow what happens to a person elsewhere: a merge moves
them, pseudonymisation removes what the person told us, and subject access exports them."""

from typing import Any

from coproduce.dataprotection.export import Source, Subject, register
from coproduce.dataprotection.services import register_pseudonymiser
from coproduce.people import services as people_services
from coproduce.people.models import Person

from .models import Application, Invitation


def _merged(keep: Person, duplicate: Person) -> None:
    for application in Application.objects.filter(person=duplicate):
        application.person = keep
        application.save()
    kept_invitations = set(
        Invitation.objects.filter(person=keep).values_list("opportunity_id", flat=True)
    )
    for invitation in Invitation.objects.filter(person=duplicate):
        # One invitation per person and opportunity: the kept record's own one stays.
        if invitation.opportunity_id in kept_invitations:
            invitation.delete()
        else:
            invitation.person = keep
            invitation.save()


def _pseudonymised(person: Person, erasure: bool) -> None:
    """What the person told us in applications goes; the status, dates and source stay, so
    that recruitment figures still add up."""
    for application in Application.objects.filter(person=person):
        application.name = f"Person #{person.pk}"
        application.email = application.phone = application.address = ""
        application.postcode = application.access_notes = application.why_interested = ""
        application.status_reason = application.language = application.household = ""
        application.availability = []
        application.access_needs = []
        application.eligibility_answers = {}
        application.selection_answers = {}
        application.save()


def collect_applications(subject: Subject) -> list[dict[str, Any]]:
    applications = (
        Application.objects.filter(person_id__in=subject.person_ids)
        .select_related("opportunity")
        .order_by("created_at")
    )
    return [
        {
            "opportunity": application.opportunity.title,
            "sent": application.submitted_at,
            "how": application.get_source_display(),
            "status": application.get_status_display(),
            "reason": application.status_reason,
            "why_interested": application.why_interested,
            "access_needs": ", ".join(application.access_needs),
            "answers_for_a_fair_mix": ", ".join(
                f"{key}: {value}" for key, value in (application.selection_answers or {}).items()
            ),
        }
        for application in applications
    ]


def collect_invitations(subject: Subject) -> list[dict[str, Any]]:
    invitations = (
        Invitation.objects.filter(person_id__in=subject.person_ids)
        .select_related("opportunity")
        .order_by("created_at")
    )
    return [
        {
            "date": invitation.created_at,
            "opportunity": invitation.opportunity.title,
            "held_back": invitation.held_reason,
        }
        for invitation in invitations
    ]


def connect() -> None:
    people_services.on_merge(_merged)
    register_pseudonymiser(_pseudonymised)
    register(
        Source(
            "applications",
            "Applications to take part",
            collect_applications,
            permission="recruitment.view_application",
            audit_models=("recruitment.application",),
            order=72,
        )
    )
    register(
        Source(
            "invitations",
            "Invitations to take part",
            collect_invitations,
            labels={"date": "Date", "opportunity": "Opportunity", "held_back": "Held back"},
            permission="recruitment.view_opportunity",
            audit_models=("recruitment.invitation",),
            order=73,
            as_table=True,
        )
    )
