"""`manage.py worker`: django_tasks_db's `db_worker` plus a heartbeat that `/readyz` reads.

Every option of `db_worker` is accepted; the defaults differ: `--backend exchange` and
`--queue-name '*'`, the worker the platform runs (imports and exports, the exchange app).
A daemon thread writes `Heartbeat(name=<backend>)` every WORKER_HEARTBEAT_SECONDS; a worker
that is stuck in a task keeps beating (the thread is independent), a worker process that died
or cannot reach the database stops, and `/readyz` turns "not ready" after READY_WORKER_MAX_AGE.
A second daemon thread sends the deadline reminders (accounts/reminders.py) every
NOTICE_REMINDER_SECONDS; several workers may run it at once, as each reminder is sent once.
A third runs the housekeeping jobs registered to run often (accounts/housekeeping.py, such as
an exam's stragglers submitted and graded at its close) every HOUSEKEEPING_OFTEN_SECONDS.
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import autoreload, timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from accounts.models import Heartbeat

logger = logging.getLogger("shuzhi.worker")


def beat(name: str) -> None:
    """Record that the process called `name` is alive now (one upsert)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now()})


def _beat_forever(name: str, every: float, first: threading.Event, stop: threading.Event) -> None:
    while True:
        try:
            beat(name)
        except Exception:
            # The database may be restarting: keep trying; /readyz reports the stale beat meanwhile.
            logger.warning("worker heartbeat could not be written", exc_info=True)
            close_old_connections()
        first.set()
        if stop.wait(every):
            break
    connection.close()


def _repeat(every: float, stop: threading.Event, run: Callable[[], dict[str, int]], what: str) -> None:
    """Run `run` every `every` seconds until `stop`; a failure is logged and retried next time."""
    while not stop.wait(every):
        try:
            done = run()
            if any(done.values()):
                logger.info("%s: %s", what, done)
        except Exception:
            logger.warning("%s failed; next run in %ss", what, every, exc_info=True)
            close_old_connections()
    connection.close()


def _often_forever(every: float, stop: threading.Event) -> None:
    from accounts import housekeeping

    _repeat(every, stop, housekeeping.run_often, "frequent housekeeping")


def _remind_forever(every: float, stop: threading.Event) -> None:
    from accounts import reminders

    _repeat(every, stop, reminders.run, "deadline reminders")


class Command(DbWorkerCommand):
    help = "Run the background worker (django_tasks_db) with a heartbeat for /readyz."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(backend_name="exchange", queue_name="*")

    def handle(self, *args: Any, **options: Any) -> None:
        # Under --reload the parent process only watches files and restarts the child, which
        # runs the worker: only the process that runs tasks beats.
        if options.get("reload") and os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) != "true":
            super().handle(**options)
            return
        first, stop = threading.Event(), threading.Event()
        heart = threading.Thread(
            target=_beat_forever,
            args=(options["backend_name"], settings.WORKER_HEARTBEAT_SECONDS, first, stop),
            name="worker-heartbeat",
            daemon=True,
        )
        heart.start()
        reminder = threading.Thread(
            target=_remind_forever,
            args=(settings.NOTICE_REMINDER_SECONDS, stop),
            name="worker-reminders",
            daemon=True,
        )
        reminder.start()
        often = threading.Thread(
            target=_often_forever, args=(settings.HOUSEKEEPING_OFTEN_SECONDS, stop), name="worker-often", daemon=True
        )
        often.start()
        # The worker is seen alive before it takes its first task (or fails to reach the database).
        first.wait(timeout=10)
        try:
            super().handle(**options)
        finally:
            stop.set()
            heart.join(timeout=10)
            reminder.join(timeout=10)
            often.join(timeout=10)
