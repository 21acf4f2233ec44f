import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from clinic.booking import demo

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"auth", "clinic", "intake", "education"}
    }


def test_seed_demo_twice_gives_the_same_rows_as_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=None)
    once = row_counts()
    call_command("seed_demo")
    assert row_counts() == once
    assert once["auth.Group"] == 2


def test_demo_therapist_can_log_in_to_the_admin_with_both_factors(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "therapist", "password": "knots-demo-2026"}
    )
    assert response.status_code == 302
    second = client.get("/admin/", follow=True)
    assert second.redirect_chain[-1][0].startswith("/admin/second-factor/")
    response = client.post("/admin/second-factor/", {"token": demo.demo_code(), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_front_desk_group_has_no_intake_access(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    front_desk = apps.get_model("auth", "Group").objects.get(name="Front desk")
    codenames = set(front_desk.permissions.values_list("content_type__app_label", flat=True))
    assert "intake" not in codenames


def test_seed_demo_refuses_the_demo_login_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG=1"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="therapist").exists()
