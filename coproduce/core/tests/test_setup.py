"""The command line, production settings, demo data and background jobs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from coproduce.accounts.models import Organisation, Role, User
from coproduce.audit.models import AuditEvent
from coproduce.cli import main
from coproduce.core.models import Job, JobStatus
from coproduce.projects.models import CommissioningProject, PlanStatus, StageStatus
from coproduce.testing.factories import OrganisationFactory, make_project, member

ROOT = Path(__file__).resolve().parents[3]
COPRODUCE = Path(sys.executable).with_name("coproduce")


def run_cli(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "DJANGO_"))}
    clean.pop("DEBUG", None)
    clean.pop("TASKS_BACKEND", None)
    return subprocess.run(
        [str(COPRODUCE), *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "x" * 30 + "production-secret-key-with-plenty-of-entropy-9f8e7d",
    "SALT_KEY": "production-salt-for-encrypted-equality-answers-4c3b2a",
    "ALLOWED_HOSTS": "coproduce.example.gov.uk",
    "DEBUG": "false",
}


def test_deploy_check_reports_nothing_with_production_values(tmp_path):
    result = run_cli(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        COPRODUCE_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_missing_secret_key_is_one_line_and_non_zero(tmp_path):
    result = run_cli("check", COPRODUCE_VAR_DIR=str(tmp_path), DEBUG="false")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_setting_value_is_one_line(tmp_path):
    result = run_cli("check", COPRODUCE_VAR_DIR=str(tmp_path), DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_command_exits_non_zero(capsys):
    assert main(["coproduce", "no-such-command"]) != 0
    assert "Unknown command" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_data_loads_once_and_a_second_run_changes_nothing():
    call_command("load_demo")
    counts = (
        Organisation.objects.count(),
        User.objects.count(),
        CommissioningProject.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("load_demo")
    assert counts == (
        Organisation.objects.count(),
        User.objects.count(),
        CommissioningProject.objects.count(),
        AuditEvent.objects.count(),
    )
    carers = CommissioningProject.objects.get(title__startswith="Carers")
    send = CommissioningProject.objects.get(title__startswith="SEND")
    assert (carers.level, send.level) == ("operational", "strategic")
    assert carers.stages.get(kind="do").status == StageStatus.IN_PROGRESS
    assert send.stages.get(kind="analyse").status == StageStatus.IN_PROGRESS
    assert send.stages.get(kind="analyse").plan.status == PlanStatus.PUBLISHED
    from coproduce.equality.models import EqualityAnswers, TargetShare
    from coproduce.people.models import Person

    # Six people in the register, thirty families who applied to the SEND panel, and the nine
    # young people with person-centred plans (Jordan and eight more).
    assert Person.objects.count() == 36 + 9 and EqualityAnswers.objects.count() == 5
    assert TargetShare.objects.filter(project=carers).count() == 2
    from coproduce.recruitment.models import Application, Opportunity
    from coproduce.selection.services import feasibility

    panel = Opportunity.objects.get(project=send)
    assert panel.status == "published" and panel.easy_read_sentences.exists()
    assert Application.objects.filter(opportunity=panel, status="applied").count() == 30
    assert feasibility(panel) == ""  # ready for a fair selection
    assert Opportunity.objects.get(project=carers).status == "draft"
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert set(Role.values) <= roles


@pytest.mark.django_db(transaction=True)
def test_checking_the_audit_trail_runs_as_a_job_with_progress(client):
    organisation = OrganisationFactory()
    admin = member(organisation, Role.ADMINISTRATOR)
    make_project(organisation)
    client.force_login(admin)
    response = client.post(reverse("audit:verify"))
    job = Job.objects.get()
    assert response.url == reverse("core:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total == AuditEvent.objects.count()
    page = client.get(response.url).content.decode()
    assert "intact" in page and "hx-get" not in page
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="job-progress"')


@pytest.mark.django_db
def test_an_unfinished_job_page_polls_and_offers_a_refresh_link(client):
    organisation = OrganisationFactory()
    admin = member(organisation, Role.ADMINISTRATOR)
    job = Job.objects.create(
        organisation=organisation,
        created_by=admin,
        title="Long job",
        done=5,
        total=20,
        status=JobStatus.RUNNING,
    )
    client.force_login(admin)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "25%" in page and "Refresh to see progress" in page


def test_rq_backend_runs_a_task_on_redis(tmp_path):
    """The production option: TASKS_BACKEND=rq enqueues to Redis and an RQ worker runs it."""
    script = (
        "import django, os; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from coproduce.core.tests.rq_probe import write_marker;"
        f"result = write_marker.enqueue({str(tmp_path / 'marker')!r});"
        "print(result.id)"
    )
    env = {
        "TASKS_BACKEND": "rq",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "COPRODUCE_VAR_DIR": str(tmp_path),
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COPRODUCE_", "DJANGO_"))}
    enqueue = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    worker = run_cli("rqworker", "--job-class", "django_tasks_rq.Job", "--burst", "default", **env)
    assert worker.returncode == 0, worker.stderr
    assert (tmp_path / "marker").read_text() == "done"
