"""Unknot settings: one module, configured from the environment (12-factor).

Every variable is documented in .env.example and README.md. Development values come from
`make run`; outside DEBUG the settings refuse to start without the secrets they need.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name: str, why: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. {why} Set it in the environment (see .env.example), "
            "or set DEBUG=1 for local development."
        )
    return value


DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", "django-insecure-development-only-key-never-use-in-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
else:
    SECRET_KEY = required("SECRET_KEY", "It signs sessions and booking links.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [
        required("ALLOWED_HOSTS", "List the host names the site answers to, comma-separated.")
    ]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if DEBUG:
    SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
else:
    SITE_URL = required("SITE_URL", "Links in emails, the feed and the sitemap are built from it.")
    SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it adds the per-language fields (name_en, name_es) of short texts.
    "modeltranslation",
    "clinic.staff.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",  # Django's form templates, found by the form renderer below
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "clinic.core",
    "clinic.staff",
    "clinic.booking",
    "clinic.backoffice",
    "clinic.clients",
    "clinic.program",
    "intake",
    "education",
]

MIDDLEWARE = [
    # /healthz answered before anything else (clinic/core/health.py).
    "clinic.core.health.health_check",
    "clinic.core.request_log.request_log",
    "django.middleware.security.SecurityMiddleware",
    "clinic.core.middleware.permissions_policy",
    # Anonymous readers' public pages from the shared cache, before any session, CSRF or
    # template work (clinic/core/page_cache.py); outside compression, so gzip is stored too.
    "clinic.core.page_cache.serve_cached_page",
    # Compresses HTML (with BREACH padding); static files come compressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clinic.core.locale.language_from_path",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clinic.core.middleware.private_pages_not_stored",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.core.middleware.staff_idle_timeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.core.middleware.clinic_time_zone",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# Forms are rendered one way: Django's form templates with the project's one field template.
FORM_RENDERER = "clinic.core.forms.ClinicFormRenderer"

# Database: one Postgres server. Connections are kept open between requests (with a health
# check before reuse): opening a new one per request costs most of a simple page's time.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unknot"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis in production (rate limits need one shared cache across workers), local memory
# in development when REDIS_URL is not set.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "clinic.core.cache.SharedRedisCache", "LOCATION": REDIS_URL}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    required("REDIS_URL", "Production needs a shared cache for rate limits.")

# The parts of every page's shell that do not change from page to page (the menu, the footer:
# templates/base.html), rendered once per language and kept in each process's own memory.
CACHES["shell"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shell",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 200},
}
# The time picker's week strips (templates/clinic/booking_times.html), kept apart: there is one
# per session, therapist, week, day shown and counts of open times, and they must not push the
# page shell's parts out.
CACHES["week-strips"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "week-strips",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 300},
}

# Whole public pages for anonymous readers, in the shared cache (clinic/core/page_cache.py).
# PAGE_CACHE_ENABLED=0 serves every page fresh (to measure the uncached cost). A saved or
# deleted row of PAGE_CACHE_MODELS makes every stored page stale; PAGE_CACHE_RELEASE (e.g. the
# image's commit) keeps one deployment's pages from the next, else the static manifest does.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_RELEASE = env("PAGE_CACHE_RELEASE")
PAGE_CACHE_MODELS = [
    "core.ClinicSettings",
    "education.Article",
    "education.Citation",
    "education.Topic",
    "education.ReaderQuestion",
    "clinic.Therapist",
    "clinic.Service",
    "program.Lesson",
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends with the browser: a client on a shared or waiting-room device leaves no
# pre-visit result behind for the next person.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Public forms: proxies in front of the site (to find the client's address for rate limits),
# and the shortest time in which a person can fill a form.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Rate limits: (per device, per address, window in seconds). A device is one browser session;
# the address cap is high because a clinic's clients share its Wi-Fi. The clinic's own
# addresses or networks (e.g. 203.0.113.7,192.168.1.0/24) skip the address cap.
RATE_LIMITS = {
    "intake": (
        env_int("RATE_LIMIT_INTAKES_PER_DEVICE", 5),
        env_int("RATE_LIMIT_INTAKES_PER_ADDRESS", 60),
        3600,
    ),
    "booking": (
        env_int("RATE_LIMIT_BOOKINGS_PER_DEVICE", 5),
        env_int("RATE_LIMIT_BOOKINGS_PER_ADDRESS", 60),
        3600,
    ),
    "reader-question": (
        env_int("RATE_LIMIT_QUESTIONS_PER_DEVICE", 3),
        env_int("RATE_LIMIT_QUESTIONS_PER_ADDRESS", 30),
        600,
    ),
    # Every answer-step post of the pre-visit check, to bound what one browser can send.
    "intake-step": (
        env_int("RATE_LIMIT_STEPS_PER_DEVICE", 300),
        env_int("RATE_LIMIT_STEPS_PER_ADDRESS", 3000),
        3600,
    ),
    # Requests for a "my appointments" link (each one may send an email).
    "my-link": (
        env_int("RATE_LIMIT_MY_LINKS_PER_DEVICE", 5),
        env_int("RATE_LIMIT_MY_LINKS_PER_ADDRESS", 60),
        3600,
    ),
    # Password attempts from one address across every username (spraying); the lockout per
    # username and address is django-axes' (AXES_*).
    "staff-sign-in": (None, env_int("RATE_LIMIT_SIGN_INS_PER_ADDRESS", 30), 900),
}
RATE_LIMIT_ALLOWED_ADDRESSES = env_list("RATE_LIMIT_ALLOWED_ADDRESSES")
for _network in RATE_LIMIT_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"RATE_LIMIT_ALLOWED_ADDRESSES: {_network!r} is not an address or network."
        ) from None
FORM_MIN_FILL_SECONDS = env_int("FORM_MIN_FILL_SECONDS", 3)

# How long submitted intakes are kept (a clinic's records rule), shown to clients at consent.
INTAKE_RETENTION_YEARS = env_int("INTAKE_RETENTION_YEARS", 7)
# Booking requests keep the client's name, email, phone and notes this many days after the
# appointment (or the request's last change, if later), then run_periodic blanks them; the
# statistics (service, therapist, times, status, history without notes) stay. A year covers
# card disputes, "when was my last visit?" and follow-up questions.
BOOKING_RETENTION_DAYS = env_int("BOOKING_RETENTION_DAYS", 365)
# Days the self-care program keeps an enrolment (email, baseline scores, lessons done,
# check-ins) after its last sign of life; then run_periodic deletes it. Its audit trail stays.
PROGRAM_RETENTION_DAYS = env_int("PROGRAM_RETENTION_DAYS", 365)
# A client's link to their booking works until this many days after the appointment (or the
# request's last change, if later); then it shows how to reach the clinic instead.
BOOKING_LINK_DAYS_AFTER = env_int("BOOKING_LINK_DAYS_AFTER", 90)
# A "my appointments" link works this long, and one address gets at most this many an hour.
MY_LINK_MINUTES = env_int("MY_LINK_MINUTES", 60)
MY_LINK_EMAILS_PER_HOUR = env_int("MY_LINK_EMAILS_PER_HOUR", 3)
# A confirmed session this close (hours) asks the client for the pre-visit re-check.
RECHECK_LEAD_HOURS = env_int("RECHECK_LEAD_HOURS", 48)
# Unfinished intake forms are dropped after this many hours without a change.
INTAKE_IDLE_MINUTES = env_int("INTAKE_IDLE_MINUTES", 30)
# Shared devices: a client's result, and the receipt of a booking sent from this browser, can be
# seen again only this long after they were first shown; then the next person sees nothing.
RESULT_SHOWN_MINUTES = env_int("RESULT_SHOWN_MINUTES", 15)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24)

# Background work: django.tasks with the database backend; the worker is `manage.py db_worker`.
TASKS = {"default": {"BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Email through Django 6.1 mailers. SMTP_URL looks like smtp://user:password@host:587 (STARTTLS)
# or smtps://user:password@host:465 (TLS); without it, emails are printed to the console.
SMTP_URL = env("SMTP_URL")
if SMTP_URL:
    _smtp = urlsplit(SMTP_URL)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp.hostname,
                "port": _smtp.port or (465 if _smtp.scheme == "smtps" else 587),
                "username": unquote(_smtp.username or ""),
                "password": unquote(_smtp.password or ""),
                "use_ssl": _smtp.scheme == "smtps",
                "use_tls": _smtp.scheme == "smtp",
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Unknot clinic <clinic@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff accounts: the back office's address, a second factor for everyone (django-otp),
# sign-in paused after repeated wrong passwords (django-axes), and idle sessions ended.
ADMIN_URL = env("ADMIN_URL", "admin/").strip("/") + "/"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Unknot back office")
# Wrong codes pause the next try 1, 2, 4, 8... seconds (django-otp), never longer than
# OTP_THROTTLE_MAX_SECONDS (clinic.staff.two_factor caps it and says how long to wait).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_THROTTLE_MAX_SECONDS = 300
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP secret or its QR code
# Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app, never
# instead of the password. They are bound to SITE_URL's host; browsers refuse an IP address
# there, so a local SITE_URL of 127.0.0.1 makes them work at http://localhost:<port> instead.
_site = urlsplit(SITE_URL)
_passkey_host = "localhost" if _site.hostname in {"127.0.0.1", "::1"} else _site.hostname or ""
_passkey_port = f":{_site.port}" if _site.port else ""
OTP_WEBAUTHN_RP_ID = _passkey_host
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", "Unknot back office")
OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"{_site.scheme}://{_passkey_host}{_passkey_port}"]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
# Notices to staff (reader questions, intakes to review, requests about to expire): "each" as
# they happen, or "daily": one digest a day (clinic.backoffice.notices).
STAFF_NOTICES = env("STAFF_NOTICES", "daily")
if STAFF_NOTICES not in ("each", "daily"):
    raise ImproperlyConfigured('STAFF_NOTICES must be "each" or "daily".')
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "clinic.staff.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "clinic.core.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True

# Language and time. Times are stored in UTC and shown in the clinic's zone; the zone set in
# the admin (ClinicSettings) wins over TIME_ZONE, which is the default for a new clinic.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
# Short texts kept in the database (topic, service and therapist texts, the clinic's own words)
# have a column per language (django-modeltranslation); an empty Spanish one shows the English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
# Per-language date formats, including the clinic's named ones (see clinic/formats).
FORMAT_MODULE_PATH = ["clinic.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", "America/Denver")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = DEBUG

# Uploads (therapist photos only). WhiteNoise serves static files, not uploads, so
# clinic.views.therapist_photo streams them from MEDIA_ROOT with a year-long cache header (each
# photo's name carries its content hash), in development and production alike; compose keeps
# MEDIA_ROOT on the "media" volume so photos survive a new image.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# Content Security Policy: nothing inline, nothing from another host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    _proxy_header = env_list("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https")
    if _proxy_header:
        if len(_proxy_header) != 2:
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https."
            )
        SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)

# Logs: one JSON line per record with the request id; never form data, emails or answers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clinic.core.request_log.RequestIdFilter"}},
    "formatters": {"json": {"()": "clinic.core.request_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's own access lines duplicate clinic.requests.
        "django.server": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
    },
}
