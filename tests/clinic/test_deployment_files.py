"""docker-compose.yml and the Caddyfile cannot run here (no Docker engine, no Caddy), so they are
checked by reading."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CADDYFILE = ROOT / "clinic" / "deploy" / "Caddyfile"


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
    # Today not at all: the proxy reaches web over compose's network.
    for port in COMPOSE["services"]["web"].get("ports", []):
        assert str(port).startswith("127.0.0.1:")


def caddy_lines() -> list[str]:
    """The Caddyfile's directives, one per line, without comments or indentation."""
    lines = (raw.strip() for raw in CADDYFILE.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def caddy_block(opening: str) -> list[str]:
    """The lines inside the block that opens with `opening {`, nested blocks included."""
    lines = caddy_lines()
    start = lines.index(opening + " {")
    depth = 0
    for end in range(start, len(lines)):
        depth += lines[end].count("{") - lines[end].count("}")
        if depth == 0:
            return lines[start + 1 : end]
    raise AssertionError(f"{opening} is not closed")


def test_the_proxy_is_the_one_way_in_on_ports_80_and_443():
    services = COMPOSE["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:2")
    published = {str(port) for port in proxy["ports"]}
    assert {"80:80", "443:443"} <= published
    assert "./clinic/deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    # Certificates survive a restart (Let's Encrypt limits how often they are issued).
    assert any(volume.startswith("caddy_data:/data") for volume in proxy["volumes"])
    for name in ("SITE_DOMAIN", "ACME_EMAIL"):
        assert name in proxy["environment"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    # Nothing else is published beyond this host's loopback: no way around the proxy.
    for name, service in services.items():
        if name != "proxy":
            for port in service.get("ports", []):
                assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_the_proxy_serves_what_web_collected():
    services = COMPOSE["services"]
    assert "static:/srv/static:ro" in services["proxy"]["volumes"]
    assert "static:/srv/static" in services["web"]["volumes"]
    assert "static" in COMPOSE["volumes"]
    copy = commands_of("web")[0]
    assert copy[0] == "cp" and copy[-2:] == ["/app/staticfiles/.", "/srv/static/"]
    # The image's collected files are where cp looks, and the volume's folder belongs to the
    # user web runs as, so the copy can write there.
    from django.conf import settings

    assert settings.STATIC_ROOT == ROOT / "staticfiles"
    assert "/srv/static && chown unknot /app/media /srv/static" in (ROOT / "Dockerfile").read_text()


def test_the_caddyfile_serves_static_files_precompressed_with_far_future_caching():
    static = caddy_block("handle /static/*")
    assert "root * /srv" in static
    assert "precompressed br gzip" in static
    assert 'header @hashed Cache-Control "public, max-age=31536000, immutable"' in static
    assert 'header @unhashed Cache-Control "public, max-age=300"' in static
    # @hashed matches the names collectstatic writes for {% static %} links, nothing else.
    lines = caddy_lines()
    pattern = next(line for line in lines if line.startswith("@hashed ")).split(" ", 2)[2]
    assert next(line for line in lines if line.startswith("@unhashed ")) == (
        f"@unhashed not path_regexp {pattern}"
    )
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    hashed = ManifestStaticFilesStorage().hashed_name("build/site.css", content=_Content(b"x"))
    assert re.search(pattern, "/static/" + hashed)
    assert not re.search(pattern, "/static/build/site.css")
    assert not re.search(pattern, "/static/img/logo.png")


class _Content:
    """Enough of a File for hashed_name()."""

    def __init__(self, data: bytes):
        self.data = data

    def chunks(self):
        yield self.data

    def seek(self, _offset):
        return 0


def test_the_caddyfile_proxies_the_rest_compressed_and_is_the_one_writer_of_x_forwarded_for():
    rest = caddy_block("handle")
    assert "encode zstd gzip" in rest
    proxy = caddy_block("reverse_proxy")
    # Every web container, found by compose's DNS name.
    assert "name web" in proxy and "port 8000" in proxy
    # Caddy's defaults: X-Forwarded-For is replaced by the address Caddy saw (no incoming value
    # is trusted without trusted_proxies) and X-Forwarded-Proto set to the scheme used. Nothing
    # here may weaken that, or TRUSTED_PROXY_COUNT=1 would read a visitor's own header.
    text = "\n".join(caddy_lines())
    assert "trusted_proxies" not in text
    assert "header_up" not in text
    assert COMPOSE["x-app"]["environment"]["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"
    # /media/ (therapist photos) is the app's own view: proxied, not a file_server.
    assert not any("/media" in line for line in caddy_lines())
    # TLS for the clinic's name, with Let's Encrypt's notices to the clinic.
    assert "{$SITE_DOMAIN} {" in caddy_lines()
    assert "email {$ACME_EMAIL}" in caddy_lines()


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed here")
def test_caddy_accepts_the_caddyfile():
    env = {**os.environ, "SITE_DOMAIN": "clinic.example", "ACME_EMAIL": "owner@clinic.example"}
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert adapted.returncode == 0, adapted.stderr
    assert '"dynamic_upstreams"' in adapted.stdout


def test_every_compose_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert {"SITE_DOMAIN", "ACME_EMAIL"} <= used
    for name in used:
        assert re.search(rf"^#? ?{name}=", example, re.M), f".env.example does not list {name}"
