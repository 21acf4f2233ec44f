"""The program for a Spanish-speaking reader: the lessons in Spanish at their own addresses,
the language switch to the same lesson, an English address sent on, an untranslated lesson
shown in English with a notice, progress that carries across languages, the check-ins and the
safety gate under /es/, and related articles in the lesson's language."""

import re

import pytest
from django.conf import settings

from clinic.program import progress
from clinic.program.models import Enrolment, Lesson, LessonDone
from education.models import Article
from tests.factories import make_article
from tests.program.helpers import GATE_CLEAR, check_in


def _alternates(page: str) -> dict[str, str]:
    links = re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', page)
    return {code: url.removeprefix(settings.SITE_URL) for code, url in links}


def _switch(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'class="language-switch".*?</nav>', page, re.S)
    return re.findall(r'href="([^"]+)" hreflang="([a-z]+)"', nav.group(0)) if nav else []


def test_the_spanish_overview_lists_the_spanish_lessons_in_order(
    client, spanish_lessons, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get("/es/program/")
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="es">' in page
    positions = [page.index(f'href="/es/program/{lesson.slug}/"') for lesson in spanish_lessons]
    assert positions == sorted(positions) and len(positions) == 8
    assert "Empezar con seguridad" in page and "Starting safely" not in page
    assert 'href="/es/program/start/"' in page
    assert 'lang="en"' not in page.split("<main", 1)[1]  # nothing shown in English


def test_a_spanish_lesson_and_its_language_switch(
    client, lessons, spanish_lessons, django_assert_max_num_queries
):
    spanish, english = spanish_lessons[0], lessons[0]
    with django_assert_max_num_queries(10):
        response = client.get("/es/program/empezar-con-seguridad/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="lesson-title">Empezar con seguridad</h1>' in page
    assert "Le damos la bienvenida" in page and "translation-notice" not in page
    assert _alternates(page) == {
        "en": "/program/starting-safely/",
        "x-default": "/program/starting-safely/",
        "es": "/es/program/empezar-con-seguridad/",
    }
    assert _switch(page) == [("/program/starting-safely/", "en")]
    assert f'href="/es/program/{spanish_lessons[1].slug}/" rel="next"' in page
    # The English lesson switches to the Spanish one.
    english_page = client.get(english.get_absolute_url()).content.decode()
    assert _switch(english_page) == [("/es/program/empezar-con-seguridad/", "es")]
    assert _alternates(english_page)["es"] == spanish.get_absolute_url()


def test_an_address_in_the_other_language_goes_to_the_readers_lesson(client, spanish_lessons):
    response = client.get("/es/program/starting-safely/")
    assert response.status_code == 302
    assert response["Location"] == "/es/program/empezar-con-seguridad/"
    response = client.get("/program/empezar-con-seguridad/")
    assert response.status_code == 302 and response["Location"] == "/program/starting-safely/"
    assert client.get("/es/program/no-existe/").status_code == 404


@pytest.fixture
def untranslated(spanish_lessons):
    """Lesson 4 without its Spanish translation."""
    Lesson.objects.filter(slug="movilidad-diaria").delete()
    return Lesson.objects.get(slug="daily-mobility")


def test_an_untranslated_lesson_is_shown_in_english_with_a_notice(client, untranslated):
    response = client.get("/es/program/daily-mobility/")
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="es">' in page
    assert 'class="alert alert-info translation-notice" role="note"' in page
    assert '<h1 id="lesson-title" lang="en">Daily mobility</h1>' in page
    assert '<div class="article-body lesson-body" lang="en">' in page
    # Only the English page exists: no Spanish alternate is claimed; the switch goes to it.
    assert _alternates(page) == {}
    assert _switch(page) == [("/program/daily-mobility/", "en")]
    # The Spanish pager stays in Spanish around it.
    assert 'href="/es/program/calmar-una-recaida/" rel="prev"' in page
    assert 'href="/es/program/abrir-el-pecho-y-los-costados/" rel="next"' in page
    # The English reader sees no notice.
    english = client.get("/program/daily-mobility/").content.decode()
    assert "translation-notice" not in english and 'lang="en">Daily mobility' not in english
    assert _alternates(english) == {}
    assert _switch(english) == [("/es/program/daily-mobility/", "es")]


def test_the_spanish_overview_marks_an_untranslated_lesson(client, untranslated):
    page = client.get("/es/program/").content.decode()
    assert 'href="/es/program/daily-mobility/" lang="en">Daily mobility</a>' in page
    assert page.count('class="program-lesson-link"') == 8


def test_a_lesson_done_in_english_counts_in_spanish(client, lessons, spanish_lessons):
    client.post("/program/start/", GATE_CLEAR)
    client.post(f"{lessons[0].get_absolute_url()}done/")
    page = client.get("/es/program/").content.decode()
    assert "1 de 8 lecciones hechas" in page
    assert f'href="/es/program/{spanish_lessons[1].slug}/" aria-current="step"' in page
    # Done in Spanish: the next Spanish lesson, and the same place in the English program.
    response = client.post(f"{spanish_lessons[1].get_absolute_url()}done/")
    assert response["Location"] == spanish_lessons[2].get_absolute_url()
    assert client.session[progress.SESSION_KEY]["done"] == [1, 2]
    assert "2 of 8 lessons done" in client.get("/program/").content.decode()


def test_an_enrolled_clients_spanish_lesson_is_kept_against_the_english_one(
    client, lessons, spanish_lessons
):
    client.post("/es/program/start/", GATE_CLEAR)
    row = Enrolment.objects.create(email="ana@example.com", language="es")
    session = client.session
    session[progress.SESSION_KEY]["enrolment"] = row.pk
    session.save()
    client.post(f"{spanish_lessons[0].get_absolute_url()}done/")
    assert list(LessonDone.objects.values_list("lesson__slug", flat=True)) == ["starting-safely"]


def test_the_starting_point_is_saved_from_the_spanish_lesson(client, spanish_lessons):
    client.post("/es/program/start/", GATE_CLEAR)
    page = client.get("/es/program/entender-su-nudo/").content.decode()
    assert "Guarde su punto de partida" in page
    assert 'action="/es/program/baseline/"' in page
    response = client.post("/es/program/baseline/", {"pain": "6"})
    assert response.status_code == 400
    assert 'id="id_pain_6" checked' in response.content.decode()
    response = client.post("/es/program/baseline/", {"pain": "6", "limits": "5"})
    assert response["Location"] == "/es/program/entender-su-nudo/#your-starting-point"


def test_the_safety_gate_speaks_spanish(client, spanish_lessons):
    response = client.post("/es/program/start/", {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Indique si ha tosido sangre en los últimos 7 días." in page
    response = client.post("/es/program/start/", GATE_CLEAR)
    page = response.content.decode()
    assert "Puede empezar el programa" in page
    assert 'href="/es/program/empezar-con-seguridad/"' in page


def test_a_spanish_check_in_links_the_spanish_flare_up_plan(client, spanish_lessons):
    client.post("/es/program/start/", GATE_CLEAR)
    client.post("/es/program/baseline/", {"pain": "6", "limits": "5"})
    assert client.get("/es/program/check-in/4/").status_code == 200
    response = client.post("/es/program/check-in/4/", check_in(2, 3))
    page = response.content.decode()
    assert 'data-advice="better"' in page
    anchor = "section-su-plan-para-las-recaídas"
    assert f'href="/es/program/automasaje-y-seguir-adelante/#{anchor}"' in page
    assert f'id="{anchor}"' in spanish_lessons[7].body_html
    # A warning sign at the check-in under /es/ still says call 911, in Spanish.
    answers = check_in(2, 3, chest_pain_now="yes")
    page = client.post("/es/program/check-in/6/", answers).content.decode()
    assert 'data-advice="emergency"' in page and "911" in page


def test_related_articles_follow_the_lessons_language(client, spanish_lessons):
    original = spanish_lessons[0].translation_of
    first, second = Article.objects.filter(slug__in=original.related_articles[:2])
    Article.objects.filter(language="es").delete()  # whatever the demo translated
    make_article(
        "Cuándo el dolor no es un nudo",
        slug="cuando-no-es-un-nudo",
        language="es",
        translation_of=first,
    )
    make_article(
        "Borrador en español", slug="borrador", language="es", translation_of=second,
        published_days_ago=None,
    )  # fmt: skip
    page = client.get("/es/program/empezar-con-seguridad/").content.decode()
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert '<li><a href="/es/articles/cuando-no-es-un-nudo/">Cuándo el dolor no es un nudo' in (
        related
    )
    # A draft translation is not offered: the English article, marked as English.
    assert f'<li lang="en"><a href="/es/articles/{second.slug}/" hreflang="en">' in related
    assert "Borrador" not in related
    # The English lesson links the English articles.
    english_page = client.get(original.get_absolute_url()).content.decode()
    assert f'href="/articles/{first.slug}/"' in english_page
    assert "cuando-no-es-un-nudo" not in english_page
    # A lesson not yet in Spanish, read under /es/, still offers the Spanish article.
    spanish_lessons[0].delete()
    page = client.get(f"/es{original.get_absolute_url()}").content.decode()
    assert "not translated into your language" in page or "todavía no está traducida" in page
    related = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    assert '<li><a href="/es/articles/cuando-no-es-un-nudo/">Cuándo el dolor no es un nudo' in (
        related
    )
