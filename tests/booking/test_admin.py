"""The back office: request list and filters, one request's page, transition buttons and their
confirmation views, the schedule."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from clinic.booking.models import BookingEvent, BookingRequest, BookingStatus
from clinic.core.models import ClinicSettings
from tests.booking.support import in_days
from tests.booking.test_pages import many_requests
from tests.factories import make_booking, make_intake

pytestmark = pytest.mark.django_db
S = BookingStatus
START = in_days(3, 10)


@pytest.fixture
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tess(fast_passwords, therapist_client):
    return therapist_client


@pytest.fixture
def frank(fast_passwords, front_desk_client):
    return front_desk_client


def change_url(request_obj):
    return f"/admin/clinic/bookingrequest/{request_obj.pk}/change/"


def action_url(request_obj, name):
    return f"/admin/clinic/bookingrequest/{request_obj.pk}/do/{name}/"


def test_list_with_filters(tess, deep60, alex):
    waiting = make_booking(S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START)
    done = make_booking(S.COMPLETED, service=deep60, therapist=alex, start=START)
    html = tess.get("/admin/clinic/bookingrequest/").content.decode()
    assert waiting.reference in html and done.reference in html
    assert "Awaiting clearance" in html and "See a doctor first" in html
    for text in ("By needs action", "By time", "By status", "By therapist"):
        assert text in html
    html = tess.get("/admin/clinic/bookingrequest/", {"needs_action": "yes"}).content.decode()
    assert waiting.reference in html and done.reference not in html


def listed(client, bookings, **query) -> set[BookingRequest]:
    html = client.get("/admin/clinic/bookingrequest/", query).content.decode()
    return {booking for booking in bookings if booking.reference in html}


def test_the_time_filter_narrows_the_list_to_the_days_a_therapist_picks(tess, deep60, alex):
    def booking(status, start, **extra):
        return make_booking(status, service=deep60, therapist=alex, start=start, **extra)

    today = booking(S.REQUESTED, in_days(0, 12))
    tomorrow = booking(S.REQUESTED, in_days(1, 12))
    in_five_days = booking(S.REQUESTED, in_days(5, 12))
    in_three_weeks = booking(S.REQUESTED, in_days(21, 12))
    three_days_ago = booking(S.COMPLETED, in_days(-3, 12))
    # Asked for three days ago, booked for today: it counts as today, the time the list shows.
    moved = booking(S.CONFIRMED, in_days(0, 15), requested_start=in_days(-3, 15))
    everything = [today, tomorrow, in_five_days, in_three_weeks, three_days_ago, moved]

    html = tess.get("/admin/clinic/bookingrequest/").content.decode()
    for label in ("Today", "Tomorrow", "Next 7 days", "Past 7 days", "This month"):
        assert f">{label}</a>" in html
    assert listed(tess, everything, time="today") == {today, moved}
    assert listed(tess, everything, time="tomorrow") == {tomorrow}
    assert listed(tess, everything, time="next_7_days") == {today, moved, tomorrow, in_five_days}
    assert listed(tess, everything, time="past_7_days") == {three_days_ago}
    assert listed(tess, everything, time="upcoming") == set(everything) - {three_days_ago}
    assert listed(tess, everything, time="past") == {three_days_ago}
    # Combined with the other filters, as a therapist would click them.
    assert listed(tess, everything, time="today", status__exact=S.CONFIRMED) == {moved}


def test_this_month_starts_and_ends_at_the_clinics_midnight(tess, deep60, alex):
    first = in_days(0, 0).replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)

    def booking(start):
        return make_booking(S.REQUESTED, service=deep60, therapist=alex, start=start)

    first_minute = booking(first + dt.timedelta(minutes=1))
    last_minute = booking(next_first - dt.timedelta(minutes=1))
    month_before = booking(first - dt.timedelta(minutes=1))
    month_after = booking(next_first)
    everything = [first_minute, last_minute, month_before, month_after]
    assert listed(tess, everything, time="this_month") == {first_minute, last_minute}


def test_the_lists_level_badges_follow_the_staff_members_language(tess, deep60, alex):
    make_booking(S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START)
    for language, words, other in [
        ("en", "See a doctor first", "Ver a un médico primero"),
        ("es", "Ver a un médico primero", "See a doctor first"),
        ("en", "See a doctor first", "Ver a un médico primero"),
    ]:
        response = tess.get("/admin/clinic/bookingrequest/", HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert re.search(
            rf'<span class="level-badge level-MEDICAL"><svg class="level-icon".*?</svg>\s*{words}',
            html,
            re.S,
        ), language
        assert other not in html


def test_needs_action_includes_proposals_about_to_expire(tess, deep60, alex):
    rules = ClinicSettings.load()
    old = timezone.now() - rules.request_expiry + dt.timedelta(hours=6)
    expiring = make_booking(S.PROPOSED, service=deep60, therapist=alex, start=START, changed_at=old)
    recent = make_booking(S.PROPOSED, service=deep60, therapist=alex, start=START)
    html = tess.get("/admin/clinic/bookingrequest/", {"needs_action": "yes"}).content.decode()
    assert expiring.reference in html and recent.reference not in html


def test_request_page_shows_client_times_intake_badge_and_history(tess, deep60, alex):
    intake = make_intake("MEDICAL", flags=["EMERGENCY_SCREEN_INCOMPLETE"])
    request_obj = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake
    )
    BookingEvent.objects.create(
        request=request_obj, from_status="", to_status=S.AWAITING_CLEARANCE, actor_kind="client"
    )
    html = tess.get(change_url(request_obj)).content.decode()
    assert "Ana Client" in html and "ana@example.com" in html and "Deep tissue 60" in html
    # The level in colour, icon and words, the same badge as the client's result page.
    assert re.search(
        r'<span class="level-badge level-MEDICAL"><svg class="level-icon"[^>]*aria-hidden="true"'
        r"[^>]*>.*?</svg>\s*See a doctor first</span>",
        html,
        re.S,
    )
    assert "emergency questions unanswered" in html
    assert f'href="/admin/intake/intake/{intake.pk}/change/"' in html  # therapists may look
    assert "History" in html and "Awaiting clearance" in html
    assert "SECRET-ANSWER" not in html
    # Buttons for what this status allows, and no editable status.
    assert "Clear for massage" in html and "Decline" in html and "Cancel" in html
    assert "Mark completed" not in html
    assert 'name="status"' not in html


def test_front_desk_sees_the_level_but_no_link_and_cannot_clear(frank, deep60, alex):
    intake = make_intake("MEDICAL")
    request_obj = make_booking(
        S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START, intake=intake
    )
    html = frank.get(change_url(request_obj)).content.decode()
    assert "See a doctor first" in html
    assert "/admin/intake/intake/" not in html
    assert "Clear for massage" not in html
    assert frank.get(action_url(request_obj, "clear")).status_code == 403
    assert frank.post(action_url(request_obj, "clear"), {"note": "x"}).status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.status == S.AWAITING_CLEARANCE


def test_editing_the_page_never_changes_the_status(tess, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    response = tess.post(
        change_url(request_obj),
        {
            "client_name": "Ana B. Client",
            "email": "ana@example.com",
            "phone": "(555) 010-0199",
            "status": S.CONFIRMED,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert (request_obj.client_name, request_obj.status) == ("Ana B. Client", S.REQUESTED)


def test_confirm_view_defaults_to_the_requested_therapist_and_time(tess, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    response = tess.get(action_url(request_obj, "confirm"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{alex.pk}" selected>' in html
    assert f'value="{START.date().isoformat()}"' in html and 'value="10:00:00"' in html
    request_obj.refresh_from_db()
    assert request_obj.status == S.REQUESTED  # GET changes nothing


def test_confirm_view_posts_to_the_pipeline(tess, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    response = tess.post(
        action_url(request_obj, "confirm"),
        {"therapist": alex.pk, "start_0": START.date().isoformat(), "start_1": "10:00", "note": ""},
        follow=True,
    )
    assert "Confirmed. The client gets an email" in response.content.decode()
    request_obj.refresh_from_db()
    assert (request_obj.status, request_obj.start) == (S.CONFIRMED, START)
    assert request_obj.events.get().actor.username == "tess"
    assert "confirmed" in mail.outbox[0].subject


def test_confirm_view_turns_a_double_booking_into_a_message(tess, deep60, alex):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START)
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    response = tess.post(
        action_url(request_obj, "confirm"),
        {"therapist": alex.pk, "start_0": START.date().isoformat(), "start_1": "10:30"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alex Morgan is already booked at that time" in html
    assert 'value="10:30"' in html  # what they typed is kept
    assert "The therapist&#x27;s bookings that day" in html or "bookings that day" in html
    request_obj.refresh_from_db()
    assert request_obj.status == S.REQUESTED


def test_confirm_for_any_therapist_suggests_one_who_is_free(tess, deep60, alex, sam):
    make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=in_days(3, 13))
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=None, start=in_days(3, 13))
    html = tess.get(action_url(request_obj, "confirm")).content.decode()
    assert f'<option value="{sam.pk}" selected>' in html


@pytest.mark.parametrize(
    ("name", "status", "data", "to_status"),
    [
        ("clear", S.AWAITING_CLEARANCE, {"note": "Doctor's letter"}, S.REQUESTED),
        ("propose", S.REQUESTED, {"start_1": "15:00", "message": "Morning is full"}, S.PROPOSED),
        ("decline", S.REQUESTED, {"reason": "Closed that week", "sure": "on"}, S.DECLINED),
        (
            "cancel",
            S.CONFIRMED,
            {"reason": "Therapist ill", "sure": "on", "tell_client": "on"},
            S.CANCELLED,
        ),
    ],
)
def test_each_button_calls_its_transition(tess, deep60, alex, name, status, data, to_status):
    request_obj = make_booking(status, service=deep60, therapist=alex, start=START)
    if name == "propose":
        data = {"therapist": alex.pk, "start_0": START.date().isoformat(), **data}
    assert tess.get(action_url(request_obj, name)).status_code == 200
    response = tess.post(action_url(request_obj, name), data)
    assert response.status_code == 302 and response["Location"] == change_url(request_obj)
    request_obj.refresh_from_db()
    assert request_obj.status == to_status


def test_complete_and_no_show_buttons(tess, deep60, alex):
    past = timezone.now() - dt.timedelta(hours=2)
    completed = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=past)
    missed = make_booking(
        S.CONFIRMED, service=deep60, therapist=alex, start=past - dt.timedelta(hours=2)
    )
    tess.post(action_url(completed, "complete"), {"note": ""})
    tess.post(action_url(missed, "no-show"), {"note": "No call"})
    completed.refresh_from_db()
    missed.refresh_from_db()
    assert (completed.status, missed.status) == (S.COMPLETED, S.NO_SHOW)


def test_a_wrong_transition_is_a_message_and_changes_nothing(tess, deep60, alex):
    request_obj = make_booking(S.DECLINED, service=deep60, therapist=alex, start=START)
    html = tess.get(action_url(request_obj, "decline")).content.decode()
    assert "does not apply" in html
    response = tess.post(
        action_url(request_obj, "decline"), {"reason": "again", "sure": "on"}, follow=True
    )
    assert "so it cannot be declined" in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.status == S.DECLINED
    assert not request_obj.events.exists()


def test_cancelling_a_confirmed_booking_asks_to_be_sure_and_whether_to_tell_the_client(
    tess, deep60, alex
):
    from django.core import mail

    booking = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START)
    page = tess.get(action_url(booking, "cancel")).content.decode()
    assert "Yes, I am sure" in page and "Email the client that it is cancelled" in page
    refused = tess.post(action_url(booking, "cancel"), {"reason": "Therapist ill"})
    assert "Tick “Yes, I am sure” to go ahead" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    mail.outbox.clear()
    tess.post(action_url(booking, "cancel"), {"reason": "Told on the phone", "sure": "on"})
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and mail.outbox == []  # already told on the phone


def test_the_way_forward_and_the_endings_look_different(tess, deep60, alex):
    booking = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    html = tess.get(change_url(booking)).content.decode()
    assert re.search(r'class="button primary"[^>]*>.*?Confirm</a>', html, re.S)
    assert re.search(r'class="button danger"[^>]*>.*?Decline</a>', html, re.S)
    assert re.search(r'class="button neutral"[^>]*>Propose another time</a>', html)


def test_missing_reason_keeps_the_form(tess, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    html = tess.post(action_url(request_obj, "decline"), {"reason": ""}).content.decode()
    assert "Write the reason the client will read." in html
    request_obj.refresh_from_db()
    assert request_obj.status == S.REQUESTED


def test_unknown_transition_is_a_404(tess, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    assert tess.get(action_url(request_obj, "teleport")).status_code == 404


def test_anonymous_cannot_reach_the_transitions(client, deep60, alex):
    request_obj = make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START)
    response = client.post(action_url(request_obj, "decline"), {"reason": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    request_obj.refresh_from_db()
    assert request_obj.status == S.REQUESTED


def test_schedule_for_a_day_and_a_week(tess, deep60, alex, sam):
    first = make_booking(S.CONFIRMED, service=deep60, therapist=alex, start=START)
    second = make_booking(
        S.CONFIRMED, service=deep60, therapist=sam, start=START + dt.timedelta(days=1, hours=3)
    )
    make_booking(S.REQUESTED, service=deep60, therapist=alex, start=START + dt.timedelta(hours=3))
    day = START.date().isoformat()
    html = tess.get("/admin/clinic/bookingrequest/schedule/", {"date": day}).content.decode()
    assert first.reference in html and second.reference not in html
    assert "10:00\u201311:00" in html and "Alex Morgan" in html and "Sam Rivera" in html
    assert html.count("Requested") == 0  # only bookings
    html = tess.get(
        "/admin/clinic/bookingrequest/schedule/", {"date": day, "span": "week"}
    ).content.decode()
    assert first.reference in html and second.reference in html
    html = tess.get(
        "/admin/clinic/bookingrequest/schedule/", {"date": day, "span": "week", "therapist": "sam"}
    ).content.decode()
    assert second.reference in html and first.reference not in html
    assert "Alex Morgan" not in html and "All therapists" in html


def test_therapists_services_hours_and_time_off_are_managed_in_the_admin(
    fast_passwords, admin_client, alex
):
    for url in (
        "/admin/clinic/therapist/",
        f"/admin/clinic/therapist/{alex.pk}/change/",
        "/admin/clinic/service/add/",
        "/admin/clinic/timeoff/add/",
    ):
        assert admin_client.get(url).status_code == 200, url
    html = admin_client.get(f"/admin/clinic/therapist/{alex.pk}/change/").content.decode()
    assert "weekly hours" in html.lower()


def test_booking_rules_are_in_clinic_settings(fast_passwords, admin_client):
    ClinicSettings.load()
    html = admin_client.get("/admin/core/clinicsettings/1/change/").content.decode()
    for name in ("minimum_notice_hours", "booking_horizon_days", "slot_step_minutes",
                 "cancellation_cutoff_hours", "request_expiry_hours"):  # fmt: skip
        assert f'name="{name}"' in html


def test_changelist_queries_stay_bounded_with_500_requests(
    tess, deep60, alex, sam, django_assert_max_num_queries
):
    many_requests(500, deep60, alex, sam)
    tess.get("/admin/clinic/bookingrequest/")
    with django_assert_max_num_queries(14):
        response = tess.get("/admin/clinic/bookingrequest/")
    assert response.status_code == 200
    assert BookingRequest.objects.count() == 500


@pytest.mark.parametrize("query", [{}, {"time": "upcoming"}, {"needs_action": "yes"}])
def test_a_full_page_asks_no_more_queries_than_one_request(
    fast_passwords, therapist_client, front_desk_client, deep60, alex, sam, query
):
    """Each row's service, therapists and intake come with the page, never one query a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(client):
        client.get("/admin/clinic/bookingrequest/", query)
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/admin/clinic/bookingrequest/", query).content.decode()
        return len(captured), html

    make_booking(S.AWAITING_CLEARANCE, service=deep60, therapist=alex, start=START)
    one = {client: queries(client)[0] for client in (therapist_client, front_desk_client)}
    for n in range(30):
        make_booking(
            [S.AWAITING_CLEARANCE, S.CONFIRMED, S.REQUESTED][n % 3],
            service=deep60,
            therapist=[alex, sam, None][n % 3],
            start=in_days(1 + n, 10),
            intake=make_intake(["MEDICAL", "SELF_CARE"][n % 2]),
        )
    for client, count in one.items():
        full, html = queries(client)
        assert full == count
        assert html.count("level-badge level-") >= 20 and "Sam Rivera" in html


