"""Browser journeys: Playwright for Python driving Debian's Chromium against pytest-django's
live server (a real server thread on the real Postgres test database, so these tests use
transactional database access: what a test creates, the server sees).

Every test in this folder is marked `e2e`. Tests open browser contexts with `open_browser`,
which blocks and records any request to another host (the site must make none), and fails the
test on a script error, a Content Security Policy refusal or a failed stylesheet or script.
Emails land in django.core.mail.outbox (pytest-django's test mailer, shared with the server
thread) and background tasks run at once (the autouse fixture in tests/conftest.py).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import sync_playwright

from clinic.core.models import ClinicSettings
from clinic.core.roles import THERAPISTS
from tests.e2e import browser as tabs
from tests.e2e.flows import THERAPIST_TOTP_KEY

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright's own download is not used
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `e2e` before `-m` selects, so that `pytest -m "not e2e"`
    leaves them out on a machine without Chromium."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if tabs.SHOTS_TAKEN or tabs.AXE_CHECKED:
        terminalreporter.write_sep("-", "browser journeys")
        terminalreporter.write_line(
            f"axe-core (WCAG 2.2 A and AA) checked {len(tabs.AXE_CHECKED)} pages."
        )
        terminalreporter.write_line(
            f"{tabs.SHOTS_TAKEN} screenshots of what clients and therapists see are in "
            f"{tabs.SCREENSHOTS}/<journey>/"
        )


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"No Chromium at {CHROMIUM}: apt-get install chromium (see .ci/run).")
    # Playwright's sync API keeps an event loop running in this thread from here on; Django
    # refuses database work in a thread with a running loop unless told it is intended.
    # (Transactional tests, these included, run after all others.)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(browser, settings, live_server):
    """The live server's address (also in the links of the emails it sends)."""
    settings.SITE_URL = live_server.url
    # The last intake step, /book/ and reader questions refuse a form sent sooner than
    # FORM_MIN_FILL_SECONDS after its page was drawn; a test types faster than a person. The
    # live server runs in this process and sees the change. The signed start time and the
    # honeypot are still checked.
    settings.FORM_MIN_FILL_SECONDS = 0
    ClinicSettings.load()
    return live_server.url


@pytest.fixture
def open_browser(browser, site, request):
    """open_browser(viewport, who=None) -> BrowserTab: a new browser context (its own cookies)
    on the live server, at the "phone" or "desktop" size. Screenshots go to
    test-artifacts/screenshots/<journey>/<viewport>[-<who>]-<n>-<name>.png."""
    opened: list[tabs.BrowserTab] = []
    journey = re.sub(r"^test_", "", request.node.originalname)

    def opener(viewport: str, who: str | None = None) -> tabs.BrowserTab:
        size = tabs.VIEWPORTS[viewport]
        context = browser.new_context(
            base_url=site,
            viewport={"width": size["width"], "height": size["height"]},
            is_mobile=size["mobile"],
            has_touch=size["mobile"],
            device_scale_factor=size["scale"],
            locale="en-US",
            timezone_id=django_settings.TIME_ZONE,
            # No colour transition caught half-way when axe measures contrast.
            reduced_motion="reduce",
        )
        context.set_default_timeout(10_000)
        prefix = viewport if who is None else f"{viewport}-{who}"
        folder = tabs.SCREENSHOTS / journey
        for old in folder.glob(f"{prefix}-[0-9]*.png"):
            old.unlink()
        tab = tabs.BrowserTab(context, site, folder, prefix)
        opened.append(tab)
        return tab

    yield opener

    problems = []
    for tab in opened:
        problems += tab.problems()
        tab.close()
    assert not problems, "The browser saw problems:\n" + "\n".join(problems)


@pytest.fixture
def staff_therapist(therapist):
    """Tess, a therapist with an authenticator app whose key the test knows."""
    TOTPDevice.objects.create(user=therapist, name="Phone", key=THERAPIST_TOTP_KEY, confirmed=True)
    therapist.first_name, therapist.last_name = "Tess", "Lane"
    therapist.save()
    assert therapist.groups.filter(name=THERAPISTS).exists()
    return therapist
