"""The pre-visit re-check (shared/specs/triage.md, section 3, rule 6).

Before a session the client answers the check-first questions again and says what has changed
since their pre-visit check. Each change brings back the part of the catalogue that covers it,
so the merged answers (the old ones, with everything asked again replaced) go through the same
assess() as any intake. Nothing here touches the database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from intake.questions import CHECK_FIRST, QUESTIONS, SECTIONS, Question
from intake.triage import RULES_BY_ID, Assessment, Level, assess


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    hint: str
    question_keys: tuple[str, ...]


def _section_keys(*section_keys: str) -> tuple[str, ...]:
    return tuple(
        question.key
        for section in SECTIONS
        if section.key in section_keys
        for question in section.questions
    )


CHANGES = (
    Change(
        "injury",
        _("A new injury or a fall"),
        _("For example a fall, a knock, a car accident or a sports injury."),
        _section_keys("injury"),
    ),
    Change(
        "symptoms",
        _("New pain, or pain or other symptoms that got worse"),
        _("For example pain in a new place, numbness or tingling, a fever, or weight loss."),
        _section_keys("your_pain", "pain_history", "nerves_and_body"),
    ),
    Change(
        "medicines",
        _("New medicines"),
        _("Especially a medicine that thins the blood, or steroid tablets."),
        ("blood_thinner", "bleeding_disorder", "clot_status", "steroid_tablets_3_months"),
    ),
    Change(
        "surgery",
        _("An operation or a stay in hospital"),
        _("Any operation, even a small one, or a night in hospital."),
        ("recent_surgery", "clot_status"),
    ),
    Change(
        "pregnancy",
        _("Pregnancy"),
        _("You are now pregnant, or something changed in your pregnancy."),
        ("pregnant", "pregnancy_high_risk", "pregnancy_warning_signs"),
    ),
)
CHANGES_BY_KEY = {change.key: change for change in CHANGES}
CHECK_FIRST_KEYS = tuple(question.key for question in CHECK_FIRST.questions)


def keys_asked(changes: Iterable[str]) -> list[str]:
    """The question keys a re-check asks, in catalogue order: the check-first questions, then
    every question of each change named. Unknown change names are ignored."""
    wanted = set(CHECK_FIRST_KEYS)
    for name in changes:
        if name in CHANGES_BY_KEY:
            wanted.update(CHANGES_BY_KEY[name].question_keys)
    return [key for key in QUESTIONS if key in wanted]


def questions_asked(changes: Iterable[str]) -> list[Question]:
    return [QUESTIONS[key] for key in keys_asked(changes)]


def merge(original: Mapping, fresh: Mapping, changes: Iterable[str]) -> dict:
    """The answers a re-check is scored on: the original answers, with every question the
    re-check asked replaced by its fresh answer (None where it was not answered or not shown,
    so a gap is scored as a gap, never as the old answer)."""
    merged = {key: original.get(key) for key in QUESTIONS}
    for key in keys_asked(changes):
        merged[key] = fresh.get(key)
    return merged


@dataclass(frozen=True)
class Outcome:
    assessment: Assessment
    previous_level: Level
    # The merged answers the assessment was made on, and the (known) changes reported.
    answers: dict
    changes: list[str]

    @property
    def level(self) -> Level:
        return self.assessment.level

    @property
    def raised(self) -> bool:
        return self.level.rank > self.previous_level.rank


def recheck(
    original: Mapping, previous_level: str, fresh: Mapping, changes: Iterable[str]
) -> Outcome:
    """Score a re-check against the intake it refreshes. Unknown change names are dropped."""
    changes = [name for name in changes if name in CHANGES_BY_KEY]
    answers = merge(original, fresh, changes)
    return Outcome(assess(answers), Level(previous_level), answers, changes)


def needs_new_clearance(outcome: Outcome, previous_fired: Iterable[str]) -> bool:
    """Whether a booking held on the earlier intake must wait for a therapist again: the level
    rose, or a rule at MEDICAL or EMERGENCY fired (for certain or possibly) that the earlier
    intake did not have, so no clearance given before could have covered it."""
    if outcome.raised or outcome.level == Level.EMERGENCY:
        return True
    if outcome.level.rank < Level.MEDICAL.rank:
        return False
    new = (outcome.assessment.fired | outcome.assessment.fired_unknown) - set(previous_fired)
    return any(
        rule_id in RULES_BY_ID and RULES_BY_ID[rule_id].level.rank >= Level.MEDICAL.rank
        for rule_id in new
    )
