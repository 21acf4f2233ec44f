"""What a result page tells the client, as words: the explanations of the rules at the final
level (most urgent first), those that could not be ruled out, the 'not sure' note, and the
MEDICAL time frame, in the client's language.

Each intake keeps the wording it was shown (`Intake.shown_wording`), so a past result still
reads as the client saw it after the rules change (spec revision 2). An intake stored before
snapshots existed is worded from the rules as they are now.
"""

from django.utils import translation

from intake.questions import NOT_SURE
from intake.triage import RULES_VERSION, explained_rules, possible_rules, time_frame_text


def through_not_sure(answers: dict, triggers: dict, rule_ids) -> set[str]:
    """The rules among `rule_ids` that one of the client's 'not sure' answers helped fire."""
    return {
        rule_id
        for rule_id in rule_ids
        if any(answers.get(key) == NOT_SURE for key in triggers.get(rule_id, ()))
    }


def snapshot(
    level: str, fired, fired_unknown, see_doctor_within, *, unsure=(), language: str
) -> dict:
    """The words of one result, rendered now in `language`, to store with the intake."""
    with translation.override(language):
        return {
            "rules_version": RULES_VERSION,
            "language": language,
            "explained": [
                {"id": rule.id, "text": str(rule.client), "not_sure": rule.id in unsure}
                for rule in explained_rules(level, fired)
            ],
            "possible": [
                {"id": rule.id, "text": str(rule.client), "not_sure": False}
                for rule in possible_rules(level, fired_unknown)
            ],
            "time_frame": str(time_frame_text(see_doctor_within) or ""),
        }


def of_intake(intake, language: str | None = None) -> dict:
    """The wording this intake was shown. Asked for in another language (the reader switched),
    it is worded afresh when the rules have not changed since; an older intake keeps the
    words it was shown. One stored before snapshots existed is worded from today's rules."""
    stored = intake.shown_wording
    language = language or (stored or {}).get("language") or intake.language
    if stored and (stored.get("language") == language or intake.rules_version != RULES_VERSION):
        return stored
    return snapshot(
        intake.level,
        intake.fired,
        intake.fired_unknown,
        intake.see_doctor_within or None,
        unsure={item["id"] for item in (stored or {}).get("explained", []) if item["not_sure"]},
        language=language,
    )
