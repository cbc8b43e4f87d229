"""No input makes any page answer 5xx: every URL pattern, every role, hostile values everywhere.

The walk discovers its targets, so a new view is covered without touching this file:
- every URL pattern from the resolver (the platform's, Wagtail's and the Django admin's), each path
  parameter filled with hostile values (0, -1, 2**63, 2**64, "abc", "1e9", NUL, a long string,
  unicode...);
- every query/body parameter name the code reads (`request.GET.get("x")`, `request.POST["x"]`...,
  grepped from the sources) plus the names of the fields in every form the walk renders, sent
  with hostile values;
- the pages a person reaches by following links from the home page and the parameterless URLs
  (so detail pages with real ids and their forms are visited), then every form on them posted
  with hostile values.

It runs as anonymous and as one person of each role (the demo's people, who own the demo's
courses, contests, cohorts and shortlist) plus someone with no role. A 4xx or a form error is
fine; a 5xx fails the test with the request that caused it and the exception.

Values are sampled, not crossed: each role takes a different slice of the hostile values for the
path walk, so together the roles try every value on every pattern while each run stays short.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern, URLPattern, URLResolver

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "cms", "lms", "competitions", "talent", "config")

# Path values: URL-safe strings a person can type. "%00" arrives in the view as a NUL character.
PATH_VALUES = [
    "9223372036854775808",
    "abc",
    "0",
    "18446744073709551616",
    "-1",
    "1e9",
    "%00",
    "x" * 300,
    "%E6%95%B0%E6%99%BA",
    "1.5",
    "-9223372036854775809",
    "99999999999999999999999",
]
# Query and form values (the client encodes them).
FIELD_VALUES = [
    "9223372036854775808",
    "abc",
    "-1",
    "1e308",
    "\x00",
    "x" * 10_000,
    "city:9223372036854775808",
    "数智英才" * 3,
    "0001-01-01",
    "99999999999999999999999",
    "",
    "nan",
]
# Wagtail's /cms-admin/failwhale/ raises on purpose (to test error reporting). /readyz answers
# 503 by design while no worker beats (tests/config/test_health_and_readiness.py).
SKIP_PREFIXES = (
    "/readyz",
    "/static/",
    "/media/",
    "/cms-admin/failwhale/",
    "/accounts/logout/",
    "/_util/logout",
    "/cms-admin/logout/",
    "/django-admin/logout/",
)
# Names every page may read, in case a view reads them indirectly (through a form or a helper).
COMMON_NAMES = {"page", "q", "n", "days", "done", "person", "board", "pay_min", "city", "status", "type", "next", "id"}
MAX_PAGES_PER_ROLE = 80
PAGES_PER_KIND = 2
ADMIN_WALKER = "province_admin"
FORM_TRIES = 2
ADMIN_PREFIXES = ("/django-admin/", "/cms-admin/")


# --- Discovery ---------------------------------------------------------------------------------


def _parameter_names() -> set[str]:
    """Every literal GET/POST key the project's code reads."""
    names = set(COMMON_NAMES)
    pattern = re.compile(r"""(?:request\.)?(?:GET|POST|data)(?:\.get|\.getlist|\.pop)?[\[(]\s*["']([\w-]+)["']""")
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            names.update(pattern.findall(source.read_text(encoding="utf-8")))
    return names


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _regex_template(regex: str) -> str:
    """A regex pattern turned into a template: each group becomes a `{}` slot, anchors dropped."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    out, depth = [], 0
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            if depth == 0:
                out.append(regex[i + 1])
            i += 2
            continue
        if char == "(":
            if depth == 0:
                out.append("{}")
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            if regex[i : i + 2] == ".*":
                out.append("{}")
                i += 2
                continue
            out.append(char)
        i += 1
    return "".join(out)


def _templates() -> list[str]:
    """One template per URL pattern, with a `{}` slot for every path parameter."""
    found: list[str] = []

    def piece(pattern: RoutePattern | RegexPattern) -> str:
        if isinstance(pattern, RoutePattern):
            return _PARAM.sub("{}", str(pattern._route))
        return _regex_template(pattern._regex)

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + piece(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append("/" + prefix + piece(entry.pattern))

    walk(get_resolver().url_patterns, "")
    return [t for t in dict.fromkeys(found) if not t.startswith(SKIP_PREFIXES)]


class _Forms(HTMLParser):
    """Links and forms of a page: hrefs, and each form's method, action and field names."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        elif tag == "form":
            self.forms.append({"method": attr.get("method", "get").lower(), "action": attr.get("action"), "fields": {}})
        elif tag in ("input", "select", "textarea", "button") and self.forms and attr.get("name"):
            kind = attr.get("type", "text").lower() if tag == "input" else tag
            self.forms[-1]["fields"][attr["name"]] = kind


def _same_site(url: str, base: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "testserver"):
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


# --- The walk ----------------------------------------------------------------------------------


