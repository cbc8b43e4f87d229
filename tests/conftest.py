"""Shared personas and helpers. Test data is built through actions, as the app builds it."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from functools import partial

import pytest
from django.db import connection

from accounts import actions
from accounts.choices import JobGroup, OrgKind, Role
from accounts.models import Organization, Region, User
from accounts.validators import credit_check_char, id_check_char
from tests.daphnes import cluster as cluster  # two daphne processes and a private Redis (fault tests)

PASSWORD = "Test-pass-2026"
_mobiles = itertools.count(13900000000)
_orgs = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    """Text messages go to a file under var/ (one per test run), so a test reads the code a view
    sent, and so does a browser test whose server is a forked process (tests/accounts/sms_helpers.py)."""
    import os

    from django.conf import settings

    settings.SMS_BACKEND = "accounts.sms.FileBackend"
    # Notices' email and SMS are sent at once (ImmediateBackend), not queued for a worker.
    settings.NOTICE_TASK_BACKEND = "default"
    settings.SMS_FILE_PATH = settings.VAR_DIR / f"sms-outbox-{os.environ.get('TEST_DB_SUFFIX', 'main')}.jsonl"
    # A fast password hasher (config/settings.py), here and in every server the tests start (the
    # forked ones share these settings, the others read the variable).
    # override_settings, not an assignment: its setting_changed signal empties Django's hasher caches.
    from django.test.utils import override_settings

    os.environ["TEST_FAST_PASSWORD_HASHER"] = "1"
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last. PostgreSQL-only tests are deselected on the embedded SQLite run; CI's PostgreSQL run
    executes them, and fails (never skips) if the database is not there. The fault rehearsal (marker `faults`)
    runs alone: with SHUZHI_FAULTS=1 only it, otherwise never."""
    from django.conf import settings

    # Browser tests last: Playwright's sync API leaves an event loop in the main thread, which
    # would stop later async (WebSocket) tests from running.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
    # The fault rehearsal stops the machine's PostgreSQL: only its own stage runs it (`make faults`).
    rehearsal = os.environ.get("SHUZHI_FAULTS") == "1"
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    keep, dropped = [], []
    for item in items:
        faults = item.get_closest_marker("faults") is not None
        wanted = faults if rehearsal else not faults and (on_postgres or not item.get_closest_marker("postgres"))
        (keep if wanted else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions_at_teardown(django_db_setup: None, django_db_blocker: object) -> Iterator[None]:
    """On PostgreSQL the test database is dropped at the end, which fails while any other session
    is connected. Consumers' database_sync_to_async calls run in worker threads that keep their
    own connections open, so end every other session on the test database first."""
    yield
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache (Redis keeps lock-outs and counters between runs)."""
    from django.core.cache import cache

    from lms import papers

    cache.clear()
    papers.forget()  # the process's prepared exam pools: ids are reused across tests


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request with Accept-Language or an English page
    leaves its language active in the thread after the response (LocaleMiddleware), and the next
    test's messages would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def valid_id_number(seq: int, birth: str = "19900101", area: str = "370102") -> str:
    body = f"{area}{birth}{seq % 1000:03d}"
    return body + id_check_char(body)


def valid_credit_code(seq: int, city_code: str = "370100") -> str:
    body = f"91{city_code}MB{seq:07d}"
    return body + credit_check_char(body)


@pytest.fixture
def city(db: None) -> Callable[[str], Region]:
    # Transactional tests flush the seeded regions, so make sure they exist.
    actions.ensure_regions()

    def get(name: str) -> Region:
        return Region.objects.get(name=name, kind="city")

    return get


@pytest.fixture
def make_org(db: None, city: Callable[[str], Region]) -> Callable[..., Organization]:
    def make(name: str = "", city_name: str = "济南", kind: str = OrgKind.ENTERPRISE) -> Organization:
        seq = next(_orgs)
        region = city(city_name)
        return actions.create_organization(
            name=name or f"测试企业{seq}",
            credit_code=valid_credit_code(seq, region.code),
            region=region,
            kind=kind,
            industry="equipment",
        )

    return make


@pytest.fixture
def make_person(db: None) -> Callable[..., User]:
    def make(
        role: str = Role.LEARNER,
        *,
        org: Organization | None = None,
        name: str = "",
        region: Region | None = None,
        job_group: str = JobGroup.OPERATOR,
    ) -> User:
        mobile = str(next(_mobiles))
        user = actions.register_user(
            mobile=mobile,
            real_name=name or f"测试{role}{mobile[-4:]}",
            password=PASSWORD,
            region=region or (org.region if org else None),
            organization=org,
            job_group=job_group,
            roles=(),
        )
        actions.grant_role(
            None,
            user,
            role,
            region=(region or (org.region if org else None)) if role == Role.CITY_ADMIN else None,
            organization=org if role in (Role.MENTOR, Role.ENTERPRISE_ADMIN) else None,
        )
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def acme(make_org: Callable[..., Organization]) -> Organization:
    """The learner's enterprise in 济南."""
    return make_org("济南测试精工有限公司", "济南")


@pytest.fixture
def rival(make_org: Callable[..., Organization]) -> Organization:
    """Another enterprise, in 青岛, whose people are out of scope for acme's staff."""
    return make_org("青岛测试电子有限公司", "青岛")


@pytest.fixture
def learner(make_person: Callable[..., User], acme: Organization) -> User:
    return make_person(Role.LEARNER, org=acme, name="王学员")


@pytest.fixture
def mentor(make_person: Callable[..., User], acme: Organization) -> User:
    return make_person(Role.MENTOR, org=acme, name="李导师", job_group=JobGroup.BACKBONE)


@pytest.fixture
def enterprise_admin(make_person: Callable[..., User], acme: Organization) -> User:
    return make_person(Role.ENTERPRISE_ADMIN, org=acme, name="张企管", job_group=JobGroup.MANAGER)


@pytest.fixture
def organizer(make_person: Callable[..., User], make_org: Callable[..., Organization]) -> User:
    return make_person(Role.ORGANIZER, org=make_org("测试组委会", "济南", OrgKind.ASSOCIATION), name="赵组委")


@pytest.fixture
def judge(make_person: Callable[..., User], make_org: Callable[..., Organization]) -> User:
    return make_person(Role.JUDGE, org=make_org("测试职业学院", "淄博", OrgKind.SCHOOL), name="刘裁判")


@pytest.fixture
def editor(make_person: Callable[..., User], make_org: Callable[..., Organization]) -> User:
    return make_person(Role.EDITOR, org=make_org("测试宣传中心", "济南", OrgKind.ASSOCIATION), name="陈编辑")


@pytest.fixture
def city_admin(make_person: Callable[..., User], city: Callable[[str], Region]) -> User:
    return make_person(Role.CITY_ADMIN, region=city("济南"), name="孙市管")


@pytest.fixture
def province_admin(make_person: Callable[..., User], city: Callable[[str], Region]) -> User:
    return make_person(Role.PROVINCE_ADMIN, region=city("济南"), name="周省管")


@pytest.fixture
def outsider(make_person: Callable[..., User], rival: Organization) -> User:
    """A learner at another enterprise in another city: no access to acme's records."""
    return make_person(Role.LEARNER, org=rival, name="吴外人")


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def ws_headers(transactional_db: None) -> Callable[[User], list[tuple[bytes, bytes]]]:
    """WebSocket headers (allowed origin + session cookie) for a signed-in person."""
    from django.conf import settings
    from django.test import Client

    def headers(user: User) -> list[tuple[bytes, bytes]]:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        return [(b"origin", b"http://127.0.0.1:8000"), (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]

    return headers


# --- The live server for browser tests ------------------------------------------------------


def _application():  # Module-level so it can be handed to the forked process.
    from channels.routing import get_default_application
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    app = ASGIStaticFilesHandler(get_default_application())

    async def fresh_content_types(scope, receive, send):
        # Tests flush the database between browser tests and content types come back with new
        # ids; the long-lived server must not reuse the ids it cached before.
        ContentType.objects.clear_cache()
        return await app(scope, receive, send)

    return fresh_content_types


def _child_setup(real_ensure_connection) -> None:
    """In the forked server: lift pytest-django's database block. The fork inherits settings
    already pointing at the test database (channels' set_database_connection would prefix the
    name a second time on PostgreSQL)."""
    from channels.layers import channel_layers
    from django.db.backends.base.base import BaseDatabaseWrapper

    BaseDatabaseWrapper.ensure_connection = real_ensure_connection
    # The fork inherits the parent's in-memory channel layer, whose queues and groups belong to
    # the event loops of earlier WebSocket tests; the server starts with a layer of its own.
    channel_layers.backends.clear()


@pytest.fixture(scope="session")
def live_url(django_db_setup: None, django_db_blocker) -> Iterator[str]:
    from daphne.testing import DaphneProcess
    from django.db import connections
    from django.db.backends.base.base import BaseDatabaseWrapper

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "sqlite" and connection.is_in_memory_db():
                pytest.fail("Browser tests need a file-based test database")
            connection.close()
        real = BaseDatabaseWrapper.ensure_connection
    process = DaphneProcess("127.0.0.1", partial(_application), setup=partial(_child_setup, real))
    process.start()
    if not process.ready.wait(timeout=30):
        process.terminate()
        pytest.fail("daphne did not start for the browser tests")
    yield f"http://127.0.0.1:{process.port.value}"
    process.terminate()
    process.join(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def _fork_live_server_first(request: pytest.FixtureRequest) -> None:
    """Fork the browser tests' daphne before any other test starts threads or event loops.

    A fork copies asgiref's executors and channel-layer state but not their threads, so a server
    forked after the WebSocket tests would wait forever on work handed to a thread that is gone.
    """
    if any(item.get_closest_marker("e2e") for item in request.session.items):
        request.getfixturevalue("live_url")


@pytest.fixture
def stack(transactional_db: None) -> Iterator[object]:
    """nginx, two daphne processes, the worker and a private Redis on the test database (tests/stack.py)."""
    from tests.stack import logs, start_stack, stop_stack

    running = start_stack()
    try:
        yield running
    finally:
        stop_stack(running)
        print(logs(running))  # pytest shows it only when the test failed
