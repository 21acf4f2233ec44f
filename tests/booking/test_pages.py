"""/book/ as a client uses it: choosing a session, a day and a time, the intake gate, the details
step (what is requested, the cancellation policy), bad input, the confirmation page."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.booking.availability import slot_value
from clinic.booking.models import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    REFERENCE_PREFIX,
    BookingRequest,
    BookingStatus,
)
from clinic.core.form_guard import stamp
from intake.models import Intake
from tests.booking.support import in_days, remember_intake
from tests.factories import (
    SECRET_NOTE,
    make_booking,
    make_intake,
    make_service,
    make_therapist,
)

pytestmark = pytest.mark.django_db

START = in_days(3, 10)  # three days from today, 10:00 clinic time


def times_page(client, therapist="alex", day=None, **extra):
    params = {"service": "deep-tissue-60", "therapist": therapist, **extra}
    if day:
        params["day"] = day.isoformat()
    return client.get("/book/", params)


def time_data(when=START, **changes):
    """The time page's form: the session, the day shown and the chosen time."""
    data = {
        "service": "deep-tissue-60",
        "therapist": "alex",
        "day": when.date().isoformat(),
        "start": slot_value(when),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def request_data(when=START, **changes):
    """The details step's form, as the page sends it."""
    data = {
        "step": "details",
        "service": "deep-tissue-60",
        "therapist": "alex",
        "day": when.date().isoformat(),
        "start": slot_value(when),
        "client_name": "Ana Client",
        "email": "ana@example.com",
        "phone": "(555) 010-0199",
        "note": "Firm pressure please",
        "started": stamp(time.time() - 30),  # the spam guard: a person took a while
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def ready(deep60, alex):
    """A service and a therapist who works every day."""
    return deep60, alex


# --- choosing ----------------------------------------------------------------------------------------


def test_first_step_lists_services_and_therapists(client, ready):
    response = client.get("/book/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Deep tissue 60" in html and "60 minutes, $95." in html
    assert 'value="any" checked' in html and "Alex Morgan" in html
    assert 'method="get"' in html
    assert "no-store" in response["Cache-Control"]


def test_first_step_without_a_choice_shows_the_error_summary(client, ready):
    html = client.get("/book/", {"service": "no-such", "therapist": "nobody"}).content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_service_0"' in html and 'href="#id_therapist_0"' in html
    assert 'id="id_service_0"' in html and 'id="id_therapist_0"' in html
    assert "Choose one of the sessions listed." in html


def test_time_list_is_radio_chips_grouped_by_part_of_day_with_the_zone_in_words(client, ready):
    html = times_page(client, day=START.date()).content.decode()
    assert '<fieldset id="times"' in html and "Open times on" in html
    assert "Times are in Mountain Time (Denver)." in html
    assert "America/Denver" not in html
    assert f'value="{slot_value(START)}"' in html
    assert re.search(r'type="radio" name="start" id="id_start_0" value="[^"]+"', html)
    # 9:00, 9:15, 9:30, 9:45, 10:00: each a label (the chip) around its radio button
    assert re.search(
        r'<label class="time-chip" for="id_start_4"><input [^>]*id="id_start_4"[^>]*> '
        r'<span class="time-chip-text">10 a.m.</span></label>',
        html,
    )
    # Alex works 9:00-17:00: a morning and an afternoon group, each a named group.
    assert 'role="group" aria-labelledby="times-morning"' in html
    assert 'role="group" aria-labelledby="times-afternoon"' in html
    assert "times-evening" not in html


def test_times_fall_into_morning_afternoon_and_evening(client, deep60, alex, sam):
    html = times_page(client, therapist="any", day=START.date()).content.decode()

    def times_in(part: str, upto: str) -> list[str]:
        group = html.split(f'id="times-{part}"')[1].split(upto)[0]
        return re.findall(r'class="time-chip-text">([^<]+)<', group)

    morning = times_in("morning", 'id="times-afternoon"')
    afternoon = times_in("afternoon", 'id="times-evening"')
    evening = times_in("evening", "</fieldset>")
    assert (morning[0], morning[-1], len(morning)) == ("9 a.m.", "11:45 a.m.", 12)
    assert (afternoon[0], afternoon[-1], len(afternoon)) == ("noon", "4:45 p.m.", 20)
    assert (evening[0], evening[-1], len(evening)) == ("5 p.m.", "7 p.m.", 9)
    # The radio buttons are numbered in time order across the groups.
    ids = [int(n) for n in re.findall(r'id="id_start_(\d+)"', html)]
    assert ids == list(range(len(ids))) and len(ids) == 12 + 20 + 9


def test_week_strip_marks_the_day_shown_and_jumps_to_any_day(client, ready):
    html = times_page(client, day=START.date()).content.decode()
    strip = html.split('class="week-days"')[1].split("</ul>")[0]
    assert strip.count("<li>") == 7
    assert strip.count('aria-current="date"') == 1
    current = re.search(r'<a class="week-day" href="([^"]+)" aria-current="date">', strip)
    assert current and f"day={START.date().isoformat()}" in current.group(1)
    assert "Next week" in html
    # The jump: a date field limited to the horizon, in a GET form that keeps the choice.
    assert 'type="date" id="jump-day" name="day"' in html
    assert f'min="{in_days(0, 0).date().isoformat()}"' in html
    assert f'max="{in_days(60, 0).date().isoformat()}"' in html

    later = in_days(40, 10)
    html = times_page(client, day=later.date()).content.decode()
    assert later.strftime("%A %-d %B") in html  # "Open times on Friday 9 January"
    assert f'value="{slot_value(later)}"' in html
    assert "Previous week" in html and 'aria-current="date"' in html


def test_a_date_outside_the_horizon_says_which_dates_can_be_chosen(client, ready):
    far = in_days(90, 10).date()
    html = times_page(client, day=far).content.decode()
    assert 'id="jump-day_error"' in html and "Choose a date from" in html
    assert 'aria-invalid="true"' in html
    html = client.get(
        "/book/", {"service": "deep-tissue-60", "therapist": "alex", "day": "next tuesday"}
    ).content.decode()
    assert "Choose a date from" in html
    assert 'name="start"' in html  # the first week's times are still there


def test_a_booked_time_is_not_offered(client, ready, alex, deep60):
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=START)
    html = times_page(client, day=START.date()).content.decode()
    assert f'value="{slot_value(START)}"' not in html


# --- the intake gate -----------------------------------------------------------------------------------


def test_without_an_intake_the_time_is_kept_and_the_client_sent_to_the_check(client, ready):
    html = times_page(client, day=START.date()).content.decode()
    assert "Continue to the pre-visit check" in html
    assert 'name="email"' not in html  # contact details come after the time

    response = client.post("/book/", time_data())
    assert response.status_code == 302 and response["Location"] == "/intake/"
    assert client.session["booking_draft"] == {
        "service": "deep-tissue-60",
        "therapist": "alex",
        "start": slot_value(START),
    }
    assert not BookingRequest.objects.exists()

    # Back from the intake: /book/ shows the details step with their time and the intake's
    # details filled in.
    remember_intake(client, make_intake("SELF_CARE"))
    html = client.get("/book/").content.decode()
    assert f'<input type="hidden" name="start" value="{slot_value(START)}">' in html
    assert START.strftime("%A %-d %B %Y") in html
    assert 'value="Ana Client"' in html and 'value="ana@example.com"' in html
    response = client.post("/book/", request_data())
    assert response.status_code == 302 and response["Location"] == "/book/sent/"
    assert BookingRequest.objects.get().requested_start == START
    assert "booking_draft" not in client.session


def test_round_trip_through_the_real_intake_form(client, ready):
    from tests.intake.helpers import fill_intake

    client.post("/book/", time_data())
    result = fill_intake(client)
    assert result["Location"] == "/intake/result/"
    assert "Continue your booking" in client.get("/intake/result/").content.decode()
    html = client.get("/book/").content.decode()
    assert f'name="start" value="{slot_value(START)}"' in html
    response = client.post("/book/", request_data(client_name="Rosa Quintero"))
    assert response["Location"] == "/book/sent/"
    created = BookingRequest.objects.get()
    assert created.intake is not None and created.client_name == "Rosa Quintero"


def test_a_drafted_time_taken_meanwhile_is_said_so(client, ready, alex, deep60):
    client.post("/book/", time_data())
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=START)
    remember_intake(client, make_intake())
    html = client.get("/book/").content.decode()
    assert "The time you chose before is no longer free" in html
    assert f'value="{slot_value(START + dt.timedelta(hours=2))}"' in html  # the day's others


# --- the details step: what is requested, the policy, and nothing typed lost ---------------------


def test_with_an_intake_the_time_leads_to_the_details_and_the_policy(client, ready):
    remember_intake(client, make_intake())
    html = times_page(client, day=START.date()).content.decode()
    assert "Continue" in html and 'name="email"' not in html
    response = client.post("/book/", time_data())
    assert response.status_code == 302 and response["Location"] == "/book/"

    html = client.get("/book/").content.decode()
    summary = html.split('class="booking-summary"')[1].split("</section>")[0]
    for part in (
        "Deep tissue 60",
        "60 minutes",
        "$95",
        START.strftime("%A %-d %B %Y") + ", 10 a.m.",
        "Mountain Time (Denver)",
        "Alex Morgan",
    ):
        assert part in summary, part
    policy = html.split('class="booking-policy"')[1].split("</section>")[0]
    assert "If your plans change" in policy
    assert "we may charge half the price of the session" in policy  # the clinic's own words
    assert "until 24 hours before your appointment" in policy
    # "Send request" is the form's first button: Enter in a field sends, it does not change.
    buttons = re.findall(r"<button [^>]*>([^<]+)</button>", html.split('id="booking-form"')[1])
    assert buttons[0] == "Send request"
    assert "Choose another time" in buttons and "Change session or therapist" in buttons


def test_the_cutoff_and_policy_follow_the_clinic_settings(client, ready):
    from clinic.core.models import ClinicSettings

    rules = ClinicSettings.load()
    rules.cancellation_cutoff_hours = 48
    rules.cancellation_policy = "Late cancellations cost the full price."
    rules.save()
    remember_intake(client, make_intake())
    client.post("/book/", time_data())
    html = client.get("/book/").content.decode()
    assert "Late cancellations cost the full price." in html
    assert "until 48 hours before your appointment" in html


@pytest.mark.parametrize("change", ["time", "session"])
def test_changing_the_day_keeps_everything_typed(client, ready, change):
    remember_intake(client, make_intake())
    client.post("/book/", time_data())
    typed = request_data(
        client_name="Rosa Quintero",
        email="rosa@example.com",
        phone="(555) 010-0123",
        note="Left side is worse",
        change=change,
    )
    response = client.post("/book/", typed)
    assert response.status_code == 302
    assert not BookingRequest.objects.exists()
    if change == "time":
        assert f"day={START.date().isoformat()}" in response["Location"]
        html = client.get(response["Location"]).content.decode()
        assert f'value="{slot_value(START)}" checked' in html  # their time, still chosen
    else:
        assert "change=1" in response["Location"]
        html = client.get(response["Location"]).content.decode()
        assert "Which session?" in html
    # Another day, another time: the details come back as they were typed.
    other = in_days(5, 14)
    html = times_page(client, day=other.date()).content.decode()
    assert "Rosa Quintero" not in html  # nothing typed sits on the time page
    assert client.post("/book/", time_data(other))["Location"] == "/book/"
    html = client.get("/book/").content.decode()
    assert 'value="Rosa Quintero"' in html and 'value="rosa@example.com"' in html
    assert 'value="(555) 010-0123"' in html and "Left side is worse" in html
    assert f'name="start" value="{slot_value(other)}"' in html
    response = client.post(
        "/book/",
        request_data(
            other,
            client_name="Rosa Quintero",
            email="rosa@example.com",
            note="Left side is worse",
        ),
    )
    assert response["Location"] == "/book/sent/"
    created = BookingRequest.objects.get()
    assert (created.requested_start, created.client_name) == (other, "Rosa Quintero")
    assert "booking_draft" not in client.session


def test_no_request_can_be_posted_without_an_intake(client, ready):
    client.post("/book/", request_data())
    assert not BookingRequest.objects.exists()


@pytest.mark.parametrize("how", ["screen", "stored"])
def test_emergency_gets_the_911_message_and_no_form(client, ready, how):
    if how == "screen":
        session = client.session
        session["intake_emergency"] = ["E01_CHEST_PAIN"]
        session.save()
    else:
        remember_intake(client, make_intake("EMERGENCY"))
    for response in (client.get("/book/"), client.post("/book/", request_data())):
        html = response.content.decode()
        assert "Call 911 now" in html and 'href="tel:911"' in html
        assert "<form" not in html.split("<main", 1)[1]
    assert not BookingRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("level", "flags", "status", "page_says"),
    [
        ("MEDICAL", [], BookingStatus.AWAITING_CLEARANCE, "A therapist reads your pre-visit check"),
        (
            "PROFESSIONAL",
            ["EMERGENCY_SCREEN_INCOMPLETE"],
            BookingStatus.AWAITING_CLEARANCE,
            "A therapist reads your pre-visit check",
        ),
        ("PROFESSIONAL", [], BookingStatus.REQUESTED, "We confirm your time"),
        ("SELF_CARE", [], BookingStatus.REQUESTED, "We confirm your time"),
    ],
)
def test_each_level_gives_its_request(client, ready, level, flags, status, page_says):
    intake = make_intake(level, flags=flags)
    remember_intake(client, intake)
    form_html = times_page(client, day=START.date()).content.decode()
    if status == BookingStatus.AWAITING_CLEARANCE:
        assert "a therapist must clear you for massage" in form_html
    response = client.post("/book/", request_data(), follow=True)
    html = response.content.decode()
    created = BookingRequest.objects.get()
    assert (created.status, created.intake) == (status, intake)
    assert created.reference in html and page_says in html
    assert "no-store" in response["Cache-Control"]
    if status == BookingStatus.AWAITING_CLEARANCE:
        assert "A therapist reads your pre-visit check" in html
    else:
        assert "A therapist reads your pre-visit check" not in html


