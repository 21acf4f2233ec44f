"""What the client's browser session holds for the intake: the answers of a form in progress,
and which submitted intake (or emergency screen) is theirs. Nothing of it goes in URLs."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from intake.models import Intake

PROGRESS_KEY = "intake_progress"
RESULT_KEY = "intake_result"
EMERGENCY_KEY = "intake_emergency"
RETURN_KEY = "intake_return_to"


def is_abandoned(stored: dict, now: dt.datetime) -> bool:
    updated = stored.get("updated_at", 0)
    return now.timestamp() - updated > settings.INTAKE_IDLE_MINUTES * 60


def progress(request) -> dict:
    """The unfinished form's answers; forgotten once left alone for INTAKE_IDLE_MINUTES (a
    shared tablet must not hand them to the next person)."""
    stored = request.session.get(PROGRESS_KEY, {})
    if stored and is_abandoned(stored, timezone.now()):
        forget_progress(request)
        return {}
    return stored


def save_progress(request, stored: dict) -> None:
    request.session[PROGRESS_KEY] = {**stored, "updated_at": timezone.now().timestamp()}


def forget_progress(request) -> None:
    request.session.pop(PROGRESS_KEY, None)


def remember_result(request, intake: Intake) -> None:
    # A new session key: a session planted by someone else never receives the result.
    request.session.cycle_key()
    forget_progress(request)
    request.session.pop(EMERGENCY_KEY, None)
    request.session[RESULT_KEY] = {"pk": intake.pk, "at": timezone.now().timestamp()}


def remember_emergency(request, rule_ids) -> None:
    """The emergency screen was shown before consent: no intake is stored. The session keeps
    which emergency rules matched, so the result page and /book/ keep saying 911, and the
    unfinished answers, so "I chose a wrong answer" can lead back to them (those are forgotten
    like any unfinished form, after INTAKE_IDLE_MINUTES); both go when the session ends."""
    request.session.pop(RESULT_KEY, None)
    request.session[EMERGENCY_KEY] = sorted(rule_ids)


def forget_emergency(request) -> None:
    request.session.pop(EMERGENCY_KEY, None)


def emergency_rules(request) -> list[str]:
    return request.session.get(EMERGENCY_KEY, [])


def still_shown(stored: dict | None) -> bool:
    """A result (or receipt) kept in the session is shown again only for RESULT_SHOWN_MINUTES
    after it was first shown."""
    if not isinstance(stored, dict):
        return False
    age = timezone.now().timestamp() - stored.get("at", 0)
    return 0 <= age <= settings.RESULT_SHOWN_MINUTES * 60


def current_intake(request) -> Intake | None:
    """The intake this browser session submitted, while it may still be shown."""
    stored = request.session.get(RESULT_KEY)
    if not still_shown(stored):
        request.session.pop(RESULT_KEY, None)
        return None
    return Intake.objects.filter(pk=stored["pk"]).first()


def forget_result(request) -> None:
    """The client's journey is over (e.g. their booking is sent): the next person using this
    browser gets nothing of it, not even their name in a form."""
    request.session.pop(RESULT_KEY, None)


def return_after_check(request, path: str) -> None:
    """Another page sent the client here and wants them back when the check is done (booking
    keeps their chosen time this way); `path` is a path on this site."""
    request.session[RETURN_KEY] = path


def forget_return(request) -> None:
    request.session.pop(RETURN_KEY, None)


def return_path(request) -> str | None:
    """Where the client was sent from, if a page asked to have them back."""
    return request.session.get(RETURN_KEY)
