"""The reader, the client and the re-check, in Spanish, on a phone: every page they meet is
scanned for English (tests/e2e/untranslated.py: the English catalogue's strings and common
English words, proper names allowed) and checked by axe-core, and the emails they receive are
in Spanish with links to the Spanish pages. The clinic is set up as `manage.py setup_demo`
leaves it: every article, lesson, service, therapist and clinic text in both languages, so a
Spanish reader should meet no English at all, not even English marked as such."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from clinic.booking import demo as booking_demo
from clinic.booking import pipeline
from clinic.booking.models import BookingRequest, BookingStatus, Service, Therapist
from clinic.core.models import ClinicSettings
from clinic.program import loader
from education import demo as education_demo
from education.models import ReaderQuestion
from intake.recheck import CHECK_FIRST_KEYS
from intake.submission import submit
from tests.e2e import flows, untranslated
from tests.e2e.flows import spanish
from tests.factories import make_booking
from tests.intake.answers import benign

QUESTION = "¿Puedo hacer el estiramiento en la puerta si me truena el hombro?"
SERVICE = "deep-tissue-60"


@pytest.fixture
def demo_clinic(transactional_db, site):
    """The demo clinic in both languages: clinic texts, services, therapists, articles and
    lessons."""
    booking_demo.seed_clinic_spanish()
    booking_demo.seed_booking()
    education_demo.seed()
    loader.load()
    return ClinicSettings.load()


class SpanishPages:
    """Looks at each page of a Spanish journey: English found is kept (so one run names every
    page that has some) and axe-core runs at once, as on every journey."""

    def __init__(self, tab, names: tuple[str, ...]):
        self.tab = tab
        self.names = names
        self.english: list[str] = []

    def check(self, name: str, what: str | None = None, *, mouse: bool = True) -> None:
        page = self.tab.page
        what = what or name.replace("-", " ")
        assert page.locator("html").get_attribute("lang") == "es", f"{what}: not a Spanish page"
        for finding in untranslated.english_on(page, self.names):
            self.english.append(f"[{what}] {self.tab.path}\n    {finding}")
        for part in untranslated.marked_english(page):
            self.english.append(f"[{what}] {self.tab.path}\n    marked lang=en: {part!r}")
        self.tab.look(name, f"{what} (es)", mouse=mouse)

    def email(self, message, what: str) -> None:
        """A Spanish email: no English in its subject or body, and every link to the site
        opens a Spanish page."""
        chunks = [{"where": "subject", "text": message.subject}] + [
            {"where": "body", "text": paragraph}
            for paragraph in re.split(r"\n\s*\n", message.body)
            if paragraph.strip()
        ]
        for chunk in chunks:
            chunk["text"] = re.sub(r"https?://\S+", " ", chunk["text"])
        for finding in untranslated.english_in(chunks, self.names):
            self.english.append(f"[email: {what}] {message.subject!r}\n    {finding}")
        base = self.tab.base_url
        for link in re.findall(rf"{re.escape(base)}\S*", message.body):
            assert link.startswith(f"{base}/es/"), f"{what}: {link} is not a Spanish page"

    def assert_no_english(self) -> None:
        found, self.english = self.english, []
        assert not found, "English a Spanish reader meets:\n" + "\n".join(found)


@pytest.fixture
def spanish_pages(open_browser, demo_clinic):
    """spanish_pages(*client_names) -> SpanishPages on a new phone-sized tab. English still
    unreported at the end of the test fails it too (so a journey stopped half-way by another
    failure still names the English it met)."""
    opened: list[SpanishPages] = []
    therapists = tuple(Therapist.objects.values_list("display_name", flat=True))
    clinic_names = (demo_clinic.name, *demo_clinic.address.splitlines())

    def opener(*client_names: str) -> SpanishPages:
        pages = SpanishPages(open_browser("phone"), (*clinic_names, *therapists, *client_names))
        opened.append(pages)
        return pages

    yield opener
    leftover = [line for pages in opened for line in pages.english]
    assert not leftover, "English a Spanish reader meets:\n" + "\n".join(leftover)


def article_hrefs(page, within: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{within} a[href*='/articles/']",
        "links => links.map(a => new URL(a.href).pathname)",
    )


def test_spanish_reader(spanish_pages):
    """Home, the articles, a Spanish article, a search with and without accents, a question
    sent from the article's own page, and the switch to the English original and back."""
    pages = spanish_pages()
    tab, page = pages.tab, pages.tab.page

    tab.go("/es/")
    pages.check("home")
    tab.follow(spanish("Read about upper back knots"))
    assert tab.path == "/es/articles/"
    pages.check("articles")

    first = page.locator(".start-here-link").first
    with page.expect_navigation():
        first.click()
    article_path = tab.path
    assert article_path == "/es/articles/que-son-los-nudos-en-la-parte-alta-de-la-espalda/"
    assert page.locator(".article-language-notice").count() == 0
    pages.check("article")

    # "músculo", "musculo" and "MUSCULO" find the same Spanish articles.
    tab.go("/es/articles/")
    found = {}
    for query in ("músculo", "musculo", "MUSCULO"):
        page.get_by_label(spanish("Search the articles")).fill(query)
        tab.submit(spanish("Search"))
        assert tab.path.startswith("/es/articles/?q=")
        found[query] = article_hrefs(page, ".article-list .card-title")
        if query == "músculo":
            pages.check("search", "search results for músculo")
    assert found["músculo"], "a Spanish search for “músculo” found nothing"
    assert all(href.startswith("/es/articles/") for href in found["músculo"])
    assert found["musculo"] == found["músculo"] == found["MUSCULO"], found

    # A question, from the article's own page for questions.
    tab.go(article_path)
    with page.expect_navigation():
        page.locator(".ask-link a").click()
    assert tab.path == f"{article_path}ask/"
    pages.check("ask")
    page.get_by_label(spanish("Your name")).fill("Jorge")
    page.get_by_label(spanish("Your email address")).fill("jorge@example.com")
    page.get_by_label(spanish("Your question")).fill(QUESTION)
    tab.submit(spanish("Send your question"))
    assert tab.path == f"{article_path}ask/?sent=1"
    thanks = page.locator("#question-sent")
    assert spanish("Thank you: your question was sent.") in thanks.inner_text()
    pages.check("question-sent", "ask page after sending a question", mouse=False)
    assert ReaderQuestion.objects.get(question=QUESTION).status == ReaderQuestion.Status.PENDING

    # The language switch leads to the English original, and back to this translation.
    tab.go(article_path)
    alternates = page.eval_on_selector_all(
        "link[rel=alternate][hreflang]",
        "links => Object.fromEntries(links.map(l => [l.hreflang, new URL(l.href).pathname]))",
    )
    assert alternates.get("es") == article_path
    assert alternates.get("en") == "/articles/what-are-upper-back-knots/"
    with page.expect_navigation():
        page.locator(".language-switch a[hreflang=en]").click()
    assert tab.path == "/articles/what-are-upper-back-knots/"
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.locator(".language-switch a[hreflang=es]").click()
    assert tab.path == article_path
    pages.assert_no_english()


