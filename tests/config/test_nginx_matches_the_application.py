"""The proxy and the application agree on every upload route's ceiling, and the routes exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from accounts.management.commands.nginx_body_limits import render

ROOT = Path(settings.BASE_DIR)


def test_the_committed_nginx_body_limits_are_generated_from_the_settings() -> None:
    committed = (ROOT / "deploy" / "nginx" / "body-limits.conf").read_text(encoding="utf-8")
    assert committed == render(), "run `make deploy-files` and commit deploy/nginx/body-limits.conf"


def test_every_upload_route_in_the_ceiling_table_is_a_real_route() -> None:
    """A renamed upload route would otherwise fall back to the 1 MiB form ceiling without a word."""
    for pattern, _limit in settings.REQUEST_BODY_LIMITS:
        example = pattern.removeprefix("^").removesuffix("$")
        example = example.replace(r"[^/]+", "demo-1").replace(r"\d+", "1")
        assert not re.search(r"[\\\[\]()+*?{}|]", example), f"cannot build an example path for {pattern}"
        assert re.match(pattern, example), (pattern, example)
        try:
            resolve(example)
        except Resolver404:
            pytest.fail(f"REQUEST_BODY_LIMITS names {pattern}, but no route answers {example}")


def test_the_site_includes_the_generated_limits_before_the_catch_all() -> None:
    site = (ROOT / "deploy" / "nginx" / "shuzhi.conf").read_text(encoding="utf-8")
    default = re.search(r"client_max_body_size (\d+);", site)
    assert default and int(default.group(1)) == settings.REQUEST_MAX_BODY_BYTES
    assert site.index("include /etc/nginx/shuzhi/body-limits.conf;") < site.rindex("location / {")
