"""Compose runs the periodic booking work (read, not run: there is no Docker engine here)."""

from django.core.management import get_commands

from tests.clinic.test_deployment_files import COMPOSE, commands_of


def test_compose_runs_the_periodic_booking_work_on_an_interval():
    [argv] = commands_of("scheduler")
    assert argv[:3] == ["python", "manage.py", "run_periodic"]
    assert "run_periodic" in get_commands()
    seconds = int(argv[argv.index("--loop") + 1])
    assert 60 <= seconds <= 900  # reminders and expiry within minutes of being due
    scheduler, web = COMPOSE["services"]["scheduler"], COMPOSE["services"]["web"]
    assert scheduler["environment"] == web["environment"]  # same database, same settings
