"""The clinic's front: home, /services/, /therapists/ and /visit/, as a new client reads them."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from clinic.core.models import ClinicSettings
from intake import steps as intake_steps
from tests.factories import make_article, make_service, make_therapist

pytestmark = pytest.mark.django_db

FRONT_PAGES = ["/", "/services/", "/therapists/", "/visit/"]


@pytest.fixture
def clinic_front(db):
    """Two sessions, two therapists (one drawn, one without any picture), one who is away."""
    make_service(
        "deep-tissue-60",
        minutes=60,
        price="95.00",
        name="Deep tissue 60",
        description="Slow, firm work on the upper back.",
    )
    make_service("deep-tissue-90", minutes=90, price="135.50", name="Deep tissue 90")
    make_service("retired-30", minutes=30, price="40.00", name="Old short session", active=False)
    make_therapist(
        "alex-morgan",
        display_name="Alex Morgan",
        credentials="Licensed Massage Therapist (LMT), 12 years",
        specialties="Upper back and neck",
        bio="Explains what they find as they go.",
    )
    make_therapist(
        "jo-lee", display_name="Jo Lee", credentials="LMT, 3 years", accepts_new_clients=False
    )
    make_therapist("gone", display_name="Former Colleague", active=False)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def links(html: str) -> dict[str, str]:
    """Each link's visible text -> its address."""
    found = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    return {text_of(inner).strip(): href.replace("&amp;", "&") for href, inner in found}


# --- home ---------------------------------------------------------------------------------------