def test_emails_follow_the_language_chosen_in_the_intake(client, ready):
    intake = make_intake()
    Intake.objects.filter(pk=intake.pk).update(language="es")
    remember_intake(client, intake)
    client.post("/book/", request_data())
    assert BookingRequest.objects.get().language == "es"


def test_sent_page_without_a_request_goes_back_to_the_start(client, ready):
    assert client.get("/book/sent/")["Location"] == "/book/"


# --- bad input keeps everything typed ---------------------------------------------------------------------


def post_with_intake(client, **changes):
    remember_intake(client, make_intake())
    return client.post("/book/", request_data(**changes))


def test_invalid_email_and_phone(client, ready):
    response = post_with_intake(client, email="ana@", phone="call me")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert re.search(r'href="#id_email">[^<]*Enter an email address like name@example.com.', html)
    assert re.search(r'href="#id_phone">[^<]*Enter a phone number we can call', html)
    assert 'id="id_email_error"' in html and 'aria-invalid="true"' in html
    # Everything typed is still there, including the chosen time.
    assert 'value="ana@"' in html and 'value="call me"' in html
    assert 'value="Ana Client"' in html and "Firm pressure please" in html
    assert f'<input type="hidden" name="start" value="{slot_value(START)}">' in html
    assert not BookingRequest.objects.exists()


