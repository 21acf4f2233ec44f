"""The re-check's merged answers against the same assess() (spec section 3, rule 6)."""

import pytest

from clinic.core.models import ClinicSettings
from intake.recheck import (
    CHANGES,
    CHECK_FIRST_KEYS,
    keys_asked,
    merge,
    needs_new_clearance,
    recheck,
)
from intake.submission import submit_recheck
from intake.triage import RULES_BY_ID, Level, assess
from tests.factories import make_submitted_intake
from tests.intake.answers import benign
from tests.intake.test_triage import RULE_CASES


def changes_covering(keys) -> list[str] | None:
    """The changes a client would tick for a re-check to ask every key, or None if some key
    is never asked again (like the age)."""
    wanted = set(keys) - set(CHECK_FIRST_KEYS)
    chosen = [change.key for change in CHANGES if wanted & set(change.question_keys)]
    return chosen if wanted <= set(keys_asked(chosen)) else None


RECHECKABLE = {
    rule_id: (answers, changes)
    for rule_id, (answers, _misses) in RULE_CASES.items()
    if (changes := changes_covering(answers)) is not None
}


def test_every_check_first_rule_can_be_reached_by_a_recheck_alone():
    check_first_rules = [
        rule_id
        for rule_id, (answers, _misses) in RULE_CASES.items()
        if set(answers) <= set(CHECK_FIRST_KEYS)
    ]
    assert len(check_first_rules) >= 8
    assert all(changes_covering(RULE_CASES[rule_id][0]) == [] for rule_id in check_first_rules)


@pytest.mark.parametrize("rule_id", sorted(RECHECKABLE))
def test_a_recheck_that_reports_the_rule_fires_it_on_a_calm_intake(rule_id):
    answers, changes = RECHECKABLE[rule_id]
    original = benign()
    fresh = {key: original.get(key) for key in keys_asked(changes)} | answers
    outcome = recheck(original, assess(original).level, fresh, changes)
    assert rule_id in outcome.assessment.fired
    assert outcome.level.rank >= RULES_BY_ID[rule_id].level.rank
    assert outcome.raised is (RULES_BY_ID[rule_id].level != Level.SELF_CARE)


def test_most_rules_can_be_reported_through_a_recheck():
    # Everything except answers never asked again (age, how the pain started long ago...)
    assert len(RECHECKABLE) >= 0.8 * len(RULE_CASES)


def test_a_rule_the_recheck_did_not_ask_about_still_counts():
    original = benign(age_years=70, osteoporosis="yes")
    before = assess(original)
    outcome = recheck(original, before.level, benign(), [])
    assert outcome.assessment.fired == before.fired
    assert not outcome.raised


def test_a_fresh_answer_replaces_the_old_one_both_ways():
    original = benign(chest_pain_now="yes")
    outcome = recheck(original, assess(original).level, benign(chest_pain_now="no"), [])
    assert outcome.level == Level.SELF_CARE
    assert not outcome.raised


def test_a_question_asked_again_but_left_blank_is_a_gap_not_the_old_answer():
    merged = merge(benign(), {}, ["medicines"])
    assert merged["blood_thinner"] is None
    assert merged["chest_pain_now"] is None
    assert merged["age_years"] == benign()["age_years"]
    # Gaps in the check-first questions are never read as "no".
    assert assess(merged).level == Level.MEDICAL


def test_only_the_chosen_changes_are_asked_in_catalogue_order():
    asked = keys_asked(["pregnancy", "not-a-change"])
    assert asked[: len(CHECK_FIRST_KEYS)] == list(CHECK_FIRST_KEYS)
    assert asked[len(CHECK_FIRST_KEYS) :] == [
        "pregnant",
        "pregnancy_high_risk",
        "pregnancy_warning_signs",
    ]
    assert "injury_type" not in asked


def test_a_new_injury_brings_back_its_gated_questions():
    asked = keys_asked(["injury"])
    assert {"injury_type", "injury_days_ago", "injury_checked_by_doctor"} <= set(asked)


# --- when a booking has to wait for a therapist again -----------------------------------------


def outcome_for(original, fresh, changes=()):
    before = assess(original)
    return before, recheck(original, before.level, fresh, changes)


def test_a_new_emergency_always_needs_clearance():
    before, outcome = outcome_for(benign(), benign(stroke_signs_now="yes"))
    assert outcome.level == Level.EMERGENCY
    assert needs_new_clearance(outcome, before.fired)


def test_a_raised_level_needs_clearance():
    changes = ["injury"]
    before, outcome = outcome_for(benign(), benign(injury_type="major"), changes)
    assert outcome.raised
    assert needs_new_clearance(outcome, before.fired)


def test_no_change_needs_nothing():
    before, outcome = outcome_for(benign(), benign())
    assert not needs_new_clearance(outcome, before.fired)


def test_a_new_medical_reason_at_the_same_level_needs_clearance_again():
    original = benign(recent_fracture="yes")
    before = assess(original)
    assert before.level == Level.MEDICAL
    outcome = recheck(original, before.level, benign(coughing_blood="yes"), [])
    assert "M03_COUGHED_BLOOD" in outcome.assessment.fired
    assert outcome.level == Level.MEDICAL and not outcome.raised
    assert needs_new_clearance(outcome, before.fired)


def test_the_same_medical_reason_again_does_not():
    original = benign(recent_fracture="yes")
    before = assess(original)
    outcome = recheck(original, before.level, benign(recent_fracture="yes"), ["injury"])
    assert outcome.level == Level.MEDICAL
    assert not needs_new_clearance(outcome, before.fired)


# --- stored as an intake of its own ---------------------------------------------------------


@pytest.mark.django_db
def test_a_recheck_is_stored_as_a_new_intake_that_refreshes_the_old_one(mailoutbox):
    original = make_submitted_intake(name="Lena Park", email="lena@example.com")
    mailoutbox.clear()
    fresh = benign(blood_thinner="yes", coughing_blood="yes")
    outcome = recheck(original.answers, original.level, fresh, ["medicines"])
    recheck_intake = submit_recheck(original, outcome, signature="Lena Park")
    assert recheck_intake.pk != original.pk
    assert recheck_intake.refreshes == original
    assert recheck_intake.changes_reported == ["medicines"]
    assert recheck_intake.level == "MEDICAL"
    assert "M03_COUGHED_BLOOD" in recheck_intake.fired
    assert recheck_intake.answers["blood_thinner"] == "yes"
    assert recheck_intake.answers["age_years"] == original.answers["age_years"]
    assert (recheck_intake.name, recheck_intake.email) == ("Lena Park", "lena@example.com")
    # The clinic hears of a result that needs a doctor; the client gets no second receipt.
    assert [m.to for m in mailoutbox] == [[ClinicSettings.load().email]]
    original.refresh_from_db()
    assert list(original.rechecks.all()) == [recheck_intake]


@pytest.mark.django_db
def test_a_recheck_ignores_changes_it_does_not_know():
    original = make_submitted_intake()
    outcome = recheck(original.answers, original.level, benign(), ["symptoms", "<script>"])
    recheck_intake = submit_recheck(original, outcome, signature="L")
    assert recheck_intake.changes_reported == ["symptoms"]
    assert recheck_intake.level == "SELF_CARE"
