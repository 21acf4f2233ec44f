"""What the client's browser session holds for the intake: the answers of a form in progress,
and which submitted intake (or emergency screen) is theirs. Nothing of it goes in URLs."""

from intake.models import Intake

PROGRESS_KEY = "intake_progress"
RESULT_KEY = "intake_result"
EMERGENCY_KEY = "intake_emergency"


def progress(request) -> dict:
    return request.session.get(PROGRESS_KEY, {})


def save_progress(request, answers: dict) -> None:
    request.session[PROGRESS_KEY] = answers


def forget_progress(request) -> None:
    request.session.pop(PROGRESS_KEY, None)


def remember_result(request, intake: Intake) -> None:
    forget_progress(request)
    request.session.pop(EMERGENCY_KEY, None)
    request.session[RESULT_KEY] = intake.pk


def remember_emergency(request, rule_ids) -> None:
    """The emergency screen was shown before anything was stored (no consent yet)."""
    forget_progress(request)
    request.session.pop(RESULT_KEY, None)
    request.session[EMERGENCY_KEY] = sorted(rule_ids)


def emergency_rules(request) -> list[str]:
    return request.session.get(EMERGENCY_KEY, [])


def current_intake(request) -> Intake | None:
    """The intake this browser session submitted, if any."""
    pk = request.session.get(RESULT_KEY)
    if pk is None:
        return None
    return Intake.objects.filter(pk=pk).first()
