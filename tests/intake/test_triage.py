"""Every rule and caution of shared/specs/triage.md: a case that fires it and a near miss at the
threshold the spec names; then precedence, 'not sure', missing answers and the contract."""

import pytest

from intake.triage import (
    CAUTIONS,
    EMERGENCY_SCREEN_INCOMPLETE,
    RULES,
    RULES_BY_ID,
    RULES_VERSION,
    Level,
    assess,
)
from tests.intake.answers import BENIGN, benign

SHOULDERS = ["top_of_shoulder_left", "top_of_shoulder_right"]
THORACIC_PAIN = {"pain_regions": ["between_shoulder_blades"]}
MAJOR_UNCHECKED = {"injury_type": "major", "injury_checked_by_doctor": "no"}

# rule id -> (answers that fire it, near misses that do not)
RULE_CASES = {
    "E01_CHEST_PAIN_NOW": ({"chest_pain_now": "yes"}, [{"chest_pain_now": "no"}]),
    "E02_PAIN_WITH_SWEAT_NAUSEA_FAINTNESS": ({"pain_with_sweat_nausea_faint": "yes"}, [{}]),
    "E03_NEW_BREATHLESSNESS": ({"breathless_now": "yes"}, [{}]),
    "E04_BLOOD_COUGH_WITH_BREATHING_PAIN": (
        {"coughing_blood": "yes", "pain_with_breathing": "yes"},
        [{"coughing_blood": "yes"}, {"pain_with_breathing": "yes"}],
    ),
    "E05_SUDDEN_SEVERE_THORACIC_PAIN": (
        {"pain_onset": "sudden", "pain_start_days_ago": 3, "pain_worst_0_10": 8, **THORACIC_PAIN},
        [
            {
                "pain_onset": "sudden",
                "pain_start_days_ago": 4,
                "pain_worst_0_10": 8,
                **THORACIC_PAIN,
            },
            {
                "pain_onset": "sudden",
                "pain_start_days_ago": 3,
                "pain_worst_0_10": 7,
                **THORACIC_PAIN,
            },
            {
                "pain_onset": "over_hours",
                "pain_start_days_ago": 3,
                "pain_worst_0_10": 9,
                **THORACIC_PAIN,
            },
            {
                "pain_onset": "sudden",
                "pain_start_days_ago": 1,
                "pain_worst_0_10": 9,
                "pain_regions": ["low_back"],
            },
        ],
    ),
    "E06_STROKE_SIGNS": ({"stroke_signs_now": "yes"}, [{}]),
    "E07_THUNDERCLAP_HEADACHE": ({"thunderclap_headache": "yes"}, [{}]),
    "E08_FAINTED_24H": ({"fainted_recent": "last_24h"}, [{"fainted_recent": "1_to_7_days"}]),
    "E09_CORD_OR_CAUDA_SIGNS": ({"legs_bladder_now": "yes"}, [{}]),
    "E10_POSSIBLE_MENINGITIS": (
        {"fever": "measured_38_or_more", "meningitis_signs": "yes"},
        [{"fever": "none", "meningitis_signs": "yes"}, {"fever": "feels_feverish"}],
    ),
    "E11_HYPERTENSIVE_EMERGENCY": (
        {"bp_180_120": "last_24h", "pain_start_days_ago": 1},
        [
            {"bp_180_120": "last_24h", "pain_start_days_ago": 2},
            {"bp_180_120": "past_7_days", "pain_trend": "worse"},
        ],
    ),
    "E12_MAJOR_TRAUMA_UNCHECKED_ACUTE": (
        {**MAJOR_UNCHECKED, "injury_days_ago": 2},
        [
            {**MAJOR_UNCHECKED, "injury_days_ago": 3},
            {**MAJOR_UNCHECKED, "injury_days_ago": 8, "arm_weakness": "yes"},
            {"injury_type": "major", "injury_checked_by_doctor": "yes", "injury_days_ago": 1},
        ],
    ),
    "E13_CLOT_WITH_LUNG_SYMPTOMS": (
        {"leg_or_arm_swelling_one_side": "yes", "pain_with_breathing": "yes"},
        [{"leg_or_arm_swelling_one_side": "yes"}],
    ),
    "M01_EFFORT_RELATED_PAIN": ({"pain_with_exertion": "yes"}, [{}]),
    "M02_PAIN_ON_BREATHING": ({"pain_with_breathing": "yes"}, [{}]),
    "M03_COUGHED_BLOOD": ({"coughing_blood": "yes"}, [{}]),
    "M04_POSSIBLE_DVT": ({"leg_or_arm_swelling_one_side": "yes"}, [{}]),
    "M05_ACTIVE_CLOT": (
        {"clot_status": "current_or_last_3_months"},
        [{"clot_status": "past_resolved"}],
    ),
    "M06_SUDDEN_SEVERE_THORACIC_LATER": (
        {"pain_onset": "sudden", "pain_start_days_ago": 4, "pain_tearing": "yes", **THORACIC_PAIN},
        [{"pain_onset": "sudden", "pain_start_days_ago": 4, "pain_worst_0_10": 7, **THORACIC_PAIN}],
    ),
    "M07_FAINTED_THIS_WEEK": ({"fainted_recent": "1_to_7_days"}, [{"fainted_recent": "no"}]),
    "M08_NECK_ARTERY_WARNING": ({"neck_vascular_symptoms": "yes"}, [{}]),
    "M09_SPINAL_CORD_SIGNS": (
        {"arm_tingling_numbness": "both_arms"},
        [{"arm_tingling_numbness": "one_arm"}],
    ),
    "M10_ARM_WEAKNESS": ({"arm_weakness": "yes"}, [{}]),
    "M11_ARM_NERVE_NOT_SETTLING": (
        {"arm_tingling_numbness": "one_arm", "pain_start_days_ago": 43, "pain_trend": "same"},
        [
            {"arm_tingling_numbness": "one_arm", "pain_start_days_ago": 42, "pain_trend": "same"},
            {"arm_tingling_numbness": "one_arm", "pain_start_days_ago": 60, "pain_trend": "better"},
        ],
    ),
    "M12_FEVER": ({"fever": "feels_feverish"}, [{"fever": "none"}]),
    "M13_INFECTION_RISK": (
        {"infection_risk": "yes", "pain_start_days_ago": 90},
        [{"infection_risk": "yes", "pain_start_days_ago": 91}],
    ),
    "M14_CANCER_HISTORY": (
        {"cancer_history": "past_finished"},
        [{"cancer_history": "skin_non_melanoma_only"}],
    ),
    "M15_WEIGHT_LOSS_OR_NIGHT_SWEATS": ({"night_sweats": "yes"}, [{}]),
    "M16_UNRELENTING_NIGHT_PAIN": (
        {"night_pain": "wakes_no_ease"},
        [{"night_pain": "wakes_eases"}],
    ),
    "M17_CONSTANT_NON_MECHANICAL_PAIN": (
        {"pain_changes_with_movement": "no"},
        [{"pain_changes_with_movement": "yes"}],
    ),
    "M18_NEW_PAIN_AGE_50_PLUS_NOT_SETTLING": (
        {"age_years": 50, "first_episode": "yes", "pain_start_days_ago": 29, "pain_trend": "same"},
        [
            {
                "age_years": 49,
                "first_episode": "yes",
                "pain_start_days_ago": 29,
                "pain_trend": "same",
            },
            {
                "age_years": 50,
                "first_episode": "yes",
                "pain_start_days_ago": 28,
                "pain_trend": "same",
            },
            {
                "age_years": 50,
                "first_episode": "no",
                "pain_start_days_ago": 29,
                "pain_trend": "same",
            },
        ],
    ),
    "M19_UNDER_20_NOT_SETTLING": (
        {"age_years": 19, "pain_start_days_ago": 29, "pain_trend": "same"},
        [
            {"age_years": 20, "pain_start_days_ago": 29, "pain_trend": "same"},
            {"age_years": 19, "pain_start_days_ago": 28, "pain_trend": "same"},
        ],
    ),
    "M20_WORSENING_AFTER_4_WEEKS": (
        {"pain_start_days_ago": 29, "pain_trend": "worse"},
        [{"pain_start_days_ago": 28, "pain_trend": "worse"}],
    ),
    "M21_POSSIBLE_FRACTURE_AFTER_INJURY": (
        {
            "injury_type": "fall_or_knock",
            "injury_checked_by_doctor": "no",
            "injury_days_ago": 10,
            "age_years": 65,
        },
        [
            {
                "injury_type": "fall_or_knock",
                "injury_checked_by_doctor": "no",
                "injury_days_ago": 10,
                "age_years": 64,
            },
            {
                "injury_type": "minor",
                "injury_checked_by_doctor": "no",
                "injury_days_ago": 10,
                "age_years": 70,
            },
            {
                "injury_type": "minor",
                "injury_checked_by_doctor": "yes",
                "injury_days_ago": 10,
                "osteoporosis": "yes",
            },
        ],
    ),
    "M22_MAJOR_INJURY_NOT_CHECKED": (
        {**MAJOR_UNCHECKED, "injury_days_ago": 30},
        [{"injury_type": "major", "injury_checked_by_doctor": "yes", "injury_days_ago": 30}],
    ),
    "M23_SUDDEN_PAIN_FRAGILE_BONES": (
        {"pain_onset": "sudden", "steroid_tablets_3_months": "yes"},
        [{"pain_onset": "gradual", "steroid_tablets_3_months": "yes"}],
    ),
    "M24_SEVERE_OSTEOPOROSIS": (
        {"osteoporosis": "yes_with_past_fracture"},
        [{"osteoporosis": "yes"}],
    ),
    "M25_RECENT_FRACTURE": ({"recent_fracture": "yes"}, [{}]),
    "M26_SURGERY_WITHIN_6_WEEKS": (
        {"recent_surgery": "within_6_weeks"},
        [{"recent_surgery": "6_to_12_weeks"}],
    ),
    "M27_BLEEDING_DISORDER": ({"bleeding_disorder": "yes"}, [{}]),
    "M28_POSSIBLE_SHINGLES": ({"band_pain_one_side": "yes"}, [{}]),
    "M29_POSSIBLE_PMR": (
        {
            "age_years": 50,
            "morning_stiffness_minutes": 46,
            "pain_start_days_ago": 15,
            "pain_regions": SHOULDERS,
        },
        [
            {
                "age_years": 50,
                "morning_stiffness_minutes": 45,
                "pain_start_days_ago": 15,
                "pain_regions": SHOULDERS,
            },
            {
                "age_years": 50,
                "morning_stiffness_minutes": 90,
                "pain_start_days_ago": 14,
                "pain_regions": SHOULDERS,
            },
            {
                "age_years": 50,
                "morning_stiffness_minutes": 90,
                "pain_start_days_ago": 15,
                "pain_regions": ["top_of_shoulder_left"],
            },
        ],
    ),
    "M30_POSSIBLE_GCA": (
        {"age_years": 50, "gca_symptoms": "yes"},
        [{"age_years": 49, "gca_symptoms": "yes"}],
    ),
    "M31_VERY_HIGH_BP_READING": ({"bp_180_120": "past_7_days"}, [{"bp_180_120": "no_or_unknown"}]),
    "M32_PREGNANCY_WARNING_SIGNS": (
        {"pregnant": "yes", "pregnancy_high_risk": "no", "pregnancy_warning_signs": "yes"},
        [{"pregnant": "no", "pregnancy_warning_signs": "yes"}],
    ),
    "M33_HIGH_RISK_PREGNANCY": (
        {"pregnant": "yes", "pregnancy_high_risk": "yes", "pregnancy_warning_signs": "no"},
        [{"pregnant": "not_applicable", "pregnancy_high_risk": "yes"}],
    ),
    "M34_SKIN_INFECTION": ({"skin_infection_signs": "yes"}, [{}]),
    "M35_HEART_PATTERN_PAIN": (
        {"pain_start_days_ago": 14, "pain_regions": ["jaw", "mid_back"]},
        [
            {"pain_start_days_ago": 15, "pain_regions": ["chest"]},
            {"pain_start_days_ago": 3, "pain_regions": ["jaw", "neck"]},
        ],
    ),
    "P01_NOT_SETTLING_AFTER_2_WEEKS": (
        {"pain_start_days_ago": 15, "pain_trend": "same"},
        [{"pain_start_days_ago": 14, "pain_trend": "same"}],
    ),
    "P02_KEEPS_COMING_BACK": ({"episodes_past_12_months": 3}, [{"episodes_past_12_months": 2}]),
    "P03_WAKES_AT_NIGHT": ({"night_pain": "wakes_eases"}, [{"night_pain": "none"}]),
    "P04_LIMITS_DAILY_LIFE": (
        {"limits_daily_activities": "a_lot"},
        [{"limits_daily_activities": "a_little"}],
    ),
    "P05_SPREADS_TO_ARM_OR_HEAD": (
        {"pain_regions": ["neck", "hand_left"]},
        [{"pain_regions": ["neck", "top_of_shoulder_left"]}],
    ),
    "P06_SEVERE_INTENSITY": ({"pain_worst_0_10": 7}, [{"pain_worst_0_10": 6}]),
    "P07_GETTING_WORSE_EARLY": (
        {"pain_trend": "worse", "pain_start_days_ago": 28},
        [{"pain_trend": "worse", "pain_start_days_ago": 29}],
    ),
}

