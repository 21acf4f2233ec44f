"""The intake gate: what the pre-visit check done in this browser allows the client to book."""

from __future__ import annotations

from dataclasses import dataclass

from intake import steps
from intake.models import Intake
from intake.session import current_intake, emergency_rules
from intake.triage import Level


@dataclass(frozen=True)
class Gate:
    """What this browser's intake allows: 'none', 'emergency', 'clearance' or 'ok'."""

    state: str
    intake: Intake | None = None
    # How long the check takes, for the page that asks the client to do it.
    check_steps: int = steps.LAST
    check_minutes: int = steps.MINUTES


def intake_gate(request) -> Gate:
    if emergency_rules(request):
        return Gate("emergency")
    intake = current_intake(request)
    if intake is None:
        return Gate("none")
    if intake.level == Level.EMERGENCY:
        return Gate("emergency", intake)
    if not intake.cleared_for_booking:
        return Gate("clearance", intake)
    return Gate("ok", intake)