class Walker:
    def __init__(self, client: Client, role_index: int, *, admin: bool) -> None:
        self.client = client
        self.admin = admin
        self.role_index = role_index
        self.failures: list[str] = []
        self.exception: str = ""
        self.requests = 0

    def _note(self, sender: object, request: object = None, **kwargs: object) -> None:
        self.exception = _where()

    def send(self, method: str, url: str, data: dict | None = None) -> object:
        self.exception = ""
        self.requests += 1
        try:
            response = self.client.get(url, data or None) if method == "get" else self.client.post(url, data or {})
        except Exception:  # the client re-raises what escaped the handler
            self.failures.append(f"{method.upper()} {url[:200]} {str(data)[:200]}\n{_where()}")
            return None
        if response.status_code >= 500:
            self.failures.append(
                f"{method.upper()} {url[:200]} {str(data)[:200]} -> {response.status_code}\n{self.exception}"
            )
        return response

    def value(self, pool: list[str], number: int) -> str:
        """The hostile value this role tries at the `number`th target: roles and targets rotate
        through the pool, so over all roles every pattern meets most values."""
        return pool[(self.role_index + number) % len(pool)]


def _where() -> str:
    """The exception being handled, told by its last frames in the project's own code."""
    kind, exc, tb = sys.exc_info()
    frames = [f for f in traceback.extract_tb(tb) if str(ROOT) in f.filename and ".venv" not in f.filename]
    lines = [f"  {Path(f.filename).relative_to(ROOT)}:{f.lineno} in {f.name}: {f.line}" for f in frames[-3:]]
    return "\n".join([*lines, f"  {kind.__name__ if kind else '?'}: {exc}"])


def _kind(url: str) -> str | None:
    """Which view a URL reaches, so the crawl visits many views rather than many pages of one:
    the URL pattern, or for Wagtail's page tree the first two path segments."""
    path = url.split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.func.__module__.startswith("wagtail.views"):
        return "page:" + "/".join(path.split("/")[:3])
    return match.route


def _fill(template: str, value: str) -> str:
    return template.replace("{}", value)


def _fuzz_fields(fields: dict[str, str], value: str) -> dict:
    data: dict[str, object] = {}
    for name, kind in fields.items():
        if name == "csrfmiddlewaretoken":
            continue
        if kind == "file":
            data[name] = SimpleUploadedFile("hostile.xlsx", b"not a zip file" * 10, "application/octet-stream")
        else:
            data[name] = value
    return data


def walk(client: Client, role_index: int, *, admin: bool = False) -> Walker:
    walker = Walker(client, role_index, admin=admin)
    got_request_exception.connect(walker._note)
    try:
        names = _parameter_names()
        templates = _templates()
        # The two admin sites are third-party code behind one permission check; they are walked by
        # the person with the widest access (the demo's province admin is a superuser), which
        # keeps each run short. Everyone else only meets their front doors.
        shut = () if walker.admin else ADMIN_PREFIXES
        for prefix in ADMIN_PREFIXES:
            walker.send("get", prefix)
        # 1. Every pattern with a hostile path value (a different one per role and pattern), and
        #    outside the admin sites a hostile body too.
        for number, template in enumerate(templates):
            if "{}" not in template or template.startswith(shut):
                continue
            walker.send("get", _fill(template, walker.value(PATH_VALUES, number)))
            if not template.startswith(ADMIN_PREFIXES):
                field = walker.value(FIELD_VALUES, number)
                walker.send("post", _fill(template, walker.value(PATH_VALUES, number + 1)), dict.fromkeys(names, field))

        # 2. Crawl from the parameterless pages; fuzz each page's query and its forms.
        queue = ["/"] + [t for t in templates if "{}" not in t and not t.startswith(shut)]
        seen: set[str] = set()
        kinds: dict[str, int] = {}
        pages = 0
        while queue and pages < MAX_PAGES_PER_ROLE:
            url = queue.pop(0)
            kind = _kind(url)
            if url in seen or kind is None or kinds.get(kind, 0) >= PAGES_PER_KIND or url.startswith(shut):
                continue
            seen.add(url)
            kinds[kind] = kinds.get(kind, 0) + 1
            response = walker.send("get", url)
            if response is None or response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            parser = _Forms()
            parser.feed(response.content.decode("utf-8", "replace"))
            for link in parser.links:
                target = _same_site(link, url)
                if target and target not in seen:
                    queue.append(target)
            path = url.split("?", 1)[0]
            walker.send("get", path + "?" + urlencode(dict.fromkeys(names, walker.value(FIELD_VALUES, pages))))
            for form in parser.forms:
                action = _same_site(form["action"] or path, path) if form["action"] != "" else path
                if not action:
                    continue
                for k in range(FORM_TRIES):
                    value = walker.value(FIELD_VALUES, pages + k)
                    walker.send(
                        form["method"] if form["method"] == "post" else "get",
                        action,
                        _fuzz_fields(form["fields"], value),
                    )
    finally:
        got_request_exception.disconnect(walker._note)
    return walker


# --- The test ----------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "learner",
    "mentor",
    "enterprise_admin",
    "organizer",
    "judge",
    "editor",
    "city_admin",
    "province_admin",
    "no_access",
]


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The demo data, seeded once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def _person(role: str):
    from accounts.demo import PEOPLE
    from accounts.models import User

    if role == "no_access":
        from accounts import actions

        return actions.register_user(mobile="13911112222", real_name="无权限者", password="Test-pass-2026", roles=())
    mobile = next(mobile for mobile, _name, person_role, _org, _job in PEOPLE if person_role == role)
    return User.objects.get(mobile=mobile)


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_5xx_to_hostile_input(role: str, demo_world: None, db: None) -> None:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(_person(role))
    walker = walk(client, ROLES.index(role), admin=role == ADMIN_WALKER)
    assert walker.requests > 300  # the walk reached the patterns and pages, not just the front door
    assert not walker.failures, f"{len(walker.failures)} requests answered 5xx:\n\n" + "\n\n".join(walker.failures[:60])
