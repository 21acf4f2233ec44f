"""The safety gate before lesson 1, and the scoring the week 2, 4 and 6 check-ins share.

What the gate asks, and why
---------------------------
The nine check-first questions (the emergency screen every re-check asks), then the few
catalogue questions that change whether home exercise and self-massage are safe to start alone:

- `recent_fracture` (M25): strength work, floor exercises and a ball on a healing break.
- `osteoporosis` (M24 for a past fragility fracture; caution C02): loaded rows, prone lifts
  and a foam roller on the spine and ribs.
- `recent_surgery` (M26 within 6 weeks; C07): new loading on a healing wound.
- `blood_thinner` (caution C01): lesson 8's self-massage limits (bruising); it never stops the
  program, it is named on the page that starts it.
- `pregnant`, with its gated `pregnancy_high_risk` (M33) and `pregnancy_warning_signs` (M32):
  lying face down and exercise in a pregnancy that needs a doctor's or midwife's OK.
- `injury_type`, with its gated `injury_days_ago` and `injury_checked_by_doctor` (E12, M22):
  pain that started with a hard hit needs a check before anyone exercises it.

Every question is built with intake.forms.field_for, so its words and its error messages are
the catalogue's own.

How the answers are scored, honestly
------------------------------------
assess() runs over the asked answers only; the rest of the catalogue is missing, as it is. A
missing answer makes a rule "unknown", and the intake counts unknown rules (an unknown
EMERGENCY rule as MEDICAL, and it flags an incomplete emergency screen). Here that would send
every client to a doctor for questions the gate chose not to ask (E05's sudden chest pain
needs the pain questions, E10 the fever questions, E11 a blood pressure reading). So:

- a rule fired for certain counts at its level: three-valued logic makes a certain result
  certain whatever the missing answers are, so nothing the client said is ever under-read;
- a rule left unknown counts (EMERGENCY as MEDICAL, as assess() does) unless one of the
  answers that left it open is a question the gate did not ask: the gate is not the full
  pre-visit check and says so on the page, with the warning signs in every lesson and a link
  to the full check. No answer is ever filled in for the client ("benign defaults" would
  under-triage).

Because every asked question is required (gated ones when their gate is open), an unknown
rule from an asked question only arises from an answer the form refused; the rule is kept for
safety all the same.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from intake import wording
from intake.questions import QUESTIONS, Section
from intake.recheck import CHECK_FIRST_KEYS
from intake.triage import RULES_BY_ID, SELF_CARE_RULE, Level, Urgency, assess

PROGRAM_KEYS = (
    "pregnant",
    "pregnancy_high_risk",
    "pregnancy_warning_signs",
    "injury_type",
    "injury_days_ago",
    "injury_checked_by_doctor",
    "recent_fracture",
    "osteoporosis",
    "recent_surgery",
    "blood_thinner",
)
GATE_KEYS = CHECK_FIRST_KEYS + PROGRAM_KEYS

CHECK_FIRST_SECTION = Section(
    "program_check_first",
    _("Signs that need care now"),
    _("These questions look for signs that need emergency care before anything else."),
    tuple(QUESTIONS[key] for key in CHECK_FIRST_KEYS),
)
PROGRAM_SECTION = Section(
    "program_safety",
    _("Is exercise safe to start on your own?"),
    _("A few facts that change whether these exercises are safe to start without a doctor."),
    tuple(QUESTIONS[key] for key in PROGRAM_KEYS),
)


@dataclass(frozen=True)
class Scored:
    """What a set of asked answers means for the program."""

    level: Level
    rules: frozenset[str]  # the rules counted at `level` (certain or kept unknown)
    certain: frozenset[str]
    cautions: frozenset[str]
    see_doctor_within: str | None
    unsure: frozenset[str] = field(default_factory=frozenset)

    @property
    def starts(self) -> bool:
        return self.level.rank < Level.MEDICAL.rank

    def shown(self, language: str) -> dict:
        """The intake's words for this outcome (its reasons, most urgent first)."""
        certain = self.rules & self.certain
        possible = self.rules - self.certain
        return wording.snapshot(
            self.level,
            certain,
            possible,
            self.see_doctor_within,
            unsure=self.unsure,
            language=language,
        )


def score(answers: Mapping, asked: Iterable[str]) -> Scored:
    """Score the asked answers with the intake's assess(), as the module docstring says."""
    asked = frozenset(asked)
    given = {key: answers.get(key) for key in asked}
    assessment = assess(given)
    certain = set(assessment.fired) - {SELF_CARE_RULE.id}
    kept_unknown = {
        rule_id
        for rule_id in assessment.fired_unknown
        if assessment.triggers.get(rule_id, frozenset()) <= asked
    }
    levels = {rule_id: RULES_BY_ID[rule_id].level for rule_id in certain}
    for rule_id in kept_unknown:
        rule_level = RULES_BY_ID[rule_id].level
        levels[rule_id] = Level.MEDICAL if rule_level == Level.EMERGENCY else rule_level
    level = max(levels.values(), key=lambda lv: lv.rank) if levels else Level.SELF_CARE
    at_level = frozenset(rule_id for rule_id, lv in levels.items() if lv == level)
    frames = [
        RULES_BY_ID[rule_id].see_doctor_within
        for rule_id in at_level
        if RULES_BY_ID[rule_id].see_doctor_within is not None
    ]
    if level == Level.MEDICAL and any(
        RULES_BY_ID[rule_id].level == Level.EMERGENCY for rule_id in at_level
    ):
        frames.append(Urgency.TODAY)
    return Scored(
        level=level,
        rules=at_level,
        certain=frozenset(certain),
        cautions=frozenset(assessment.cautions),
        see_doctor_within=min(frames).label if frames else None,
        unsure=frozenset(wording.through_not_sure(given, assessment.triggers, at_level)),
    )


def score_gate(answers: Mapping) -> Scored:
    return score(answers, GATE_KEYS)


def score_check_first(answers: Mapping) -> Scored:
    return score(answers, CHECK_FIRST_KEYS)
