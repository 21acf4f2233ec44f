"""My appointments: the timed, single-purpose link (my_appointments.py), asking for it
(/my/), the page it opens (/my/appointments/?link=...) and its email."""

import base64
import datetime as dt
import logging
import re
import time
from urllib.parse import unquote

import pytest
from django.core import mail, signing
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone

from clinic import settings as project_settings
from clinic.booking import my_appointments, tokens
from clinic.booking.models import BookingRequest, BookingStatus
from clinic.core.form_guard import stamp
from tests.booking.support import in_days
from tests.factories import SECRET_NOTE, make_booking

pytestmark = pytest.mark.django_db

ANA = "ana@example.com"
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _link_limit(settings):
    """The link requests' limit, as the project's settings give it (or the numbers proposed
    for them while the settings do not have it yet)."""
    settings.RATE_LIMITS = {"my-link": (5, 60, 3600), **settings.RATE_LIMITS}


def booking(status, service, therapist, start, **extra) -> BookingRequest:
    return make_booking(status, service=service, therapist=therapist, start=start, **extra)


@pytest.fixture
def anas(deep60, alex):
    """Ana's requests: two ahead (confirmed, proposed), two behind (completed, cancelled)."""
    return {
        "confirmed": booking(BookingStatus.CONFIRMED, deep60, alex, in_days(3, 10)),
        "proposed": booking(BookingStatus.PROPOSED, deep60, alex, in_days(5, 14)),
        "completed": booking(BookingStatus.COMPLETED, deep60, alex, in_days(-20, 11)),
        "cancelled": booking(BookingStatus.CANCELLED, deep60, alex, in_days(-40, 9)),
    }


def link_for(booking_row: BookingRequest, **kwargs) -> str:
    return my_appointments.link_path(my_appointments.make_token(booking_row, **kwargs))


def ask(client, email: str, started: str | None = None):
    return client.post(
        reverse("my_request"),
        {"email": email, "website": "", "started": started or stamp(time.time() - 30)},
    )


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- the link -------------------------------------------------------------------------------------


def test_a_link_opens_the_address_it_was_made_for(anas):
    token = my_appointments.make_token(anas["confirmed"])
    assert my_appointments.address_for(token) == ANA


def test_a_link_works_for_its_minutes_and_then_ends(anas, settings):
    settings.MY_LINK_MINUTES = 60
    made = time.time()
    token = my_appointments.make_token(anas["confirmed"], now=made)
    assert my_appointments.address_for(token, now=made + 59 * 60) == ANA
    with pytest.raises(my_appointments.LinkError) as ended:
        my_appointments.address_for(token, now=made + 61 * 60)
    assert ended.value.expired


def test_the_minutes_are_a_setting(anas, settings):
    settings.MY_LINK_MINUTES = 10
    made = time.time()
    token = my_appointments.make_token(anas["confirmed"], now=made)
    with pytest.raises(my_appointments.LinkError):
        my_appointments.address_for(token, now=made + 11 * 60)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: token[:-6],  # cut short when copied
        lambda token: token.replace("UNK-", "UNK-Z", 1),  # another reference
        lambda token: "",
        lambda token: "not-a-link",
    ],
)
def test_an_altered_link_opens_nothing(anas, spoil):
    token = my_appointments.make_token(anas["confirmed"])
    with pytest.raises(my_appointments.LinkError) as refused:
        my_appointments.address_for(spoil(token))
    assert not refused.value.expired


def test_the_link_is_single_purpose(anas):
    """A booking's manage token, or any other value the site signs, is not a my-appointments
    link; a my-appointments token is not a manage token."""
    confirmed = anas["confirmed"]
    manage_token = tokens.make_token(confirmed.reference)
    others = [
        manage_token,
        f"{confirmed.reference}:{manage_token}",
        signing.TimestampSigner(salt=tokens.SALT).sign(confirmed.reference),
        signing.TimestampSigner().sign(confirmed.reference),
        stamp(),
    ]
    for other in others:
        with pytest.raises(my_appointments.LinkError):
            my_appointments.address_for(other)
    mine = my_appointments.make_token(confirmed)
    assert not tokens.token_is_valid(confirmed.reference, mine)
    assert not tokens.token_is_valid(confirmed.reference, mine.rsplit(":", 1)[-1])