CAUTION_CASES = {
    "C01_BLOOD_THINNER": ({"blood_thinner": "yes"}, {"blood_thinner": "no"}),
    "C02_OSTEOPOROSIS": ({"osteoporosis": "yes"}, {"osteoporosis": "no"}),
    "C03_LONG_TERM_STEROIDS": ({"steroid_tablets_3_months": "yes"}, {}),
    "C04_PAST_CLOT": ({"clot_status": "past_resolved"}, {"clot_status": "never"}),
    "C05_PREGNANCY": (
        {"pregnant": "yes", "pregnancy_high_risk": "no", "pregnancy_warning_signs": "no"},
        {"pregnant": "no"},
    ),
    "C06_LOCAL_SKIN_ISSUE": ({"skin_issue_local": "yes"}, {}),
    "C07_SURGERY_6_TO_12_WEEKS": ({"recent_surgery": "6_to_12_weeks"}, {"recent_surgery": "none"}),
    "C08_UNCONTROLLED_BP": ({"high_bp_uncontrolled": "yes"}, {}),
    "C09_ARM_NERVE_SYMPTOMS": (
        {"arm_tingling_numbness": "one_arm"},
        {"arm_tingling_numbness": "none"},
    ),
    "C10_AGE_65_PLUS": ({"age_years": 65}, {"age_years": 64}),
    "C11_NECK_WORK": ({"pain_regions": ["neck"]}, {"pain_regions": ["mid_back"]}),
    "C12_CANCER_MODIFICATIONS": (
        {"cancer_history": "skin_non_melanoma_only"},
        {"cancer_history": "none"},
    ),
    "C13_RECENT_MAJOR_INJURY_CLEARED": (
        {"injury_type": "major", "injury_checked_by_doctor": "yes", "injury_days_ago": 42},
        {"injury_type": "major", "injury_checked_by_doctor": "yes", "injury_days_ago": 43},
    ),
}