def test_home_has_one_main_action_and_the_check_with_its_honest_length(client, clinic_front):
    html = client.get("/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("btn-primary") == 1
    assert links(main)["Book a deep tissue session"] == "/book/"
    assert links(main)["Take the pre-visit check"] == "/intake/"
    length = text_of(main)
    assert f"{intake_steps.LAST} short steps" in length
    assert f"about {intake_steps.MINUTES} minutes" in length
    assert "a few minutes" not in length


def test_home_hero_is_drawn_sized_and_not_lazy(client, clinic_front):
    html = client.get("/").content.decode()
    hero = re.search(r'<img class="hero-art"[^>]*>', html).group(0)
    assert "illustrations/hero.svg" in hero
    assert 'width="640" height="480"' in hero
    assert 'loading="lazy"' not in hero
    assert re.search(r'alt="[^"]{20,}"', hero)


def test_home_explains_how_it_works_in_three_steps(client, clinic_front):
    html = client.get("/").content.decode()
    steps = re.search(r'<ol class="how-steps">(.*?)</ol>', html, re.S).group(1)
    assert steps.count("<li>") == 3
    assert [links(steps)[name] for name in links(steps)] == ["/intake/", "/book/", "/visit/"]


def test_home_lists_sessions_with_length_and_price(client, clinic_front):
    text = text_of(client.get("/").content.decode())
    assert "Deep tissue 60 60 minutes $95" in text
    assert "Deep tissue 90 90 minutes $135.50" in text
    assert "Slow, firm work on the upper back." in text
    assert "Old short session" not in text


def test_home_shows_therapists_with_picture_credentials_and_bio(client, clinic_front):
    html = client.get("/").content.decode()
    text = text_of(html)
    assert "Licensed Massage Therapist (LMT), 12 years" in text
    assert "Explains what they find as they go." in text
    assert "Former Colleague" not in text
    # The demo's drawn avatar where the project has one, initials where it has none.
    assert "img/avatars/alex-morgan.svg" in html
    assert re.search(r'<span class="avatar avatar-initials" aria-hidden="true">JL</span>', html)


def test_home_shows_hours_address_map_parking_what_to_bring_and_cancelling(client, clinic_front):
    ClinicSettings.objects.update_or_create(
        pk=1,
        defaults={
            "address": "12 Pine Road\nBoulder, CO 80302",
            "opening_hours": "Tuesday to Saturday 10:00-19:00",
            "parking": "Two free spaces at the back door.",
            "what_to_bring": "Your pre-visit check result.",
            "cancellation_policy": "Late cancellations may be charged half the price.",
            "cancellation_cutoff_hours": 48,
        },
    )
    html = client.get("/").content.decode()
    text = text_of(html)
    for words in (
        "Tuesday to Saturday 10:00-19:00",
        "12 Pine Road",
        "Two free spaces at the back door.",
        "Your pre-visit check result.",
        "Late cancellations may be charged half the price.",
        "48 hours before your appointment",
    ):
        assert words in text, words
    # No map owner link: an OpenStreetMap search for the address, and no embedded map.
    maps = links(html)["Open in maps"]
    parts = urlsplit(maps)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.openstreetmap.org", "/search")
    assert parse_qs(parts.query) == {"query": ["12 Pine Road, Boulder, CO 80302"]}
    assert "<iframe" not in html


def test_the_owners_map_link_wins(client, clinic_front):
    ClinicSettings.objects.update_or_create(
        pk=1, defaults={"map_link": "https://www.openstreetmap.org/node/123"}
    )
    html = client.get("/").content.decode()
    assert links(html)["Open in maps"] == "https://www.openstreetmap.org/node/123"


def test_home_shows_the_three_newest_published_articles(client, clinic_front):
    make_article("Oldest article", published_days_ago=9)
    make_article("Third newest", published_days_ago=3)
    make_article("Second newest", published_days_ago=2)
    make_article("Newest article", published_days_ago=1)
    make_article("A draft", published_days_ago=None)
    make_article("Scheduled for later", published_days_ago=-2)
    text = text_of(client.get("/").content.decode())
    shown = re.findall(r"(Newest article|Second newest|Third newest|Oldest article)", text)
    assert shown == ["Newest article", "Second newest", "Third newest"]
    assert "A draft" not in text and "Scheduled for later" not in text
    assert "minute read" in text


def test_home_query_count_does_not_grow_with_the_clinic(
    client, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_ENABLED = False  # the rendering's cost, not the cache's
    for number in range(8):
        make_service(f"session-{number}", minutes=30 + number, price=Decimal(50 + number))
        make_therapist(f"therapist-{number}", display_name=f"Therapist {number}")
        make_article(f"Article {number}", published_days_ago=number + 1)
    client.get("/")  # warm the settings cache, as on any running site
    with django_assert_max_num_queries(3):
        response = client.get("/")
    assert response.status_code == 200
    assert text_of(response.content.decode()).count("Book with Therapist") == 8


def test_the_spanish_home_lists_the_newest_articles_in_spanish(client):
    original = make_article("Stretches at home", published_days_ago=2)
    make_article(
        "Estiramientos en casa",
        slug="estiramientos-en-casa",
        language="es",
        translation_of=original,
        published_days_ago=1,
    )
    make_article("Only in English", slug="only-in-english", published_days_ago=3)
    spanish = client.get("/es/").content.decode()
    assert 'href="/es/articles/estiramientos-en-casa/"' in spanish
    assert "Stretches at home" not in spanish
    assert "Only in English" in spanish  # not translated yet: offered, in English
    english = client.get("/").content.decode()
    assert "Stretches at home" in english and "Estiramientos" not in english


def test_home_without_sessions_therapists_or_articles_still_offers_both_ways_in(client):
    html = client.get("/").content.decode()
    assert links(html)["Book a deep tissue session"] == "/book/"
    assert links(html)["Take the pre-visit check"] == "/intake/"
    assert "Sessions and prices" not in html and "New articles" not in html


# --- services, therapists, first visit ----------------------------------------------------------


def test_services_page_lists_each_session_with_a_link_that_chooses_it(client, clinic_front):
    html = client.get("/services/").content.decode()
    assert links(html)["Book Deep tissue 90"] == "/book/?change=1&service=deep-tissue-90"
    assert "Deep tissue 90 90 minutes $135.50" in text_of(html)
    chosen = client.get("/book/?change=1&service=deep-tissue-90").content.decode()
    assert re.search(r'value="deep-tissue-90"[^>]* checked', chosen)


def test_therapists_page_books_with_that_therapist_chosen(client, clinic_front):
    html = client.get("/therapists/").content.decode()
    assert links(html)["Book with Alex"] == "/book/?change=1&therapist=alex-morgan"
    chosen = client.get(links(html)["Book with Alex"]).content.decode()
    assert re.search(r'value="alex-morgan"[^>]* checked', chosen)
    # Someone not taking new clients is shown, without a booking link.
    assert "Jo Lee" in html and "Book with Jo" not in html
    assert "Not taking new clients at the moment." in html


def test_first_visit_page_shows_what_the_owner_wrote_in_paragraphs(client):
    ClinicSettings.objects.update_or_create(
        pk=1,
        defaults={
            "visit_what_to_expect": "We talk first.\n\nThen the massage.",
            "visit_what_to_wear": "Something loose.",
            "visit_arrive_early": "Come fifteen minutes early.",
            "visit_aftercare": "Drink water.",
        },
    )
    html = client.get("/visit/").content.decode()
    assert "<p>We talk first.</p>" in html and "<p>Then the massage.</p>" in html
    for words in ("Something loose.", "Come fifteen minutes early.", "Drink water."):
        assert words in html
    for heading in ("What to expect", "What to wear", "Arriving", "Afterwards"):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", html), heading
    assert links(html)["Take the pre-visit check"] == "/intake/"
    assert links(html)["Book a deep tissue session"] == "/book/"


def test_first_visit_defaults_are_written_for_a_new_client(client):
    text = text_of(client.get("/visit/").content.decode())
    assert "Say “lighter” or “stop” at any time" in text
    assert "arrive about 10 minutes early" in text
    assert "soreness for a day or two is normal" in text


def test_a_section_the_owner_empties_disappears_with_its_link(client):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"visit_what_to_wear": ""})
    html = client.get("/visit/").content.decode()
    assert "What to wear" not in html and 'href="#wear"' not in html


