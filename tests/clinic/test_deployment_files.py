"""docker-compose.yml cannot run here (no Docker engine), so its commands are checked by reading."""

import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def commands_of(service: str) -> list[list[str]]:
    command = COMPOSE["services"][service]["command"]
    text = command if isinstance(command, str) else " ".join(command)
    if text.startswith("sh -c "):
        text = shlex.split(text)[2]
    return [shlex.split(part) for part in text.replace("&&", ";").split(";") if part.strip()]


def test_compose_has_db_redis_web_and_worker():
    services = COMPOSE["services"]
    assert {"db", "redis", "web", "worker"} <= services.keys()
    assert services["db"]["image"].startswith("postgres:17")
    assert "healthcheck" in services["db"]
    assert any(volume.endswith("/var/lib/postgresql/data") for volume in services["db"]["volumes"])
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_every_manage_py_command_in_compose_exists():
    known = get_commands()
    seen = []
    for service in ("web", "worker"):
        for argv in commands_of(service):
            if "manage.py" in argv:
                name = argv[argv.index("manage.py") + 1]
                seen.append(name)
                assert name in known, f"{service} runs manage.py {name}, which does not exist"
    assert {"migrate", "db_worker"} <= set(seen)


def test_gunicorn_serves_the_projects_wsgi_module():
    argv = next(a for a in commands_of("web") if a[0] == "gunicorn")
    module, _, attribute = argv[3].partition(":")
    assert module == "clinic.wsgi"
    wsgi = __import__(module, fromlist=[attribute or "application"])
    assert callable(wsgi.application)


def test_web_gets_every_required_production_variable():
    env = COMPOSE["services"]["web"]["environment"]
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL"):
        assert name in env, f"web is missing {name}"
    assert str(env["DEBUG"]) in {"0", "false", "False"}


def test_every_way_of_serving_logs_without_query_strings():
    from clinic import gunicorn

    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    web = next(a for a in commands_of("web") if a[0] == "gunicorn")
    assert web[1:3] == ["-c", "python:clinic.gunicorn"]
    assert '"-c", "python:clinic.gunicorn"' in dockerfile
    assert "gunicorn -c python:clinic.gunicorn" in makefile
    assert "--access-logformat" not in dockerfile + makefile + str(web)
    # %(r)s is the request line and %(q)s the query string; %(f)s the referrer: none of them.
    for field in ("%(r)s", "%(q)s", "%(f)s", "%(u)s"):
        assert field not in gunicorn.access_log_format
    assert "%(U)s" in gunicorn.access_log_format  # the path alone


def test_the_app_is_published_on_loopback_only():
    for port in COMPOSE["services"]["web"]["ports"]:
        assert str(port).startswith("127.0.0.1:")
