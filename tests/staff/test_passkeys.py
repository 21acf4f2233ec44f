"""Passkeys (django-otp-webauthn) as a second factor beside the authenticator app: added only
after signing in with both factors, offered on the second-step page, never instead of the
password, loaded without inline script, and every change emailed to the owner."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.conftest import sign_in_with_second_factor
from tests.staff.test_staff_access import sign_in_with_password

pytestmark = pytest.mark.django_db

PASSKEYS = "/admin/second-factor/passkeys/"
CEREMONY = "/admin/second-factor/passkey/"
SECRET_ID = bytes(range(1, 33))
SECRET_KEY = bytes(range(100, 177))


@pytest.fixture
def staff(therapist):
    return therapist


def make_passkey(user, name="Laptop"):
    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=SECRET_ID, public_key=SECRET_KEY
    )


def password_only(client, staff) -> Client:
    """Signed in with the password; the authenticator app is set up, the code not yet given."""
    TOTPDevice.objects.create(user=staff, name="Phone", confirmed=True)
    assert sign_in_with_password(client).status_code == 302
    return client


def post_json(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def scripts_of(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>", page)


# --- the pages -------------------------------------------------------------------------------


def test_the_passkeys_page_loads_the_package_scripts_from_our_own_static_files(client, staff):
    sign_in_with_second_factor(client, staff)
    response = client.get(PASSKEYS)  # conftest fails the test on any inline script or style
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="passkey-register-button"' in page
    assert '<script id="otp_webauthn_config" type="application/json">' in page
    sources = [re.search(r'src="([^"]+)"', tag)[1] for tag in scripts_of(page) if "src=" in tag]
    assert any(src.endswith("django_otp_webauthn/otp_webauthn_register.js") for src in sources)
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)
    assert "nonce" not in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    catalog = client.get(f"{CEREMONY}jsi18n/")
    assert catalog.status_code == 200
    assert "javascript" in catalog["Content-Type"]


def test_the_passkeys_page_needs_both_factors(client, staff):
    password_only(client, staff)
    response = client.get(PASSKEYS)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_second_step_offers_a_passkey_only_to_someone_who_has_one(client, staff):
    password_only(client, staff)
    page = client.get("/admin/second-factor/").content.decode()
    assert "Use a passkey" not in page
    assert "otp_webauthn_auth.js" not in page
    make_passkey(staff)
    page = client.get("/admin/second-factor/?next=/admin/apps/").content.decode()
    assert "Use a passkey" in page
    assert 'id="passkey-verification-placeholder"' in page
    assert "django_otp_webauthn/otp_webauthn_auth.js" in page
    assert 'name="token"' in page  # the code still works beside it


# --- registering -----------------------------------------------------------------------------


def test_registration_begins_for_staff_signed_in_with_both_factors(client, staff):
    sign_in_with_second_factor(client, staff)
    response = post_json(client, f"{CEREMONY}registration/begin/")
    assert response.status_code == 200
    options = response.json()
    assert options["challenge"]
    assert options["rp"]["id"] == "localhost"


def test_a_password_alone_cannot_register_a_passkey(client, staff):
    password_only(client, staff)
    response = post_json(client, f"{CEREMONY}registration/begin/")
    assert response.status_code == 403
    assert not client.get("/admin/").wsgi_request.user.is_verified()


def test_a_password_alone_cannot_register_a_passkey_even_before_enrolment(client, staff):
    sign_in_with_password(client)  # no authenticator app yet: the package alone would allow it
    assert post_json(client, f"{CEREMONY}registration/begin/").status_code == 403
    assert post_json(client, f"{CEREMONY}registration/complete/").status_code == 403


def test_registration_refuses_someone_signed_out(client):
    assert post_json(client, f"{CEREMONY}registration/begin/").status_code in {401, 403}


# --- signing in with a passkey ---------------------------------------------------------------


def test_no_passwordless_sign_in(client, staff):
    make_passkey(staff)
    response = post_json(client, f"{CEREMONY}authentication/begin/")
    assert response.status_code == 403
    assert "challenge" not in response.content.decode()


def test_the_second_step_can_begin_a_passkey_ceremony(client, staff):
    password_only(client, staff)
    make_passkey(staff)
    response = post_json(client, f"{CEREMONY}authentication/begin/")
    assert response.status_code == 200
    assert response.json()["challenge"]


def test_a_bad_assertion_is_refused_and_signs_no_one_in(client, staff):
    password_only(client, staff)
    make_passkey(staff)
    assert post_json(client, f"{CEREMONY}authentication/begin/").status_code == 200
    forged = {
        "id": "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",
        "rawId": "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA",
        "type": "public-key",
        "response": {
            "clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
        },
        "clientExtensionResults": {},
    }
    response = post_json(client, f"{CEREMONY}authentication/complete/", forged)
    assert 400 <= response.status_code < 500
    assert client.get("/admin/").status_code == 302  # still only half signed in
    # the challenge was used up: the same assertion cannot be tried again
    again = post_json(client, f"{CEREMONY}authentication/complete/", forged)
    assert 400 <= again.status_code < 500


def test_the_ceremony_without_a_challenge_is_refused(client, staff):
    password_only(client, staff)
    make_passkey(staff)
    response = post_json(client, f"{CEREMONY}authentication/complete/", {"id": "x"})
    assert 400 <= response.status_code < 500


# --- the owner hears of every change ---------------------------------------------------------


def assert_no_secret(message) -> None:
    body = message.subject + message.body
    for secret in (SECRET_ID, SECRET_KEY):
        assert secret.hex() not in body and secret.hex().upper() not in body
    assert "/second-factor/passkey/" not in body


def test_adding_a_passkey_emails_its_owner(staff):
    mail.outbox.clear()
    make_passkey(staff)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [staff.email]
    assert "passkey was added" in message.subject
    assert_no_secret(message)


def test_removing_a_passkey_on_the_page_emails_its_owner(client, staff):
    passkey = make_passkey(staff)
    sign_in_with_second_factor(client, staff)
    page = client.get(PASSKEYS).content.decode()
    assert "Laptop" in page
    mail.outbox.clear()
    response = client.post(PASSKEYS, {"remove": passkey.pk})
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert len(mail.outbox) == 1
    assert "passkey was removed" in mail.outbox[0].subject
    assert_no_secret(mail.outbox[0])


def test_no_one_removes_another_persons_passkey(client, staff, front_desk):
    passkey = make_passkey(front_desk)
    sign_in_with_second_factor(client, staff)
    assert client.post(PASSKEYS, {"remove": passkey.pk}).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