def test_every_rule_and_caution_has_cases():
    assert set(RULE_CASES) == {rule.id for rule in RULES}
    assert set(CAUTION_CASES) == {caution.id for caution in CAUTIONS}


def test_benign_answers_are_self_care_with_nothing_else():
    result = assess(BENIGN)
    assert result.level == Level.SELF_CARE
    assert result.fired == {"S01_SELF_CARE"}
    assert not (result.fired_unknown or result.cautions or result.cautions_unknown or result.flags)
    assert result.see_doctor_within is None


@pytest.mark.parametrize("rule_id", RULE_CASES)
def test_rule_fires(rule_id):
    rule = RULES_BY_ID[rule_id]
    result = assess(benign(**RULE_CASES[rule_id][0]))
    assert rule_id in result.fired
    assert rule_id not in result.fired_unknown
    assert result.level.rank >= rule.level.rank
    assert "S01_SELF_CARE" not in result.fired


@pytest.mark.parametrize(
    ("rule_id", "miss"),
    [(rule_id, miss) for rule_id, (_fire, misses) in RULE_CASES.items() for miss in misses],
)
def test_rule_near_miss_does_not_fire(rule_id, miss):
    result = assess(benign(**miss))
    assert rule_id not in result.fired
    assert rule_id not in result.fired_unknown


