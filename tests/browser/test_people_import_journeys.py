"""Browser journey for importing people, likely duplicates and merging, with axe on every
page."""

from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from playwright.sync_api import Page, expect

from coproduce.accounts.models import Organisation, Role
from coproduce.people.models import Person
from coproduce.testing.factories import OrganisationFactory, make_person, member
from tests.browser.steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Check = Callable[[], None]

BAD = b"name,email,preferred_channel\nAnn Other,ann at example,email\nNo Mobile,,text\n"
GOOD = (
    b"Full name,Email address,Mobile phone,Access and support needs\n"
    b"Pat Evans,pat@example.org,,Step-free access\n"
    b"Sam Lewis,sam@example.org,07700 900123,\n"
)


def test_facilitator_imports_people_and_merges_a_duplicate(
    page: Page, live_server, settings, tmp_path: Path, check_accessible: Check
) -> None:
    settings.VAR_DIR = tmp_path
    organisation = cast(Organisation, OrganisationFactory(name="Riverside Council"))
    facilitator = member(organisation, Role.FACILITATOR, first_name="Fran", last_name="Hughes")
    pat = make_person(organisation, name="Pat Evans", email="pat@example.org", postcode="RV1 1AA")

    sign_in(page, live_server.url, facilitator)
    page.goto(f"{live_server.url}/people/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import people or partner organisations"
    )
    check_accessible()

    # A file with mistakes: every one listed, nothing imported.
    page.get_by_label("People", exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": BAD}
    )
    page.get_by_role("button", name="Upload and check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file has 2 problems")
    expect(page.locator("#problems + p + ul")).to_contain_text(
        "Row 2, column email: 'ann at example' is not an email address."
    )
    check_accessible()

    # A good file, with someone already in the register.
    page.get_by_label("Upload a file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": GOOD}
    )
    page.get_by_role("button", name="Upload and check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import before you confirm")
    check_accessible()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose what should happen to the likely duplicates"
    )
    check_accessible()
    page.get_by_label("Add all of them as new records").check()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Added 2 people.")
    check_accessible()

    # Then merge the new Pat into the one already there.
    new_pat = Person.objects.exclude(pk=pat.pk).get(name="Pat Evans")
    page.get_by_role("link", name=f"Compare Pat Evans (record #{pat.pk})").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same person?")
    check_accessible()
    page.get_by_role("button", name="Yes, merge them").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Merged")
    new_pat.refresh_from_db()
    assert new_pat.merged_into_id == pat.pk

    page.goto(f"{live_server.url}/people/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Likely duplicates")
    check_accessible()
