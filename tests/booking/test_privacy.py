"""A client's data: nothing of it in logs, and deleted on request with a record of who did it."""

import logging

import pytest
from django.core import mail

from clinic.booking import privacy
from clinic.booking.models import BookingRequest, BookingStatus, DataDeletionRequest
from clinic.booking.tokens import manage_path
from intake.models import Intake, IntakeAccess
from tests.booking.support import in_days
from tests.booking.test_pages import request_data
from tests.factories import make_booking, make_intake
from tests.intake.answers import benign
from tests.intake.helpers import CONTACT, fill_intake

pytestmark = pytest.mark.django_db


def test_no_submitted_value_in_any_log_record(client, deep60, alex, caplog):
    caplog.set_level(logging.DEBUG)
    answers = benign(pain_worst_0_10=9, night_sweats="yes", pain_regions=["neck", "hand_left"])
    fill_intake(client, answers, contact={**CONTACT, "phone": "(555) 010-0177"})
    client.get("/intake/result/")
    client.post("/book/", request_data(client_name="Rosa Quintero", note="Left shoulder, firm"))
    booking = BookingRequest.objects.get()
    client.get(manage_path(booking.reference))
    assert caplog.records, "the requests were logged"
    logged = "\n".join(
        f"{record.getMessage()} {record.args} {getattr(record, 'path', '')}"
        for record in caplog.records
    ).lower()
    for value in (
        "Rosa Quintero", "rosa@example.com", "010-0177", "010-0199", "Left shoulder, firm",
        "night_sweats", "hand_left", "M15_WEIGHT_LOSS", "P06_SEVERE", "not_applicable",
    ):  # fmt: skip
        assert value.lower() not in logged, value
    assert any(getattr(record, "request_id", "-") != "-" for record in caplog.records)


@pytest.fixture
def client_with_data(deep60, alex):
    intake = make_intake(
        "MEDICAL", answers={"chest_pain_now": "no"}, fired=["M25_RECENT_FRACTURE"], phone="",
        consented_at="2026-11-01T10:00Z",
    )  # fmt: skip
    open_request = make_booking(
        BookingStatus.CONFIRMED, service=deep60, therapist=alex, start=in_days(5, 10), intake=intake
    )
    past = make_booking(
        BookingStatus.COMPLETED, service=deep60, therapist=alex, start=in_days(-20, 10)
    )
    other = make_booking(
        BookingStatus.REQUESTED, service=deep60, therapist=alex, start=in_days(6, 11),
        email="someone.else@example.com", client_name="Someone Else",
    )  # fmt: skip
    return open_request, past, other


def ask(client, booking):
    path = manage_path(booking.reference)
    token = path.split("token=")[1]
    return client.post(path, {"token": token, "action": "delete_my_data"}, follow=True)


def test_the_client_asks_from_their_booking_link_and_the_clinic_is_told(client, client_with_data):
    open_request, *_ = client_with_data
    page = ask(client, open_request).content.decode()
    assert "We have your request to delete your data" in page
    assert "waiting for the clinic's decision" in page
    ask(client, open_request)  # asking twice queues one request
    deletion = DataDeletionRequest.objects.get()
    assert deletion.status == "pending" and deletion.email == "ana@example.com"
    notice = [m for m in mail.outbox if m.to == ["hello@clinic.example"]][-1]
    assert f"/admin/clinic/datadeletionrequest/{deletion.pk}/change/" in notice.body
    assert "Ana" not in notice.body and "ana@example.com" not in notice.body


def test_a_wrong_token_cannot_ask(client, client_with_data):
    open_request, *_ = client_with_data
    response = client.post(
        f"/book/{open_request.reference}/", {"token": "forged", "action": "delete_my_data"}
    )
    assert response.status_code == 404
    assert not DataDeletionRequest.objects.exists()


def test_carrying_out_deletes_the_bookings_intake_cancels_and_anonymises_with_a_record(
    client, therapist_client, therapist, client_with_data
):
    open_request, past, other = client_with_data
    ask(client, open_request)
    deletion = DataDeletionRequest.objects.get()
    intake_pk = open_request.intake_id
    page = therapist_client.get(f"/admin/clinic/datadeletionrequest/{deletion.pk}/change/")
    assert "The request is still open and will be cancelled." in page.content.decode()
    mail.outbox.clear()

    response = therapist_client.post(
        f"/admin/clinic/datadeletionrequest/{deletion.pk}/change/",
        {"decision": "carry_out"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    deletion.refresh_from_db()
    assert (deletion.status, deletion.decided_by, deletion.email) == ("carried_out", therapist, "")
    assert (deletion.intakes_deleted, deletion.bookings_anonymised) == (1, 1)
    assert not Intake.objects.filter(pk=intake_pk).exists()
    entry = IntakeAccess.objects.get(action="deleted")
    assert (entry.intake_number, entry.user, entry.ip_address) == (
        intake_pk,
        therapist,
        "203.0.113.9",
    )
    open_request.refresh_from_db()
    assert (open_request.client_name, open_request.email, open_request.phone, open_request.note) == (
        privacy.ANONYMOUS_NAME, "", "", ""
    )  # fmt: skip
    assert open_request.status == BookingStatus.CANCELLED
    assert open_request.events.last().actor == therapist  # the history stays
    # Someone typing this client's email into another booking proves nothing: untouched.
    for untouched in (past, other):
        before = untouched.email
        untouched.refresh_from_db()
        assert untouched.email == before and untouched.intake_id is not None
    assert {tuple(m.to) for m in mail.outbox} == {("ana@example.com",)}
    assert "we have deleted the pre-visit answers linked to booking" in mail.outbox[-1].body


def test_refusing_needs_a_reason_and_tells_the_client(client, therapist_client, client_with_data):
    open_request, *_ = client_with_data
    ask(client, open_request)
    deletion = DataDeletionRequest.objects.get()
    url = f"/admin/clinic/datadeletionrequest/{deletion.pk}/change/"
    page = therapist_client.post(url, {"decision": "refuse", "note": ""})
    assert "Say why the request is refused" in page.content.decode()
    therapist_client.post(url, {"decision": "refuse", "note": "An insurance claim is open."})
    deletion.refresh_from_db()
    assert deletion.status == "refused"
    assert "An insurance claim is open." in mail.outbox[-1].body
    assert Intake.objects.exists()


def test_a_decided_request_cannot_be_carried_out_again(client, therapist, client_with_data):
    open_request, *_ = client_with_data
    ask(client, open_request)
    deletion = DataDeletionRequest.objects.get()
    privacy.carry_out(deletion, by=therapist)
    with pytest.raises(privacy.PrivacyError):
        privacy.carry_out(deletion, by=therapist)


def test_front_desk_cannot_decide(front_desk_client, client, client_with_data):
    open_request, *_ = client_with_data
    ask(client, open_request)
    deletion = DataDeletionRequest.objects.get()
    response = front_desk_client.get(f"/admin/clinic/datadeletionrequest/{deletion.pk}/change/")
    assert response.status_code == 403
