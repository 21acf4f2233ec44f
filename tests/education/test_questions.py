import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from clinic.core.form_guard import stamp
from education.models import ReaderQuestion
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Robin",
    "email": "robin@example.com",
    "question": "Is the doorway stretch safe after a shoulder injury?",
    "wants_email": "on",
    "website": "",
}


def ask_url(article) -> str:
    return reverse("education:ask", kwargs={"slug": article.slug})


def post(client, article, address="203.0.113.7", **changes):
    data = {"started": stamp(time.time() - 60), **GOOD, **changes}
    return client.post(ask_url(article), data, REMOTE_ADDR=address)


def assert_rejected(response, message: str, kept: str, field: str | None = None):
    html = response.content.decode()
    assert response.status_code == 400
    assert ReaderQuestion.objects.count() == 0
    assert '<div class="error-summary" role="alert"' in html
    assert message in html
    assert kept in html  # the reader's text is still in the form
    assert "<title>Error: " in html
    if field:
        # the summary links to the field (its label, then the message); the message sits next to it
        assert re.search(rf'<a href="#id_{field}">(?:[^<]+: )?{re.escape(message)}', html)
        assert f'id="id_{field}_error"' in html
        assert 'aria-invalid="true"' in html


def test_a_good_question_is_saved_as_pending_and_thanked(client):
    article = make_article()

    response = post(client, article)

    # Back to the ask page, which thanks the reader (the address says so, not the session).
    assert response.status_code == 302
    assert response["Location"] == f"{ask_url(article)}?sent=1"
    question = ReaderQuestion.objects.get()
    assert question.status == ReaderQuestion.Status.PENDING
    assert question.article == article
    assert question.wants_email is True
    assert question.language == "en"
    response = client.get(response["Location"])
    page = response.content.decode()
    thanks = re.search(
        r'<div class="question-sent" id="question-sent" role="status" tabindex="-1">(.*?)</div>\s*</div>',
        page,
        flags=re.S,
    )
    assert thanks and "Thank you: your question was sent." in thanks.group(1)
    assert f'href="{article.get_absolute_url()}#questions"' in thanks.group(1)
    # decorative drawing, sized, lazy
    assert re.search(
        r'<img src="/static/img/illustrations/question-sent\.svg" alt="" width="\d+"', page
    )
    # the thank-you comes just before the (fresh) form, to ask another question
    assert page.index('id="question-sent"') < page.index("<form")
    assert GOOD["question"] not in page  # nothing of what was sent is on the page
    assert "error-summary" not in page and "aria-invalid" not in page
    assert response["Cache-Control"] == "private, no-store"
    assert mail.outbox == []
    # the article itself does not show a pending question
    assert GOOD["question"] not in client.get(article.get_absolute_url()).content.decode()


def test_the_ask_page_without_sending_shows_no_thank_you(client):
    article = make_article("Doorway stretch")
    html = client.get(ask_url(article)).content.decode()
    assert 'id="question-sent"' not in html
    assert "<h1" in html and "Ask a therapist" in html
    assert f'<a href="{article.get_absolute_url()}">Doorway stretch</a>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_article_page_links_to_its_ask_page_and_carries_no_form(client):
    article = make_article()

    html = client.get(article.get_absolute_url()).content.decode()

    assert f'href="{ask_url(article)}"' in html
    assert "Ask a therapist about this article" in html
    assert '<form method="post"' not in html and "csrfmiddlewaretoken" not in html


