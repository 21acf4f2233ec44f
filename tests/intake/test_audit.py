"""The intake audit trail: every view, decision, export and deletion, with who, when and
from which address; nobody can change or delete it."""

import pytest
from django.db import IntegrityError, transaction

from intake.models import IntakeAccess
from tests.factories import make_submitted_intake

pytestmark = pytest.mark.django_db


def url(intake, suffix="change/"):
    return f"/admin/intake/intake/{intake.pk}/{suffix}"


def test_each_action_on_an_intake_leaves_an_audit_row(therapist_client, therapist):
    intake = make_submitted_intake(recent_fracture="yes")
    therapist_client.get(url(intake), REMOTE_ADDR="203.0.113.40")
    therapist_client.post(url(intake), {"decision": "reviewed", "note": ""})
    therapist_client.post(url(intake), {"decision": "cleared", "note": "Doctor's letter seen"})
    therapist_client.post(url(intake), {"decision": "referred", "note": "Back to the GP"})
    export = therapist_client.get(url(intake, "export/"))
    assert export["Content-Disposition"] == f'attachment; filename="intake-{intake.pk}.txt"'
    assert "have you broken a bone" in export.content.decode()
    actions = list(IntakeAccess.objects.order_by("at", "pk").values_list("action", flat=True))
    assert actions[:5] == ["viewed", "reviewed", "cleared", "referred", "exported"]
    first = IntakeAccess.objects.order_by("at", "pk").first()
    assert (first.user, first.ip_address, first.intake_number) == (
        therapist,
        "203.0.113.40",
        intake.pk,
    )


def test_export_needs_its_own_permission(therapist_client, therapist):
    from django.contrib.auth.models import Permission

    therapist.groups.first().permissions.remove(Permission.objects.get(codename="export_intake"))
    intake = make_submitted_intake()
    assert therapist_client.get(url(intake, "export/")).status_code == 403
    assert not IntakeAccess.objects.filter(action="exported").exists()


def test_audit_trail_page_lists_and_filters_but_cannot_edit(therapist_client):
    intake = make_submitted_intake()
    therapist_client.get(url(intake))
    listing = therapist_client.get("/admin/intake/intakeaccess/?action__exact=viewed")
    assert listing.status_code == 200 and f"{intake.pk}" in listing.content.decode()
    entry = IntakeAccess.objects.get()
    assert therapist_client.get(f"/admin/intake/intakeaccess/{entry.pk}/delete/").status_code == 403
    assert therapist_client.get("/admin/intake/intakeaccess/add/").status_code == 403
    page = therapist_client.get(f"/admin/intake/intakeaccess/{entry.pk}/change/").content.decode()
    assert 'name="action"' not in page  # read-only: no inputs, no save button
    assert 'name="_save"' not in page


def test_even_the_superuser_cannot_edit_the_trail(admin_client):
    intake = make_submitted_intake()
    admin_client.get(url(intake))
    entry = IntakeAccess.objects.get()
    assert admin_client.get(f"/admin/intake/intakeaccess/{entry.pk}/delete/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/intake/intakeaccess/{entry.pk}/change/", {"action": "cleared"}
        ).status_code
        == 403
    )


def test_the_database_refuses_to_change_or_delete_audit_rows():
    intake = make_submitted_intake()
    entry = IntakeAccess.objects.create(intake=intake, intake_number=intake.pk, action="viewed")
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeAccess.objects.filter(pk=entry.pk).update(action="cleared")
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()
    number = intake.pk
    intake.delete()  # the one change allowed: losing the link to a deleted intake
    entry.refresh_from_db()
    assert entry.intake is None and entry.intake_number == number
