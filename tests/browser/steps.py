"""Steps several journeys take."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from coproduce.accounts.models import User
from coproduce.testing.factories import PASSWORD


def sign_in(page: Page, base_url: str, user: User, check: Callable[[], None] | None = None) -> None:
    """Signs a member of staff in with the sign-in form; they land on their dashboard. With
    `check`, axe looks at the sign-in page and at the dashboard."""
    page.goto(f"{base_url}/sign-in/")
    if check:
        check()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    if check:
        check()
