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
    Step(len(questions.SECTIONS) + 1, "contact", _("Check your answers and send"), None),
)

LAST = len(STEPS)
QUESTION_COUNT = len(questions.QUESTIONS)
# What the start page promises. Measured: the catalogue is about 1,650 words (questions, their
# lists and answers); read at 200 words a minute, with about two seconds for each of some 50
# answers, a minute for the contact details and a minute to look over the answers, a person
# takes 9 to 11 minutes (tests/intake/test_start.py keeps this in step with the catalogue).
MINUTES = 10


def get(number: int) -> Step:
    return STEPS[number - 1]


@dataclass(frozen=True)
class ReviewRow:
    question: Question
    answer: str
    number: int  # the step that asks it

    @property
    def change_url(self) -> str:
        """The step, marked as a change, at the question's input (its first option for a
        group), which the browser focuses on arrival: no answer is ever in the address."""
        first = "" if self.question.kind == "number" else "_0"
        return f"?step={self.number}&change=1#id_{self.question.key}{first}"


def answer_text(question: Question, value) -> str:
    """An answer as the client chose it, in their words."""
    if value is None:
        return _("No answer")
    if question.kind == "number":
        return str(value)
    labels = dict(question.choices)
    if question.kind == "regions":
        return ", ".join(str(labels.get(v, v)) for v in value)
    return str(labels.get(value, value))


def review(answers: dict) -> list[tuple[Step, list[ReviewRow]]]:
    """Every question the client was asked, with their answer, grouped by step: what the
    check-your-answers page lists. A follow-up question they were not asked is left out."""
    return [
        (
            step,
            [
                ReviewRow(question, answer_text(question, answers.get(question.key)), step.number)
                for question in step.section.questions
                if question.is_shown(answers)
            ],
        )
        for step in STEPS
        if step.section is not None
    ]


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
