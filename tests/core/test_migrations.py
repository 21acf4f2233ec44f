"""ClinicSettings moved from the booking app (label "clinic") to core by state only: a database
built by the previous layout keeps its row, its permissions and who holds them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.core.models import ClinicSettings

BEFORE_THE_MOVE = [("clinic", "0004_data_deletion_requests"), ("core", None)]


def migrate(targets):
    """Migrate the test database to `targets`; the models as they were at that point."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_settings_row_and_permissions_survive_the_move_to_core():
    old = migrate(BEFORE_THE_MOVE)
    OldSettings = old.get_model("clinic", "ClinicSettings")
    OldSettings.objects.create(pk=1, name="Knot Free Studio", phone="(555) 010-7777")
    ContentType = old.get_model("contenttypes", "ContentType")
    OldPermission = old.get_model("auth", "Permission")
    OldGroup = old.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="clinic", model="clinicsettings")
    permission, _ = OldPermission.objects.get_or_create(
        content_type=content_type, codename="view_clinicsettings",
        defaults={"name": "Can view clinic settings"},
    )  # fmt: skip
    OldGroup.objects.create(name="Owners").permissions.add(permission)

    migrate(latest())

    settings = ClinicSettings.objects.get(pk=1)
    assert (settings.name, settings.phone) == ("Knot Free Studio", "(555) 010-7777")
    moved = Permission.objects.get(content_type__app_label="core", codename="view_clinicsettings")
    assert moved.pk == permission.pk
    assert Group.objects.get(name="Owners").permissions.filter(pk=moved.pk).exists()
    assert not Permission.objects.filter(content_type__app_label="clinic",
                                         codename="view_clinicsettings").exists()  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_first_aftercare_text_is_corrected_to_send_chest_pain_to_911():
    """The first text told a client with chest pain to call their doctor; the check sends chest
    pain to 911. A clinic still showing it gets the corrected words; its own words stay."""
    old = migrate([("core", "0005_translations")])
    OldSettings = old.get_model("core", "ClinicSettings")
    first = OldSettings._meta.get_field("visit_aftercare_en").default
    assert "Call your doctor, or 911 in an emergency" in first
    OldSettings.objects.update_or_create(
        pk=1,
        defaults={
            "visit_aftercare": first,
            "visit_aftercare_en": first,
            "visit_aftercare_es": "Tome agua. Si tiene adormecimiento nuevo, debilidad, fiebre o "
            "dolor en el pecho, llame a su médico, o al 911 si es una emergencia.",
        },
    )
    migrate(latest())
    row = ClinicSettings.objects.get(pk=1)
    assert "Call 911 at once for chest pain or pressure" in row.visit_aftercare_en
    assert "Call your doctor, or 911 in an emergency" not in row.visit_aftercare_en
    assert row.visit_aftercare_es.startswith("Tome agua. ")
    assert "Llame al 911 enseguida si tiene dolor o presión en el pecho" in row.visit_aftercare_es
    # The default for a new clinic says the same.
    assert "Call 911 at once for chest pain" in ClinicSettings().visit_aftercare_en


@pytest.mark.django_db(transaction=True)
def test_a_clinics_own_aftercare_text_is_left_alone():
    old = migrate([("core", "0005_translations")])
    own = "Rest, drink water, and call us with any question."
    old.get_model("core", "ClinicSettings").objects.update_or_create(
        pk=1, defaults={"visit_aftercare": own, "visit_aftercare_en": own}
    )
    migrate(latest())
    assert ClinicSettings.objects.get(pk=1).visit_aftercare_en == own