def test_the_link_does_not_carry_the_address(anas):
    url = my_appointments.link_url(my_appointments.make_token(anas["confirmed"]))
    assert "ana" not in url.lower()
    for part in re.split(r"[?=&:.]", url):
        padded = part + "=" * (-len(part) % 4)
        try:
            decoded = base64.urlsafe_b64decode(padded)
        except ValueError:
            continue
        assert b"ana" not in decoded.lower()


def test_a_link_ends_when_its_requests_lose_their_details(anas):
    """Deleted or anonymised details, or a changed address, end the links made before."""
    token = my_appointments.make_token(anas["proposed"])  # the latest request: the anchor
    BookingRequest.objects.filter(pk=anas["proposed"].pk).update(email="")
    with pytest.raises(my_appointments.LinkError) as ended:
        my_appointments.address_for(token)
    assert ended.value.expired


# --- what the page lists --------------------------------------------------------------------------


def test_the_list_splits_coming_up_from_earlier(anas, deep60, alex):
    booking(BookingStatus.CONFIRMED, deep60, alex, in_days(4, 9), email="someone@example.com")
    booking(BookingStatus.REQUESTED, deep60, None, in_days(8, 9), email="ANA@Example.com")
    found = my_appointments.appointments(ANA)
    assert [e.booking.status for e in found.upcoming] == ["confirmed", "proposed", "requested"]
    assert [e.booking.status for e in found.past] == ["completed", "cancelled"]
    assert not found.more_past
    upcoming = {e.booking.status: e for e in found.upcoming}
    assert upcoming["confirmed"].calendar and not upcoming["proposed"].calendar
    assert upcoming["confirmed"].words == "Confirmed. We look forward to seeing you."
    assert all(e.manage_url.startswith(f"/book/{e.booking.reference}/?token=") for e in found.past)


def test_a_request_whose_time_passed_is_earlier_whatever_its_status(deep60, alex):
    booking(BookingStatus.REQUESTED, deep60, alex, in_days(-2, 9))
    found = my_appointments.appointments(ANA)
    assert not found.upcoming and [e.booking.status for e in found.past] == ["requested"]


def test_an_old_request_has_no_manage_link_once_that_link_ended(deep60, alex, settings):
    old = booking(BookingStatus.COMPLETED, deep60, alex, in_days(-200, 9))
    BookingRequest.objects.filter(pk=old.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=199)
    )
    (entry,) = my_appointments.appointments(ANA).past
    assert entry.manage_url is None


def test_the_list_is_bounded(deep60, alex):
    for days in range(1, my_appointments.SHOWN + 4):
        booking(BookingStatus.CANCELLED, deep60, alex, in_days(-days, 9))
    found = my_appointments.appointments(ANA)
    assert len(found.past) == my_appointments.SHOWN and found.more_past
    assert found.past[0].booking.requested_start > found.past[-1].booking.requested_start


# --- the email ------------------------------------------------------------------------------------


def test_a_known_address_gets_one_email_with_the_link_in_its_language(
    anas, deep60, alex, monkeypatch
):
    from clinic.core import mail as core_mail

    languages = []
    real_send = core_mail.send

    def spy(name, to, context, *, language, **kwargs):
        languages.append(language)
        return real_send(name, to, context, language=language, **kwargs)

    monkeypatch.setattr(core_mail, "send", spy)
    booking(BookingStatus.REQUESTED, deep60, alex, in_days(9, 9), language="es")  # the latest
    assert my_appointments.send_link("  Ana@Example.com ", language="en")
    (message,) = mail.outbox
    assert message.to == [ANA] and languages == ["es"]
    link = re.search(r"https?://\S+/my/appointments/\?link=\S+", message.body).group(0)
    assert "/es/my/appointments/?link=" in link  # opens in Spanish, like the email
    assert my_appointments.address_for(unquote(link.split("link=", 1)[1])) == ANA
    assert "60" in message.body  # how long it works
    assert SECRET_NOTE not in message.body
    for detail in ("SELF_CARE", "MEDICAL", "Deep tissue", anas["confirmed"].reference):
        assert detail not in message.body


def test_an_unknown_address_gets_no_email():
    assert not my_appointments.send_link("nobody@example.com", language="en")
    assert mail.outbox == []


def test_one_address_gets_a_few_links_an_hour_at_most(anas, settings):
    settings.MY_LINK_EMAILS_PER_HOUR = 2
    sent = [my_appointments.send_link(ANA, language="en") for _ in range(4)]
    assert sent == [True, True, False, False]
    assert len(mail.outbox) == 2


