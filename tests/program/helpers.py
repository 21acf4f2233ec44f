"""Answer sets for the program's forms, as a browser posts them."""

from intake.recheck import CHECK_FIRST_KEYS

NO_CHECK_FIRST = dict.fromkeys(CHECK_FIRST_KEYS, "no")

# Nothing worrying: the program starts.
GATE_CLEAR = {
    **NO_CHECK_FIRST,
    "pregnant": "not_applicable",
    "injury_type": "none",
    "recent_fracture": "no",
    "osteoporosis": "no",
    "recent_surgery": "none",
    "blood_thinner": "no",
}
GATE_EMERGENCY = {**GATE_CLEAR, "chest_pain_now": "yes"}
GATE_MEDICAL = {**GATE_CLEAR, "recent_fracture": "yes"}


def check_in(pain_now, limits_now, **changes) -> dict:
    return {"pain_now": str(pain_now), "limits_now": str(limits_now), **NO_CHECK_FIRST, **changes}


def start_program(client, answers=GATE_CLEAR):
    response = client.post("/program/start/", answers)
    assert response.status_code == 200
    return response
