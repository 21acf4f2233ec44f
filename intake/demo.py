"""Demo intakes across the four levels for the demo therapist to review (idempotent)."""

from intake.models import Intake
from intake.submission import submit

# An ordinary desk worker's knot: nothing but self-care fires.
DESK_WORKER = {
    "chest_pain_now": "no",
    "pain_with_sweat_nausea_faint": "no",
    "breathless_now": "no",
    "stroke_signs_now": "no",
    "thunderclap_headache": "no",
    "fainted_recent": "no",
    "legs_bladder_now": "no",
    "coughing_blood": "no",
    "leg_or_arm_swelling_one_side": "no",
    "age_years": 35,
    "pregnant": "not_applicable",
    "pain_regions": ["between_shoulder_blades", "shoulder_blade_right"],
    "pain_start_days_ago": 5,
    "pain_onset": "gradual",
    "pain_worst_0_10": 4,
    "pain_tearing": "no",
    "pain_trend": "better",
    "pain_changes_with_movement": "yes",
    "night_pain": "none",
    "pain_with_exertion": "no",
    "pain_with_breathing": "no",
    "first_episode": "no",
    "episodes_past_12_months": 1,
    "limits_daily_activities": "a_little",
    "self_care_tried": "yes",
    "band_pain_one_side": "no",
    "morning_stiffness_minutes": 10,
    "arm_tingling_numbness": "none",
    "arm_weakness": "no",
    "hand_clumsy_or_balance": "no",
    "neck_vascular_symptoms": "no",
    "gca_symptoms": "no",
    "meningitis_signs": "no",
    "fever": "none",
    "weight_loss_unexplained": "no",
    "night_sweats": "no",
    "skin_infection_signs": "no",
    "skin_issue_local": "no",
    "injury_type": "none",
    "recent_fracture": "no",
    "cancer_history": "none",
    "osteoporosis": "no",
    "steroid_tablets_3_months": "no",
    "infection_risk": "no",
    "blood_thinner": "no",
    "bleeding_disorder": "no",
    "clot_status": "never",
    "recent_surgery": "none",
    "bp_180_120": "no_or_unknown",
    "high_bp_uncontrolled": "no",
}

DEMO_CLIENTS = [
    ("Demo Client Alder", "alder@demo.example", {}),
    (
        "Demo Client Birch",
        "birch@demo.example",
        {"pain_start_days_ago": 21, "pain_trend": "same", "pain_worst_0_10": 7,
         "pain_regions": ["neck", "shoulder_blade_left", "arm_left"], "blood_thinner": "yes"},
    ),
    (
        "Demo Client Cedar",
        "cedar@demo.example",
        {"age_years": 58, "night_pain": "wakes_no_ease", "osteoporosis": "yes"},
    ),
    (
        "Demo Client Dogwood",
        "dogwood@demo.example",
        {"pain_onset": "sudden", "pain_start_days_ago": 1, "pain_worst_0_10": 9,
         "pain_regions": ["between_shoulder_blades", "chest"]},
    ),
    (
        "Demo Client Elm",
        "elm@demo.example",
        {"injury_type": "minor", "injury_days_ago": 6, "injury_checked_by_doctor": "no",
         "episodes_past_12_months": 4},
    ),
    # Sent from an older form without the stroke question: held for a same-day call.
    ("Demo Client Fir", "fir@demo.example", {"stroke_signs_now": None}),
]  # fmt: skip


def seed() -> None:
    for name, email, changes in DEMO_CLIENTS:
        if Intake.objects.filter(email=email).exists():
            continue
        submit(
            {**DESK_WORKER, **changes},
            {"name": name, "email": email, "phone": "(555) 010-0142", "language": "en",
             "signature": name},
        )  # fmt: skip
