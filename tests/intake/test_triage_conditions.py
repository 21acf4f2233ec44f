"""The triage condition language (intake/triage.py): each node evaluates with the spec's
three-valued logic, records the answers that triggered it, and prints itself in the spec's
notation. The printed text is parsed back here by an independent reader and evaluated: it
must agree with the nodes on any answers, so the text therapists read says what the code does.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.questions import NO, QUESTIONS, YES
from intake.triage import (
    CAUTIONS,
    RULES,
    SELF_CARE_RULE,
    AllOf,
    Among,
    AnyOf,
    Eq,
    Ge,
    Gt,
    Has,
    HasAny,
    Le,
    Level,
    Lt,
    Ne,
    NoRuleFired,
    Regions,
    assess,
    normalise,
)

ALL_REGIONS = frozenset(QUESTIONS["pain_regions"].allowed)


def run(condition, answers):
    triggers = set()
    return condition.evaluate(answers, triggers), triggers


def regions(*ticked, complete=True):
    return Regions(frozenset(ticked), complete=complete)


# --- rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "text"),
    [
        (Eq("pregnant", YES), "pregnant = yes"),
        (Ne("cancer_history", "none"), "cancer_history != none"),
        (
            Among("fever", "measured_38_or_more", "feels_feverish"),
            "fever IN [measured_38_or_more, feels_feverish]",
        ),
        (Lt("age_years", 20), "age_years < 20"),
        (Le("pain_start_days_ago", 3), "pain_start_days_ago <= 3"),
        (Gt("morning_stiffness_minutes", 45), "morning_stiffness_minutes > 45"),
        (Ge("pain_worst_0_10", 8), "pain_worst_0_10 >= 8"),
        (Has("neck"), "pain_regions has neck"),
        (HasAny("THORACIC"), "pain_regions has any THORACIC"),
        (AllOf(Eq("pregnant", YES), Ge("age_years", 50)), "pregnant = yes AND age_years >= 50"),
        (
            AnyOf(Has("chest"), AllOf(Has("jaw"), HasAny("UPPER_BACK"))),
            "pain_regions has chest OR (pain_regions has jaw AND pain_regions has any UPPER_BACK)",
        ),
        (
            AllOf(
                Ne("injury_checked_by_doctor", YES),
                AnyOf(
                    AllOf(Eq("injury_type", "major"), Ge("age_years", 65)),
                    Eq("recent_fracture", YES),
                ),
            ),
            "injury_checked_by_doctor != yes AND ((injury_type = major AND age_years >= 65) OR recent_fracture = yes)",
        ),
        (
            NoRuleFired(Level.EMERGENCY, Level.MEDICAL, Level.PROFESSIONAL),
            "no EMERGENCY, MEDICAL or PROFESSIONAL rule fired (definitely or as unknown)",
        ),
        (NoRuleFired(Level.EMERGENCY), "no EMERGENCY rule fired (definitely or as unknown)"),
    ],
)
def test_a_condition_prints_itself_in_the_spec_notation(condition, text):
    assert condition.text == text
    assert str(condition) == text


def test_condition_text_is_printed_from_the_condition():
    for item in (*RULES, SELF_CARE_RULE, *CAUTIONS):
        assert item.condition_text == item.condition.text


@pytest.mark.parametrize(
    "build",
    [
        lambda: Eq("no_such_question", YES),
        lambda: Eq("pregnant", "maybe"),
        lambda: Eq("pregnant", "not_sure"),  # never in normalised answers: would be dead
        lambda: Eq("age_years", 50),  # a number is compared with <, <=, >, >=
        lambda: Ge("pregnant", 1),
        lambda: Ge("age_years", "50"),
        lambda: Among("fever", "feels_feverish"),
        lambda: Among("fever", "feels_feverish", "hot"),
        lambda: Has("elbow"),
        lambda: HasAny("LOWER_BACK"),
        lambda: AllOf(Eq("pregnant", YES)),
        lambda: AnyOf(Eq("pregnant", YES), "pregnant = no"),
    ],
)
def test_a_condition_that_cannot_be_true_as_written_is_refused(build):
    with pytest.raises(ValueError):
        build()


# --- three-valued logic and triggers --------------------------------------------------------


def test_a_comparison_is_unknown_on_a_missing_answer_and_then_a_trigger():
    assert run(Eq("pregnant", YES), {}) == (None, {"pregnant"})
    assert run(Ge("age_years", 65), {}) == (None, {"age_years"})
    assert run(Has("neck"), {}) == (None, {"pain_regions"})


@pytest.mark.parametrize(
    ("condition", "answers", "result"),
    [
        (Eq("pregnant", YES), {"pregnant": YES}, True),
        (Eq("pregnant", YES), {"pregnant": NO}, False),
        (Ne("cancer_history", "none"), {"cancer_history": "none"}, False),
        (Ne("cancer_history", "none"), {"cancer_history": "past_finished"}, True),
        (Among("bp_180_120", "last_24h", "past_7_days"), {"bp_180_120": "past_7_days"}, True),
        (Among("bp_180_120", "last_24h", "past_7_days"), {"bp_180_120": "no"}, False),
        (Lt("age_years", 20), {"age_years": 19}, True),
        (Lt("age_years", 20), {"age_years": 20}, False),
        (Le("pain_start_days_ago", 3), {"pain_start_days_ago": 3}, True),
        (Le("pain_start_days_ago", 3), {"pain_start_days_ago": 3.5}, False),
        (Gt("pain_start_days_ago", 14), {"pain_start_days_ago": 14}, False),
        (Gt("pain_start_days_ago", 14), {"pain_start_days_ago": 15}, True),
        (Ge("age_years", 65), {"age_years": 65}, True),
        (Ge("age_years", 65), {"age_years": 64.9}, False),
        (Has("neck"), {"pain_regions": regions("neck", "jaw")}, True),
        (Has("neck"), {"pain_regions": regions("jaw")}, False),
        # Some ticked items could not be read: an untick is not known to be an untick.
        (Has("neck"), {"pain_regions": regions("jaw", complete=False)}, None),
        (HasAny("THORACIC"), {"pain_regions": regions("mid_back")}, True),
        (HasAny("THORACIC"), {"pain_regions": regions("low_back")}, False),
        (HasAny("THORACIC"), {"pain_regions": regions(complete=False)}, None),
        (HasAny("THORACIC"), {"pain_regions": regions("chest", complete=False)}, True),
    ],
)
def test_a_comparison_decides_and_its_key_triggers_unless_false(condition, answers, result):
    assert run(condition, answers) == (result, set() if result is False else {condition.key})


T, F, U = (
    {"pregnant": YES},  # pregnant = yes is true
    {"pregnant": NO},  # ... false
    {},  # ... unknown
)


@pytest.mark.parametrize(
    ("first", "second", "and_", "or_"),
    [
        (T, T, True, True),
        (T, F, False, True),
        (T, U, None, True),
        (F, F, False, False),
        (F, U, False, None),
        (U, U, None, None),
    ],
)
def test_and_and_or_follow_three_valued_logic(first, second, and_, or_):
    answers = {
        **({"pregnant": first["pregnant"]} if first else {}),
        **({"blood_thinner": second["pregnant"]} if second else {}),
    }
    parts = (Eq("pregnant", YES), Eq("blood_thinner", YES))
    for order in (parts, parts[::-1]):
        assert run(AllOf(*order), answers)[0] is and_
        assert run(AnyOf(*order), answers)[0] is or_


def test_every_part_is_evaluated_so_all_triggers_are_recorded():
    """No short-circuit: a false first part does not hide the answers after it, and the keys
    of parts that came out false are not triggers."""
    condition = AllOf(
        Eq("pregnant", YES), Ge("age_years", 65), AnyOf(Has("neck"), Eq("fever", "feels_feverish"))
    )
    result, triggers = run(condition, {"pregnant": NO, "pain_regions": regions("neck")})
    assert result is False
    assert triggers == {"age_years", "pain_regions", "fever"}


def test_self_care_condition_holds_exactly_when_no_other_rule_could_fire():
    desk = {"age_years": 34, "pain_regions": ["neck", "top_of_shoulder_left"]}
    for answers in ({}, desk, {**desk, "chest_pain_now": YES}):
        readable = normalise(answers)
        holds = SELF_CARE_RULE.condition.evaluate(readable, triggers := set())
        assert holds is (assess(answers).level == Level.SELF_CARE)
        assert triggers == set()


# --- the printed text means what the code does ----------------------------------------------

TOKEN = re.compile(r"\s*(\(|\)|\[|\]|,|!=|<=|>=|=|<|>|[\w.]+)")
OPERATORS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
# Section 2 of the spec, read independently of intake.triage.
REGION_SETS = {
    "THORACIC": {
        "between_shoulder_blades",
        "shoulder_blade_left",
        "shoulder_blade_right",
        "mid_back",
        "chest",
    },
    "UPPER_BACK": {
        "between_shoulder_blades",
        "shoulder_blade_left",
        "shoulder_blade_right",
        "mid_back",
    },
    "SPREAD": {"arm_left", "arm_right", "hand_left", "hand_right", "head"},
}


class SpecReader:
    """Reads a condition in the spec's notation into a function of the normalised answers
    giving (truth, triggers), with no help from the nodes that printed it."""

    def __init__(self, text):
        self.tokens = TOKEN.findall(text)
        assert "".join(self.tokens) == re.sub(r"\s", "", text), text

    def take(self, expected=None):
        token = self.tokens.pop(0)
        assert expected is None or token == expected, (token, expected)
        return token

    def condition(self):
        parts, joiners = [self.part()], set()
        while self.tokens and self.tokens[0] in ("AND", "OR"):
            joiners.add(self.take())
            parts.append(self.part())
        assert len(joiners) <= 1, "AND and OR are never mixed without brackets"
        if not joiners:
            return parts[0]
        joiner = joiners.pop()
        return lambda answers: self.join(joiner, parts, answers)

    @staticmethod
    def join(joiner, parts, answers):
        results = [part(answers) for part in parts]
        truths = [truth for truth, _ in results]
        triggers = set().union(*(keys for _, keys in results))
        decisive, other = (False, True) if joiner == "AND" else (True, False)
        if decisive in truths:
            return decisive, triggers
        return (None if None in truths else other), triggers

    def part(self):
        if self.tokens[0] == "(":
            self.take("(")
            inner = self.condition()
            self.take(")")
            return inner
        key = self.take()
        word = self.take()
        if word == "has":
            if self.tokens[0] == "any":
                self.take("any")
                wanted = REGION_SETS[self.take()]
            else:
                wanted = {self.take()}
            return self.leaf(key, lambda ticked: ticked.has_any(frozenset(wanted)))
        if word == "IN":
            self.take("[")
            values = [self.take()]
            while self.tokens[0] == ",":
                self.take(",")
                values.append(self.take())
            self.take("]")
            return self.leaf(key, lambda answer: answer in values)
        operation, value = OPERATORS[word], self.take()
        if QUESTIONS[key].kind == "number":
            value = int(value)
        return self.leaf(key, lambda answer: operation(answer, value))

    @staticmethod
    def leaf(key, test):
        def evaluate(answers):
            if answers.get(key) is None:
                return None, {key}
            truth = test(answers[key])
            return truth, set() if truth is False else {key}

        return evaluate


def read(text):
    reader = SpecReader(text)
    evaluate = reader.condition()
    assert not reader.tokens, f"left over in {text!r}: {reader.tokens}"
    return evaluate


def answer_for(question):
    """Raw answers as a client might send them, 'not sure' and unreadable ones included."""
    if question.kind == "number":
        return st.one_of(
            st.integers(question.minimum - 1, min(question.maximum, 120) + 1),
            st.floats(allow_nan=True, allow_infinity=True),
        )
    if question.kind == "regions":
        return st.lists(st.sampled_from([*sorted(ALL_REGIONS), "elbow"]), unique=True, max_size=4)
    return st.sampled_from([*sorted(question.allowed), "maybe"])


ANSWERS = st.fixed_dictionaries(
    {}, optional={key: answer_for(question) for key, question in QUESTIONS.items()}
)


@settings(max_examples=500, deadline=None)
@given(answers=ANSWERS)
def test_the_printed_condition_means_what_the_code_does(answers):
    readable = normalise(answers)
    for item in (*RULES, *CAUTIONS):
        assert read(item.condition_text)(readable) == run(item.condition, readable), item.id
