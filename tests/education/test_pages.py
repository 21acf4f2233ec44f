import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from education.models import Article
from tests.factories import make_article, make_question, make_topic

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def jsonld_blocks(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S
        )
    ]


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_newest_first_ten_a_page(client):
    for days in range(12):
        make_article(f"Article {days} days old", published_days_ago=days + 1)

    first = html_of(client.get("/articles/"))
    second = html_of(client.get("/articles/", {"page": 2}))

    assert first.index("Article 0 days old") < first.index("Article 9 days old")
    assert "Article 10 days old" not in first
    assert "Article 10 days old" in second and "Article 11 days old" in second
    assert 'href="?page=2"' in first
    assert 'rel="canonical" href="http://127.0.0.1:8000/articles/?page=2"' in second


def test_list_hides_drafts_and_scheduled_articles(client):
    make_article("Visible one")
    make_article("Draft one", published_days_ago=None)
    make_article("Tomorrow one", published_days_ago=-1)

    html = html_of(client.get("/articles/"))

    assert "Visible one" in html
    assert "Draft one" not in html and "Tomorrow one" not in html


def test_a_bad_page_number_shows_a_page_not_an_error(client):
    make_article("Visible one")
    assert "Visible one" in html_of(client.get("/articles/", {"page": "999"}))
    assert "Visible one" in html_of(client.get("/articles/", {"page": "abc"}))


def test_topic_filter(client):
    sleep = make_topic("Sleep", slug="sleep", description="Rest and pillows.")
    make_article("Pillow heights", topics=[sleep])
    make_article("Desk breaks")

    html = html_of(client.get("/articles/", {"topic": "sleep"}))

    assert "Pillow heights" in html and "Desk breaks" not in html
    assert "<h1>Sleep</h1>" in html and "Rest and pillows." in html
    assert 'href="/articles/?topic=sleep" aria-current="page"' in html


def test_unknown_topic_is_404(client):
    make_article()
    assert client.get("/articles/", {"topic": "no-such-topic"}).status_code == 404


def test_topics_without_published_articles_are_not_offered(client):
    empty = make_topic("Nothing yet", slug="nothing-yet")
    make_article("Draft", topics=[empty], published_days_ago=None)
    make_article("Visible")

    assert "Nothing yet" not in html_of(client.get("/articles/"))


# --- one article ------------------------------------------------------------------------------


def test_article_page_shows_what_a_reader_needs(client):
    care = make_topic("Self-care", slug="self-care")
    article = make_article(
        "Doorway stretch",
        topics=[care],
        citations=[("A review of stretching", "https://example.org/review")],
        last_reviewed=dt.date(2026, 11, 6),
    )

    html = html_of(client.get(article.get_absolute_url()))

    assert '<h1 id="article-title">Doorway stretch</h1>' in html
    assert "By Clinic therapy team" in html
    assert "1 min read" in html
    assert "Reviewed by Clinic clinical lead on" in html and "Medically" not in html
    assert '<time datetime="2026-11-06">Nov. 6, 2026</time>' in html
    # table of contents linking to the headings' ids
    assert '<a href="#section-why-they-form">Why they form</a>' in html
    assert '<h2 id="section-why-they-form">' in html
    assert '<a href="#section-a-closer-look">A closer look</a>' in html
    # sources, calls to action
    assert '<a href="https://example.org/review" rel="noopener noreferrer">' in html
    assert 'href="/intake/"' in html and 'href="/book/"' in html
    assert 'href="/articles/?topic=self-care"' in html


def test_related_articles_share_a_topic_most_shared_first_at_most_three(client):
    neck, desk, sleep = make_topic("Neck"), make_topic("Desk"), make_topic("Sleep")
    article = make_article("Main article", topics=[neck, desk])
    make_article("Shares both", topics=[neck, desk], published_days_ago=5)
    for number in range(3):
        make_article(f"Shares one {number}", topics=[desk], published_days_ago=number + 1)
    make_article("Shares none", topics=[sleep])
    make_article("Draft sharing both", topics=[neck, desk], published_days_ago=None)

    html = html_of(client.get(article.get_absolute_url()))
    related = html[html.index('id="related-title"') : html.index('id="questions-title"')]

    assert related.index("Shares both") < related.index("Shares one 0")
    assert "Shares one 0" in related and "Shares one 1" in related
    assert "Shares one 2" not in related  # three at most
    assert "Shares none" not in related and "Draft sharing both" not in related
    assert "Main article" not in related


def test_seo_title_description_canonical_and_open_graph(client):
    article = make_article("Doorway stretch", summary="Open the chest & ease the back.")

    html = html_of(client.get(article.get_absolute_url()))
    url = f"http://127.0.0.1:8000/articles/{article.slug}/"

    assert "<title>Doorway stretch | " in html
    assert '<meta name="description" content="Open the chest &amp; ease the back.">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Doorway stretch">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert 'property="article:published_time"' in html


