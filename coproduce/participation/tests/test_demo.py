import pytest
from django.core.management import call_command

from coproduce.accounts.models import Organisation, User
from coproduce.audit.models import AuditEvent
from coproduce.participation import demo, services
from coproduce.participation.models import AgreementKind, Briefing, TrainingStatus
from coproduce.payments.selectors import budget_vs_actual
from coproduce.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_briefs_agrees_trains_and_recognises_pat_and_loads_once() -> None:
    call_command("load_demo")
    council = Organisation.objects.get(slug="northshire-council")
    briefing = Briefing.objects.get(opportunity__organisation=council)
    opportunity = briefing.opportunity
    pat = Person.objects.get(organisation=council, name="Pat Evans")
    assert set(services.participants(opportunity).values_list("name", flat=True)) == {
        "Pat Evans",
        "Tomasz Nowak",
    }
    assert services.outstanding_versions(pat, opportunity) == []
    tomasz = Person.objects.get(organisation=council, name="Tomasz Nowak")
    assert [v.kind for v in services.outstanding_versions(tomasz, opportunity)] == [
        AgreementKind.CONFIDENTIALITY
    ]
    assert pat.training_places.get().status == TrainingStatus.COMPLETED
    assert pat.recognitions.exists() and services.time_credit_balance(pat) == 6
    training = [
        row
        for row in budget_vs_actual(opportunity.project).rows
        if row.category.startswith("Train")
    ]
    assert training and training[0].actual == training[0].budget
    events = AuditEvent.objects.count()
    users = {user.username: user for user in User.objects.all()}
    demo.load(council, users)
    assert AuditEvent.objects.count() == events
