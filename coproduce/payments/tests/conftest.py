import pytest


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
