"""Two-factor enrolment cannot be taken over, the owner hears of every change, and the pause
after wrong codes is capped and said in words."""

import datetime as dt
import re
from base64 import b32decode

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.staff import two_factor
from tests.conftest import sign_in_with_second_factor
from tests.staff.test_staff_access import code_for, sign_in_with_password

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(therapist):
    return therapist


def shown_secret(page: str) -> str:
    """The key as the page prints it for typing in ("ABCD EFGH ...")."""
    return re.search(r"Enter this key in the app instead:\s*<code>([A-Z2-7 ]+)</code>", page)[1]


def forms_of(secret: str) -> list[str]:
    """Every way the secret could leak: grouped, ungrouped base32, and hex."""
    plain = secret.replace(" ", "")
    return [secret, plain, b32decode(plain).hex(), b32decode(plain).hex().upper()]


def code_from(secret: str, at: float | None = None) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def enrolment_page(client) -> str:
    page = client.get("/admin/second-factor/").content.decode()
    assert "Set up two-step sign-in" in page
    return page


def assert_secret_absent(response, secret: str) -> None:
    body = response.content.decode() + str(dict(response.headers))
    for form in forms_of(secret):
        assert form not in body


def test_two_sessions_with_the_same_password_see_different_secrets(staff):
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    secret_one = shown_secret(enrolment_page(first))
    secret_two = shown_secret(enrolment_page(second))
    assert secret_one != secret_two
    assert shown_secret(enrolment_page(first)) == secret_one  # stable within its own session
    second_page = second.get("/admin/second-factor/")
    assert_secret_absent(second_page, secret_one)
    assert not TOTPDevice.objects.filter(user=staff).exists()  # nothing stored until confirmed


def test_the_secret_is_never_shown_again_after_confirmation(client, staff):
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    response = client.post("/admin/second-factor/", {"token": code_from(secret)})
    assert response["Location"] == "/admin/second-factor/backup-codes/"
    assert_secret_absent(response, secret)
    for url in ("/admin/second-factor/backup-codes/", "/admin/second-factor/", "/admin/"):
        assert_secret_absent(client.get(url, follow=True), secret)
    assert two_factor.ENROLMENT_SESSION_KEY not in client.session
    # a new session with the same password is asked for a code, not shown any key
    other = Client()
    sign_in_with_password(other)
    page = other.get("/admin/second-factor/")
    assert (
        "Two-step sign-in" in page.content.decode()
        and 'figure class="qr"' not in page.content.decode()
    )
    assert_secret_absent(page, secret)


def test_confirming_in_one_session_voids_the_other_sessions_secret(staff):
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    secret_one = shown_secret(enrolment_page(first))
    secret_two = shown_secret(enrolment_page(second))
    assert first.post("/admin/second-factor/", {"token": code_from(secret_one)}).status_code == 302

    late = second.post("/admin/second-factor/", {"token": code_from(secret_two), "next": "/admin/"})
    assert late.status_code == 200
    assert "That code did not work" in late.content.decode()
    assert 'class="qr"' not in late.content.decode()  # now a sign-in page, no key shown
    assert_secret_absent(late, secret_one)
    assert second.get("/admin/").status_code == 302
    assert two_factor.ENROLMENT_SESSION_KEY not in second.session
    [device] = TOTPDevice.objects.filter(user=staff)
    assert device.confirmed and device.key == b32decode(secret_one.replace(" ", "")).hex()


def test_the_second_session_cannot_confirm_after_the_first(staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    first, second = Client(), Client()
    sign_in_with_password(first)
    sign_in_with_password(second)
    enrolment_page(first)
    secret_two = shown_secret(enrolment_page(second))
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)  # first won
    response = second.post("/admin/second-factor/", {"token": code_from(secret_two)})
    assert response.status_code == 200 and second.get("/admin/").status_code == 302
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]


def test_an_old_pending_device_is_never_shown_and_goes_on_confirmation(client, staff):
    legacy = TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=False)
    sign_in_with_password(client)
    page = client.get("/admin/second-factor/")
    assert legacy.key not in page.content.decode()
    assert code_for(legacy) != ""  # the legacy code does not confirm anything
    assert client.post("/admin/second-factor/", {"token": code_for(legacy)}).status_code == 200
    secret = shown_secret(page.content.decode())
    client.post("/admin/second-factor/", {"token": code_from(secret)})
    assert not TOTPDevice.objects.filter(pk=legacy.pk).exists()
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_a_wrong_enrolment_code_keeps_the_same_secret_in_that_session(client, staff):
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    wrong = client.post("/admin/second-factor/", {"token": "000000"})
    assert "That code did not work" in wrong.content.decode()
    assert shown_secret(wrong.content.decode()) == secret
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_the_enrolment_code_cannot_be_used_again_to_sign_in(client, staff):
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    code = code_from(secret)
    client.post("/admin/second-factor/", {"token": code})
    client.post("/admin/logout/")
    sign_in_with_password(client)
    again = client.post("/admin/second-factor/", {"token": code, "next": "/admin/"})
    assert again.status_code in (200, 429) and client.get("/admin/").status_code == 302


# --- emails ----------------------------------------------------------------------------------


def test_the_user_is_emailed_on_enrolment_with_no_secret_or_code(client, staff):
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    code = code_from(secret)
    client.post("/admin/second-factor/", {"token": code})
    codes_page = client.get("/admin/second-factor/backup-codes/").content.decode()
    backup_codes = re.findall(r"<code>([a-z0-9]+)</code>", codes_page)
    assert len(backup_codes) == 10

    [message] = mail.outbox
    assert message.to == ["tess@clinic.example"]
    assert message.subject == "Two-step sign-in was set up on your account"
    assert "tess" in message.body and "tell the clinic manager" in message.body
    text = message.subject + message.body
    for leak in [*forms_of(secret), code, *backup_codes]:
        assert leak not in text


