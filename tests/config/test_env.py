from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import EnvError, env_bool, env_choice, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[2]


def test_booleans_accept_common_spellings_and_refuse_others() -> None:
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(EnvError, match="X='maybe' is not a boolean"):
        env_bool("X", False, environ={"X": "maybe"})


def test_integers_are_checked_for_type_and_range() -> None:
    assert env_int("N", 5, environ={"N": "12"}) == 12
    with pytest.raises(EnvError, match="not a whole number"):
        env_int("N", 5, environ={"N": "12.5"})
    with pytest.raises(EnvError, match="below the minimum"):
        env_int("N", 5, minimum=10, environ={"N": "3"})


def test_lists_and_choices() -> None:
    assert env_list("H", environ={"H": "a.cn, b.cn,"}) == ["a.cn", "b.cn"]
    with pytest.raises(EnvError, match="not one of"):
        env_choice("E", ("development", "production"), "development", environ={"E": "prod"})


def test_urls_must_use_an_expected_scheme() -> None:
    assert env_url("D", ("postgres",), environ={"D": "postgres://u@127.0.0.1/db"})
    assert env_url("D", ("postgres",), environ={}) is None
    with pytest.raises(EnvError, match="must start with postgres://"):
        env_url("D", ("postgres",), environ={"D": "mysql://u@h/db"})


# What the test run sets for itself (tests/conftest.py) and a production start must not inherit.
NOT_INHERITED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_ENV",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "TEST_FAST_PASSWORD_HASHER",
)


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The project's Python in a fresh process with this run's environment, less NOT_INHERITED, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True)


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(env, "manage.py", "check", *args)


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "shuzhi.example.cn"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = run_check({"DJANGO_ENV": "production", "SECRET_KEY": "k" * 30 + "abcdefghij" * 3})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_production_refuses_the_test_runs_fast_password_hasher() -> None:
    result = run_check(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "p9-Xq" * 12,
            "ALLOWED_HOSTS": "shuzhi.example.cn",
            "TEST_FAST_PASSWORD_HASHER": "1",
        }
    )
    assert result.returncode != 0
    assert "TEST_FAST_PASSWORD_HASHER is for the test suite" in result.stderr


def test_the_test_run_hashes_passwords_fast_and_production_keeps_pbkdf2() -> None:
    from django.conf import settings

    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    result = run_python(
        {"DJANGO_ENV": "production", "SECRET_KEY": "p9-Xq" * 12, "ALLOWED_HOSTS": "shuzhi.example.cn"},
        "-c",
        "from config import settings; print(settings.PASSWORD_HASHERS[0])",
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.PBKDF2PasswordHasher", result.stderr


def test_production_passes_the_deploy_check_with_no_warnings() -> None:
    result = run_check(
        {"DJANGO_ENV": "production", "SECRET_KEY": "p9-Xq" * 12, "ALLOWED_HOSTS": "shuzhi.example.cn"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_bad_value_stops_start_up_with_the_variable_named() -> None:
    result = run_check({"REDIS_MAX_CONNECTIONS": "lots"})
    assert result.returncode != 0
    assert "REDIS_MAX_CONNECTIONS='lots' is not a whole number" in result.stderr