def test_spanish_client(spanish_pages):
    """The pre-visit check in Spanish to a self-care result that links Spanish articles, a
    booking request, the Spanish emails and their links to /es/, and a cancellation."""
    rosa = flows.person("Rosa Quintero", "rosa@example.com", language="es")
    pages = spanish_pages(rosa["name"])
    tab, page = pages.tab, pages.tab.page
    service = Service.objects.get(slug=SERVICE)

    tab.go("/es/")
    pages.check("home")
    tab.follow(spanish("Fill in the pre-visit check"))
    level = flows.intake(
        tab, flows.SELF_CARE, rosa, error_states=True, language="es", check=pages.check
    )
    assert level == "SELF_CARE"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == spanish(flows.RESULT_HEADINGS[level])
    links = article_hrefs(page, "main")
    assert links, "the self-care result links no article"
    assert all(href.startswith("/es/articles/") for href in links), links
    pages.check("result-self-care", "result SELF_CARE")

    tab.follow(spanish("Book a session if you would like one"))
    assert tab.path.startswith("/es/book/")
    pages.check("book-choose", "booking: choose a session")
    with translation.override("es"):
        service_name = service.name
    flows.choose_session(tab, service_name, "Alex Morgan", language="es")
    pages.check("book-times", "booking: day and time")
    time_label = flows.choose_first_time(tab)
    tab.submit(spanish("Continue"))
    assert page.get_by_label(spanish("Your name")).input_value() == rosa["name"]
    assert time_label in page.locator(".booking-summary").inner_text()
    pages.check("book-details", "booking: details, summary and policy")
    tab.submit(spanish("Send request"))

    assert tab.path == "/es/book/sent/"
    reference = page.locator(".booking-reference").inner_text()
    booking = BookingRequest.objects.get(reference=reference)
    assert booking.status == BookingStatus.REQUESTED and booking.language == "es"
    pages.check("book-sent", "booking: request sent")

    sent = flows.emails_to(rosa["email"])
    assert sent, "Rosa received no email"
    for message in sent:
        pages.email(message, "after the booking request")
    receipt = flows.only_email(rosa["email"], reference)
    manage_url = flows.link_in(receipt, rf"{re.escape(tab.base_url)}/es/book/{reference}/\S+")

    tab.go(manage_url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == spanish("Your booking %(reference)s", reference=reference)
    pages.check("manage", "booking: manage page")
    tab.follow(spanish("Cancel my request"))
    pages.check("cancel", "booking: cancel, asked first")
    tab.submit(spanish("Yes, cancel it"))
    with translation.override("es"):
        cancelled = str(BookingStatus.CANCELLED.label)
    assert cancelled in page.locator(".booking-status").inner_text()
    pages.check("manage-cancelled", "booking: manage page after cancelling")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    for message in flows.emails_to(rosa["email"])[len(sent) :]:
        pages.email(message, "after cancelling")
    assert len(flows.emails_to(rosa["email"])) > len(sent), "no email said it was cancelled"
    pages.assert_no_english()


def spanish_booking(name: str, email: str, therapist: str, monkeypatch) -> BookingRequest:
    """A confirmed session tomorrow for a Spanish-speaking client whose pre-visit check is ten
    days old, so a re-check is due."""
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    with monkeypatch.context() as past:
        past.setattr(timezone, "now", lambda: ten_days_ago)
        contact = {"name": name, "email": email, "language": "es", "signature": name}
        intake = submit(benign(), contact, shown_in="es")
    return make_booking(
        BookingStatus.CONFIRMED,
        service=Service.objects.get(slug=SERVICE),
        therapist=Therapist.objects.get(slug=therapist),
        start=timezone.now() + dt.timedelta(hours=26),
        intake=intake,
        client_name=name,
        email=email,
        note="",
        language="es",
    )


def recheck_link(pages: SpanishPages, booking: BookingRequest) -> str:
    """The link in the re-check request, the last email the client received."""
    message = flows.emails_to(booking.email)[-1]
    pages.email(message, "the re-check request")
    base = re.escape(pages.tab.base_url)
    return flows.link_in(message, rf"{base}/es/book/{booking.reference}/\S+")


def first_recheck_step(pages: SpanishPages, name: str, *, changes: list[str]) -> None:
    page = pages.tab.page
    for key in CHECK_FIRST_KEYS:
        page.locator(f"input[name='{key}'][value='no']").check()
    for change in changes:
        page.get_by_label(spanish(change), exact=True).check()
    page.get_by_label(spanish("Your full name"), exact=True).fill(name)
    pages.tab.submit(spanish("Continue"))


def test_spanish_recheck(spanish_pages, monkeypatch):
    """Two Spanish-speaking clients get the re-check link by email: Ana's new medicine puts
    her session on hold; Luis has nothing new and is told his session goes ahead."""
    ana = spanish_booking("Ana Cliente", "ana@example.com", "alex-morgan", monkeypatch)
    luis = spanish_booking("Luis Ortega", "luis@example.com", "sam-rivera", monkeypatch)
    pages = spanish_pages(ana.client_name, luis.client_name)
    for message in flows.emails_to(ana.email):
        pages.email(message, "the pre-visit check's receipt")
    assert pipeline.send_due_rechecks() == 2
    tab, page = pages.tab, pages.tab.page

    tab.go(recheck_link(pages, ana).removeprefix(tab.base_url))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == spanish("Before your visit: a short re-check")
    pages.check("recheck-step-1", "re-check: step 1")
    tab.submit(spanish("Continue"))
    assert page.locator(".error-summary").is_visible()
    pages.check("recheck-step-1-errors", "re-check: step 1 with errors")
    first_recheck_step(pages, ana.client_name, changes=["New medicines"])
    assert page.get_by_role("heading", level=1).inner_text() == spanish("What has changed")
    pages.check("recheck-step-2", "re-check: what has changed")
    page.locator("input[name='blood_thinner'][value='no']").check()
    page.locator("input[name='bleeding_disorder'][value='yes']").check()
    page.locator("input[name='clot_status'][value='never']").check()
    page.locator("input[name='steroid_tablets_3_months'][value='no']").check()
    before = len(flows.emails_to(ana.email))
    tab.submit(spanish("Send my answers"))
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == spanish("A therapist will look at your answers before your session")
    pages.check("recheck-on-hold", "re-check: session on hold")
    ana.refresh_from_db()
    assert ana.status == BookingStatus.AWAITING_CLEARANCE
    on_hold = flows.emails_to(ana.email)[before:]
    assert on_hold, "Ana was not told by email that her session is on hold"
    for message in on_hold:
        pages.email(message, "session on hold")

    tab.go(recheck_link(pages, luis).removeprefix(tab.base_url))
    first_recheck_step(pages, luis.client_name, changes=[])
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == spanish("Thank you: your re-check is done")
    pages.check("recheck-done", "re-check: nothing changed")
    luis.refresh_from_db()
    assert luis.status == BookingStatus.CONFIRMED
    pages.assert_no_english()


@pytest.mark.parametrize(
    "path",
    ["/es/services/", "/es/therapists/", "/es/visit/", "/es/program/", "/es/program/{lesson}/"],
)
def test_spanish_front_pages(spanish_pages, path):
    """What the clinic offers, who works there, the first visit, the program and a lesson."""
    pages = spanish_pages()
    tab, page = pages.tab, pages.tab.page
    if "{lesson}" in path:
        tab.go("/es/program/")
        lesson = page.locator(".program-lesson-link").first.get_attribute("href")
        path = path.format(lesson=lesson.removeprefix("/es/program/").strip("/"))
    tab.go(path)
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })"
    )
    name = path.strip("/").replace("/", "-")
    pages.check(name, path)
    pages.assert_no_english()