def test_no_time_chosen(client, ready):
    html = post_with_intake(client, start=None).content.decode()
    assert re.search(r'href="#id_start_0">[^<]*Choose a time.', html)
    assert 'id="id_start_error"' in html and 'id="id_start_0"' in html
    assert 'value="Ana Client"' in html
    assert not BookingRequest.objects.exists()


def test_a_time_taken_meanwhile(client, ready, alex, deep60):
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=START)
    html = post_with_intake(client).content.decode()
    # The message is beside the time, with the day's other open times to choose from.
    times = html.split('<fieldset id="times"')[1].split("</fieldset>")[0]
    assert 'id="id_start_error"' in times
    assert "Sorry, that time is no longer free. Please choose another one." in times
    assert f"Other open times on {START.strftime('%A %-d %B')}" in times
    assert f'value="{slot_value(START)}"' not in times
    later = START + dt.timedelta(hours=2)
    assert f'value="{slot_value(later)}"' in times and 'aria-invalid="true"' in times
    assert re.search(r'href="#id_start_0">[^<]*Sorry, that time is no longer free.', html)
    # Everything typed is kept.
    assert 'value="ana@example.com"' in html and 'value="Ana Client"' in html
    assert "Firm pressure please" in html and 'value="(555) 010-0199"' in html
    assert BookingRequest.objects.filter(status=BookingStatus.REQUESTED).count() == 0

    response = client.post("/book/", request_data(later))
    assert response["Location"] == "/book/sent/"
    assert BookingRequest.objects.get(status=BookingStatus.REQUESTED).requested_start == later


