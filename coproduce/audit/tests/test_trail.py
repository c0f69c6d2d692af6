from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coproduce.accounts.models import Role
from coproduce.audit.context import acting_as
from coproduce.audit.models import AuditEvent
from coproduce.audit.selectors import history_for, verify_chain
from coproduce.cli import main
from coproduce.projects import services
from coproduce.testing.factories import OrganisationFactory, make_method, make_project, member

pytestmark = pytest.mark.django_db


def test_create_update_and_delete_are_recorded_with_who_and_before_after():
    organisation = OrganisationFactory()
    officer = member(organisation, Role.COMMISSIONER)
    with acting_as(officer):
        project = make_project(organisation, officer, title="Day services")
        services.update_project(project, title="Day opportunities")
    events = list(history_for(project))
    assert [e.action for e in events] == ["update", "create"]
    update = events[0]
    assert update.changes["title"] == ["Day services", "Day opportunities"]
    assert set(update.changes) == {"title", "updated_at"}
    assert update.actor_id == officer.pk and update.actor_name == str(officer)
    assert update.organisation_id == organisation.pk

    method_plan = project.stages.first().plan
    with acting_as(officer):
        method = make_method(method_plan)
        method_pk = method.pk
        services.delete_method(method)
    deleted = AuditEvent.objects.get(
        model="projects.engagementmethod", object_id=str(method_pk), action="delete"
    )
    assert deleted.changes["purpose"][0] == "Co-design the specification."


def test_saving_without_changes_records_nothing():
    project = make_project()
    stage = project.stages.first()
    before = AuditEvent.objects.count()
    stage.save()
    assert AuditEvent.objects.count() == before


def test_passwords_are_never_copied_into_the_trail():
    user = member(OrganisationFactory(), Role.ADMINISTRATOR)
    user.set_password("a-new-secret-password")
    user.save()
    event = history_for(user).first()
    assert event.changes["password"] == ["[hidden]", "[hidden]"]
    assert "a-new-secret" not in str(AuditEvent.objects.values_list("changes", flat=True))


def test_assisted_changes_name_both_the_facilitator_and_the_participant():
    organisation = OrganisationFactory()
    facilitator = member(organisation, Role.FACILITATOR)
    participant = member(organisation, Role.PARTICIPANT, email="")
    project = make_project(organisation)
    with acting_as(facilitator, on_behalf_of=participant):
        services.update_project(project, summary="Changed while helping Sam")
    event = history_for(project).first()
    assert event.actor_id == facilitator.pk
    assert event.on_behalf_of_id == participant.pk


def test_the_trail_cannot_be_changed_through_the_orm():
    make_project()
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="someone else")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_verify_passes_on_an_intact_trail(capsys):
    make_project()
    assert verify_chain() is None
    assert main(["coproduce", "audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def _tamper(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_names_the_first_altered_event_after_a_direct_database_edit(capsys):
    project = make_project(involvement_budget=Decimal("5000.00"))
    services.update_project(project, involvement_budget=Decimal("6000.00"))
    target = history_for(project).first()
    table = AuditEvent._meta.db_table
    _tamper(
        f"UPDATE {table} SET changes = %s WHERE sequence = %s",
        ['{"involvement_budget": ["5000.00", "9999.00"]}', target.sequence],
    )
    problem = verify_chain()
    assert problem is not None and problem.sequence == target.sequence
    with pytest.raises(CommandError, match=f"#{target.sequence}"):
        call_command("audit", "verify")
    assert main(["coproduce", "audit", "verify"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"#{target.sequence}" in err


def test_verify_finds_a_removed_event():
    make_project()
    table = AuditEvent._meta.db_table
    middle = AuditEvent.objects.order_by("sequence")[3]
    _tamper(f"DELETE FROM {table} WHERE sequence = %s", [middle.sequence])
    problem = verify_chain()
    assert problem is not None and problem.sequence == middle.sequence


def test_verify_finds_the_last_event_removed():
    make_project()
    table = AuditEvent._meta.db_table
    last = AuditEvent.objects.order_by("-sequence").first()
    _tamper(f"DELETE FROM {table} WHERE sequence = %s", [last.sequence])
    problem = verify_chain()
    assert problem is not None and problem.sequence == last.sequence