def test_the_article_view_reads_neither_the_session_nor_the_signed_in_user(rf):
    """A shared cache may keep the article page for everyone: nothing in it is personal."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.functional import SimpleLazyObject

    from education.views import article_detail

    article = make_article()
    request = rf.get(article.get_absolute_url())
    request.session = SessionStore()
    request.user = SimpleLazyObject(lambda: pytest.fail("the article view read request.user"))
    request.LANGUAGE_CODE = "en"

    response = article_detail(request, slug=article.slug)

    assert response.status_code == 200
    assert not request.session.accessed
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_asking_about_a_draft_or_a_missing_article_is_404(client, therapist_client):
    draft = make_article(published_days_ago=None)
    assert client.get(ask_url(draft)).status_code == 404
    assert therapist_client.get(ask_url(draft)).status_code == 404
    assert client.get("/articles/no-such-article/ask/").status_code == 404


def test_the_fresh_form_does_not_look_like_a_failure(client):
    response = client.get(ask_url(make_article()))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " not in html
    assert "error-summary" not in html
    assert "There is a problem" not in html and "Please check" not in html
    assert "aria-invalid" not in html and "form-field-error" not in html
    assert "field-error" not in html
    assert 'id="question-sent"' not in html


def test_empty_question_shows_why_and_keeps_the_other_answers(client):
    response = post(client, make_article(), question="   ")
    assert_rejected(response, "Write your question.", kept='value="Robin"', field="question")


def test_empty_name(client):
    response = post(client, make_article(), name="")
    assert_rejected(
        response, "Enter your name (a first name is enough).", GOOD["question"], field="name"
    )


def test_too_long_question_is_kept_and_explained(client):
    long_text = "My knot " + "hurts " * 400  # 2,408 characters
    response = post(client, make_article(), question=long_text)
    assert_rejected(
        response,
        f"Your question is {len(long_text.strip())} characters long; the limit is 2,000.",
        kept=long_text.strip(),
        field="question",
    )


def test_exactly_2000_characters_with_line_breaks_is_accepted(client):
    text = ("a" * 99 + "\r\n") * 20  # 2,000 characters as a browser counts them
    response = post(client, make_article(), question=text.strip() + "b")
    assert response.status_code == 302
    assert len(ReaderQuestion.objects.get().question) <= 2000


def test_invalid_email(client):
    response = post(client, make_article(), email="robin-at-example")
    assert_rejected(
        response,
        "Enter an email address in the form name@example.com.",
        kept='value="robin-at-example"',
        field="email",
    )


def test_filled_honeypot_is_refused_with_an_explanation(client):
    response = post(client, make_article(), website="https://spam.example")
    assert_rejected(
        response, "This looked like an automated message, so it was not sent.", GOOD["question"]
    )


def test_a_form_sent_faster_than_a_person_could_is_refused(client):
    response = post(client, make_article(), started=stamp())
    assert_rejected(response, "sent faster than we expected from a person", GOOD["question"])


def test_a_forged_start_time_is_refused(client):
    response = post(client, make_article(), started="1700000000")
    assert_rejected(response, "sent faster than we expected from a person", GOOD["question"])


def test_rate_limit_three_questions_per_ten_minutes_per_device(client):
    article = make_article()
    for number in range(3):
        assert post(client, article, question=f"Question {number}?").status_code == 302

    response = post(client, article, question="A fourth question?")

    html = response.content.decode()
    assert response.status_code == 429
    assert 540 <= int(response["Retry-After"]) <= 600
    assert "Please wait 10 minutes" in html and "A fourth question?" in html
    assert ReaderQuestion.objects.count() == 3
    # another reader, even on the same connection, is not affected
    from django.test import Client

    assert post(Client(), article, question="Mine?").status_code == 302


def test_the_rate_limit_cache_key_does_not_hold_the_address(client):
    from django.core.cache import cache

    post(client, make_article())
    keys = list(cache._cache.keys())  # local-memory cache in tests
    assert keys and not any("203.0.113.7" in key for key in keys)


def test_questions_cannot_be_sent_to_a_draft(client, therapist_client):
    draft = make_article(published_days_ago=None)
    assert post(client, draft).status_code == 404
    assert post(therapist_client, draft).status_code == 404
    assert ReaderQuestion.objects.count() == 0


def test_only_approved_questions_appear_with_their_answers(client):
    article = make_article()
    make_question(article, question="Pending one?")
    make_question(article, question="Rejected one?", status="rejected", answer="No.")
    make_question(
        article,
        name="Dana",
        email="dana@example.com",
        question="Approved one?",
        status="approved",
        answer="Yes, gently and often.",
    )

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Approved one?" in html and "Yes, gently and often." in html
    assert "Dana asked" in html
    assert "Pending one?" not in html and "Rejected one?" not in html
    assert "dana@example.com" not in html and "robin@example.com" not in html


def test_honeypot_is_hidden_from_people_and_screen_readers(client):
    html = client.get(ask_url(make_article())).content.decode()
    assert '<div class="visually-hidden-field" aria-hidden="true">' in html
    assert "Leave this empty" in html
    assert 'name="website" tabindex="-1"' in html


def test_a_question_sent_twice_is_saved_once(client):
    article = make_article()
    data = {"started": stamp(time.time() - 60), **GOOD}
    for _ in range(2):
        response = client.post(ask_url(article), data)
        assert response.status_code == 302
        assert response["Location"] == f"{ask_url(article)}?sent=1"  # thanked both times
    assert ReaderQuestion.objects.count() == 1


def test_too_long_name_and_email_say_what_to_fix():
    from education.forms import ReaderQuestionForm

    form = ReaderQuestionForm(
        data={"name": "A" * 500, "email": "a" * 300 + "@example.com", "question": "Heat?"}
    )
    assert not form.is_valid()
    assert form.errors["name"][0].startswith("Shorten your name to ")
    assert form.errors["email"][0].startswith("Enter an email address of ")
