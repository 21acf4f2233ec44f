"""The intake form's steps: one section of the catalogue per step, then contact and consent."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from intake import questions
from intake.questions import Section


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    section: Section | None  # None: the contact and consent step


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