@pytest.mark.parametrize("rule_id", [r for r in RULE_CASES if r.startswith("P")])
def test_professional_rule_alone_gives_professional(rule_id):
    result = assess(benign(**RULE_CASES[rule_id][0]))
    assert result.level == Level.PROFESSIONAL
    assert result.see_doctor_within is None


@pytest.mark.parametrize("rule_id", [r for r in RULE_CASES if r.startswith("M")])
def test_medical_rule_gives_at_least_its_time_frame(rule_id):
    rule = RULES_BY_ID[rule_id]
    result = assess(benign(**RULE_CASES[rule_id][0]))
    assert result.level == Level.MEDICAL
    frames = [
        "today",
        "within 2 days",
        "within 3 days",
        "within 1 week",
        "within 2 weeks",
        "before booking",
    ]
    assert frames.index(result.see_doctor_within) <= frames.index(rule.see_doctor_within.label)


@pytest.mark.parametrize("caution_id", CAUTION_CASES)
def test_caution_is_shown_and_the_level_comes_from_rules_alone(caution_id):
    fire, miss = CAUTION_CASES[caution_id]
    result = assess(benign(**fire))
    assert caution_id in result.cautions
    assert caution_id not in assess(benign(**miss)).cautions
    rule_levels = [RULES_BY_ID[r].level for r in result.fired - {"S01_SELF_CARE"}]
    assert result.level == max(rule_levels, key=lambda lv: lv.rank, default=Level.SELF_CARE)


