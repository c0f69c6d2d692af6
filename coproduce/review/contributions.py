"""Where review visits meet "You said, we did": each finding or recommendation becomes a
contribution in the feedback app, which must then get a decision. The one call into the
feedback app's stable service."""

from coproduce.feedback.models import Contribution, ContributionKind
from coproduce.feedback.services import add_contribution
from coproduce.projects.models import StageKind

from .models import FindingKind, ReviewVisit, VisitFinding


def add_review_finding(visit: ReviewVisit, finding: VisitFinding) -> Contribution:
    """The finding as a contribution of the project's Review stage, from the visit. The people
    from the register who carried out the visit are its contributors, so they are told what
    happened. Keyed by the finding, so a repeated send records it once."""
    project = visit.service.project
    prefix = "Recommendation" if finding.kind == FindingKind.RECOMMENDATION else "Finding"
    people = list(visit.people.all())
    return add_contribution(
        project=project,
        stage=project.stages.get(kind=StageKind.REVIEW),
        kind=ContributionKind.REVIEW_FINDING,
        summary=f"{prefix} ({visit.get_kind_display().lower()}, {visit.service.name}): "
        f"{finding.text}",
        source=visit,
        contributors=people,
        people_count=len(people) or None,
        key=f"review-finding-{finding.pk}",
        recorded_by=visit.recorded_by,
    )
