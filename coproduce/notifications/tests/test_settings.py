"""The notifications settings refuse to start half set up, in one line."""

from coproduce.core.tests.test_setup import PRODUCTION, run_cli


def test_an_unknown_backend_is_one_line(tmp_path):
    result = run_cli(
        "check", COPRODUCE_VAR_DIR=str(tmp_path), NOTIFICATIONS_BACKEND="pigeon", **PRODUCTION
    )
    assert result.returncode != 0
    assert "NOTIFICATIONS_BACKEND must be outbox, email or notify" in result.stderr
    assert "Traceback" not in result.stderr


def test_notify_without_its_key_and_templates_does_not_start(tmp_path):
    result = run_cli(
        "check",
        COPRODUCE_VAR_DIR=str(tmp_path),
        NOTIFICATIONS_BACKEND="notify",
        NOTIFY_API_KEY="live-key-00000000-0000-0000-0000-000000000000-"
        "00000000-0000-0000-0000-000000000000",
        **PRODUCTION,
    )
    assert result.returncode != 0
    assert "needs NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE_ID and NOTIFY_SMS_TEMPLATE_ID" in (
        result.stderr
    )