# --- the scanner itself ----------------------------------------------------------------------


def test_the_scanner_finds_english_and_lets_spanish_and_names_pass():
    def found(text: str, names: tuple[str, ...] = ()) -> list[untranslated.Finding]:
        return untranslated.english_in([{"where": "p", "text": text}], names)

    assert [f.msgids for f in found("Send my answers")] == [("Send my answers",)]
    assert found("Enviar mis respuestas") == []
    # A msgid with a placeholder is found by its long literal part.
    [storage] = found(
        "I agree that the clinic stores my answers for 7 years, as health records must be "
        "kept, and shows them only to the therapists who care for me."
    )
    assert storage.msgids[0].startswith("I agree that the clinic stores my answers for %(years)s")
    # English the catalogue does not hold is caught by its common words.
    assert found("Lea más about the knots")[0].words == ("about", "the")
    # Proper names pass, the clinic's own included.
    assert found("Alex Morgan y Sam Rivera, de Riverside Back and Neck Care") != []
    assert found("Alex Morgan y Sam Rivera", ("Riverside Back and Neck Care",)) == []
    assert (
        found(
            "Alex Morgan y Sam Rivera, de Riverside Back and Neck Care",
            ("Riverside Back and Neck Care",),
        )
        == []
    )


def test_the_scanner_reads_what_a_person_meets(browser):
    """Text, labels for assistive technology and tooltips count; hidden parts, parts marked
    English and the titles of cited works do not."""
    page = browser.new_page()
    page.set_content(
        """<html lang="es"><title>Inicio</title><body>
        <p>Hola</p>
        <button aria-label="Close the menu">X</button>
        <img alt="The upper back seen from behind" src="data:,">
        <p hidden>Send my answers</p>
        <p style="display: none">Send my answers</p>
        <a lang="en" href="/">English</a>
        <details><summary>Más</summary><p>Read more</p></details>
        <section class="article-sources"><h2>Sources</h2>
          <ol><li><a href="/">Neck pain (en inglés)</a></li></ol></section>
        </body></html>"""
    )
    findings = untranslated.english_on(page)
    page.close()
    assert sorted(f.text for f in findings) == [
        "Close the menu",
        "Read more",
        "Sources",
        "The upper back seen from behind",
    ], findings
