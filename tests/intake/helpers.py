"""Walk the intake form as a browser would."""

import time

from clinic.core.form_guard import stamp
from intake.steps import STEPS
from tests.intake.answers import BENIGN

CONTACT = {
    "name": "Rosa Quintero",
    "email": "rosa@example.com",
    "phone": "(555) 010-0177",
    "language": "es",
    "understands_screening": "on",
    "agrees_to_storage": "on",
    "signature": "Rosa Quintero",
}


def step_data(number: int, answers: dict) -> dict:
    data = {"action": "next"}
    for question in STEPS[number - 1].section.questions:
        value = answers.get(question.key)
        if value is not None:
            data[question.key] = value
    return data


def fill_intake(client, answers=BENIGN, contact=CONTACT, language_prefix=""):
    """Post every step in order (under /es/ with language_prefix="/es"); returns the last
    response."""
    path = f"{language_prefix}/intake/"
    response = None
    for step in STEPS[:-1]:
        response = client.post(f"{path}?step={step.number}", step_data(step.number, answers))
        if response["Location"] == f"{path}result/":
            return response
    return client.post(f"{path}?step={STEPS[-1].number}", {"action": "next", **human(), **contact})


def human() -> dict:
    """What a person's browser sends with the last step: a start time a minute ago."""
    return {"started": stamp(time.time() - 60), "website": ""}
