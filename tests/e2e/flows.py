"""Steps the journeys share: answering the pre-visit check, requesting a time, signing in to
the back office, and reading the emails the site sent."""

from __future__ import annotations

import re

from django.core import mail
from django.utils import translation
from django_otp.oath import TOTP

from intake.demo import DESK_WORKER
from intake.steps import LAST, MINUTES, STEPS
from tests.e2e.browser import BrowserTab

# Answer sets (intake/demo.py's desk worker, with the changes that move the result).
SELF_CARE = DESK_WORKER
# A minor injury six days ago, not checked by a doctor, and the fourth episode this year.
PROFESSIONAL = {
    **DESK_WORKER,
    "injury_type": "minor",
    "injury_days_ago": 6,
    "injury_checked_by_doctor": "no",
    "episodes_past_12_months": 4,
}
# Pain that wakes them at night and does not ease, at 58, with osteoporosis.
MEDICAL = {**DESK_WORKER, "age_years": 58, "night_pain": "wakes_no_ease", "osteoporosis": "yes"}
CHEST_PAIN_NOW = {"chest_pain_now": "yes"}
# One answer set per result level, the most severe first.
ANSWERS_BY_LEVEL = {
    "EMERGENCY": {**SELF_CARE, **CHEST_PAIN_NOW},
    "MEDICAL": MEDICAL,
    "PROFESSIONAL": PROFESSIONAL,
    "SELF_CARE": SELF_CARE,
}

RESULT_HEADINGS = {
    "EMERGENCY": "Call 911 now",
    "MEDICAL": "Please see a doctor before deep tissue massage",
    "PROFESSIONAL": "Hands-on care from a therapist is a good next step",
    "SELF_CARE": "Self-care is likely enough for now",
}

THERAPIST_USERNAME = "tess"
THERAPIST_PASSWORD = "a-long-test-password"
# Tess's authenticator key, so the test computes the code her phone would show.
THERAPIST_TOTP_KEY = "6d6f6e6b65792d77726974696e672d746573742d6b6579"


def person(name: str, email: str, language: str = "en") -> dict:
    return {"name": name, "email": email, "phone": "(555) 010-0177", "language": language}


# --- words in the page's language -----------------------------------------------------------------


def spanish(msgid: str, **values) -> str:
    """The Spanish catalogue's words for an English msgid (placeholders filled from `values`);
    fails, naming the msgid, when the catalogue has no Spanish for it."""
    with translation.override("es"):
        text = translation.gettext(msgid)
    assert text != msgid, f"the Spanish catalogue has no translation of msgid {msgid!r}"
    return text % values if values else text


def words(language: str, msgid: str, **values) -> str:
    """A msgid as a page in `language` shows it: English as written, Spanish from the
    catalogue."""
    if language == "es":
        return spanish(msgid, **values)
    return msgid % values if values else msgid


def prefix(language: str) -> str:
    """Where the site's pages in `language` start: English at /…, Spanish at /es/…."""
    return "" if language == "en" else f"/{language}"


# --- the pre-visit check --------------------------------------------------------------------------


def answer_step(tab: BrowserTab, number: int, answers: dict) -> None:
    """Tick and type this step's answers as a person with a mouse would."""
    page = tab.page
    for question in STEPS[number - 1].section.questions:
        value = answers.get(question.key)
        if value is None:
            continue
        if question.kind == "number":
            page.locator(f"#id_{question.key}").fill(str(value))
        else:
            for choice in value if isinstance(value, list) else [value]:
                page.locator(f"input[name='{question.key}'][value='{choice}']").check()


def start_check(tab: BrowserTab, language: str = "en") -> None:
    """The check's start page: what it asks and how long it takes, then its one button."""
    assert tab.path == f"{prefix(language)}/intake/", tab.path
    heading = tab.page.get_by_role("heading", level=1).inner_text()
    assert heading == words(language, "The pre-visit check")
    length = words(
        language, "%(total)s steps, about %(minutes)s minutes.", total=LAST, minutes=MINUTES
    )
    assert length in tab.page.locator("main").inner_text()
    tab.follow(words(language, "Start the check"))


def expect_step(tab: BrowserTab, number: int, language: str = "en") -> None:
    heading = tab.page.get_by_role("heading", level=1)
    with translation.override(language):
        title = str(STEPS[number - 1].title)
    assert heading.inner_text() == title, tab.path
    count = words(language, "Step %(number)s of %(total)s", number=number, total=LAST)
    assert tab.page.locator(".step-count").inner_text() == count


def emergency_panel(tab: BrowserTab, key: str):
    """The 911 panel beside a step-1 question (shown by intake.js when its answer means an
    emergency)."""
    return tab.page.locator(f"#q-{key} .emergency-panel")


