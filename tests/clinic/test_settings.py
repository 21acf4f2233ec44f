"""Settings as a deployment sees them: run manage.py in a subprocess with production env."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!k2p" * 10,
    "ALLOWED_HOSTS": "clinic.example",
    "CSRF_TRUSTED_ORIGINS": "https://clinic.example",
    "SITE_URL": "https://clinic.example",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SMTP_URL": "smtp://mailer:secret@mail.clinic.example:587",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unknot"),
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # As a deployment would run it: none of the test run's own variables.
    unwanted = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "SITE_URL"])
def test_production_without_a_required_variable_stops_with_a_clear_message(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "Traceback" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_production_settings_are_safe_by_default():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS,"
        " s.SECURE_REFERRER_POLICY, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False", "True", "True", "31536000", "True",
        "('HTTP_X_FORWARDED_PROTO',", "'https')", "DENY", "same-origin", "True",
    ]  # fmt: skip


def test_debug_is_off_unless_set():
    env = {k: v for k, v in PRODUCTION.items() if k != "DEBUG"}
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = manage("shell", "--no-imports", "-c", code, **env)
    assert result.stdout.strip() == "False"


def test_models_and_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_postgres_make_run_says_how_to_get_one():
    result = manage(
        "prepare_database", DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:1/unknot"
    )
    assert result.returncode == 1
    assert "No PostgreSQL server answers at 127.0.0.1:1" in result.stderr
    assert "docker compose up -d db" in result.stderr
    assert "Traceback" not in result.stderr


def test_prepare_database_creates_a_missing_database():
    import psycopg

    name = "unknot_prepare_test"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        first = manage("prepare_database", DEBUG="1", DATABASE_URL=url)
        assert f"Created database {name}." in first.stdout
        again = manage("prepare_database", DEBUG="1", DATABASE_URL=url)
        assert f"Database {name} is ready." in again.stdout
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
