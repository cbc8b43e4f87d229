"""Background jobs of the data exchange, queued in the database ("exchange" task backend) and
run by `manage.py db_worker --backend exchange` (started by `make run`)."""

from __future__ import annotations

from django_tasks import task


@task(backend="exchange")
def run_job(job_id: str) -> None:
    from exchange.actions import process_job

    process_job(job_id)
