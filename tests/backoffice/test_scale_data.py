"""`manage.py scale_data`: adds the made-up rows the pages are measured against, tops them up
without doubling, and removes exactly them, leaving the clinic's own rows alone."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from clinic.backoffice import scale
from clinic.booking import demo
from clinic.booking.models import BOOKED_STATUSES, BookingEvent, BookingRequest
from clinic.clients.models import Client, ClientBooking, ClientIntake
from education import search
from education.models import Article
from intake.models import Intake
from tests.factories import make_article, make_intake

pytestmark = pytest.mark.django_db

SMALL = ["--articles", "20", "--translated", "5", "--intakes", "50", "--bookings", "30"]


@pytest.fixture
def demo_clinic(db, settings):
    settings.DEBUG = True  # the demo login is made only in development
    demo.seed_staff()
    demo.seed_booking()


def run(*args) -> str:
    out = io.StringIO()
    call_command("scale_data", *args, stdout=out)
    return out.getvalue()


def scale_rows() -> dict[str, int]:
    return {
        "articles": Article.objects.filter(slug__startswith="scale-").count(),
        "intakes": Intake.objects.filter(email__endswith="@scale.example").count(),
        "bookings": BookingRequest.objects.filter(email__endswith="@scale.example").count(),
        "clients": Client.objects.filter(email__endswith="@scale.example").count(),
    }


def test_add_seeds_the_counts_asked_for_and_a_second_run_adds_nothing(demo_clinic):
    output = run("--add", *SMALL)

    assert "20 articles (5 Spanish translations), 50 intakes, 30 booking requests" in output
    first = scale_rows()
    assert first["articles"] == 25 and first["intakes"] == 50 and first["bookings"] == 30
    run("--add", *SMALL)
    assert scale_rows() == first


def test_the_seeded_bookings_reach_the_time_pages_open_times(demo_clinic):
    """bulk_create sends no signal: the seed says itself that bookings changed, so no process
    keeps a week of open times read before them (clinic/booking/availability.py)."""
    from clinic.booking.availability import BOOKED

    before = BOOKED.current()
    run("--add", "--articles", "0", "--translated", "0", "--intakes", "5", "--bookings", "5")
    assert BOOKED.current() != before


def test_articles_are_published_rendered_searchable_and_some_translated(demo_clinic):
    run("--add", *SMALL)

    english = Article.objects.filter(slug__startswith="scale-", language="en")
    spanish = Article.objects.filter(slug__startswith="scale-", language="es")
    assert english.count() == 20 and spanish.count() == 5
    assert all(a.translation_of.language == "en" for a in spanish.select_related("translation_of"))
    article = english.first()
    assert article.is_public()
    assert 600 <= article.word_count <= 1000
    assert "<h2" in article.body_html
    assert not Article.objects.filter(slug__startswith="scale-", search_vector=None).exists()
    found = search.run("shoulder blades", Article.objects.published().in_language("en"))
    assert found.matches is not None and found.matches.count() > 0


def test_intakes_are_triaged_by_the_rules_and_spread_over_time(demo_clinic):
    run("--add", "--articles", "0", "--intakes", "200", "--bookings", "0")

    intakes = Intake.objects.filter(email__endswith="@scale.example")
    levels = set(intakes.values_list("level", flat=True))
    assert {"SELF_CARE", "MEDICAL"} <= levels
    span = max(i.created_at for i in intakes) - min(i.created_at for i in intakes)
    assert span.days > 300
    assert intakes.exclude(review_status="new").filter(reviewed_by__isnull=True).count() == 0


def test_bookings_use_the_demo_therapists_without_double_booking(demo_clinic):
    run("--add", "--articles", "0", "--intakes", "60", "--bookings", "120")

    bookings = BookingRequest.objects.filter(email__endswith="@scale.example")
    statuses = set(bookings.values_list("status", flat=True))
    assert {"completed", "confirmed"} <= statuses and len(statuses) >= 4
    booked = list(bookings.filter(status__in=BOOKED_STATUSES).order_by("therapist", "start"))
    for earlier, later in itertools.pairwise(booked):
        if earlier.therapist_id == later.therapist_id:
            assert earlier.blocked_until <= later.start
    assert BookingEvent.objects.filter(request__in=bookings).count() >= bookings.count()
    # Every scale request and intake is filed under one client record per email.
    assert ClientBooking.objects.filter(booking__in=bookings).count() == bookings.count()
    assert ClientIntake.objects.filter(intake__email__endswith="@scale.example").count() == 60
    emails = Client.objects.filter(email__endswith="@scale.example").values("email")
    assert not emails.annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_remove_deletes_exactly_the_scale_rows(demo_clinic):
    own_article = make_article(title="Our own article")
    own_intake = make_intake(email="real.client@example.com")
    before = {
        "articles": Article.objects.count(),
        "intakes": Intake.objects.count(),
        "bookings": BookingRequest.objects.count(),
        "clients": Client.objects.count(),
    }
    run("--add", *SMALL)

    output = run("--remove")

    assert "Removed 20 articles (5 Spanish translations), 50 intakes, 30 booking" in output
    assert scale_rows() == {"articles": 0, "intakes": 0, "bookings": 0, "clients": 0}
    assert Article.objects.count() == before["articles"]
    assert Intake.objects.count() == before["intakes"]
    assert BookingRequest.objects.count() == before["bookings"]
    assert Client.objects.count() == before["clients"]
    assert Article.objects.filter(pk=own_article.pk).exists()
    assert Intake.objects.filter(pk=own_intake.pk).exists()


def test_add_needs_the_demo(db):
    with pytest.raises(CommandError, match="setup_demo"):
        run("--add", *SMALL)
    assert scale.present().intakes == 0


def test_the_command_reports_counts_never_answers(demo_clinic):
    output = run("--add", "--articles", "0", "--intakes", "20", "--bookings", "0")

    assert "20 intakes" in output
    for word in ("chest_pain", "blood_thinner", "answers"):
        assert word not in output
