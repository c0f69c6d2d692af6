"""The background job for large imports (more than `import_services.INLINE_ROWS` rows)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django_tasks import task

from coproduce.accounts.models import Organisation, User
from coproduce.audit.context import acting_as
from coproduce.core.jobs import finish, reporter
from coproduce.core.models import Job, JobStatus

from . import import_services
from .importing import ImportFileError, plural


@contextmanager
def progress_reporter(job_id: int) -> Iterator[Callable[[int, int], None]]:
    """Reports progress so that the job page sees it while the import's transaction is still
    open. On PostgreSQL that needs a second connection (in autocommit); SQLite lets only one
    writer in at a time, so there progress written inside the transaction shows at its end."""
    if connection.vendor != "postgresql":
        yield reporter(job_id)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = connection.ops.quote_name(Job._meta.db_table)

    def report(done: int, total: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET status = %s, done = %s, total = %s, updated_at = %s "  # noqa: S608
                "WHERE id = %s",
                [JobStatus.RUNNING, done, total, timezone.now(), job_id],
            )

    try:
        yield report
    finally:
        side.close()


@task()
def import_upload(
    job_id: int, token: str, user_id: int, organisation_id: int, skip_rows: list[int]
) -> None:
    user = User.objects.get(pk=user_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    upload = import_services.find_upload(token, user_id, organisation_id, claimed=True)
    if upload is None:
        finish(job_id, "The file has gone (files are kept for 24 hours). Upload it again.", False)
        return
    if not user.has_perm("people.change_person", organisation):
        import_services.discard_upload(token)
        finish(job_id, "You may no longer import into this register. Nothing was imported.", False)
        return
    expected = upload.check["rows"] if upload.check else 0
    try:
        with progress_reporter(job_id) as report, acting_as(user):
            result = import_services.import_file(
                upload.path,
                upload.filename,
                upload.kind,
                organisation,
                user,
                skip_rows,
                progress=report,
                expected_rows=expected,
            )
    except import_services.ImportRejected as rejected:
        shown = "\n".join(str(problem) for problem in rejected.problems[:20])
        more = len(rejected.problems) - 20
        finish(
            job_id,
            f"Nothing was imported: the register changed since the file was checked, and "
            f"{plural(len(rejected.problems), 'row problem')} came up.\n{shown}"
            + (f"\n…and {more:,} more." if more > 0 else "")
            + "\nFix the file and upload it again.",
            False,
        )
    except ImportFileError as error:
        finish(job_id, f"Nothing was imported: {error.message}", False)
    except Exception:
        finish(job_id, "The import could not finish, and nothing was imported. Try again.", False)
        raise
    else:
        rows = result.added + result.skipped
        reporter(job_id)(2 * rows, 2 * rows)  # committed now: seen on every database
        finish(job_id, result.summary(), True)
    finally:
        import_services.discard_upload(token)
