"""Fixtures for the browser journeys: axe checks and a watch on the Content Security Policy.

The pages are tested under their real Content Security Policy (no `bypass_csp`):
axe-playwright-python runs axe with `page.evaluate`, which the policy does not block, so the
journeys also prove that the site's own scripts and styles load under the policy.
"""

from collections.abc import Callable, Iterator
from typing import cast

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page

from coproduce.accounts.models import Organisation
from coproduce.testing.factories import OrganisationFactory

_AXE = Axe()


@pytest.fixture
def organisation() -> Organisation:
    return cast(Organisation, OrganisationFactory(name="Riverside Council"))


@pytest.fixture
def check_accessible(page: Page) -> Callable[[], None]:
    """Runs axe on the page as it is now and fails with axe's report if anything is wrong."""

    def check() -> None:
        page.wait_for_load_state("load")
        results = _AXE.run(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture(autouse=True)
def _no_csp_violations(page: Page) -> Iterator[None]:
    """Fails a journey if the browser refused anything because of the Content Security Policy."""
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", watch)
    yield
    assert not refused, "\n".join(refused)