def test_jsonld_is_a_medical_web_page_that_parses(client):
    article = make_article(
        "Doorway stretch",
        last_reviewed=dt.date(2026, 11, 6),
        published_at=timezone.make_aware(dt.datetime(2026, 10, 6, 9)),
        author="Pat Writer",
        medical_reviewer="Dr. Lee Reviewer",
    )

    (data,) = jsonld_blocks(html_of(client.get(article.get_absolute_url())))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["author"] == {"@type": "Person", "name": "Pat Writer"}
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr. Lee Reviewer"}
    assert data["lastReviewed"] == "2026-11-06"
    assert data["datePublished"] == "2026-10-06T09:00:00-06:00"
    assert dt.datetime.fromisoformat(data["dateModified"]) >= article.published_at
    assert data["url"] == f"http://127.0.0.1:8000/articles/{article.slug}/"


def test_jsonld_cannot_be_broken_out_of(client):
    article = make_article(
        "Knots </script><script>alert(1)</script>", summary="A & B <!-- and --> C"
    )

    html = html_of(client.get(article.get_absolute_url()))
    head = html[: html.index("</head>")]

    assert head.count("<script") == 1  # only the JSON-LD block
    (data,) = jsonld_blocks(html)
    assert data["name"] == "Knots </script><script>alert(1)</script>"
    assert data["description"] == "A & B <!-- and --> C"


def test_unknown_article_is_404(client):
    assert client.get("/articles/no-such-article/").status_code == 404


# --- drafts and scheduled articles ------------------------------------------------------------


@pytest.mark.parametrize("days", [None, -1], ids=["draft", "scheduled"])
def test_drafts_and_scheduled_articles_are_404_for_the_public(client, days):
    article = make_article("Not yet", published_days_ago=days)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("days", [None, -1], ids=["draft", "scheduled"])
def test_staff_who_edit_articles_can_preview_them(therapist_client, days):
    article = make_article("Not yet", published_days_ago=days)

    response = therapist_client.get(article.get_absolute_url())
    html = html_of(response)

    assert "Not yet" in html
    assert "Preview." in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert 'id="ask"' not in html  # no question form on a preview


def test_staff_without_article_permission_cannot_preview(front_desk_client):
    article = make_article("Not yet", published_days_ago=None)
    assert front_desk_client.get(article.get_absolute_url()).status_code == 404


def test_a_preview_becomes_public_when_published(client):
    article = make_article("Soon", published_days_ago=None)
    assert client.get(article.get_absolute_url()).status_code == 404
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    assert "Soon" in html_of(client.get(article.get_absolute_url()))


def test_wrong_method_is_405(client):
    article = make_article()
    assert client.put(article.get_absolute_url()).status_code == 405
    assert client.post(article.get_absolute_url()).status_code == 405  # questions: its ask page
    assert client.post("/articles/").status_code == 405


# --- strict CSP: nothing inline ---------------------------------------------------------------


def test_no_inline_scripts_or_styles_on_any_education_page(client, therapist_client):
    topic = make_topic("Self-care", slug="self-care")
    article = make_article("Stretches", topics=[topic], body="## <b style=x>Hi</b>\n\ntext")
    make_question(article, status="approved", answer="Yes, gently.")
    draft = make_article("Draft", published_days_ago=None)
    pages = [
        client.get("/articles/"),
        client.get("/articles/", {"topic": "self-care"}),
        client.get("/articles/", {"q": "stretches"}),
        client.get("/articles/", {"q": "strteches"}),
        client.get("/articles/", {"q": "x" * 300}),
        client.get(article.get_absolute_url()),
        client.get(f"{article.get_absolute_url()}ask/"),
        client.post(f"{article.get_absolute_url()}ask/", {"name": "", "question": ""}),
        client.get("/es/articles/"),
        client.get(f"/es{article.get_absolute_url()}"),
        therapist_client.get(draft.get_absolute_url()),
    ]
    for response in pages:
        html = response.content.decode()
        assert "style=" not in html, response.request
        for attrs in re.findall(r"<script\b([^>]*)>", html):
            assert "src=" in attrs or 'type="application/ld+json"' in attrs, attrs
        assert not re.search(r"\son[a-z]+=", html)
        assert "unsafe-inline" not in response["Content-Security-Policy"]


# --- "Start here", reading time, drawings and the booking box -------------------------------


def test_start_here_comes_first_in_its_order_then_the_rest_newest_first(client):
    make_article("Old news", published_days_ago=30)
    make_article("Second step", start_here=2, published_days_ago=1, body="word " * 1100)
    make_article("First step", start_here=1, published_days_ago=90)
    make_article("Fresh news", published_days_ago=2)
    make_article("Hidden step", start_here=3, published_days_ago=None)

    html = html_of(client.get("/articles/"))
    start = html[html.index('id="start-here-title"') : html.index("</section>")]

    assert start.index("First step") < start.index("Second step")
    assert "6 min read" in start and "1 min read" in start
    assert "Hidden step" not in html
    rest = html[html.index("</section>") :]
    assert "First step" not in rest and "Second step" not in rest  # listed once
    assert "More articles, newest first" in rest
    assert rest.index("Fresh news") < rest.index("Old news")
    # the start-here block comes before the search box and the topics
    assert html.index('id="start-here-title"') < html.index('role="search"')