def test_the_user_is_emailed_when_their_authenticator_is_removed(client, staff):
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    client.post("/admin/second-factor/", {"token": code_from(secret)})
    mail.outbox.clear()

    TOTPDevice.objects.filter(user=staff).delete()  # what a superuser does for a lost phone
    [message] = mail.outbox
    assert message.to == ["tess@clinic.example"]
    assert message.subject == "Two-step sign-in was reset on your account"
    assert "set up a new one" in message.body
    for leak in forms_of(secret):
        assert leak not in message.body
    assert not re.search(r"\b[a-z0-9]{8}\b.*\b[a-z0-9]{8}\b", message.body.split("\n\n")[0])


def test_removing_a_device_in_the_admin_emails_its_owner(client, staff, groups):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "x" * 20)
    device = TOTPDevice.objects.create(user=staff, name="Old phone", confirmed=True)
    sign_in_with_second_factor(client, boss)
    mail.outbox.clear()
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert [m.to for m in mail.outbox] == [["tess@clinic.example"]]
    assert "reset" in mail.outbox[0].subject


def test_the_admin_does_not_show_a_devices_secret(client, staff):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.create_superuser("boss", "boss@clinic.example", "x" * 20)
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    sign_in_with_second_factor(client, boss)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page
    assert device.key not in client.get("/admin/otp_totp/totpdevice/").content.decode()


def test_no_email_without_an_address_and_none_for_an_unconfirmed_device(client, staff):
    staff.email = ""
    staff.save()
    sign_in_with_password(client)
    secret = shown_secret(enrolment_page(client))
    client.post("/admin/second-factor/", {"token": code_from(secret)})
    TOTPDevice.objects.filter(user=staff).delete()
    TOTPDevice.objects.create(user=staff, name="Pending", confirmed=False).delete()
    assert mail.outbox == []


# --- the capped pause after wrong codes ------------------------------------------------------


def fail_and_wait(device: TOTPDevice, seconds: float) -> None:
    """As if the person waited `seconds` since their last wrong code."""
    device.refresh_from_db()
    device.throttling_failure_timestamp = timezone.now() - dt.timedelta(seconds=seconds)
    device.save()


def test_repeated_wrong_codes_say_how_long_to_wait(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    sign_in_with_password(client)
    for pause in (1, 2, 4):  # short pauses: just "did not work"
        wrong = client.post("/admin/second-factor/", {"token": "000000"})
        page = wrong.content.decode()
        assert wrong.status_code == 200 and "That code did not work" in page
        assert "Please wait" not in page
        device.refresh_from_db()
        assert two_factor.seconds_to_wait(device) <= pause
        fail_and_wait(device, pause)
    wrong = client.post("/admin/second-factor/", {"token": "000000"}).content.decode()
    assert re.search(r"Too many wrong codes\. Please wait [78] seconds and try again\.", wrong)

    right = client.post("/admin/second-factor/", {"token": code_for(device), "next": "/admin/"})
    assert right.status_code == 429
    assert re.search(r"Please wait [78] seconds and try again\.", right.content.decode())
    assert int(right["Retry-After"]) in (7, 8)
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 4  # a try while paused is not counted

    fail_and_wait(device, 8)
    right = client.post("/admin/second-factor/", {"token": code_for(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"


def test_the_pause_is_capped_however_many_codes_were_wrong(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    settings.OTP_THROTTLE_MAX_SECONDS = 60
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    device.throttling_failure_count = 40  # django-otp alone: 2^39 seconds
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    sign_in_with_password(client)
    locked = client.post("/admin/second-factor/", {"token": code_for(device)})
    assert locked.status_code == 429
    shown = re.search(r"Please wait (\d+) seconds and try again\.", locked.content.decode())
    assert 50 <= int(shown[1]) <= 60  # the cap, less the time signing in took
    assert locked["Retry-After"] == shown[1]

    fail_and_wait(device, 61)
    right = client.post("/admin/second-factor/", {"token": code_for(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_default_cap_and_the_wait_never_exceed_it(staff, settings):
    assert settings.OTP_THROTTLE_MAX_SECONDS == 300
    device = TOTPDevice(user=staff, confirmed=True)
    device.throttling_failure_timestamp = timezone.now()
    for failures in (1, 5, 9, 10, 60, 5000):
        device.throttling_failure_count = failures
        assert 0 < two_factor.seconds_to_wait(device) <= 300
    device.throttling_failure_count = 5000
    assert two_factor.seconds_to_wait(device) == 300


def test_a_wrong_code_pauses_backup_codes_too_and_a_success_clears_both(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    backup = StaticDevice.objects.create(user=staff, name="Backup codes")
    backup.token_set.create(token="lostphone1")
    sign_in_with_password(client)
    for attempt in range(4):
        if attempt:
            fail_and_wait(device, 10)
            fail_and_wait(backup, 10)
        client.post("/admin/second-factor/", {"token": "000000"})
    backup.refresh_from_db()
    assert backup.throttling_failure_count == 4
    assert client.post("/admin/second-factor/", {"token": "lostphone1"}).status_code == 429
    fail_and_wait(device, 20)
    fail_and_wait(backup, 20)
    response = client.post("/admin/second-factor/", {"token": "lostphone1", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    device.refresh_from_db()
    backup.refresh_from_db()
    assert device.throttling_failure_count == backup.throttling_failure_count == 0


def test_the_wait_message_is_translated():
    from django.utils import translation

    with translation.override("es"):
        assert "Espere 5 segundos" in two_factor.wait_message(5)
        assert "Espere 1 segundo " in two_factor.wait_message(1)