def test_front_desk_never_sees_clinical_notes_or_the_clients_link(
    fast_passwords, therapist, front_desk, deep60, alex
):
    from django.test import Client

    from tests.booking.support import in_days
    from tests.conftest import sign_in_with_second_factor
    from tests.factories import make_booking, make_intake

    tess = sign_in_with_second_factor(Client(), therapist)
    frank = sign_in_with_second_factor(Client(), front_desk)

    request_obj = make_booking(
        "awaiting_clearance", service=deep60, therapist=alex, start=in_days(4, 10),
        intake=make_intake("MEDICAL"), note="Old whiplash, on blood thinners",
    )  # fmt: skip
    response = tess.post(
        action_url(request_obj, "clear"),
        {"note": "Doctor letter re DVT seen"},
    )
    assert response.status_code == 302
    page = frank.get(change_url(request_obj)).content.decode()
    assert "DVT" not in page and "blood thinners" not in page
    assert "Doctor letter" not in page
    assert "blood thinners" in tess.get(change_url(request_obj)).content.decode()
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(request_obj)
    assert frank.get(f"/admin/r/{ct.pk}/{request_obj.pk}/").status_code == 404


@pytest.mark.parametrize("query", ["date=0001-01-01", "date=9999-12-31&span=week", "therapist=%00"])
def test_the_schedule_survives_odd_addresses(fast_passwords, tess, query):
    assert tess.get(f"/admin/clinic/bookingrequest/schedule/?{query}").status_code == 200


def test_the_intake_review_links_its_booking_requests(deep60, alex, therapist_client):
    intake = make_intake("MEDICAL")
    booking = make_booking(
        BookingStatus.AWAITING_CLEARANCE, service=deep60, therapist=alex,
        start=timezone.now() + dt.timedelta(days=3), intake=intake,
    )  # fmt: skip
    html = therapist_client.get(f"/admin/intake/intake/{intake.pk}/change/").content.decode()
    assert (
        f'href="/admin/clinic/bookingrequest/{booking.pk}/change/">{booking.reference}</a>' in html
    )