# --- asking for a link (/my/) ---------------------------------------------------------------------


def test_the_form_asks_for_the_email_address(client):
    response = client.get(reverse("my_request"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_email"' in html and "Your email address" in html
    assert 'autocomplete="email"' in html and 'name="website"' in html


def test_known_and_unknown_addresses_get_the_same_answer(anas, client, settings):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    known, unknown = ask(client, ANA), ask(client, "stranger@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("my_sent")
    assert sorted(known.headers) == sorted(unknown.headers)
    results = default_task_backend.results
    assert [r.task.name for r in results] == ["send_my_link", "send_my_link"]
    assert [r.args[0] for r in results] == [ANA, "stranger@example.com"]
    pages = [without_csrf(client.get(reverse("my_sent")).content.decode()) for _ in range(2)]
    assert pages[0] == pages[1]
    assert "If this email address has appointments or requests with us" in pages[0]


def test_known_and_unknown_addresses_cost_the_request_the_same_work(anas, settings):
    """The same queries in the request either way: the look-up happens in the task."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    ask(Client(), "warm-up@example.com")  # the clinic's settings are cached from here on
    done = []
    for address in (ANA, "stranger@example.com"):
        with CaptureQueriesContext(connection) as captured:
            assert ask(Client(), address).status_code == 302
        done.append([re.sub(r"'[^']*'|\"s\d+_x\d+\"", "?", q["sql"]) for q in captured])
    assert done[0] == done[1]
    assert not any("clinic_bookingrequest" in sql for sql in done[0])


def test_a_filled_honeypot_sends_nothing(anas, client, settings):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    response = client.post(
        reverse("my_request"),
        {"email": ANA, "website": "http://spam.example", "started": stamp(time.time() - 30)},
    )
    assert response.status_code == 400
    assert "This looked like an automated message" in response.content.decode()
    assert default_task_backend.results == []


def test_the_sent_page_is_byte_identical_whatever_the_address(anas, client):
    """With the tasks run at once: the known address got an email, the unknown one none, and
    nothing of that shows in the answers."""
    first = client.get(ask(client, ANA)["Location"])
    second = client.get(ask(client, "stranger@example.com")["Location"])
    assert without_csrf(first.content.decode()) == without_csrf(second.content.decode())
    assert [m.to for m in mail.outbox] == [[ANA]]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the email address you gave when you booked."),
        ("ana@", "Enter an email address in the form name@example.com."),
    ],
)
def test_bad_input_shows_the_message_and_keeps_what_was_typed(client, settings, typed, message):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    response = ask(client, typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count(message) == 2  # in the summary and beside the field
    assert 'href="#id_email"' in html
    assert f'value="{typed}"' in html if typed else 'name="email"' in html
    assert default_task_backend.results == []


def test_a_double_click_asks_once(anas, client, settings):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    started = stamp(time.time() - 30)
    assert ask(client, ANA, started)["Location"] == reverse("my_sent")
    assert ask(client, ANA, started)["Location"] == reverse("my_sent")
    assert len(default_task_backend.results) == 1


def test_link_requests_are_limited_per_device(anas, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "my-link": (2, 100, 3600)}
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    assert ask(client, ANA).status_code == ask(client, "b@example.com").status_code == 302
    refused = ask(client, "c@example.com")
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Several links were asked for from this device or connection" in html
    assert 'value="c@example.com"' in html
    assert len(default_task_backend.results) == 2


def test_link_requests_are_limited_per_address(anas, django_user_model, settings):
    from django.test import Client

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "my-link": (100, 2, 3600)}
    answers = [ask(Client(), ANA).status_code for _ in range(3)]  # three devices, one address
    assert answers == [302, 302, 429]


def test_the_link_limit_is_a_project_setting():
    """The numbers live in settings.RATE_LIMITS like every other limit's."""
    per_device, per_address, window = project_settings.RATE_LIMITS["my-link"]
    assert per_device < per_address and window > 0


# --- the page (/my/appointments/) -----------------------------------------------------------------


def test_the_page_lists_coming_up_and_earlier_with_their_actions(anas, client):
    response = client.get(link_for(anas["proposed"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    upcoming, earlier = html.split('id="past-title"')
    confirmed = anas["confirmed"]
    start = timezone.localtime(confirmed.start)
    assert confirmed.reference in upcoming and anas["proposed"].reference in upcoming
    assert anas["completed"].reference in earlier and anas["cancelled"].reference in earlier
    assert f"{start:%A} {start.day} {start:%B %Y}" in upcoming  # the weekday
    assert "Mountain Time (Denver)" in upcoming
    assert "Alex Morgan" in upcoming and "Deep tissue 60" in upcoming
    assert "We suggested another time. Please accept or decline it." in upcoming
    assert "Done: you came to this session." in earlier
    assert tokens.manage_path(confirmed.reference).replace("&", "&amp;") in upcoming
    assert "Answer the suggested time" in upcoming
    assert upcoming.count("Add to calendar") == 1
    assert SECRET_NOTE not in html


def test_the_manage_link_on_the_page_opens_the_booking(anas, client):
    html = client.get(link_for(anas["confirmed"])).content.decode()
    reference = anas["confirmed"].reference
    manage = re.search(rf'href="(/book/{reference}/\?token=[^"]+)"', html)
    assert client.get(manage.group(1).replace("&amp;", "&")).status_code == 200


def test_the_page_shows_only_this_address(anas, deep60, sam, client):
    other = booking(BookingStatus.CONFIRMED, deep60, sam, in_days(2, 13), email="bo@example.com")
    html = client.get(link_for(anas["confirmed"])).content.decode()
    assert other.reference not in html and "Sam Rivera" not in html


def test_the_page_has_a_bounded_number_of_queries(anas, deep60, alex, client, settings):
    url = link_for(anas["confirmed"])
    client.get(url)  # the clinic's settings are cached from here on, as in production

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for days in range(1, 30):
        booking(BookingStatus.CANCELLED, deep60, alex, in_days(-days - 50, 9))
        booking(BookingStatus.REQUESTED, deep60, None, in_days(days + 10, 9))
    assert queries() == few


def test_the_page_queries_stay_few(anas, client, django_assert_max_num_queries):
    url = link_for(anas["confirmed"])
    client.get(url)
    with django_assert_max_num_queries(6):
        client.get(url)


def test_an_ended_link_offers_a_new_one_and_changes_nothing(anas, client, settings):
    settings.MY_LINK_MINUTES = 60
    url = link_for(anas["confirmed"], now=time.time() - 61 * 60)
    before = list(BookingRequest.objects.values_list("status", "status_changed_at"))
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has ended" in html and "Email me a link" in html
    assert f'action="{reverse("my_request")}"' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert anas["confirmed"].reference not in main  # nothing of the requests shows
    assert list(BookingRequest.objects.values_list("status", "status_changed_at")) == before


def test_an_altered_link_offers_a_new_one(anas, client):
    url = link_for(anas["confirmed"])
    response = client.get(url[:-3])
    html = response.content.decode()
    assert response.status_code == 404
    assert "This link does not work" in html and "Email me a link" in html


def test_the_page_without_a_link_goes_to_the_form(client):
    response = client.get(reverse("my_appointments"))
    assert response.status_code == 302 and response["Location"] == reverse("my_request")


def test_posting_to_the_page_is_refused(anas, client):
    assert client.post(link_for(anas["confirmed"])).status_code == 405


def test_the_calendar_file_of_a_confirmed_session(anas, client):
    token = my_appointments.make_token(anas["confirmed"])
    reference = anas["confirmed"].reference
    url = reverse("my_calendar", args=[reference]) + f"?link={token}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert f"UID:{reference}@" in response.content.decode()


def test_no_calendar_file_for_a_proposal_or_someone_else(anas, deep60, sam, client):
    token = my_appointments.make_token(anas["confirmed"])
    other = booking(BookingStatus.CONFIRMED, deep60, sam, in_days(2, 13), email="bo@example.com")
    for reference in (anas["proposed"].reference, other.reference):
        url = reverse("my_calendar", args=[reference]) + f"?link={token}"
        assert client.get(url).status_code == 404


def test_the_request_log_keeps_neither_the_link_nor_the_address(anas, client, caplog):
    url = link_for(anas["confirmed"])
    token = url.split("link=", 1)[1]
    with caplog.at_level(logging.INFO, logger="clinic.requests"):
        client.get(url)
        ask(client, ANA)
    logged = [(r.getMessage(), getattr(r, "path", "")) for r in caplog.records]
    assert ("request", "/my/appointments/") in logged
    assert token not in caplog.text and token[:12] not in caplog.text
    assert ANA not in caplog.text
