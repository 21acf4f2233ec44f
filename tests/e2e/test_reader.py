"""A reader: from the home page to an answered question under an article."""

import re

import pytest

from education import demo as education_demo
from education.models import ReaderQuestion
from tests.e2e import flows

QUESTION = "Is the doorway stretch all right if my shoulder clicks while I do it?"
ANSWER = "A painless click is common and harmless; stop if it hurts or your hand tingles."


def drawings_loaded(page, selector: str) -> None:
    """Wait until every image the selector finds has loaded (a missing file never does)."""
    script = (
        "selector => [...document.querySelectorAll(selector)]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    for _ in range(50):
        if page.evaluate(script, selector):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector}: a drawing did not load")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_reader(open_browser, staff_therapist, viewport):
    """Home, articles, a search for "doorway stretch", the article, a question; the therapist
    approves and answers it in the back office; the reader reloads and reads the answer."""
    education_demo.seed()
    reader = open_browser(viewport)
    page = reader.page

    reader.go("/")
    reader.look("home")
    reader.follow("Read about upper back knots")
    assert reader.path == "/articles/"
    reader.look("articles", "article list")

    # A reader's word for a tool: a tennis ball is what the articles call a massage ball.
    page.get_by_label("Search the articles").fill("tennis ball")
    reader.submit("Search")
    assert "We also looked for: massage ball" in page.locator(".search-status").inner_text()
    assert page.locator(".article-list .card-title a").first.inner_text() == (
        "At-home stretches for upper back knots"
    )
    # Nothing found: said kindly, with where to start and a therapist to ask.
    page.get_by_label("Search the articles").fill("xylophone")
    reader.submit("Search")
    assert "Nothing found for “xylophone”" in page.locator(".search-status").inner_text()
    assert page.get_by_role("heading", name="Good places to start").is_visible()
    assert page.get_by_role("link", name="Ask a therapist").is_visible()
    reader.look("no-results", "search without results")

    page.get_by_label("Search the articles").fill("doorway stretch")
    reader.submit("Search")
    assert reader.path == "/articles/?q=doorway+stretch"
    status = page.locator(".search-status").inner_text()
    assert re.search(r"\d+ articles? match(es)? “doorway stretch”", status), status
    # Title hits lead: the stretches article comes first.
    first = page.locator(".article-list .card-title a").first
    assert first.inner_text() == "At-home stretches for upper back knots"
    reader.look("search-results", "search results")

    with page.expect_navigation():
        first.click()
    assert reader.path == "/articles/at-home-stretches-for-upper-back-knots/"
    # The booking box after the first section, and drawings that load only when scrolled to.
    assert (
        page.locator(".booking-box-inline")
        .get_by_role("link", name="Book a deep tissue session")
        .is_visible()
    )
    drawings = page.locator(".article-body img")
    assert drawings.count() >= 3
    assert drawings.first.get_attribute("loading") == "lazy"
    for index in range(drawings.count()):
        drawings.nth(index).scroll_into_view_if_needed()
    drawings_loaded(page, ".article-body img")  # every drawing is there (none broken)
    page.evaluate("window.scrollTo(0, 0)")
    reader.look("article")

    # The question has its own page, one link away from the article's questions.
    article_path = reader.path
    reader.follow("Ask a therapist about this article")
    assert reader.path == f"{article_path}ask/"
    page.get_by_label("Your name").fill("Jo")
    page.get_by_label("Your email address").fill("jo@example.com")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Email me a link when a therapist has answered").check()
    reader.submit("Send your question")
    # The same page thanks the reader, above a fresh form.
    assert reader.path == f"{article_path}ask/?sent=1"
    thanks = page.locator("#question-sent")
    assert thanks.get_attribute("role") == "status"
    assert "your question was sent" in thanks.inner_text()
    box = thanks.bounding_box()
    viewport = page.viewport_size
    assert box is not None and 0 <= box["y"] < viewport["height"], box
    assert page.locator(".error-summary").count() == 0  # the fresh form is not a failure
    reader.look("question-sent", "ask page after sending a question", mouse=False)
    question = ReaderQuestion.objects.get(question=QUESTION)
    assert question.status == ReaderQuestion.Status.PENDING
    with page.expect_navigation():
        thanks.get_by_role("link", name="Back to the article").click()
    assert QUESTION not in page.locator("#questions").inner_text()  # not before it is answered

    # The therapist, at her desk, with her password and her authenticator app.
    desk = open_browser("desktop", who="therapist")
    flows.sign_in(desk)
    desk.follow("Reader questions")
    assert "Pending" in desk.page.locator("#changelist-filter").inner_text()
    desk.shot("pending-questions")
    desk.follow(str(question))
    desk.page.locator("#id_status").select_option("approved")
    desk.page.locator("#id_answer").fill(ANSWER)
    desk.shot("answering")
    desk.submit("Save")
    assert "was changed successfully" in desk.page.locator(".messagelist").inner_text()
    question.refresh_from_db()
    assert question.status == ReaderQuestion.Status.APPROVED
    assert question.answered_by == staff_therapist

    # The reader is told by email (a link, nothing else); the page, reloaded, has the answer.
    email = flows.only_email("jo@example.com", "answered your question")
    assert QUESTION not in email.body and ANSWER not in email.body
    link = flows.link_in(email, rf"{re.escape(reader.base_url)}/articles/\S+")
    assert link == f"{reader.base_url}{article_path}#question-{question.pk}"
    page.goto(link)  # the reader is on the article already: only its fragment changes
    page.reload()
    answered = page.locator(f"#question-{question.pk}")
    assert QUESTION in answered.inner_text()
    assert ANSWER in answered.locator(".reader-answer").inner_text()
    assert "Tess Lane answered" in answered.inner_text()
    answered.scroll_into_view_if_needed()
    reader.look("answer", "article with the answer")

    # The first article to read shows where knots form, after its introduction.
    reader.go("/articles/what-are-upper-back-knots/")
    drawing = page.locator(".article-body figure img").first
    assert drawing.get_attribute("alt").startswith("The upper back seen from behind")
    drawing.scroll_into_view_if_needed()
    drawings_loaded(page, ".article-body figure img")
    page.evaluate("window.scrollTo(0, 0)")
    reader.look("article-knots", "article with the upper back drawing")

    reader.go("/articles/no-such-article/", status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "We could not find that page"
    reader.look("not-found", "404 page")


def test_reader_in_spanish(open_browser):
    """A Spanish reader: the Spanish list, a Spanish article, its switch to the English
    original and back, and its own page for a question."""
    education_demo.seed()
    reader = open_browser("desktop")
    page = reader.page

    reader.go("/es/articles/")
    assert page.locator("html").get_attribute("lang") == "es"
    first = page.locator(".start-here-link").first
    assert first.inner_text() == "Qué son los nudos en la parte alta de la espalda"
    with page.expect_navigation():
        first.click()
    assert reader.path == "/es/articles/que-son-los-nudos-en-la-parte-alta-de-la-espalda/"
    assert page.locator(".article-language-notice").count() == 0
    reader.look("article-es", "Spanish article")

    with page.expect_navigation():
        page.locator(".language-switch a[hreflang=en]").click()
    assert reader.path == "/articles/what-are-upper-back-knots/"
    with page.expect_navigation():
        page.locator(".language-switch a[hreflang=es]").click()
    assert reader.path == "/es/articles/que-son-los-nudos-en-la-parte-alta-de-la-espalda/"

    # An English address under /es/ leads to the Spanish version.
    reader.go("/es/articles/at-home-stretches-for-upper-back-knots/")
    assert reader.path == "/es/articles/estiramientos-en-casa-para-los-nudos-de-la-espalda/"
    with page.expect_navigation():
        page.locator(".ask-link a").click()
    assert reader.path.endswith("/estiramientos-en-casa-para-los-nudos-de-la-espalda/ask/")
    reader.look("ask-es", "Spanish ask page")