def test_a_time_taken_meanwhile_on_a_day_with_no_other_time(client, deep60):
    from tests.factories import make_therapist

    # One hour of work a day: 10:00 is the only time.
    alex = make_therapist("alex", hours=((10, 0, 11, 0),), display_name="Alex Morgan")
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=START)
    html = post_with_intake(client).content.decode()
    assert "No other times are open on this day." in html
    assert 'id="id_start_0"' in html  # where the error summary's link leads
    assert "Choose another time" in html and 'value="Ana Client"' in html


def test_a_time_chosen_on_the_time_page_that_was_taken_meanwhile(client, ready, alex, deep60):
    remember_intake(client, make_intake())
    make_booking(BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=START)
    response = client.post("/book/", time_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_start_error"' in html and "no longer free" in html
    assert f'value="{slot_value(START + dt.timedelta(hours=2))}"' in html
    assert "booking_draft" not in client.session


def test_no_time_chosen_on_the_time_page(client, ready):
    html = client.post("/book/", time_data(start=None)).content.decode()
    assert re.search(r'href="#id_start_0">[^<]*Choose a time.', html)
    assert 'id="id_start_error"' in html and 'id="id_start_0"' in html
    assert "booking_draft" not in client.session


def test_a_time_outside_the_rules(client, ready):
    from django.utils import timezone

    too_soon = (timezone.now() + dt.timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    html = post_with_intake(client, start=slot_value(too_soon), day=None).content.decode()
    assert "less than 12 hours away cannot be requested online" in html
    html = post_with_intake(client, start=slot_value(in_days(75, 10))).content.decode()
    assert "more than 60 days ahead" in html
    html = post_with_intake(client, start="tomorrow-ish").content.decode()
    assert "Choose one of the times listed." in html
    assert not BookingRequest.objects.exists()


def test_the_note_is_kept_with_the_request_but_never_emailed(client, ready):
    post_with_intake(client, note=SECRET_NOTE)
    assert BookingRequest.objects.get().note == SECRET_NOTE
    assert len(mail.outbox) == 2
    assert all(SECRET_NOTE not in message.body for message in mail.outbox)


def test_spam_guards_refuse_a_bot_and_keep_a_persons_answers(client, ready):
    html = post_with_intake(client, website="http://spam.example").content.decode()
    assert "This looked like an automated message" in html
    html = post_with_intake(client, started=stamp(time.time())).content.decode()
    assert "faster than we expected from a person" in html
    assert 'value="ana@example.com"' in html
    assert not BookingRequest.objects.exists()


def test_too_many_requests_from_one_device(client, ready):
    for minutes in range(5):
        remember_intake(client, make_intake())
        response = client.post("/book/", request_data(START + dt.timedelta(minutes=15 * minutes)))
        assert response.status_code == 302
    remember_intake(client, make_intake())
    response = client.post("/book/", request_data(START + dt.timedelta(hours=2)))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Several booking requests were sent from this connection" in html
    assert 'value="ana@example.com"' in html
    assert BookingRequest.objects.count() == 5


def test_the_next_client_on_the_same_wifi_is_not_held_back(client, ready):
    from django.test import Client

    for minutes in range(5):
        remember_intake(client, make_intake())
        client.post("/book/", request_data(START + dt.timedelta(minutes=15 * minutes)))
    neighbour = Client()
    remember_intake(neighbour, make_intake())
    response = neighbour.post("/book/", request_data(START + dt.timedelta(hours=2)))
    assert response.status_code == 302 and BookingRequest.objects.count() == 6


# --- query counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/book/", "/es/book/"])
def test_choose_page_reads_the_sessions_and_therapists_once_however_many(
    client, path, deep60, alex, sam, django_assert_num_queries
):
    for n in range(4):
        make_service(f"extra-{n}", minutes=30 + 15 * n, description="Something to read.")
        make_therapist(f"extra-{n}", bio="A bio.", specialties="Necks")
    with CaptureQueriesContext(connection) as first:
        client.get(path)
    sql = [query["sql"] for query in first.captured_queries]
    assert len([line for line in sql if 'FROM "clinic_service"' in line]) == 1
    assert len([line for line in sql if 'FROM "clinic_therapist"' in line]) == 1
    with django_assert_num_queries(0):  # the process keeps both lists (booking/catalogue.py)
        html = client.get(path).content.decode()
    assert html.count('name="service"') == 5
    assert html.count('name="therapist"') == 1 + 6  # "any" first
    # Ordered by name: Alex, Extra-0..3 (with a bio), Sam.
    assert 'aria-describedby="id_therapist_5_about"' in html
    assert 'id="id_therapist_5_about"' in html


def test_details_page_reads_no_therapists(client, deep60, alex, sam):
    """Checking the kept time for "any therapist" uses the form's list (kept by the process
    since the time page), not a query of its own."""
    remember_intake(client, make_intake())
    data = {**time_data(therapist="any"), "start": first_open_time(client)}
    assert client.post("/book/", data)["Location"] == "/book/"
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/book/")
    assert "What you are requesting" in response.content.decode()
    sql = [query["sql"] for query in captured.captured_queries]
    assert not [line for line in sql if 'FROM "clinic_therapist"' in line]


def test_time_list_queries_stay_bounded_with_500_requests(
    client, deep60, alex, sam, django_assert_max_num_queries
):
    many_requests(500, deep60, alex, sam)
    remember_intake(client, make_intake())
    times_page(client, therapist="any", day=START.date())  # warm the process's copies
    # The session, the intake and availability's three.
    with django_assert_max_num_queries(5):
        response = times_page(client, therapist="any", day=START.date())
    assert response.status_code == 200


def test_details_page_queries_stay_bounded_with_500_requests(
    client, deep60, alex, sam, django_assert_max_num_queries
):
    many_requests(500, deep60, alex, sam)
    remember_intake(client, make_intake())
    data = {**time_data(therapist="any"), "start": first_open_time(client)}
    assert client.post("/book/", data)["Location"] == "/book/"
    client.get("/book/")
    with django_assert_max_num_queries(5):  # the same as the time page's
        response = client.get("/book/")
    assert "What you are requesting" in response.content.decode()


def first_open_time(client) -> str:
    """The first time the "any therapist" page offers on START's day, as the form posts it."""
    html = times_page(client, therapist="any", day=START.date()).content.decode()
    return re.search(r'name="start" id="id_start_0" value="([^"]+)"', html).group(1)


def numbered_reference(n: int) -> str:
    """The n-th reference in the alphabet's order (UNK-22222, UNK-22223, ...)."""
    letters = []
    for _place in range(REFERENCE_LENGTH):
        n, digit = divmod(n, len(REFERENCE_ALPHABET))
        letters.append(REFERENCE_ALPHABET[digit])
    return REFERENCE_PREFIX + "".join(reversed(letters))


def many_requests(count, service, *therapists):
    """`count` requests over the coming weeks, a third of them confirmed."""
    from django.utils import timezone

    intake = make_intake()
    base = in_days(1, 9)
    rows = []
    for n in range(count):
        therapist = therapists[n % len(therapists)]
        start = base + dt.timedelta(hours=2 * (n // len(therapists)))
        confirmed = n % 3 == 0
        rows.append(
            BookingRequest(
                # Distinct: 500 random references collide about once in 200 runs.
                reference=numbered_reference(n),
                client_name=f"Client {n}",
                email=f"c{n}@example.com",
                phone="5550100",
                service=service,
                requested_therapist=therapist,
                requested_start=start,
                intake=intake,
                status=BookingStatus.CONFIRMED if confirmed else BookingStatus.REQUESTED,
                status_changed_at=timezone.now(),
                therapist=therapist if confirmed else None,
                start=start if confirmed else None,
                end=start + service.duration if confirmed else None,
                blocked_until=start + service.duration + service.recovery_buffer
                if confirmed
                else None,
            )
        )
    BookingRequest.objects.bulk_create(rows)
    return rows


def test_a_double_click_creates_one_request(client, ready):
    remember_intake(client, make_intake("SELF_CARE"))
    data = request_data()
    first = client.post("/book/", data)
    second = client.post("/book/", data)  # the same rendered form, sent again
    assert first["Location"] == second["Location"] == "/book/sent/"
    assert BookingRequest.objects.count() == 1