def fill_contact(tab: BrowserTab, who: dict, language: str = "en") -> None:
    page = tab.page
    page.get_by_label(words(language, "Your full name"), exact=True).fill(who["name"])
    page.get_by_label(words(language, "Email"), exact=True).fill(who["email"])
    page.get_by_label(words(language, "Phone (optional)")).fill(who["phone"])
    page.locator(f"input[name='language'][value='{who['language']}']").check()
    if language == "en":
        page.get_by_label("I understand that this check is a screening").check()
        page.get_by_label("I agree that the clinic stores my answers").check()
    else:  # the boxes' long labels are the catalogue's; the boxes are found by name
        page.locator("input[name='understands_screening']").check()
        page.locator("input[name='agrees_to_storage']").check()
    page.get_by_label(words(language, "Type your full name as your signature")).fill(who["name"])
    # The honeypot is off screen, out of the tab order, and left empty.
    assert page.locator("input[name='website']").input_value() == ""


def intake(
    tab: BrowserTab,
    answers: dict,
    who: dict,
    *,
    look: bool = False,
    error_states: bool = False,
    language: str = "en",
    check=None,
) -> str:
    """Walk the pre-visit check from its first page; returns the result level shown.
    `look`: screenshot and axe every step; `error_states`: send step 1 and the last step empty
    first, and check the error summary; `language`: the check at its address in that language;
    `check(name, what)`: called on every page of the check (with `look`'s names), for a test's
    own look at each."""
    page = tab.page
    start = f"{prefix(language)}/intake/"
    send, next_step = words(language, "Send my answers"), words(language, "Next")

    def seen(name: str, what: str) -> None:
        if look:
            tab.look(name, what)
        if check is not None:
            check(name, what)

    if not tab.path.startswith(start):
        tab.go(start)
    if tab.path == start:
        seen("intake-start", "intake start page")
        start_check(tab, language)
    for step in STEPS:
        expect_step(tab, step.number, language)
        if error_states and step.number in (1, LAST):
            tab.submit(send if step.number == LAST else next_step)
            summary = page.locator("#error-summary")
            assert summary.is_visible()
            # intake.js moves the focus to the summary, whose links each lead to a field.
            assert page.evaluate("document.activeElement.id") == "error-summary"
            targets = summary.locator("a").evaluate_all("as => as.map(a => a.hash)")
            assert targets and all(page.locator(target).count() == 1 for target in targets)
            seen(f"intake-step-{step.number}-errors", f"intake step {step.number} errors")
        if step.section is None:
            fill_contact(tab, who, language)
        else:
            answer_step(tab, step.number, answers)
        seen(f"intake-step-{step.number}", f"intake step {step.number}")
        tab.submit(send if step.number == LAST else next_step)
        if tab.path == f"{start}result/":
            break
    assert tab.path == f"{start}result/", f"still on {tab.path}"
    return page.locator("[data-triage-level]").get_attribute("data-triage-level")


# --- /book/ ---------------------------------------------------------------------------------------


def choose_session(tab: BrowserTab, service: str, therapist: str, language: str = "en") -> None:
    """Step one of /book/: a session and a therapist, then the open times."""
    tab.page.get_by_label(service).check()
    tab.page.get_by_label(therapist, exact=True).check()
    tab.submit(words(language, "Show open times"))
    legend = words(language, "Open times on %(day)s", day="")
    assert tab.page.locator("#times legend").inner_text().startswith(legend.strip())


def choose_first_time(tab: BrowserTab) -> str:
    """The first open time of the day shown; returns its label (e.g. '9:00 a.m.')."""
    first = tab.page.locator("input[name='start']").first
    first.check()
    return tab.page.locator(f"label[for='{first.get_attribute('id')}']").inner_text().strip()


# --- emails ---------------------------------------------------------------------------------------


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def only_email(address: str, subject_part: str):
    found = [m for m in emails_to(address) if subject_part in m.subject]
    assert len(found) == 1, (
        f"expected one email to {address} about {subject_part!r}, got "
        f"{[m.subject for m in emails_to(address)]}"
    )
    return found[0]


def link_in(message, pattern: str) -> str:
    found = re.search(pattern, message.body)
    assert found, f"no link matching {pattern!r} in {message.subject!r}:\n{message.body}"
    return found.group(0)


# --- the back office ------------------------------------------------------------------------------


def authenticator_code() -> str:
    """The 6-digit code Tess's authenticator shows now (django-otp's TOTP: 30-second steps)."""
    return f"{TOTP(bytes.fromhex(THERAPIST_TOTP_KEY)).token():06d}"


def sign_in(tab: BrowserTab, start: str = "/admin/") -> None:
    """Password, then the authenticator code: the back office's two steps."""
    page = tab.page
    tab.go(start)
    assert "/login/" in tab.path, tab.path
    tab.look("sign-in", "admin: sign-in")
    page.get_by_label("Username").fill(THERAPIST_USERNAME)
    page.get_by_label("Password").fill(THERAPIST_PASSWORD)
    tab.submit("Log in")
    assert "/second-factor/" in tab.path, tab.path
    tab.look("second-factor", "admin: second factor")
    page.get_by_label("Code").fill(authenticator_code())
    tab.submit("Continue")
    assert "/second-factor/" not in tab.path and "/login/" not in tab.path, tab.path
