"""Upload, preview and confirm; background imports; likely duplicates; merging."""

from typing import cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.accounts.models import Organisation, Role
from coproduce.core.models import Job, JobStatus
from coproduce.people import import_services
from coproduce.people.models import Person
from coproduce.testing.factories import CommunityFactory, OrganisationFactory, make_person, member
from coproduce.testing.permissions import LOGIN, assert_cell, client_for

pytestmark = pytest.mark.django_db

CSV = (
    "name,email,mobile,postcode,preferred_channel,needs,consent_contact,consent_method\n"
    "Pat Evans,pat@example.org,,NS1 1AA,email,step_free,yes,paper\n"
    "Sam Lewis,,07700 900123,,text,,no,\n"
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def facilitator(organisation):
    return member(organisation, Role.FACILITATOR)


@pytest.fixture
def signed_in(client, facilitator):
    client.force_login(facilitator)
    return client


def csv_file(text: str = CSV, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client: Client, text: str = CSV, kind: str = "people", name: str = "people.csv"):
    return client.post(reverse("people_import:start"), {"kind": kind, "file": csv_file(text, name)})


def token_of(response) -> str:
    return response.url.rstrip("/").rsplit("/", 1)[1]


def stored(tmp_path) -> list[str]:
    folder = tmp_path / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_upload_preview_confirm(signed_in, organisation, tmp_path):
    page = signed_in.get(reverse("people_import:start")).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Template for people (CSV)" in page

    response = upload(signed_in)
    assert response.status_code == 302
    token = token_of(response)
    assert response.url == reverse("people_import:preview", args=[token])
    assert stored(tmp_path) == [token]
    assert Person.objects.count() == 0

    preview = signed_in.get(response.url).content.decode()
    assert "Check the import before you confirm" in preview
    assert (
        "Pat Evans" in preview
        and "Step-free access" in preview
        and "Yes (on a paper form)" in preview
    )
    assert "None found" in preview

    confirmed = signed_in.post(response.url, {})
    assert confirmed.url == reverse("people_import:done")
    assert sorted(Person.objects.values_list("name", flat=True)) == ["Pat Evans", "Sam Lewis"]
    assert Person.objects.filter(organisation=organisation).count() == 2
    assert stored(tmp_path) == []  # the file is removed once imported
    done = signed_in.get(confirmed.url).content.decode()
    assert "Import complete" in done and "Added 2 people." in done
    # The token cannot be used again.
    assert signed_in.post(response.url, {}).status_code == 404


def test_an_xlsx_upload(signed_in, tmp_path):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Full name", "Email address"])
    workbook.active.append(["Pat Evans", "pat@example.org"])
    data = io.BytesIO()
    workbook.save(data)
    response = signed_in.post(
        reverse("people_import:start"),
        {"kind": "people", "file": SimpleUploadedFile("people.xlsx", data.getvalue())},
    )
    assert response.status_code == 302
    signed_in.post(response.url, {})
    assert Person.objects.get().email == "pat@example.org"


def test_a_file_with_problems_lists_them_all_and_is_not_kept(signed_in, tmp_path):
    text = CSV + "Ann Other,pat at example,,,pigeon,,,\nNo Mobile,,,,text,,,\n"
    response = upload(signed_in, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The file has 3 problems, listed below. Nothing has been imported." in page
    assert "Row 4, column email: &#x27;pat at example&#x27; is not an email address." in page
    assert "Row 4, column preferred_channel: &#x27;pigeon&#x27; is not one of the choices." in page
    assert "Row 5, column mobile: Enter a mobile number for text messages" in page
    assert 'href="#id_file"' in page and 'id="id_file"' in page
    assert 'value="people" checked' in page  # the choice made is kept
    assert stored(tmp_path) == []
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0old", "people.xls", "old Excel format"),
        (b"%PDF-1.4", "people.pdf", "must be a CSV file or an Excel workbook"),
    ],
)
def test_files_that_cannot_be_read(signed_in, tmp_path, content, name, message):
    response = signed_in.post(
        reverse("people_import:start"),
        {"kind": "people", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(tmp_path) == []


def test_too_large_a_file(signed_in, tmp_path, monkeypatch):
    from coproduce.people import views_import

    monkeypatch.setattr(views_import, "MAX_BYTES", 10)
    response = upload(signed_in)
    assert "the largest we can take" in response.content.decode()
    assert stored(tmp_path) == []


def test_nobody_else_can_see_or_confirm_an_upload(signed_in, organisation, tmp_path):
    token = token_of(upload(signed_in))
    url = reverse("people_import:preview", args=[token])
    colleague = Client()
    colleague.force_login(member(organisation, Role.COMMISSIONER))
    stranger = Client()
    stranger.force_login(member(OrganisationFactory(), Role.ADMINISTRATOR))
    for client in (colleague, stranger):
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
        assert client.post(reverse("people_import:cancel", args=[token])).status_code == 404
    assert Person.objects.count() == 0
    assert stored(tmp_path) == [token]
    assert signed_in.get(reverse("people_import:preview", args=["not-a-token"])).status_code == 404


def test_the_token_is_also_tied_to_the_organisation_the_user_works_in(
    signed_in, facilitator, organisation
):
    second = OrganisationFactory()
    member_of_both = facilitator
    from coproduce.accounts.models import Membership

    Membership.objects.create(user=member_of_both, organisation=second, role=Role.FACILITATOR)
    token = token_of(upload(signed_in))
    session = signed_in.session
    session["active_organisation_id"] = second.pk
    session.save()
    assert signed_in.get(reverse("people_import:preview", args=[token])).status_code == 404


def test_cancel_removes_the_file(signed_in, tmp_path):
    token = token_of(upload(signed_in))
    response = signed_in.post(reverse("people_import:cancel", args=[token]))
    assert response.url == reverse("people_import:start")
    assert stored(tmp_path) == []
    assert signed_in.get(reverse("people_import:preview", args=[token])).status_code == 404


def test_likely_duplicates_must_each_be_decided(signed_in, organisation):
    pat = make_person(organisation, name="Pat Evans", email="pat@example.org")
    text = CSV + "Sam Lewis,,+44 7700 900123,,text,,,\n"
    response = upload(signed_in, text)
    preview = signed_in.get(response.url).content.decode()
    assert "Row 2: Pat Evans" in preview
    assert f"already in the register (record #{pat.pk}): same email address" in preview
    assert "Looks like row 3, Sam Lewis: same phone number" in preview

    refused = signed_in.post(response.url, {"all_duplicates": "each", "row_2": "skip"})
    assert refused.status_code == 200
    assert "Choose whether to add row 4 or skip it." in refused.content.decode()
    assert signed_in.post(response.url, {}).status_code == 200  # no choice at all
    assert Person.objects.count() == 1

    done = signed_in.post(response.url, {"all_duplicates": "each", "row_2": "skip", "row_4": "add"})
    assert done.url == reverse("people_import:done")
    assert Person.objects.filter(name="Pat Evans").count() == 1
    assert Person.objects.filter(name="Sam Lewis").count() == 2
    sams = list(Person.objects.filter(name="Sam Lewis").order_by("pk"))
    page = signed_in.get(done.url).content.decode()
    assert f"?keep={sams[0].pk}&amp;duplicate={sams[1].pk}" in page
    assert "skipped 1 likely duplicate" in page


def test_skip_all_duplicates_at_once(signed_in, organisation):
    make_person(organisation, name="Pat Evans", email="pat@example.org")
    response = upload(signed_in)
    signed_in.post(response.url, {"all_duplicates": "skip"})
    assert Person.objects.count() == 2


def test_large_files_are_imported_by_a_background_job(
    signed_in, facilitator, organisation, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_services, "INLINE_ROWS", 1)
    response = upload(signed_in)
    preview = signed_in.get(response.url).content.decode()
    assert "imported in the background" in preview
    with django_capture_on_commit_callbacks(execute=True):
        started = signed_in.post(response.url, {})
    job = Job.objects.get()
    assert started.url == reverse("people_import:progress", args=[job.pk])
    assert (job.created_by, job.organisation, job.title) == (
        facilitator,
        organisation,
        "Import people.csv",
    )
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome == "Added 2 people."
    assert (job.done, job.total) == (4, 4)
    assert Person.objects.count() == 2
    assert stored(tmp_path) == []
    page = signed_in.get(started.url).content.decode()
    assert "Added 2 people." in page and "Check likely duplicates in the register" in page


def test_a_background_import_that_meets_a_problem_imports_nothing(
    signed_in, organisation, monkeypatch, django_capture_on_commit_callbacks
):
    community = CommunityFactory(organisation=organisation, name="Carers")
    monkeypatch.setattr(import_services, "INLINE_ROWS", 1)
    response = upload(
        signed_in, "name,email,communities\nPat,p@example.org,Carers\nSam,s@example.org,\n"
    )
    community.delete()  # the register changes between the preview and the import
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(response.url, {})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "Nothing was imported" in job.outcome
    assert "Row 2, column communities: 'Carers'" in job.outcome
    assert Person.objects.count() == 0


def test_template_files(signed_in, organisation):
    CommunityFactory(organisation=organisation, name="Carers in Eastfield")
    response = signed_in.get(reverse("people_import:template", args=["people"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="coproduce-people-template.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("name,preferred_name,email,mobile,")
    assert lines[1].startswith("Pat Evans,Pat,pat.evans@example.org,07700 900123,")
    assert "Carers in Eastfield" in lines[1]
    partners = signed_in.get(reverse("people_import:template", args=["partners"]))
    assert partners.content.decode("utf-8-sig").startswith("name,kind,email,phone,website,")
    assert signed_in.get(reverse("people_import:template", args=["other"])).status_code == 404


def test_the_template_imports_as_it_is(signed_in, organisation):
    CommunityFactory(organisation=organisation, name="Carers in Eastfield")
    for kind in ("people", "partners"):
        text = signed_in.get(reverse("people_import:template", args=[kind])).content.decode()
        response = upload(signed_in, text, kind=kind)
        assert response.status_code == 302, response.content.decode()


def test_likely_duplicates_in_the_register(signed_in, organisation):
    first = make_person(organisation, name="Pat Evans", email="pat@example.org")
    second = make_person(organisation, name="Evans Pat", email="PAT@example.org")
    make_person(organisation, name="Someone Else", email="pat@example.org")
    make_person(OrganisationFactory(), name="Pat Evans", email="pat@example.org")
    page = signed_in.get(reverse("people_import:duplicates")).content.decode()
    assert "1 pair found." in page
    assert f"?keep={first.pk}&amp;duplicate={second.pk}" in page
    assert "Same email address; names 100% alike" in page


def test_the_duplicates_list_runs_the_same_queries_however_long_it_is(signed_in, organisation):
    def pairs(count: int, start: int) -> None:
        for number in range(start, start + count):
            for _ in range(2):
                make_person(organisation, name=f"Person {number}", email=f"p{number}@example.org")

    def queries() -> int:
        signed_in.get(reverse("people_import:duplicates"))
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(reverse("people_import:duplicates"))
        assert response.status_code == 200
        return len(captured)

    pairs(2, 0)
    few = queries()
    pairs(30, 2)  # more than a page
    assert queries() == few
    assert few <= 8


def test_merge_two_records(signed_in, organisation):
    keep = make_person(organisation, name="Pat Evans", email="pat@example.org", postcode="")
    duplicate = make_person(
        organisation,
        name="Pat Evans",
        email="pat@example.org",
        postcode="NS1 1AA",
        needs=["step_free"],
    )
    url = reverse("people_import:merge") + f"?keep={keep.pk}&duplicate={duplicate.pk}"
    page = signed_in.get(url).content.decode()
    assert f"Record kept (#{keep.pk})" in page and f"Duplicate (#{duplicate.pk})" in page
    assert "Step-free access" in page and "NS1 1AA" in page
    assert f"?keep={duplicate.pk}&amp;duplicate={keep.pk}" in page  # keep the other instead

    response = signed_in.post(
        reverse("people_import:merge"), {"keep": keep.pk, "duplicate": duplicate.pk}
    )
    assert response.url == reverse("people:detail", args=[keep.pk])
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep
    assert keep.postcode == "NS1 1AA"
    assert list(keep.needs.values_list("need", flat=True)) == ["step_free"]

    again = signed_in.post(
        reverse("people_import:merge"), {"keep": keep.pk, "duplicate": duplicate.pk}
    )
    assert again.status_code == 200
    assert "That record has already been merged." in again.content.decode()


def test_merge_refuses_nonsense(signed_in, organisation):
    pat = make_person(organisation)
    merge = reverse("people_import:merge")
    assert signed_in.get(f"{merge}?keep={pat.pk}&duplicate=x").status_code == 404
    assert signed_in.get(merge).status_code == 404
    same = signed_in.get(f"{merge}?keep={pat.pk}&duplicate={pat.pk}").content.decode()
    assert "Choose two different people to merge." in same and "Yes, merge them" not in same


# Who may do what: every URL, as every role. ----------------------------------------------

ROLES = (
    "administrator",
    "commissioner",
    "facilitator",
    "finance_approver",
    "decision_maker",
    "participant",
    "provider",
    "other_org",
    "anonymous",
)

EXPECTED = {
    #                   admin  comm  facil  finance decide partic provid other  anon
    "start":           (200,   200,  200,   403,    403,   403,   403,   200,   LOGIN),
    "template":        (200,   200,  200,   403,    403,   403,   403,   200,   LOGIN),
    "preview":         (200,   200,  200,   403,    403,   403,   403,   404,   LOGIN),
    "confirm":         (302,   302,  302,   403,    403,   403,   403,   404,   LOGIN),
    "cancel":          (302,   302,  302,   403,    403,   403,   403,   404,   LOGIN),
    "done":            (302,   302,  302,   403,    403,   403,   403,   302,   LOGIN),
    "progress":        (200,   403,  200,   403,    403,   403,   403,   404,   LOGIN),
    "duplicates":      (200,   200,  200,   403,    403,   403,   403,   200,   LOGIN),
    "merge":           (200,   200,  200,   403,    403,   403,   403,   404,   LOGIN),
    "merge-post":      (302,   302,  302,   403,    403,   403,   403,   404,   LOGIN),
}  # fmt: skip


@pytest.fixture
def world():
    organisation = cast(Organisation, OrganisationFactory())
    users = {role.value: member(organisation, role) for role in Role}
    users["other_org"] = member(OrganisationFactory(), Role.ADMINISTRATOR)
    keep = make_person(organisation, name="Pat Evans", email="pat@example.org")
    duplicate = make_person(organisation, name="Pat Evans", email="pat@example.org")
    job = Job.objects.create(
        organisation=organisation, created_by=users["facilitator"], title="Import"
    )
    return {
        "organisation": organisation,
        "users": users,
        "keep": keep,
        "duplicate": duplicate,
        "job": job,
    }


def _request(world, role: str, name: str):
    client = client_for(world["users"], role)
    # An upload made by the person asking if they may, else by the facilitator.
    own = role in {"administrator", "commissioner", "facilitator"}
    uploader = client if own else client_for(world["users"], "facilitator")
    token = token_of(upload(uploader)) if name in {"preview", "confirm", "cancel"} else ""
    merge = reverse("people_import:merge")
    pair = {"keep": world["keep"].pk, "duplicate": world["duplicate"].pk}
    requests = {
        "start": ("get", reverse("people_import:start"), None),
        "template": ("get", reverse("people_import:template", args=["people"]), None),
        "preview": ("get", reverse("people_import:preview", args=[token or "x"]), None),
        "confirm": (
            "post",
            reverse("people_import:preview", args=[token or "x"]),
            {"all_duplicates": "skip"},
        ),
        "cancel": ("post", reverse("people_import:cancel", args=[token or "x"]), {}),
        "done": ("get", reverse("people_import:done"), None),
        "progress": ("get", reverse("people_import:progress", args=[world["job"].pk]), None),
        "duplicates": ("get", reverse("people_import:duplicates"), None),
        "merge": ("get", f"{merge}?keep={pair['keep']}&duplicate={pair['duplicate']}", None),
        "merge-post": ("post", merge, pair),
    }
    method, url, data = requests[name]
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, cells[column], id=f"{name}-{role}")
        for name, cells in EXPECTED.items()
        for column, role in enumerate(ROLES)
    ],
)
def test_permissions(world, name, role, expected):
    assert_cell(_request(world, role, name), expected, name)


def test_a_small_import_that_meets_a_problem_at_confirm_imports_nothing(
    signed_in, organisation, tmp_path
):
    community = CommunityFactory(organisation=organisation, name="Carers")
    response = upload(
        signed_in, "name,email,communities\nPat,p@example.org,Carers\nSam,s@example.org,\n"
    )
    community.delete()  # the register changes between the preview and the confirm
    refused = signed_in.post(response.url, {})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Nothing has been imported: the register has changed since the file was checked." in page
    assert "Row 2, column communities: &#x27;Carers&#x27;" in page
    assert Person.objects.count() == 0
    assert stored(tmp_path) == []


def test_confirming_twice_imports_once(signed_in, facilitator, organisation, tmp_path):
    """Once an upload is claimed for importing, a second confirm (a double click, another
    tab) finds nothing to import."""
    response = upload(signed_in)
    token = token_of(response)
    found = import_services.find_upload(token, facilitator.pk, organisation.pk)
    assert import_services.claim_upload(found) is True
    assert import_services.claim_upload(found) is False
    assert import_services.find_upload(token, facilitator.pk, organisation.pk) is None
    assert (
        import_services.find_upload(token, facilitator.pk, organisation.pk, claimed=True) == found
    )
    assert signed_in.post(response.url, {}).status_code == 404
    assert Person.objects.count() == 0


def test_purge_imports_command(settings, tmp_path):
    import os
    import time

    from django.core.management import call_command

    old = tmp_path / "imports" / ("a" * 32)
    old.mkdir(parents=True)
    past = time.time() - 2 * 24 * 3600
    os.utime(old, (past, past))
    fresh = tmp_path / "imports" / ("b" * 32)
    fresh.mkdir()
    from io import StringIO

    out = StringIO()
    call_command("purge_imports", stdout=out)
    assert out.getvalue().strip() == "Removed 1 upload."
    assert not old.exists() and fresh.exists()