def test_a_caution_alone_leaves_self_care():
    result = assess(benign(blood_thinner="yes", high_bp_uncontrolled="yes", age_years=70))
    assert result.level == Level.SELF_CARE
    assert result.cautions == {"C01_BLOOD_THINNER", "C08_UNCONTROLLED_BP", "C10_AGE_65_PLUS"}


# --- precedence ---------------------------------------------------------------------------


def test_emergency_beats_any_number_of_medical_and_professional_rules():
    result = assess(
        benign(
            chest_pain_now="yes",
            pain_with_exertion="yes",
            fever="feels_feverish",
            pain_worst_0_10=9,
            limits_daily_activities="a_lot",
        )
    )
    assert result.level == Level.EMERGENCY
    assert {
        "E01_CHEST_PAIN_NOW",
        "M01_EFFORT_RELATED_PAIN",
        "M12_FEVER",
        "P06_SEVERE_INTENSITY",
        "P04_LIMITS_DAILY_LIFE",
    } <= result.fired
    assert result.see_doctor_within is None


def test_all_fired_rules_are_reported_not_only_the_winner():
    result = assess(benign(pain_worst_0_10=8, episodes_past_12_months=4, night_sweats="yes"))
    assert result.fired == {
        "P06_SEVERE_INTENSITY",
        "P02_KEEPS_COMING_BACK",
        "M15_WEIGHT_LOSS_OR_NIGHT_SWEATS",
    }
    assert result.level == Level.MEDICAL


