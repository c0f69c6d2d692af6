"""Checking and importing files against the register: all or nothing, audited, with the
register's own rules and likely duplicates."""

import csv
import datetime
import io
import os
import time
from pathlib import Path

import openpyxl
import pytest

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEvent
from coproduce.people import import_services
from coproduce.people.import_services import ImportRejected, check_file, import_file
from coproduce.people.models import (
    Consent,
    PartnerOrganisation,
    Person,
)
from coproduce.testing.factories import (
    CommunityFactory,
    OrganisationFactory,
    make_person,
    member,
)

pytestmark = pytest.mark.django_db

HEADINGS = [
    "name",
    "email",
    "mobile",
    "postcode",
    "preferred_channel",
    "needs",
    "communities",
    "consent_contact",
    "consent_method",
]


def write_csv(path: Path, headings: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, headings: list[str], rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def officer(organisation):
    return member(organisation, Role.FACILITATOR)


@pytest.fixture
def carers(organisation):
    return CommunityFactory(organisation=organisation, name="Carers in Eastfield")


GOOD = [
    [
        "Pat Evans",
        "pat@example.org",
        "",
        "NS1 1AA",
        "email",
        "step_free; Hearing loop",
        "carers in eastfield",
        "yes",
        "paper",
    ],
    ["Sam Lewis", "", "07700 900123", "", "Text message", "", "", "no", ""],
    ["Jo Bloggs", "jo@example.org", "", "", "", "", "", "", ""],
]


def test_a_good_file_is_imported_through_the_register_services(
    tmp_path, organisation, officer, carers
):
    path = write_csv(tmp_path / "people.csv", HEADINGS, GOOD)
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems == []
    assert check.rows == 3
    assert check.preview[0] == [
        "2", "Pat Evans", "pat@example.org, NS1 1AA", "Email", "Standard print",
        "Step-free access; Hearing loop", "Carers in Eastfield", "Yes (on a paper form)",
    ]  # fmt: skip
    assert Person.objects.count() == 0  # checking saves nothing

    result = import_file(path, "people.csv", "people", organisation, officer)
    assert (result.added, result.skipped) == (3, 0)
    pat = Person.objects.get(name="Pat Evans")
    assert pat.organisation == organisation
    assert pat.postcode == "NS1 1AA"
    assert sorted(pat.needs.values_list("need", flat=True)) == ["hearing_loop", "step_free"]
    assert list(pat.memberships.values_list("community__name", flat=True)) == [
        "Carers in Eastfield"
    ]
    consent = Consent.objects.get(person=pat)
    assert (consent.purpose, consent.method, consent.recorded_by) == ("contact", "paper", officer)
    assert Person.objects.get(name="Sam Lewis").preferred_channel == "text"
    # A blank channel is the first contact detail given.
    assert Person.objects.get(name="Jo Bloggs").preferred_channel == "email"
    # Every record is in the audit trail, personal details hidden.
    created = AuditEvent.objects.filter(model="people.person", action="create")
    assert created.count() == 3
    assert created.first().changes["name"] == [None, "[hidden]"]
    assert AuditEvent.objects.filter(model="people.personneed").count() == 2
    assert AuditEvent.objects.filter(model="people.consent").count() == 1


def test_an_xlsx_file_is_imported_too(tmp_path, organisation, officer):
    path = write_xlsx(
        tmp_path / "people.xlsx",
        [
            "Full name",
            "Email address",
            "Best way to contact",
            "Agreed to be contacted",
            "How they agreed",
            "Date they agreed",
        ],
        [
            [
                "Pat Evans",
                "pat@example.org",
                "Email",
                "Yes",
                "Online, by the person",
                datetime.datetime(2025, 3, 31),
            ],
            ["Sam Lewis", "sam@example.org", None, None, None, None],
        ],
    )
    check, _, _ = check_file(path, "people.xlsx", "people", organisation)
    assert check.problems == [] and check.rows == 2
    import_file(path, "people.xlsx", "people", organisation, officer)
    consent = Consent.objects.get()
    assert consent.method == "online"
    assert consent.given_at.date() == datetime.date(2025, 3, 31)


def test_every_problem_is_reported_and_nothing_is_saved(tmp_path, organisation, officer, carers):
    rows = [
        *GOOD,
        ["Ann Other", "pat at example", "", "", "pigeon", "flying", "Nowhere", "maybe", ""],
        ["Text Only", "", "", "", "text", "", "", "", ""],
        ["Consenting", "c@example.org", "", "", "", "", "", "yes", ""],
        ["Again Pat", "PAT@example.org", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", ""],  # blank rows are skipped
        ["", "x@example.org", "", "", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "people.csv", [*HEADINGS, "favourite colour"], rows)
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems[0].startswith(
        "Column J, 'favourite colour', is not a column we can import."
    )
    assert check.problems[1:] == [
        "Row 5, column email: 'pat at example' is not an email address. Use the form name@example.com.",
        "Row 5, column preferred_channel: 'pigeon' is not one of the choices. Use one of: email (Email), text (Text message), phone (Phone call), post (Post), via (Through someone else (carer, advocate or organisation)).",
        "Row 5, column needs: 'flying' is not one of the choices. Use any of: step_free (Step-free access), hearing_loop (Hearing loop), bsl_interpreter (British Sign Language interpreter), large_print_papers (Large print papers), reading_stand (Reading stand), quiet_room (Quiet room), caffeine_free (Caffeine-free drinks), dietary (Dietary needs), carer_or_pa (Carer or personal assistant attending), replacement_care (Replacement care), transport (Transport), regular_breaks (Regular breaks), papers_early (Papers sent early).",
        "Row 5, column communities: 'Nowhere' is not one of the choices. Use any of: Carers in Eastfield.",
        "Row 5, column consent_contact: 'maybe' is not yes or no. Write yes or no (or leave it blank).",
        "Row 6, column mobile: Enter a mobile number for text messages, or choose another way.",
        "Row 7, column consent_method: Say how they agreed, with one of: online, paper, phone, in_person.",
        "Row 8, column email: 'PAT@example.org' is also in row 2. Each row needs its own email, or leave it blank.",
        "Row 10, column name: Enter the full name: it is needed for every row.",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_file(path, "people.csv", "people", organisation, officer)
    assert len(rejected.value.problems) == len(check.problems)
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(model="people.person").exists()


def test_one_bad_row_among_many_means_nothing_is_imported(tmp_path, organisation, officer):
    rows = [[f"Person {n}", f"p{n}@example.org", "", "", "", "", "", "", ""] for n in range(60)]
    rows[45][4] = "post"  # post, with no address
    path = write_csv(tmp_path / "people.csv", HEADINGS, rows)
    with pytest.raises(ImportRejected) as rejected:
        import_file(path, "people.csv", "people", organisation, officer)
    assert [str(p) for p in rejected.value.problems] == [
        "Row 47, column address: Enter a postal address, or choose another way to contact them."
    ]
    assert Person.objects.count() == 0


def test_a_failure_while_saving_undoes_every_row_saved_before_it(
    tmp_path, organisation, officer, monkeypatch
):
    """Rows are checked first, but if the register still refuses one while saving (it changed
    in between), the rows saved before it are rolled back."""
    path = write_csv(tmp_path / "people.csv", HEADINGS, [r for r in GOOD if not r[6]])
    original = import_services.PeopleImporter.save

    def refuse_the_second(self, row, user):
        if row.number == 3:
            from django.core.exceptions import ValidationError

            raise ValidationError({"communities": "Choose communities of your own organisation."})
        return original(self, row, user)

    monkeypatch.setattr(import_services.PeopleImporter, "save", refuse_the_second)
    with pytest.raises(ImportRejected) as rejected:
        import_file(path, "people.csv", "people", organisation, officer)
    assert [str(p) for p in rejected.value.problems] == [
        "Row 3, column communities: Choose communities of your own organisation."
    ]
    assert Person.objects.count() == 0


def test_missing_columns_and_empty_files(tmp_path, organisation):
    path = write_csv(tmp_path / "people.csv", ["email"], [["pat@example.org"]])
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems == [
        "The file has no 'name' column (Full name). Add it with a value in every row."
    ]
    path = write_csv(tmp_path / "people.csv", ["name"], [])
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems == ["The file has headings but no rows of people under them."]


def test_register_rules_apply(tmp_path, organisation):
    path = write_csv(
        tmp_path / "people.csv",
        [
            "name",
            "email",
            "voice",
            "preferred_format",
            "consent_contact",
            "consent_method",
            "consent_date",
        ],
        [
            ["Rep", "r@example.org", "representative", "", "", "", ""],
            ["Int", "i@example.org", "", "interpreter", "", "", ""],
            [
                "Later",
                "l@example.org",
                "",
                "",
                "yes",
                "phone",
                (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            ],
        ],
    )
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems[:2] == [
        "Row 2, column represents: Enter the group they represent.",
        "Row 3, column language: Enter the language they need an interpreter for.",
    ]
    assert (
        check.problems[2].startswith("Row 4, column consent_date: ")
        and "is in the future" in check.problems[2]
    )


def test_likely_duplicates_are_found_and_can_be_skipped(tmp_path, organisation, officer):
    existing = make_person(
        organisation, name="Patricia Evans", email="pat@example.org", postcode="NS1 1AA"
    )
    make_person(organisation, name="Someone Else", email="other@example.org", postcode="NS1 1AA")
    rows = [
        ["Evans, Patricia", "PAT@example.org", "", "", "", "", "", "", ""],
        ["Sam Lewis", "", "07700 900123", "", "", "", "", "", ""],
        ["Sam Lewis", "sam@example.org", "+44 7700 900123", "", "", "", "", "", ""],
        ["Jo Bloggs", "jo@example.org", "", "NS1 1AA", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "people.csv", HEADINGS, rows)
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems == []
    assert check.duplicates == [
        {
            "row": 2,
            "name": "Evans, Patricia",
            "matches": [
                {
                    "person": existing.pk,
                    "row": None,
                    "name": "Patricia Evans (pat@example.org, NS1 1AA)",
                    "reasons": "same email address; names 100% alike",
                }
            ],
        },
        {
            "row": 4,
            "name": "Sam Lewis",
            "matches": [
                {
                    "person": None,
                    "row": 3,
                    "name": "Sam Lewis",
                    "reasons": "same phone number; names 100% alike",
                }
            ],
        },
    ]
    result = import_file(path, "people.csv", "people", organisation, officer, skip_rows=[2])
    assert (result.added, result.skipped) == (3, 1)
    sams = list(Person.objects.filter(name="Sam Lewis").order_by("pk").values_list("pk", flat=True))
    assert result.to_review == [tuple(sams)]
    assert result.summary() == "Added 3 people; skipped 1 likely duplicate."


def test_only_this_organisations_register_counts(tmp_path, organisation, officer):
    other = OrganisationFactory()
    make_person(other, name="Pat Evans", email="pat@example.org")
    CommunityFactory(organisation=other, name="Elsewhere")
    path = write_csv(
        tmp_path / "people.csv",
        ["name", "email", "communities"],
        [["Pat Evans", "pat@example.org", "Elsewhere"]],
    )
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.problems == [
        "Row 2, column communities: 'Elsewhere': there is nothing to choose from yet."
    ]
    path = write_csv(tmp_path / "people.csv", ["name", "email"], [["Pat Evans", "pat@example.org"]])
    check, _, _ = check_file(path, "people.csv", "people", organisation)
    assert check.duplicates == []


def test_partner_organisations(tmp_path, organisation, officer, carers):
    PartnerOrganisation.objects.create(
        organisation=organisation, name="Northtown Carers' Centre", kind="carers_group"
    )
    path = write_csv(
        tmp_path / "partners.csv",
        [
            "Name",
            "Kind of organisation",
            "email",
            "phone",
            "website",
            "communities",
            "conflicts_of_interest",
        ],
        [
            ["Northtown Carers Centre", "Carers' group", "", "", "", "", ""],
            [
                "Deaf Club",
                "user_led",
                "hello@deaf.example.org",
                "01632 960000",
                "deaf.example.org",
                "Carers in Eastfield",
                "None",
            ],
            ["Bad", "shop", "nope", "", "", "", ""],
        ],
    )
    check, _, _ = check_file(path, "partners.csv", "partners", organisation)
    assert check.problems == [
        "Row 4, column Kind of organisation: 'shop' is not one of the choices. Use one of: user_led (User-led organisation), vcse (Voluntary or community group), carers_group (Carers' group), provider (Service provider), other (Other).",
        "Row 4, column email: 'nope' is not an email address. Use the form name@example.com.",
    ]
    path = write_csv(
        tmp_path / "partners.csv",
        ["name", "kind", "website", "communities"],
        [
            ["Northtown Carers Centre", "carers_group", "", ""],
            ["Deaf Club", "user_led", "deaf.example.org", "Carers in Eastfield"],
        ],
    )
    check, _, _ = check_file(path, "partners.csv", "partners", organisation)
    assert check.problems == []
    assert [d["row"] for d in check.duplicates] == [2]
    result = import_file(path, "partners.csv", "partners", organisation, officer, skip_rows=[2])
    assert result.summary() == "Added 1 partner organisation; skipped 1 likely duplicate."
    club = PartnerOrganisation.objects.get(name="Deaf Club")
    assert club.website == "https://deaf.example.org"
    assert list(club.communities.all()) == [carers]
    assert (
        AuditEvent.objects.filter(model="people.partnerorganisation", action="create").count() == 2
    )


def test_uploads_are_kept_for_their_owner_for_a_day(tmp_path, settings, organisation, officer):
    settings.VAR_DIR = tmp_path
    upload = import_services.store_upload(
        [b"name\n", b"Pat\n"], "../../people.csv", "people", officer, organisation
    )
    assert upload.filename == "people.csv"
    assert upload.path == tmp_path / "imports" / upload.token / "upload"
    assert upload.path.read_bytes() == b"name\nPat\n"
    assert import_services.find_upload(upload.token, officer.pk, organisation.pk) == upload
    assert import_services.find_upload(upload.token, officer.pk + 1, organisation.pk) is None
    assert import_services.find_upload(upload.token, officer.pk, organisation.pk + 1) is None
    assert (
        import_services.find_upload("../" + upload.token[3:], officer.pk, organisation.pk) is None
    )

    old = time.time() - 25 * 3600
    os.utime(upload.directory, (old, old))
    assert import_services.purge_stale_uploads() == 1
    assert not upload.directory.exists()
    assert import_services.find_upload(upload.token, officer.pk, organisation.pk) is None
