"""The intake form's steps: one section of the catalogue per step, then contact and consent."""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from intake import questions
from intake.questions import Question, Section
from intake.triage import RULES_BY_ID, Level, assess


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    section: Section | None  # None: the contact and consent step

    @property
    def emergency_answers(self) -> dict[str, tuple[str, ...]]:
        """This step's questions that show the 911 panel beside them: key -> the answers that
        do it (see `emergency_answers`). Only the questions that have such an answer."""
        if self.section is None:
            return {}
        found = ((q.key, emergency_answers(q)) for q in self.section.questions)
        return {key: values for key, values in found if values}


STEPS = (
    *(
        Step(number, section.key, section.title, section)
        for number, section in enumerate(questions.SECTIONS, start=1)
    ),
    Step(len(questions.SECTIONS) + 1, "contact", _("Your details and consent"), None),
)

LAST = len(STEPS)


def get(number: int) -> Step:
    return STEPS[number - 1]


def emergency_answers(question: Question) -> tuple[str, ...]:
    """The answers to this question that fire an EMERGENCY rule on their own, whatever the
    other answers: choosing one shows the 911 panel beside the question at once (intake.js),
    and Next then leads to the emergency screen. Read from the rules as the form's POST reads
    them (assess, 'not sure' included), so a change to a rule changes the panel with it."""
    return _emergency_answers(question.key)


@cache
def _emergency_answers(key: str) -> tuple[str, ...]:
    question = questions.QUESTIONS[key]
    if question.kind not in ("yes_no", "choice"):
        return ()
    return tuple(
        value
        for value, _label in question.choices
        if any(RULES_BY_ID[i].level == Level.EMERGENCY for i in assess({key: value}).fired)
    )