def test_most_urgent_time_frame_wins():
    result = assess(benign(recent_fracture="yes", fever="feels_feverish"))
    assert result.see_doctor_within == "within 2 days"
    result = assess(benign(recent_fracture="yes", fever="feels_feverish", coughing_blood="yes"))
    assert result.see_doctor_within == "today"
    assert assess(benign(recent_fracture="yes")).see_doctor_within == "before booking"


def test_self_care_rule_only_when_nothing_else_fired_even_as_unknown():
    answers = benign()
    del answers["pain_worst_0_10"]
    result = assess(answers)
    assert result.level == Level.PROFESSIONAL
    assert "P06_SEVERE_INTENSITY" in result.fired_unknown
    assert "S01_SELF_CARE" not in result.fired


def test_contradictions_are_not_resolved():
    result = assess(benign(chest_pain_now="no", pain_regions=["chest"], pain_start_days_ago=2))
    assert "M35_HEART_PATTERN_PAIN" in result.fired
    assert "E01_CHEST_PAIN_NOW" not in result.fired


# --- 'not sure' ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "extra", "rule_id"),
    [
        ("breathless_now", {}, "E03_NEW_BREATHLESSNESS"),
        ("chest_pain_now", {}, "E01_CHEST_PAIN_NOW"),
        ("pain_with_exertion", {}, "M01_EFFORT_RELATED_PAIN"),
        (
            "pain_tearing",
            {"pain_onset": "sudden", "pain_start_days_ago": 2, **THORACIC_PAIN},
            "E05_SUDDEN_SEVERE_THORACIC_PAIN",
        ),
        ("pain_changes_with_movement", {}, "M17_CONSTANT_NON_MECHANICAL_PAIN"),
        (
            "injury_checked_by_doctor",
            {"injury_type": "major", "injury_days_ago": 1},
            "E12_MAJOR_TRAUMA_UNCHECKED_ACUTE",
        ),
        ("pain_onset", {"steroid_tablets_3_months": "yes"}, "M23_SUDDEN_PAIN_FRAGILE_BONES"),
        ("osteoporosis", {}, "C02_OSTEOPOROSIS"),
        ("pregnant", {"pregnancy_high_risk": "yes"}, "M33_HIGH_RISK_PREGNANCY"),
    ],
)
def test_not_sure_is_scored_as_the_more_worrying_answer(question, extra, rule_id):
    result = assess(benign(**extra, **{question: "not_sure"}))
    assert rule_id in result.fired | result.cautions


def test_not_sure_on_a_present_tense_emergency_question_is_an_emergency():
    assert assess(benign(breathless_now="not_sure")).level == Level.EMERGENCY


# --- missing answers ----------------------------------------------------------------------


def test_nothing_answered_is_medical_with_an_incomplete_emergency_screen():
    result = assess({})
    assert result.level == Level.MEDICAL
    assert result.flags == {EMERGENCY_SCREEN_INCOMPLETE}
    assert {r.id for r in RULES if r.level == Level.EMERGENCY} <= result.fired_unknown
    assert result.see_doctor_within == "today"
    assert not result.fired


def test_one_missing_emergency_answer_is_held_not_called_an_emergency():
    answers = benign()
    del answers["stroke_signs_now"]
    result = assess(answers)
    assert result.level == Level.MEDICAL
    assert "E06_STROKE_SIGNS" in result.fired_unknown
    assert result.flags == {EMERGENCY_SCREEN_INCOMPLETE}


def test_no_incomplete_flag_when_an_emergency_rule_fired_definitely():
    answers = benign(chest_pain_now="yes")
    del answers["stroke_signs_now"]
    result = assess(answers)
    assert result.level == Level.EMERGENCY
    assert "E06_STROKE_SIGNS" in result.fired_unknown
    assert not result.flags