def test_start_here_is_only_on_the_first_page_of_the_full_list(client):
    care = make_topic("Self-care", slug="self-care")
    make_article("First step", start_here=1, topics=[care])
    for days in range(12):
        make_article(f"Article {days}", published_days_ago=days + 1)

    assert "First step" not in html_of(client.get("/articles/", {"page": 2}))
    topic_page = html_of(client.get("/articles/", {"topic": "self-care"}))
    assert 'id="start-here-title"' not in topic_page and "First step" in topic_page
    assert 'id="start-here-title"' not in html_of(client.get("/articles/", {"q": "step"}))


BODY_WITH_SECTIONS = (
    "Knots are common.\n\n## What a knot is\n\nA tight spot.\n\n"
    "## Where they form\n\nBetween the shoulder blades.\n\n## When to get help\n\nSoon.\n"
)


def test_the_booking_box_comes_after_the_first_section_and_at_the_end(client):
    article = make_article("Knots", body=BODY_WITH_SECTIONS)

    html = html_of(client.get(article.get_absolute_url()))

    first_box = html.index('class="booking-box booking-box-inline"')
    assert html.index("A tight spot.") < first_box < html.index('id="section-where-they-form"')
    end_box = html.index('class="booking-box next-steps"')
    assert html.index("Soon.") < end_box
    for box in (html[first_box:], html[end_box:]):
        box = box[: box.index("</p>\n", box.index('class="button-row"'))]
        assert "Knots that keep coming back?" in box
        assert '<a class="btn btn-primary" href="/book/">Book a deep tissue session</a>' in box
        assert 'href="/intake/">Take the pre-visit check</a>' in box


def test_a_short_article_has_only_the_booking_box_at_the_end(client):
    article = make_article("Short", body="Just a few words.\n\n## Only section\n\nMore.")
    html = html_of(client.get(article.get_absolute_url()))
    assert "booking-box-inline" not in html
    assert html.count("Knots that keep coming back?") == 1


def test_reading_time_is_shown_in_minutes(client):
    article = make_article("Long", body="word " * 1150)
    assert article.reading_minutes == 6
    assert "6 min read" in html_of(client.get(article.get_absolute_url()))


def test_the_upper_back_drawing_follows_the_introduction(client):
    article = make_article(
        "What knots are", body=BODY_WITH_SECTIONS, figure="illustrations/upper-back-knots.svg"
    )

    html = html_of(client.get(article.get_absolute_url()))

    figure = re.search(r'<figure class="article-figure">(<img [^>]+>)</figure>', html)
    assert figure, "no figure"
    img = figure.group(1)
    assert 'src="/static/img/illustrations/upper-back-knots.svg"' in img
    assert 'width="480" height="400"' in img
    assert 'loading="lazy" decoding="async"' in img
    assert 'alt="The upper back seen from behind: the spine, both shoulder blades' in img
    assert html.index("Knots are common.") < figure.start() < html.index("A tight spot.")


def test_articles_without_a_figure_show_none(client):
    html = html_of(client.get(make_article("Plain", body=BODY_WITH_SECTIONS).get_absolute_url()))
    assert "<figure" not in html and "upper-back-knots.svg" not in html


def test_drawings_in_the_body_get_their_static_address(client):
    article = make_article(
        "Stretches",
        body="Intro.\n\n![A person sits tall on a chair.](exercises/chin-tuck-1.svg)\n\n"
        '!!! stop "Stop if"\n    your arm tingles\n',
    )

    html = html_of(client.get(article.get_absolute_url()))

    assert re.search(
        r'<figure class="article-figure"><img src="/static/img/exercises/chin-tuck-1\.svg" '
        r'alt="A person sits tall on a chair\." width="\d+" height="\d+" loading="lazy" '
        r'decoding="async"></figure>',
        html,
    )
    assert '<div aria-label="Stop if" class="callout callout-stop" role="note">' in html


def test_a_start_here_article_points_to_the_next_one(client):
    first = make_article("First step", start_here=1)
    make_article("Hidden step", start_here=2, published_days_ago=None)
    make_article("Third step", start_here=3)
    last = make_article("Last step", start_here=4)

    html = html_of(client.get(first.get_absolute_url()))
    assert "Next in “Start here”:" in html
    assert "Third step" in html[html.index("start-here-next") :] and "Hidden step" not in html
    assert "start-here-next" not in html_of(client.get(last.get_absolute_url()))
    assert "start-here-next" not in html_of(client.get(make_article("Other").get_absolute_url()))


def test_jsonld_names_the_drawing_of_an_article_that_has_one(client):
    article = make_article("Knots", figure="illustrations/upper-back-knots.svg")
    (data,) = jsonld_blocks(html_of(client.get(article.get_absolute_url())))
    assert data["image"] == "http://127.0.0.1:8000/static/img/illustrations/upper-back-knots.svg"
