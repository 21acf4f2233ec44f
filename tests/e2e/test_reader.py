"""A reader: from the home page to an answered question under an article."""

import re

import pytest

from education import demo as education_demo
from education.models import ReaderQuestion
from tests.e2e import flows

QUESTION = "Is the doorway stretch all right if my shoulder clicks while I do it?"
ANSWER = "A painless click is common and harmless; stop if it hurts or your hand tingles."


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
    reader.look("article")

    page.get_by_label("Your name").fill("Jo")
    page.get_by_label("Your email address").fill("jo@example.com")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Email me a link when a therapist has answered").check()
    reader.submit("Send your question")
    assert "your question was sent" in page.locator(".messages").inner_text()
    assert QUESTION not in page.locator("#questions").inner_text()  # not before it is answered
    reader.look("question-sent", "article after sending a question")
    question = ReaderQuestion.objects.get(question=QUESTION)
    assert question.status == ReaderQuestion.Status.PENDING

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
    assert link == f"{reader.base_url}{reader.path}#question-{question.pk}"
    page.reload()
    answered = page.locator(f"#question-{question.pk}")
    assert QUESTION in answered.inner_text()
    assert ANSWER in answered.locator(".reader-answer").inner_text()
    assert "Tess Lane answered" in answered.inner_text()
    answered.scroll_into_view_if_needed()
    reader.look("answer", "article with the answer")

    reader.go("/articles/no-such-article/", status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "We could not find that page"
    reader.look("not-found", "404 page")
