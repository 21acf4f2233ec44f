import re
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from education.models import Article, ReaderQuestion
from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:education_article_changelist")
QUESTIONS = reverse("admin:education_readerquestion_changelist")


def action(client, url, name, objects):
    return client.post(
        url,
        {"action": name, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


# --- articles ---------------------------------------------------------------------------------


def test_new_article_from_the_admin_is_rendered_and_searchable(therapist_client):
    topic = make_topic("Self-care")
    response = therapist_client.post(
        reverse("admin:education_article_add"),
        {
            "language": "en",
            "title": "Hammock naps",
            "slug": "hammock-naps",
            "summary": "Why a hammock is a poor bed.",
            "body": "## Sagging\n\nA hammock curls your back.<script>alert(1)</script>",
            "status": "published",
            "published_at_0": "",
            "published_at_1": "",
            "author": "Clinic therapy team",
            "medical_reviewer": "",
            "last_reviewed": "",
            "topics": [topic.pk],
            "citations-TOTAL_FORMS": "1",
            "citations-INITIAL_FORMS": "0",
            "citations-0-position": "1",
            "citations-0-title": "A study",
            "citations-0-url": "https://example.org/study",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    article = Article.objects.get(slug="hammock-naps")
    assert article.is_public()  # publishing without a time means now
    assert '<h2 id="section-sagging">Sagging</h2>' in article.body_html
    assert "<script" not in article.body_html
    assert list(article.topics.all()) == [topic]
    assert article.citations.get().url == "https://example.org/study"
    search = therapist_client.get("/articles/", {"q": "hammocks"}).content.decode()
    assert "Hammock naps" in search


def test_editing_the_body_re_renders_it(therapist_client):
    article = make_article("Pillows")
    url = reverse("admin:education_article_change", args=[article.pk])
    form = therapist_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"topics", "published_at", "last_reviewed"} and value is not None
    }
    data.update(
        {
            "body": "## Brand new section\n\nFresh words.",
            "published_at_0": article.published_at.strftime("%Y-%m-%d"),
            "published_at_1": article.published_at.strftime("%H:%M:%S"),
            "last_reviewed": "2026-11-02",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        }
    )
    response = therapist_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    article.refresh_from_db()
    assert "Brand new section" in article.body_html
    assert article.toc[0]["title"] == "Brand new section"


def test_publish_and_unpublish_actions(therapist_client, anonymous):
    draft = make_article("Draft", published_days_ago=None)
    live = make_article("Live")

    response = action(therapist_client, ARTICLES, "publish", [draft, live])
    assert "1 article published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_public()
    assert anonymous.get(draft.get_absolute_url()).status_code == 200

    response = action(therapist_client, ARTICLES, "unpublish", [draft, live])
    assert "2 articles taken back to draft." in response.content.decode()
    assert anonymous.get(draft.get_absolute_url()).status_code == 404
    assert anonymous.get(live.get_absolute_url()).status_code == 404
    assert not Article.objects.published().exists()


def test_publish_keeps_a_scheduled_time(therapist_client):
    article = make_article("Later", published_days_ago=-3, status="draft")
    scheduled_for = article.published_at
    action(therapist_client, ARTICLES, "publish", [article])
    article.refresh_from_db()
    assert article.status == "published" and article.published_at == scheduled_for
    assert not article.is_public()


def test_article_changelist_filters_and_search(therapist_client):
    sleep = make_topic("Sleep")
    make_article("Pillow heights", topics=[sleep])
    make_article("Desk breaks", published_days_ago=None)

    drafts = therapist_client.get(ARTICLES, {"status__exact": "draft"}).content.decode()
    assert "Desk breaks" in drafts and "Pillow heights" not in drafts
    by_topic = therapist_client.get(ARTICLES, {"topics__id__exact": sleep.pk}).content.decode()
    assert "Pillow heights" in by_topic and "Desk breaks" not in by_topic
    found = therapist_client.get(ARTICLES, {"q": "pillow"}).content.decode()
    assert "Pillow heights" in found and "Desk breaks" not in found


def test_view_on_site_opens_a_draft_preview(therapist_client):
    draft = make_article("Draft", published_days_ago=None)
    change = therapist_client.get(reverse("admin:education_article_change", args=[draft.pk]))
    assert "View on site" in change.content.decode()

    content_type = ContentType.objects.get_for_model(Article)
    response = therapist_client.get(
        reverse("admin:view_on_site", args=[content_type.pk, draft.pk]), follow=True
    )
    assert response.status_code == 200
    assert "Preview." in response.content.decode()


def test_article_changelist_queries_do_not_grow_with_rows(
    therapist_client, django_assert_max_num_queries
):
    topics = [make_topic() for _ in range(3)]
    for _ in range(30):
        make_article(topics=topics)
    therapist_client.get(ARTICLES)
    with django_assert_max_num_queries(13):
        assert therapist_client.get(ARTICLES).status_code == 200


# --- reader questions -------------------------------------------------------------------------


def test_question_list_opens_on_pending(therapist_client):
    article = make_article()
    make_question(article, question="Waiting for you?")
    make_question(article, question="Already shown?", status="approved")

    html = therapist_client.get(QUESTIONS).content.decode()
    assert "Waiting for you?" in html and "Already shown?" not in html

    html = therapist_client.get(QUESTIONS, {"status": "all"}).content.decode()
    assert "Waiting for you?" in html and "Already shown?" in html


def test_approve_and_reject_actions(therapist_client, anonymous):
    article = make_article()
    good = make_question(article, question="Good question?", answer="Good answer.")
    spam = make_question(article, question="Buy cheap pills?")

    response = action(therapist_client, QUESTIONS, "approve", [good])
    assert "1 question approved." in response.content.decode()
    response = action(therapist_client, QUESTIONS, "reject", [spam])
    assert "1 question rejected." in response.content.decode()

    html = anonymous.get(article.get_absolute_url()).content.decode()
    assert "Good question?" in html and "Good answer." in html
    assert "Buy cheap pills?" not in html
    assert ReaderQuestion.objects.get(pk=spam.pk).status == "rejected"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Wrap a request so the work queued for after its commit runs, as it would for real."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def answer_in_admin(client, question, answer, status="approved", committed=None):
    url = reverse("admin:education_readerquestion_change", args=[question.pk])
    data = {"name": question.name, "question": question.question, "status": status}
    with committed():
        return client.post(url, {**data, "answer": answer})


def test_answering_records_who_and_when_and_emails_a_link_only(
    therapist_client, therapist, anonymous, committed
):
    article = make_article("Doorway stretch")
    question = make_question(
        article, question="My secret health worry?", wants_email=True, email="robin@example.com"
    )

    response = answer_in_admin(
        therapist_client, question, "Stretch gently, daily.", committed=committed
    )
    assert response.status_code == 302

    question.refresh_from_db()
    assert question.answered_by == therapist
    assert question.answered_at is not None
    assert question.notified_at is not None
    (email,) = mail.outbox
    assert email.to == ["robin@example.com"]
    link = f"http://127.0.0.1:8000/articles/{article.slug}/#question-{question.pk}"
    assert link in email.body
    assert "secret health worry" not in email.body + email.subject
    assert "Stretch gently" not in email.body
    assert "Robin" not in email.body
    html = anonymous.get(article.get_absolute_url()).content.decode()
    assert "Stretch gently, daily." in html


def test_the_asker_is_emailed_once_even_when_the_answer_is_edited(therapist_client, committed):
    question = make_question(make_article(), wants_email=True)
    answer_in_admin(therapist_client, question, "First answer.", committed=committed)
    answer_in_admin(therapist_client, question, "Better answer.", committed=committed)
    assert len(mail.outbox) == 1


def test_no_email_without_consent_or_before_approval(therapist_client, committed):
    article = make_article()
    no_consent = make_question(article, wants_email=False)
    answer_in_admin(therapist_client, no_consent, "An answer.", committed=committed)
    pending = make_question(article, wants_email=True, email="later@example.com")
    answer_in_admin(therapist_client, pending, "An answer.", "pending", committed=committed)
    assert mail.outbox == []

    # approving the answered one later sends the email then
    with committed():
        action(therapist_client, QUESTIONS, "approve", [pending])
    assert [email.to for email in mail.outbox] == [["later@example.com"]]


def test_clearing_an_answer_clears_who_and_when(therapist_client, committed):
    question = make_question(make_article())
    answer_in_admin(therapist_client, question, "An answer.", committed=committed)
    answer_in_admin(therapist_client, question, "  ", committed=committed)
    question.refresh_from_db()
    assert question.answer == "" and question.answered_by is None and question.answered_at is None


def test_questions_cannot_be_added_in_the_admin(therapist_client):
    assert therapist_client.get(reverse("admin:education_readerquestion_add")).status_code == 403


def test_front_desk_cannot_see_reader_questions(front_desk_client):
    assert front_desk_client.get(QUESTIONS).status_code == 403


def test_question_changelist_queries_do_not_grow_with_rows(
    therapist_client, therapist, django_assert_max_num_queries
):
    for number in range(30):
        make_question(make_article(), answered_by=therapist, question=f"Question {number}?")
    therapist_client.get(QUESTIONS)
    with django_assert_max_num_queries(13):
        assert therapist_client.get(QUESTIONS).status_code == 200


def test_admin_pages_open(therapist_client):
    article = make_article(topics=[make_topic()])
    question = make_question(article)
    for url in [
        ARTICLES,
        reverse("admin:education_article_add"),
        reverse("admin:education_article_change", args=[article.pk]),
        reverse("admin:education_topic_changelist"),
        QUESTIONS,
        reverse("admin:education_readerquestion_change", args=[question.pk]),
    ]:
        assert therapist_client.get(url).status_code == 200, url
    page = therapist_client.get(
        reverse("admin:education_readerquestion_change", args=[question.pk])
    ).content.decode()
    assert "robin@example.com" in page  # staff see the address the public never sees
    assert article.get_absolute_url() in page


def _article_form(client, article, **changes):
    url = reverse("admin:education_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"topics", "published_at", "last_reviewed"} and value is not None
    }
    data.update(
        {
            "published_at_0": article.published_at.strftime("%Y-%m-%d"),
            "published_at_1": article.published_at.strftime("%H:%M:%S"),
            "last_reviewed": "2026-11-02",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return url, data


def test_start_here_place_and_drawing_are_set_in_the_admin(therapist_client):
    article = make_article("What knots are")
    page = therapist_client.get(reverse("admin:education_article_change", args=[article.pk]))
    html = page.content.decode()
    assert "“Start here” position" in html and "1 for the very first" in html
    assert "The upper back and where knots often form" in html

    url, data = _article_form(
        therapist_client, article, start_here="1", figure="illustrations/upper-back-knots.svg"
    )
    assert therapist_client.post(url, data).status_code == 302

    article.refresh_from_db()
    assert article.start_here == 1 and article.figure == "illustrations/upper-back-knots.svg"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("start_here", "-1", "Ensure this value is greater than or equal to 0."),
        ("figure", "illustrations/hero.svg", "Select a valid choice."),
    ],
)
def test_bad_start_here_or_figure_is_refused_beside_the_field(
    therapist_client, field, value, message
):
    article = make_article("What knots are")
    url, data = _article_form(therapist_client, article, **{field: value})

    response = therapist_client.post(url, data)

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    article.refresh_from_db()
    assert article.start_here is None and article.figure == ""


def test_a_body_naming_a_missing_drawing_is_refused_and_kept(therapist_client):
    article = make_article("Stretches")
    body = "Intro.\n\n![A person stretching](exercises/no-such-drawing.svg)\n"
    url, data = _article_form(therapist_client, article, body=body)

    response = therapist_client.post(url, data)

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["body"])
    assert "There is no drawing static/img/exercises/no-such-drawing.svg." in errors
    assert "exercises/no-such-drawing.svg" in response.content.decode()  # the text is kept
    article.refresh_from_db()
    assert "no-such-drawing" not in article.body


# --- translations -----------------------------------------------------------------------------


def add_translation(client, original, **changes):
    data = {
        "language": "es",
        "translation_of": original.pk,
        "title": "Siestas en hamaca",
        "slug": "siestas-en-hamaca",
        "summary": "Por qué una hamaca no es una buena cama.",
        "body": "## Se hunde\n\nUna hamaca le curva la espalda.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "author": "Equipo de terapia",
        "medical_reviewer": "",
        "last_reviewed": "",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(reverse("admin:education_article_add"), data)


def field_error(html: str, field: str) -> str:
    """The message shown next to one field (the project's field template)."""
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</(?:ul|div|p)>', html, flags=re.S)
    assert match, f"no error beside {field}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_a_spanish_translation_is_added_from_the_original_prefilled(therapist_client):
    original = make_article("Hammock naps", topics=[make_topic()])
    change = therapist_client.get(
        reverse("admin:education_article_change", args=[original.pk])
    ).content.decode()
    link = re.search(r'<a class="addlink" href="([^"]+)">Add Spanish translation</a>', change)
    assert link, "the original's page offers to add its Spanish translation"
    add_page = therapist_client.get(link.group(1).replace("&amp;", "&"))
    form = add_page.context["adminform"].form
    assert form.initial["language"] == "es"
    assert str(form.initial["translation_of"]) == str(original.pk)

    response = add_translation(therapist_client, original)

    assert response.status_code == 302, response.content.decode()[:2000]
    spanish = Article.objects.get(slug="siestas-en-hamaca")
    assert spanish.language == "es" and spanish.translation_of == original
    change = therapist_client.get(
        reverse("admin:education_article_change", args=[original.pk])
    ).content.decode()
    assert "Siestas en hamaca" in change and "Add Spanish translation" not in change


def test_a_translation_without_its_texts_is_refused_beside_each_field(therapist_client):
    original = make_article()

    response = add_translation(
        therapist_client, original, title="", slug="", summary="", body="", author="Equipo"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert Article.objects.filter(language="es").count() == 0
    assert field_error(html, "title") == "Enter the title, written in the article's language."
    assert field_error(html, "slug").startswith("Enter the address (slug) in the article's")
    assert field_error(html, "summary").startswith("Enter a summary of one or two sentences")
    assert field_error(html, "body") == (
        "Enter the text of the article, written in the article's language."
    )
    assert 'value="Equipo"' in html  # what was typed stays


def test_a_second_spanish_translation_is_refused_in_words(therapist_client):
    original = make_article("Hammock naps")
    make_article("Siestas", language="es", translation_of=original)

    response = add_translation(therapist_client, original)

    html = response.content.decode()
    assert response.status_code == 200
    assert field_error(html, "translation_of") == (
        "“Hammock naps” already has a translation in this language: “Siestas”. Edit that one "
        "instead of adding a second."
    )
    assert Article.objects.filter(language="es").count() == 1


def test_a_translation_of_a_translation_or_in_english_is_refused_in_words(therapist_client):
    original = make_article("Hammock naps")
    spanish = make_article("Siestas", language="es", translation_of=original)

    of_translation = add_translation(therapist_client, spanish).content.decode()
    in_english = add_translation(therapist_client, original, language="en").content.decode()

    assert field_error(of_translation, "translation_of").startswith(
        "Choose an English article: a translation translates an English original"
    )
    assert field_error(in_english, "language").startswith(
        "A translation of an English article is written in another language"
    )
    assert Article.objects.count() == 2


def test_article_list_shows_language_and_which_lack_spanish(therapist_client):
    translated = make_article("Translated one")
    make_article("Una traducción", language="es", translation_of=translated)
    make_article("Lonely one")

    html = therapist_client.get(ARTICLES).content.decode()
    missing = therapist_client.get(ARTICLES, {"spanish": "missing"}).content.decode()

    assert re.search(r"Translated one.*?field-spanish_translation\">✓<", html, flags=re.S)
    assert re.search(r"Lonely one.*?field-spanish_translation\">missing<", html, flags=re.S)
    assert "Missing a Spanish translation" in html
    assert "Lonely one" in missing
    assert "Translated one" not in missing and "Una traducción" not in missing


def test_a_translation_links_to_its_original_and_opens_at_its_own_address(therapist_client):
    original = make_article("Hammock naps")
    spanish = make_article(language="es", translation_of=original, slug="una-traduccion")
    html = therapist_client.get(
        reverse("admin:education_article_change", args=[spanish.pk])
    ).content.decode()
    original_page = reverse("admin:education_article_change", args=[original.pk])
    assert f'Translates <a href="{original_page}">Hammock naps</a>' in html
    assert re.search(r'href="/es/articles/una-traduccion/"[^>]*>View on site', html)


def test_topic_names_are_edited_side_by_side_and_missing_spanish_is_listed(therapist_client):
    from education.models import Topic

    make_topic("Sleep", slug="sleep", name_es="Sueño")
    make_topic("Desk work", slug="desk")
    url = reverse("admin:education_topic_changelist")

    listing = therapist_client.get(url).content.decode()
    missing = therapist_client.get(url, {"spanish": "missing"}).content.decode()
    page = therapist_client.get(
        reverse("admin:education_topic_change", args=[Topic.objects.get(slug="desk").pk])
    ).content.decode()

    assert "Desk work" in missing and "Sleep" not in missing
    assert "Missing" in listing
    assert 'name="name_en"' in page and 'name="name_es"' in page
    assert 'name="description_en"' in page and 'name="description_es"' in page
    assert page.index('name="name_en"') < page.index('name="name_es"')
    assert "cdn" not in page.lower() and "googleapis" not in page


def test_article_changelist_with_translations_queries_do_not_grow_with_rows(
    therapist_client, django_assert_max_num_queries
):
    topics = [make_topic() for _ in range(3)]
    for _ in range(20):
        original = make_article(topics=topics)
        make_article(topics=topics, language="es", translation_of=original)
    therapist_client.get(ARTICLES)
    with django_assert_max_num_queries(13):
        assert therapist_client.get(ARTICLES).status_code == 200
