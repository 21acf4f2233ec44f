"""Each process keeps the parts of an article's page (education/changes.py): whatever changes,
the next reader sees it at once, and a part is never shown on a page it was not built for.

The page cache is off here, so what is tested is the kept parts alone."""

import datetime as dt
import json
import re
import time

import pytest
from django.utils import timezone

from clinic.core.models import ClinicSettings
from education import moderation, publishing
from education.models import Article, Citation
from tests.conftest import sign_in_with_second_factor
from tests.factories import make_article, make_question, make_staff, make_topic

pytestmark = pytest.mark.django_db

ENGLISH_HEADING = "Readers\N{RIGHT SINGLE QUOTATION MARK} questions"


@pytest.fixture(autouse=True)
def _rendered_afresh(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def sleep():
    topic = make_topic("Sleep", slug="sleep")
    article = make_article(
        "Sleeping with a knot", topics=[topic], citations=[("A pillow study", "https://a.example")]
    )
    return article, topic


def page(client, article: Article, prefix: str = "") -> str:
    response = client.get(prefix + article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def jsonld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def related(html: str) -> list[str]:
    section = re.search(r'<section class="related-articles".*?</section>', html, re.S)
    return re.findall(r"<a [^>]*>([^<]+)</a>", section.group(0)) if section else []


def badges(html: str) -> list[str]:
    return re.findall(r'class="badge topic-badge"[^>]*>([^<]+)<', html)


def test_an_edited_article_shows_its_new_words_at_once(client, sleep):
    article, _topic = sleep
    page(client, article)
    article.title = "Sleeping well with a knot"
    publishing.save_article(article)
    html = page(client, article)
    assert '<h1 id="article-title">Sleeping well with a knot</h1>' in html
    assert '<meta property="og:title" content="Sleeping well with a knot">' in html


def test_a_citation_added_or_removed_shows_at_once(client, sleep):
    article, _topic = sleep
    assert "A pillow study" in page(client, article)
    Citation.objects.create(article=article, title="A mattress trial", url="https://b.example")
    html = page(client, article)
    assert "A mattress trial" in html
    assert "https://b.example" in jsonld(html)["citation"]  # for search engines too
    article.citations.filter(title="A pillow study").delete()
    assert "A pillow study" not in page(client, article)


def test_topics_chosen_from_either_side_or_renamed_show_at_once(client, sleep):
    article, topic = sleep
    assert badges(page(client, article)) == ["Sleep"]
    desk = make_topic("Desk work", slug="desk-work")
    article.topics.add(desk)
    assert badges(page(client, article)) == ["Desk work", "Sleep"]
    topic.articles.remove(article)
    assert badges(page(client, article)) == ["Desk work"]
    desk.name = "Working at a desk"
    desk.save()
    html = page(client, article)
    assert badges(html) == ["Working at a desk"]
    assert '<meta property="article:tag" content="Working at a desk">' in html


def test_a_newly_published_related_article_shows_at_once(client, sleep):
    article, topic = sleep
    assert related(page(client, article)) == []
    other = make_article("Pillows for a sore upper back", topics=[topic], published_days_ago=None)
    assert related(page(client, article)) == []  # a draft is not offered
    publishing.publish(Article.objects.filter(pk=other.pk))
    assert related(page(client, article)) == ["Pillows for a sore upper back"]
    publishing.unpublish(Article.objects.filter(pk=other.pk))
    assert related(page(client, article)) == []


def test_an_article_scheduled_for_later_shows_once_its_time_comes(client, settings, sleep):
    """Nothing is saved when a scheduled article's time comes: the lists it joins are kept no
    longer than a page is."""
    settings.PAGE_CACHE_SECONDS = 1
    article, topic = sleep
    make_article(
        "Morning stretches",
        topics=[topic],
        published_at=timezone.now() + dt.timedelta(seconds=1),
        status=Article.Status.PUBLISHED,
    )
    assert related(page(client, article)) == []
    time.sleep(1.2)
    assert related(page(client, article)) == ["Morning stretches"]


def test_questions_approved_answered_or_renamed_show_at_once(client, sleep):
    article, _topic = sleep
    question = make_question(article, question="Does a firm pillow help?")
    assert "Does a firm pillow help?" not in page(client, article)
    moderation.approve(article.questions.all())
    assert "Does a firm pillow help?" in page(client, article)
    question.refresh_from_db()
    therapist = make_staff("dana", first_name="Dana", last_name="Lee")
    question.answer, question.answered_by = "Often, yes.", therapist
    question.answered_at = timezone.now()
    question.save()
    assert "Dana Lee answered" in page(client, article)
    therapist.last_name = "Okafor"
    therapist.save()
    assert "Dana Okafor answered" in page(client, article)
    moderation.reject(article.questions.all())
    assert "Does a firm pillow help?" not in page(client, article)


def test_a_staff_sign_in_does_not_make_pages_afresh(client, sleep, django_assert_num_queries):
    """Signing in saves the user's last sign-in time: it changes nothing readers see."""
    article, _topic = sleep
    staff = make_staff("erin")
    page(client, article)
    sign_in_with_second_factor(client.__class__(), staff)  # saves last_login
    with django_assert_num_queries(1):  # the article's row; every part kept
        page(client, article)


def test_the_clinics_name_shows_at_once_in_the_head(client, sleep):
    article, _topic = sleep
    ClinicSettings.objects.update_or_create(pk=1, defaults={"name": "Knot Works"})
    assert '"name": "Knot Works"' in page(client, article)
    ClinicSettings.objects.update_or_create(pk=1, defaults={"name": "Upper Back Studio"})
    html = page(client, article)
    assert '"name": "Upper Back Studio"' in html and "Knot Works" not in html


def test_each_language_gets_its_own_parts(client, sleep):
    """An English article offered on a Spanish page: the same article, other words around it."""
    article, _topic = sleep
    english = page(client, article)
    spanish = page(client, article, "/es")
    assert "Preguntas de los lectores" in spanish and ENGLISH_HEADING not in spanish
    assert "article-language-notice" in spanish and "article-language-notice" not in english
    again = page(client, article)
    assert ENGLISH_HEADING in again and "article-language-notice" not in again


def test_a_preview_never_lends_its_parts_to_the_public_page(client, admin_client):
    """Staff preview an article scheduled for later; once its time comes, readers get the
    public page, though the article's row is the same."""
    scheduled = make_article(
        "Coming soon: desk stretches",
        published_at=timezone.now() + dt.timedelta(seconds=1),
        status=Article.Status.PUBLISHED,
    )
    preview = admin_client.get(scheduled.get_absolute_url()).content.decode()
    assert "Preview." in preview and "This article is scheduled for" in preview
    time.sleep(1.2)
    public = client.get(scheduled.get_absolute_url()).content.decode()
    assert "Coming soon: desk stretches" in public and "Preview." not in public


def list_page(client, params=None) -> str:
    response = client.get("/articles/", params or {})
    assert response.status_code == 200
    return response.content.decode()


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="card-title[^"]*"[^>]*><a [^>]*>([^<]+)</a>', html)


def test_the_list_shows_an_edited_or_newly_published_article_at_once(client, sleep):
    article, topic = sleep
    assert card_titles(list_page(client)) == ["Sleeping with a knot"]
    article.title = "Sleeping well with a knot"
    publishing.save_article(article)
    assert card_titles(list_page(client)) == ["Sleeping well with a knot"]
    draft = make_article("Desk posture", topics=[topic], published_days_ago=None)
    publishing.publish(Article.objects.filter(pk=draft.pk))
    html = list_page(client, {"topic": "sleep"})
    assert card_titles(html) == ["Desk posture", "Sleeping well with a knot"]


def test_the_list_shows_topics_renamed_or_chosen_at_once(client, sleep):
    article, topic = sleep
    html = list_page(client)
    assert badges(html) == ["Sleep"] and ">Sleep</a></li>" in html  # the card and the topics
    topic.name = "Sleep and pillows"
    topic.save()
    html = list_page(client)
    assert badges(html) == ["Sleep and pillows"] and ">Sleep and pillows</a></li>" in html
    desk = make_topic("Desk work", slug="desk-work")
    article.topics.add(desk)
    html = list_page(client)
    assert badges(html) == ["Desk work", "Sleep and pillows"] and ">Desk work</a></li>" in html


def test_start_here_shows_a_new_first_article_at_once(client, sleep):
    article, _topic = sleep
    assert "start-here-list" not in list_page(client)
    article.start_here = 1
    publishing.save_article(article)
    html = list_page(client)
    assert re.search(r'class="start-here-link"[^>]*>Sleeping with a knot<', html)


def test_the_list_shows_an_article_scheduled_for_later_once_its_time_comes(client, settings, sleep):
    settings.PAGE_CACHE_SECONDS = 1
    make_article(
        "Morning stretches",
        published_at=timezone.now() + dt.timedelta(seconds=1),
        status=Article.Status.PUBLISHED,
    )
    assert card_titles(list_page(client)) == ["Sleeping with a knot"]
    time.sleep(1.2)
    assert card_titles(list_page(client)) == ["Morning stretches", "Sleeping with a knot"]


def test_a_translation_published_later_has_its_page_and_its_address(client, settings, sleep):
    """The addresses of an article's versions are kept per version: a translation that became
    public after its original's were kept is among its own at once. (The original's page
    links it once its own kept addresses expire, as a cached page would.)"""
    settings.PAGE_CACHE_SECONDS = 60
    article, _topic = sleep
    spanish = make_article(
        "Dormir con un nudo",
        language="es",
        translation_of=article,
        published_at=timezone.now() + dt.timedelta(seconds=1),
        status=Article.Status.PUBLISHED,
    )
    page(client, article)
    time.sleep(1.2)
    html = page(client, spanish)
    assert 'hreflang="es"' in html and 'hreflang="en"' in html


def test_a_new_address_shows_in_the_ask_link_at_once(client, sleep):
    article, _topic = sleep
    page(client, article)
    article.slug = "sleeping-with-a-knot"
    publishing.save_article(article)
    html = page(client, article)
    assert 'href="/articles/sleeping-with-a-knot/ask/"' in html


def test_a_deleted_therapists_name_leaves_their_answers_at_once(client, sleep):
    article, _topic = sleep
    therapist = make_staff("dana", first_name="Dana", last_name="Lee")
    make_question(article, status="approved", answer="Often, yes.", answered_by=therapist)
    assert "Dana Lee answered" in page(client, article)
    therapist.delete()
    html = page(client, article)
    assert "Dana Lee" not in html and "A therapist answered" in html


def test_a_card_shows_a_topic_whose_first_article_just_went_public(client, settings, sleep):
    """The list's topics are kept no longer than a page; a card reads its own topics."""
    settings.PAGE_CACHE_SECONDS = 1
    desk = make_topic("Desk work", slug="desk-work")
    make_article(
        "Desk stretches",
        topics=[desk],
        published_at=timezone.now() + dt.timedelta(seconds=1),
        status=Article.Status.PUBLISHED,
    )
    assert ">Desk work</a></li>" not in list_page(client)
    time.sleep(1.2)
    html = list_page(client)
    assert badges(html) == ["Desk work", "Sleep"] and ">Desk work</a></li>" in html
