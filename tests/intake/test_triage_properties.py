"""Properties that hold for any answers at all (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.questions import QUESTIONS
from intake.triage import NOT_SURE_AS, Level, assess

YES_NO_KEYS = sorted(key for key, q in QUESTIONS.items() if q.kind == "yes_no")
# Where 'yes' is the worrying answer ('not sure' counts as yes).
WORRYING_YES = [key for key in YES_NO_KEYS if NOT_SURE_AS.get(key, "yes") == "yes"]


def answer_for(question):
    if question.kind == "number":
        return st.integers(question.minimum, question.maximum)
    if question.kind == "regions":
        return st.lists(st.sampled_from(sorted(question.allowed)), unique=True)
    return st.sampled_from(sorted(question.allowed))


# Any subset of the questions answered, with any allowed value.
ANSWERS = st.fixed_dictionaries(
    {}, optional={key: answer_for(question) for key, question in QUESTIONS.items()}
)


def rank(answers) -> int:
    return Level(assess(answers).level).rank


@settings(max_examples=400, deadline=None)
@given(answers=ANSWERS, key=st.sampled_from(WORRYING_YES))
def test_turning_no_into_yes_never_lowers_the_level(answers, key):
    assert rank({**answers, key: "yes"}) >= rank({**answers, key: "no"})


@settings(max_examples=400, deadline=None)
@given(answers=ANSWERS, key=st.sampled_from(YES_NO_KEYS))
def test_not_sure_is_never_less_severe_than_either_answer(answers, key):
    unsure = rank({**answers, key: "not_sure"})
    assert unsure >= rank({**answers, key: "yes"})
    assert unsure >= rank({**answers, key: "no"})


@settings(max_examples=300, deadline=None)
@given(answers=ANSWERS, key=st.sampled_from(sorted(QUESTIONS)))
def test_leaving_an_answer_out_never_lowers_the_level_below_medical(answers, key):
    """A blank cannot clear anything: dropping an answer gives at least MEDICAL whenever the
    answer could have made an emergency, and never less than the answered level otherwise,
    except that an unknown emergency is held as MEDICAL."""
    answered = rank(answers)
    blank = rank({k: v for k, v in answers.items() if k != key})
    assert blank >= min(answered, Level.MEDICAL.rank)


@settings(max_examples=300, deadline=None)
@given(answers=ANSWERS)
def test_self_care_rule_fires_exactly_when_the_level_is_self_care(answers):
    result = assess(answers)
    assert ("S01_SELF_CARE" in result.fired) == (result.level == Level.SELF_CARE)
    assert (result.see_doctor_within is not None) == (result.level == Level.MEDICAL)
