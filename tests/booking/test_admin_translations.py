"""A therapist edits services, therapists and the clinic's texts in English and Spanish side by
side, sees what still lacks Spanish, and is told which Spanish box a half translation misses."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.booking.models import Service, Therapist
from clinic.core.models import ClinicSettings
from tests.factories import make_service, make_therapist

pytestmark = pytest.mark.django_db

SERVICES = "/admin/clinic/service/"
THERAPISTS = "/admin/clinic/therapist/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def form_row(html: str, field: str) -> str:
    """The admin form line holding `field` (one line may hold several boxes)."""
    match = re.search(rf'<div class="form-row[^"]*\bfield-{field}\b[^"]*">', html)
    assert match, field
    return html[match.start() : html.index('<div class="form-row', match.end())]


def error_next_to(html: str, field: str) -> str:
    """The error text shown in the box of `field`."""
    start = html.find(f'<div class="flex-container errors fieldBox field-{field}">')
    if start == -1:
        return ""
    return text_of(html[start : html.index(f'name="{field}"', start)])


@pytest.fixture
def services(db):
    translated = make_service(
        "deep-tissue-60",
        name_en="Deep tissue 60",
        name_es="Masaje profundo 60",
        description_en="Slow, firm work.",
        description_es="Trabajo lento y firme.",
    )
    no_description = make_service("neck-30", minutes=30, name_en="Neck 30", name_es="Cuello 30")
    half = make_service(
        "back-90", minutes=90, name_en="Back 90", name_es="Espalda 90", description_en="Long."
    )
    english_only = make_service("hips-45", minutes=45, name_en="Hips 45")
    return translated, no_description, half, english_only


def service_form(**changes) -> dict:
    return {
        "name_en": "Deep tissue 60",
        "name_es": "",
        "slug": "deep-tissue-60",
        "description_en": "Slow, firm work.",
        "description_es": "",
        "duration_minutes": "60",
        "recovery_buffer_minutes": "15",
        "price": "95.00",
        "active": "on",
        **changes,
    }


def test_the_service_form_puts_english_and_spanish_side_by_side(admin_client, services):
    translated = services[0]
    html = admin_client.get(f"{SERVICES}{translated.pk}/change/").content.decode()
    for text in ("name", "description"):
        row = form_row(html, f"{text}_en")
        assert f'name="{text}_en"' in row and f'name="{text}_es"' in row, text
    assert re.search(r'<label[^>]*for="id_name_en"[^>]*>Name \(English\)', html)
    assert re.search(r'<label[^>]*for="id_name_es"[^>]*>Name \(Spanish\)', html)
    assert 'value="Masaje profundo 60"' in html
    # modeltranslation's tabbed admin loads jQuery UI from a CDN; ours loads nothing from it.
    assert "tabbed_translation_fields" not in html and "ajax.googleapis" not in html


def test_the_therapist_form_translates_the_texts_but_not_the_name(admin_client, db):
    alex = make_therapist("alex", display_name="Alex Morgan", bio_en="Calm.")
    html = admin_client.get(f"{THERAPISTS}{alex.pk}/change/").content.decode()
    for text in ("credentials", "specialties", "bio"):
        row = form_row(html, f"{text}_en")
        assert f'name="{text}_es"' in row, text
    assert 'name="display_name"' in html and 'name="display_name_es"' not in html
    assert "Missing in Spanish" in text_of(html) and "Short bio" in text_of(
        form_row(html, "missing_spanish")
    )


def test_the_list_says_what_lacks_spanish_and_the_filter_finds_it(admin_client, services):
    text = text_of(admin_client.get(SERVICES).content.decode())
    assert "Spanish translation" in text  # the filter's title
    assert re.search(r"Neck 30 .*? Complete", text)
    assert re.search(r"Back 90 .*? Missing: description", text)
    assert re.search(r"Hips 45 .*? Missing: name", text)

    missing = text_of(admin_client.get(SERVICES, {"spanish": "missing"}).content.decode())
    assert "Back 90" in missing and "Hips 45" in missing
    assert "Deep tissue 60" not in missing and "Neck 30" not in missing
    complete = text_of(admin_client.get(SERVICES, {"spanish": "complete"}).content.decode())
    assert "Deep tissue 60" in complete and "Neck 30" in complete
    assert "Back 90" not in complete and "Hips 45" not in complete


def test_the_therapist_list_filters_by_missing_spanish(admin_client, db):
    make_therapist("alex", display_name="Alex Morgan", bio_en="Calm.", bio_es="Tranquilo.")
    make_therapist("jo", display_name="Jo Lee", bio_en="Careful.", credentials_en="LMT")
    make_therapist("sam", display_name="Sam Rivera")  # nothing written in either language
    text = text_of(admin_client.get(THERAPISTS).content.decode())
    assert re.search(r"Jo Lee .*? Missing: short bio, credentials", text)
    missing = text_of(admin_client.get(THERAPISTS, {"spanish": "missing"}).content.decode())
    assert "Jo Lee" in missing and "Alex Morgan" not in missing and "Sam Rivera" not in missing


@pytest.mark.parametrize("url", [SERVICES, THERAPISTS])
def test_the_lists_cost_the_same_queries_for_3_or_30_items(
    admin_client, url, django_assert_max_num_queries
):
    def add(start, stop):
        for number in range(start, stop):
            make_service(f"s-{number}", name_en=f"S {number}", description_en="Words.")
            make_therapist(f"t-{number}", bio_en="Words.", weekdays=())

    add(0, 3)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, {"spanish": "missing"})
    add(3, 30)
    with django_assert_max_num_queries(len(few)):
        response = admin_client.get(url, {"spanish": "missing"})
    assert text_of(response.content.decode()).count("Missing:") == 30


def test_a_spanish_name_without_its_spanish_description_is_refused_next_to_the_box(
    admin_client, services
):
    translated = services[0]
    Service.objects.filter(pk=translated.pk).update(name_es=None, description_es=None)
    response = admin_client.post(
        f"{SERVICES}{translated.pk}/change/", service_form(name_es="Masaje de 60")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the Spanish description too" in error_next_to(html, "description_es")
    assert error_next_to(html, "name_es") == ""
    assert 'value="Masaje de 60"' in html  # what was typed stays
    translated.refresh_from_db()
    assert translated.name_es is None


def test_a_spanish_description_without_its_spanish_name_is_refused_next_to_the_name(
    admin_client, services
):
    translated = services[0]
    response = admin_client.post(
        f"{SERVICES}{translated.pk}/change/",
        service_form(description_es="Trabajo lento."),
    )
    html = response.content.decode()
    assert "Write the Spanish name too" in error_next_to(html, "name_es")
    assert "Trabajo lento." in html


def test_a_spanish_text_without_its_english_asks_for_the_english(admin_client, services):
    translated = services[0]
    response = admin_client.post(
        f"{SERVICES}{translated.pk}/change/",
        service_form(name_es="Masaje 60", description_en="", description_es="Trabajo lento."),
    )
    html = response.content.decode()
    assert "There is a Spanish description but no English one" in error_next_to(
        html, "description_en"
    )


def test_a_complete_or_absent_spanish_version_is_saved(admin_client, services):
    translated = services[0]
    url = f"{SERVICES}{translated.pk}/change/"
    response = admin_client.post(
        url, service_form(name_es="Masaje 60", description_es="Trabajo lento y firme.")
    )
    assert response.status_code == 302
    translated.refresh_from_db()
    assert (translated.name_es, translated.description_es) == (
        "Masaje 60",
        "Trabajo lento y firme.",
    )
    assert admin_client.post(url, service_form()).status_code == 302
    translated.refresh_from_db()
    assert not translated.name_es and not translated.description_es
    assert translated.name_en == "Deep tissue 60"


def test_the_english_name_stays_required(admin_client, services):
    translated = services[0]
    response = admin_client.post(f"{SERVICES}{translated.pk}/change/", service_form(name_en=""))
    assert "This field is required." in error_next_to(response.content.decode(), "name_en")


def test_a_therapist_with_half_a_spanish_version_is_told_which_box(admin_client, db):
    alex = make_therapist("alex", display_name="Alex Morgan")
    response = admin_client.post(
        f"{THERAPISTS}{alex.pk}/change/",
        {
            "display_name": "Alex Morgan",
            "slug": "alex",
            "credentials_en": "LMT, 12 years",
            "credentials_es": "LMT, 12 años",
            "bio_en": "Calm and careful.",
            "bio_es": "",
            "active": "on",
            "accepts_new_clients": "on",
            "workinghours_set-TOTAL_FORMS": "0",
            "workinghours_set-INITIAL_FORMS": "0",
            "timeoff_set-TOTAL_FORMS": "0",
            "timeoff_set-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert "Write the Spanish short bio too" in error_next_to(html, "bio_es")
    assert error_next_to(html, "specialties_es") == ""  # no English specialties to translate
    assert Therapist.objects.get(pk=alex.pk).credentials_es is None


def test_clinic_settings_say_which_texts_still_lack_spanish(admin_client, db):
    clinic = ClinicSettings.load()
    clinic.tagline_es = "Masaje profundo"
    clinic.parking_es = "Estacionamiento gratis."
    clinic.save()
    html = admin_client.get("/admin/core/clinicsettings/1/change/").content.decode()
    line = text_of(form_row(html, "missing_spanish"))
    assert "Missing in Spanish" in line
    assert line.startswith(" Missing in Spanish: Opening hours, what to bring, cancellation")
    assert "aftercare" in line
    assert "tagline" not in line.lower() and "parking" not in line
    row = form_row(html, "opening_hours_en")
    assert 'name="opening_hours_es"' in row
    assert re.search(r'<label[^>]*for="id_opening_hours_es"[^>]*>Opening hours \(Spanish\)', html)


def test_clinic_settings_with_every_spanish_text_say_nothing_is_missing(admin_client, db):
    from clinic.booking import demo

    clinic = ClinicSettings.load()
    for name, words in demo.DEMO_CLINIC_SPANISH.items():
        setattr(clinic, name, words)
    clinic.save()
    html = admin_client.get("/admin/core/clinicsettings/1/change/").content.decode()
    assert "Nothing: every text written in English has its Spanish version." in text_of(
        form_row(html, "missing_spanish")
    )
