"""Staff sign-in: password plus second factor, lockout, idle timeout, the admin's address."""

import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.core.middleware import LAST_SEEN_KEY
from tests.clinic.test_settings import manage

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def staff(therapist):
    return therapist


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in_with_password(client, username="tess", password=PASSWORD):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_password_alone_does_not_reach_the_admin(client, staff):
    TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    assert sign_in_with_password(client).status_code == 302
    for url in ("/admin/", "/admin/intake/intake/", "/admin/clinic/bookingrequest/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"]
    assert client.get("/admin/login/")["Location"].startswith("/admin/second-factor/")


def test_the_right_code_opens_the_admin_and_a_wrong_one_does_not(client, staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause between the wrong and the right try
    device = TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    sign_in_with_password(client)
    wrong = client.post("/admin/second-factor/", {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    right = client.post("/admin/second-factor/", {"token": code_for(device), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_enrolment_shows_a_local_qr_code_then_backup_codes_once(client, staff):
    sign_in_with_password(client)
    page = client.get("/admin/second-factor/").content.decode()
    assert "Set up two-step sign-in" in page
    assert "<svg" in page and "<img" not in page  # drawn here, nothing fetched elsewhere
    # The key lives in this session until confirmed: no device row before that.
    assert not TOTPDevice.objects.filter(user=staff).exists()
    key = re.search(r"instead:\s*<code>([A-Z2-7 ]+)</code>", page)[1].replace(" ", "")
    assert key in client.get("/admin/second-factor/").content.decode().replace(" ", "")
    device = TOTPDevice(key=b32decode(key).hex())
    response = client.post("/admin/second-factor/", {"token": code_for(device)})
    assert response["Location"] == "/admin/second-factor/backup-codes/"
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z0-9]+)</code>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    )
    assert client.get("/admin/second-factor/backup-codes/")["Location"] == "/admin/"  # once only
    assert TOTPDevice.objects.get(user=staff).key == device.key


def test_a_backup_code_works_once(client, staff):
    client.get("/")  # a session
    sign_in_with_password(client)
    device = TOTPDevice.objects.get_or_create(user=staff, name="Phone", confirmed=True)[0]
    from django_otp.plugins.otp_static.models import StaticDevice

    backup = StaticDevice.objects.create(user=staff, name="Backup codes")
    backup.token_set.create(token="lostphone1")
    assert device.confirmed
    response = client.post("/admin/second-factor/", {"token": "lostphone1", "next": "/admin/"})
    assert response["Location"] == "/admin/"
    client.post("/admin/logout/")
    sign_in_with_password(client)
    again = client.post("/admin/second-factor/", {"token": "lostphone1", "next": "/admin/"})
    assert again.status_code == 200 and "That code did not work" in again.content.decode()


def test_sign_in_is_paused_after_repeated_wrong_passwords(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in_with_password(client, password="wrong-password-123")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    assert sign_in_with_password(client, password="wrong-password-123").status_code == 429
    locked = sign_in_with_password(client)  # even the right password now
    assert locked.status_code == 429
    assert "sign-in is paused for 15 minutes" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_staff_session_ends_after_thirty_quiet_minutes(therapist_client):
    assert therapist_client.get("/admin/").status_code == 200
    session = therapist_client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = therapist_client.get("/admin/intake/intake/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert "_auth_user_id" not in therapist_client.session
    assert therapist_client.get("/admin/").status_code == 302


def test_a_recently_active_staff_session_stays(therapist_client):
    session = therapist_client.session
    session[LAST_SEEN_KEY] = time.time() - 29 * 60
    session.save()
    assert therapist_client.get("/admin/").status_code == 200


def test_weak_staff_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = get_user_model()(username="newtherapist")
    for weak in ("short1", "password1234", "12345678901234", "newtherapist1"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)


def test_the_admin_lives_where_the_setting_says():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage("shell", "--no-imports", "-c", code, DEBUG="1", ADMIN_URL="back-office")
    assert result.stdout.strip().splitlines()[-1] == "/back-office/"


def test_after_a_lost_phone_is_removed_the_next_sign_in_enrols_again(client, staff):
    from django_otp.plugins.otp_static.models import StaticDevice

    TOTPDevice.objects.create(user=staff, name="Old phone", confirmed=True)
    StaticDevice.objects.create(user=staff, name="Backup codes").token_set.create(token="oldcode1")
    TOTPDevice.objects.filter(user=staff).delete()  # what a superuser does in the admin
    sign_in_with_password(client)
    page = client.get("/admin/second-factor/").content.decode()
    assert "Set up two-step sign-in" in page and "<svg" in page


def test_a_password_only_session_can_sign_out(client, staff):
    TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    sign_in_with_password(client)
    assert "_auth_user_id" in client.session
    response = client.post("/admin/second-factor/sign-out/")
    assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session


def test_draft_previews_need_the_second_factor(client, staff):
    from django.contrib.auth.models import Permission

    from education import publishing
    from education.models import Article

    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    draft = publishing.save_article(Article(title="Draft", slug="draft-one", body="Text."))
    sign_in_with_password(client)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_many_usernames_from_one_address_are_throttled(client, settings):
    """Password spraying: each username below django-axes' lockout, but the address is capped."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "staff-sign-in": (None, 4, 900)}
    for number in range(4):
        response = client.post("/admin/login/", {"username": f"user{number}", "password": "guess"})
        assert response.status_code == 200  # the ordinary "wrong password" form
    response = client.post("/admin/login/", {"username": "user9", "password": "guess"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many sign-in attempts came from this connection" in response.content.decode()
