"""Shared pytest set-up: settings for tests, and Playwright driving Debian's chromium."""

import pytest
from hypothesis import HealthCheck, settings

CHROMIUM = "/usr/bin/chromium"

# CI shares two cores between test workers (and, on a developer's machine, whatever else is
# running): property tests check what is true of every input, never how fast inputs are
# generated or run, so a busy machine must not fail them.
settings.register_profile("coproduce", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("coproduce")


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
