"""Services, therapists and the clinic's own texts in Spanish: the Spanish pages show them, a
text not yet translated shows its English, and a Spanish client's emails name the session in
Spanish."""

import re

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.booking import demo, pipeline
from clinic.booking.models import Service, Therapist
from clinic.booking.translation import SERVICE_TEXTS, THERAPIST_TEXTS
from clinic.core.models import ClinicSettings
from clinic.core.translation import CLINIC_TEXTS, untranslated
from tests.booking.support import local
from tests.factories import make_intake, make_service, make_staff, make_therapist

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def bilingual(db):
    """One session and one therapist in both languages, one session and one therapist in
    English only, and clinic texts with some Spanish."""
    make_service(
        "deep-tissue-60",
        name_en="Deep tissue 60",
        name_es="Masaje profundo 60",
        description_en="Slow, firm work on the upper back.",
        description_es="Trabajo lento y firme en la parte alta de la espalda.",
    )
    make_service("neck-30", minutes=30, name_en="Neck 30", description_en="Only the neck, gently.")
    make_therapist(
        "alex-morgan",
        display_name="Alex Morgan",
        credentials_en="Licensed Massage Therapist (LMT), 12 years",
        credentials_es="Terapeuta de masaje con licencia (LMT), 12 años",
        specialties_en="Upper back and neck",
        specialties_es="Parte alta de la espalda y cuello",
        bio_en="Explains what they find as they go.",
        bio_es="Le explica lo que encuentra mientras trabaja.",
    )
    make_therapist(
        "jo-lee", display_name="Jo Lee", credentials_en="LMT, 3 years", bio_en="Calm and careful."
    )
    clinic = ClinicSettings.load()
    clinic.tagline_es = "Masaje profundo para los nudos de la espalda"
    clinic.opening_hours_es = "Martes a sábado, de 10 a. m. a 7 p. m."
    clinic.parking_es = "Dos lugares gratis junto a la puerta de atrás."
    clinic.cancellation_policy_es = "Si cancela tarde, podemos cobrarle la mitad."
    clinic.visit_what_to_expect_es = "Primero hablamos de dónde le duele."
    clinic.what_to_bring_en = "Your pre-visit check result."
    clinic.what_to_bring_es = ""
    clinic.save()


def test_spanish_pages_show_the_spanish_texts(client, bilingual):
    services = text_of(client.get("/es/services/").content.decode())
    assert "Masaje profundo 60" in services
    assert "Trabajo lento y firme en la parte alta de la espalda." in services
    assert "Deep tissue 60" not in services and "Slow, firm work" not in services

    therapists = text_of(client.get("/es/therapists/").content.decode())
    assert "Terapeuta de masaje con licencia (LMT), 12 años" in therapists
    assert "Parte alta de la espalda y cuello" in therapists
    assert "Le explica lo que encuentra mientras trabaja." in therapists
    assert "Alex Morgan" in therapists  # a name is the same in every language
    assert "Explains what they find" not in therapists

    home = text_of(client.get("/es/").content.decode())
    for words in (
        "Masaje profundo para los nudos de la espalda",
        "Martes a sábado, de 10 a. m. a 7 p. m.",
        "Dos lugares gratis junto a la puerta de atrás.",
        "Si cancela tarde, podemos cobrarle la mitad.",
        "Masaje profundo 60",
    ):
        assert words in home, words

    visit = text_of(client.get("/es/visit/").content.decode())
    assert "Primero hablamos de dónde le duele." in visit
    assert "Your therapist first reads" not in visit


def test_the_english_pages_keep_the_english_texts(client, bilingual):
    home = text_of(client.get("/").content.decode())
    assert "Deep tissue 60" in home and "Masaje profundo 60" not in home
    assert "Deep tissue therapy for upper back knots" in home
    assert "Dos lugares gratis" not in home
    therapists = text_of(client.get("/therapists/").content.decode())
    assert "Explains what they find as they go." in therapists
    assert "Le explica" not in therapists


def test_a_text_without_spanish_shows_its_english_on_the_spanish_page(client, bilingual):
    services = text_of(client.get("/es/services/").content.decode())
    assert "Neck 30" in services and "Only the neck, gently." in services
    therapists = text_of(client.get("/es/therapists/").content.decode())
    assert "LMT, 3 years" in therapists and "Calm and careful." in therapists
    visit = text_of(client.get("/es/visit/").content.decode())
    # An empty Spanish text, and one never written, both show the English.
    assert "Your pre-visit check result." in visit
    assert "Drink some water and move gently" in visit