@pytest.mark.parametrize("url", FRONT_PAGES)
def test_each_front_page_has_title_description_one_h1_and_landmarks(client, clinic_front, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Unknot Demo Clinic" in title and len(title) < 90
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert 50 <= len(description) <= 200
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'href="/book/' in html[html.index("<main") :]


@pytest.mark.parametrize("url", FRONT_PAGES)
def test_front_pages_answer_get_only(client, url):
    assert client.post(url).status_code == 405


def test_the_menu_offers_every_front_page_and_marks_the_current_one(client):
    html = client.get("/therapists/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert list(links(nav).items()) == [
        ("Articles", "/articles/"),
        ("Pre-visit check", "/intake/"),
        ("Services", "/services/"),
        ("Therapists", "/therapists/"),
        ("Your first visit", "/visit/"),
        ("Book", "/book/"),
    ]
    assert '<a href="/therapists/" aria-current="page">' in nav
    assert '<a class="btn btn-primary" href="/book/">' in nav


def test_clinic_settings_admin_groups_the_front_page_texts(admin_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ClinicSettings.load()
    html = admin_client.get("/admin/core/clinicsettings/1/change/").content.decode()
    for heading in (
        "Getting here and what to bring",
        "Your first visit page",
        "Cancellation and no-show policy",
    ):
        assert heading in html
    for name in ("map_link", "cancellation_cutoff_hours"):
        assert f'name="{name}"' in html, name
    for text in (
        "parking",
        "what_to_bring",
        "visit_what_to_expect",
        "visit_what_to_wear",
        "visit_arrive_early",
        "visit_aftercare",
        "cancellation_policy",
    ):
        for language in ("en", "es"):
            assert f'name="{text}_{language}"' in html, (text, language)