def test_unknown_medical_rule_counts_at_its_level():
    answers = benign()
    del answers["pain_with_exertion"]
    result = assess(answers)
    assert result.level == Level.MEDICAL
    assert result.fired_unknown == {"M01_EFFORT_RELATED_PAIN"}
    assert result.see_doctor_within == "today"
    assert not result.flags


def test_missing_age_is_a_possible_65_plus_caution():
    answers = benign()
    del answers["age_years"]
    result = assess(answers)
    assert "C10_AGE_65_PLUS" in result.cautions_unknown
    assert result.level == Level.SELF_CARE


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("age_years", 121),
        ("age_years", -1),
        ("age_years", True),
        ("age_years", "old"),
        ("pain_worst_0_10", 11),
        ("pain_start_days_ago", 3651),
        ("morning_stiffness_minutes", 601),
        ("episodes_past_12_months", 53),
        ("chest_pain_now", "maybe"),
        ("pain_regions", ["spleen"]),
        ("pain_regions", "neck"),
        ("fever", 38),
    ],
)
def test_out_of_range_or_unreadable_values_are_treated_as_missing(key, value):
    with_bad = assess(benign(**{key: value}))
    without = benign()
    del without[key]
    missing = assess(without)
    assert (with_bad.level, with_bad.fired, with_bad.fired_unknown) == (
        missing.level,
        missing.fired,
        missing.fired_unknown,
    )


def test_numbers_typed_as_text_are_read():
    assert "P06_SEVERE_INTENSITY" in assess(benign(pain_worst_0_10="8")).fired


def test_gated_questions_not_shown_are_harmless():
    result = assess(benign(pregnant="no", injury_type="none"))
    assert result.level == Level.SELF_CARE
    assert not result.fired_unknown


def test_a_missing_gated_answer_matters_when_its_gate_is_met():
    result = assess(benign(pregnant="yes"))  # the two pregnancy follow-ups left blank
    assert {"M32_PREGNANCY_WARNING_SIGNS", "M33_HIGH_RISK_PREGNANCY"} <= result.fired_unknown
    assert result.level == Level.MEDICAL


# --- contract -----------------------------------------------------------------------------


def test_contract_types():
    result = assess(BENIGN)
    for name in ("fired", "fired_unknown", "cautions", "cautions_unknown", "flags"):
        assert isinstance(getattr(result, name), frozenset)
    assert result.level == "SELF_CARE"
    assert isinstance(RULES_VERSION, str) and RULES_VERSION


def test_triggers_name_the_answers_behind_each_rule():
    result = assess(benign(hand_clumsy_or_balance="yes"))
    assert result.triggers["M09_SPINAL_CORD_SIGNS"] == {"hand_clumsy_or_balance"}


def test_explanations_are_for_the_final_level_most_urgent_first():
    result = assess(benign(recent_fracture="yes", coughing_blood="yes", pain_worst_0_10=9))
    assert [r.id for r in result.explained_rules()] == ["M03_COUGHED_BLOOD", "M25_RECENT_FRACTURE"]


def test_an_unreadable_region_keeps_the_readable_ones_and_leaves_the_rest_unknown():
    sudden = {"pain_onset": "sudden", "pain_start_days_ago": 1, "pain_worst_0_10": 9}
    result = assess(benign(**sudden, pain_regions=["chest", "foot"]))
    assert result.level == Level.EMERGENCY
    assert "E05_SUDDEN_SEVERE_THORACIC_PAIN" in result.fired
    # "neck" may have been meant by the unreadable item: the neck caution is possible.
    assert "C11_NECK_WORK" in result.cautions_unknown
    unreadable_only = assess(benign(**sudden, pain_regions=["spleen"]))
    assert "E05_SUDDEN_SEVERE_THORACIC_PAIN" in unreadable_only.fired_unknown
    assert unreadable_only.level == Level.MEDICAL
