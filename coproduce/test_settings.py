"""Settings for the test suite: the real settings, with test-only switches set first."""

import os

os.environ.setdefault("COPRODUCE_TESTING", "true")
os.environ.setdefault("TASKS_BACKEND", "immediate")
# pytest-django's live_server with sync Playwright needs ORM calls from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from coproduce.settings import *  # noqa: F403