def test_a_text_cleared_in_both_languages_shows_nothing_rather_than_the_default(client, db):
    clinic = ClinicSettings.load()
    clinic.tagline_en = ""
    clinic.tagline_es = ""
    clinic.save()
    for path in ("/", "/es/"):
        html = client.get(path).content.decode()
        assert "Deep tissue therapy for upper back knots" not in html, path


@pytest.mark.parametrize(
    "path, shown", [("/es/services/", "Sesión 7"), ("/es/therapists/", "Biografía 7")]
)
def test_spanish_pages_cost_the_same_few_queries_however_many_items(
    client, path, shown, django_assert_max_num_queries
):
    for number in range(8):
        make_service(f"session-{number}", minutes=30 + number, name_es=f"Sesión {number}")
        make_therapist(f"therapist-{number}", bio_es=f"Biografía {number}")
    ClinicSettings.load()
    with django_assert_max_num_queries(2):
        response = client.get(path)
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_spanish_clients_emails_and_calendar_name_the_session_in_spanish(bilingual):
    service = Service.objects.get(slug="deep-tissue-60")
    therapist = Therapist.objects.get(slug="alex-morgan")
    request = pipeline.submit(
        service=service,
        requested_therapist=therapist,
        requested_start=local(2026, 11, 4, 10, 0),
        client_name="Ana Cliente",
        email="ana@example.com",
        phone="",
        note="",
        intake=make_intake("SELF_CARE"),
        now=local(2026, 11, 2, 8, 0),
        language="es",
    )
    [receipt] = [m for m in mail.outbox if m.to == ["ana@example.com"]]
    assert "Masaje profundo 60" in receipt.body and "Deep tissue 60" not in receipt.body
    # The clinic's own notice stays in English.
    [notice] = [m for m in mail.outbox if m.to == ["hello@clinic.example"]]
    assert "Deep tissue 60" in notice.body and "Masaje profundo 60" not in notice.body

    mail.outbox.clear()
    pipeline.confirm(request, by=make_staff("tess", password=None), now=local(2026, 11, 2, 9))
    [confirmation] = mail.outbox
    assert "Masaje profundo 60" in confirmation.body
    [event] = icalendar.Calendar.from_ical(confirmation.attachments[0][1]).events
    assert "Masaje profundo 60" in str(event["SUMMARY"])


def test_demo_content_has_every_text_in_spanish(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    for service in Service.objects.all():
        assert untranslated(service, SERVICE_TEXTS) == [], service.slug
    for therapist in Therapist.objects.all():
        assert untranslated(therapist, THERAPIST_TEXTS) == [], therapist.slug
    assert untranslated(ClinicSettings.objects.get(), CLINIC_TEXTS) == []
    assert "911" in ClinicSettings.objects.get().visit_aftercare_es


def test_running_the_demo_again_keeps_the_owners_spanish_clinic_texts(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    clinic = ClinicSettings.objects.get()
    clinic.tagline_es = "Nuestro lema, escrito por la dueña"
    clinic.parking_es = ""
    clinic.save()
    call_command("seed_demo", stdout=None)
    clinic = ClinicSettings.objects.get()
    assert clinic.tagline_es == "Nuestro lema, escrito por la dueña"
    assert clinic.parking_es == demo.DEMO_CLINIC_SPANISH["parking_es"]


@pytest.mark.django_db(transaction=True)
def test_the_texts_written_before_the_translations_become_the_english_ones():
    executor = MigrationExecutor(connection)
    before = [("clinic", "0009_recheck_asked"), ("core", "0004_clients_move_times")]
    executor.migrate(before)
    executor.loader.build_graph()
    old = executor._create_project_state(with_applied_migrations=True).apps
    old.get_model("clinic", "Service").objects.create(
        slug="neck-30", name="Neck 30", description="Gently.", duration_minutes=30, price=40
    )
    old.get_model("clinic", "Therapist").objects.create(
        slug="jo", display_name="Jo Lee", bio="Careful.", credentials="LMT", specialties="Neck"
    )
    old.get_model("core", "ClinicSettings").objects.create(
        pk=1, tagline="Knots, gone.", opening_hours="Sundays only", visit_aftercare="Rest."
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    service = Service.objects.get(slug="neck-30")
    assert (service.name_en, service.description_en) == ("Neck 30", "Gently.")
    assert service.name_es is None
    therapist = Therapist.objects.get(slug="jo")
    assert (therapist.bio_en, therapist.credentials_en, therapist.specialties_en) == (
        "Careful.",
        "LMT",
        "Neck",
    )
    clinic = ClinicSettings.objects.get()
    assert (clinic.tagline_en, clinic.opening_hours_en, clinic.visit_aftercare_en) == (
        "Knots, gone.",
        "Sundays only",
        "Rest.",
    )
    assert untranslated(clinic, ("tagline", "opening_hours")) == ["tagline", "opening_hours"]
