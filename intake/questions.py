"""The intake question catalogue (shared/specs/triage.md, section 1).

Keys are the spec's and double as form field names. Wording is the client's, marked for
translation. A change to a key, an answer type or an allowed value is a change of
CATALOGUE_VERSION.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CATALOGUE_VERSION = "2026.11-1"

YES, NO, NOT_SURE = "yes", "no", "not_sure"

YES_NO_NOT_SURE = (
    (YES, pgettext_lazy("answer", "Yes")),
    (NO, pgettext_lazy("answer", "No")),
    (NOT_SURE, pgettext_lazy("answer", "Not sure")),
)

BODY_REGIONS = (
    ("head", _("Head")),
    ("jaw", _("Jaw")),
    ("neck", _("Neck")),
    ("top_of_shoulder_left", _("Top of left shoulder")),
    ("top_of_shoulder_right", _("Top of right shoulder")),
    ("shoulder_blade_left", _("Left shoulder blade")),
    ("shoulder_blade_right", _("Right shoulder blade")),
    ("between_shoulder_blades", _("Between the shoulder blades")),
    ("mid_back", _("Middle of the back")),
    ("low_back", _("Lower back")),
    ("chest", _("Chest")),
    ("arm_left", _("Left arm")),
    ("arm_right", _("Right arm")),
    ("hand_left", _("Left hand")),
    ("hand_right", _("Right hand")),
    ("other", _("Somewhere else")),
)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str  # "yes_no", "choice", "number" or "regions"
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    bullets: tuple = ()
    hint: str = ""
    # Shown only when the answer to `gate_key` is one of `gate_values`; stored as null otherwise.
    gate_key: str = ""
    gate_values: tuple = ()

    @property
    def allowed(self) -> frozenset:
        return frozenset(value for value, _label in self.choices)

    def is_shown(self, answers: dict) -> bool:
        return not self.gate_key or answers.get(self.gate_key) in self.gate_values


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple = field(default_factory=tuple)


def yes_no(key, text, bullets=(), hint="", gate_key="", gate_values=()):
    return Question(
        key, text, "yes_no", YES_NO_NOT_SURE, bullets=bullets, hint=hint,
        gate_key=gate_key, gate_values=gate_values,
    )  # fmt: skip


def choice(key, text, choices, hint="", gate_key="", gate_values=()):
    return Question(key, text, "choice", tuple(choices), hint=hint, gate_key=gate_key,
                    gate_values=gate_values)  # fmt: skip


def number(key, text, minimum, maximum, hint="", gate_key="", gate_values=()):
    return Question(key, text, "number", minimum=minimum, maximum=maximum, hint=hint,
                    gate_key=gate_key, gate_values=gate_values)  # fmt: skip


CHECK_FIRST = Section(
    "check_first",
    _("Check first"),
    _("These questions look for signs that need emergency care before anything else."),
    (
        yes_no("chest_pain_now", _("Right now, do you have pain, pressure, squeezing, tightness or burning in your chest? Or did you have it today for more than a few minutes, or has it come and gone?")),
        yes_no("pain_with_sweat_nausea_faint", _("Right now, is your pain coming with a cold sweat, an upset stomach or throwing up, or feeling light-headed or like you might pass out?")),
        yes_no("breathless_now", _("Right now, are you short of breath or struggling to breathe in a way that is new for you (not your usual asthma or lung problem)?")),
        yes_no(
            "stroke_signs_now",
            _("In the last 24 hours, did any of these start suddenly?"),
            bullets=(
                _("One side of your face drooping"),
                _("Weakness or numbness in an arm or leg on one side"),
                _("Trouble speaking or understanding"),
                _("Losing sight or seeing double"),
                _("Trouble walking or keeping your balance"),
                _("Trouble swallowing"),
            ),
        ),
        yes_no("thunderclap_headache", _("In the last 7 days, have you had a sudden, very bad headache - the worst you have ever had?")),
        choice(
            "fainted_recent",
            _("Have you fainted (passed out), or had your legs suddenly give way so that you fell?"),
            (
                ("no", pgettext_lazy("answer", "No")),
                ("last_24h", _("Yes, in the last 24 hours")),
                ("1_to_7_days", _("Yes, 1 to 7 days ago")),
            ),
        ),
        yes_no(
            "legs_bladder_now",
            _("Do you have any of these that are new?"),
            bullets=(
                _("Weakness, numbness or tingling in both legs"),
                _("Numbness around your private parts or bottom"),
                _("Trouble starting to pee"),
                _("Losing control of your bladder or bowels"),
            ),
        ),
        yes_no("coughing_blood", _("In the last 7 days, have you coughed up blood?")),
        yes_no("leg_or_arm_swelling_one_side", _("Do you have new pain, swelling, warmth or redness in one leg (often the calf) or one arm?")),
    ),
)  # fmt: skip

PREGNANT_GATE = ("pregnant", (YES, NOT_SURE))

ABOUT_YOU = Section(
    "about_you",
    _("About you"),
    _("A few facts that change what is safe for you."),
    (
        number("age_years", _("How old are you?"), 0, 120, hint=_("In years.")),
        choice(
            "pregnant",
            _("Are you pregnant?"),
            (
                (YES, pgettext_lazy("answer", "Yes")),
                (NO, pgettext_lazy("answer", "No")),
                (NOT_SURE, pgettext_lazy("answer", "Not sure")),
                ("not_applicable", _("Does not apply to me")),
            ),
        ),
        yes_no(
            "pregnancy_high_risk",
            _("Has your doctor or midwife told you your pregnancy is high-risk, or told you to avoid massage or to stay in bed?"),
            gate_key=PREGNANT_GATE[0], gate_values=PREGNANT_GATE[1],
        ),
        yes_no(
            "pregnancy_warning_signs",
            _("Right now or in the past 2 days, have you had any of these?"),
            bullets=(
                _("Bleeding or fluid leaking"),
                _("A bad headache"),
                _("Blurry vision or flashing lights"),
                _("Sudden swelling of your face, hands or feet"),
                _("Bad pain just under your ribs"),
                _("Your baby moving less"),
                _("Cramps or tightening like labor before 37 weeks"),
            ),
            gate_key=PREGNANT_GATE[0], gate_values=PREGNANT_GATE[1],
        ),
    ),
)  # fmt: skip

YOUR_PAIN = Section(
    "your_pain",
    _("Your pain"),
    _("Where it is, how it started and how it behaves."),
    (
        Question("pain_regions", _("Where do you feel pain? Tap every place on the body map."), "regions", BODY_REGIONS),
        number("pain_start_days_ago", _("How many days ago did this bout of pain start? (If more than a year, enter 365.)"), 0, 3650, hint=_("Enter 0 if it started today.")),
        choice(
            "pain_onset",
            _("How did it start?"),
            (
                ("sudden", _("All at once, in seconds or minutes")),
                ("over_hours", _("Over a few hours")),
                ("gradual", _("Slowly, over days or longer")),
                (NOT_SURE, pgettext_lazy("answer", "Not sure")),
            ),
        ),
        number("pain_worst_0_10", _("In the last 24 hours, how bad was the pain at its worst?"), 0, 10, hint=_("0 = no pain, 10 = the worst pain you can imagine.")),
        yes_no("pain_tearing", _("Does or did the pain feel like tearing or ripping inside?")),
        choice(
            "pain_trend",
            _("Since it started, is the pain getting better, staying the same, or getting worse?"),
            (("better", _("Getting better")), ("same", _("Staying the same")), ("worse", _("Getting worse"))),
        ),
        yes_no("pain_changes_with_movement", _("Does the pain change (better or worse) when you move, change position, or press on the sore spot?")),
        choice(
            "night_pain",
            _("Does the pain wake you up at night?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("wakes_eases", _("Yes, but it eases when I move or change position")),
                ("wakes_no_ease", _("Yes, and nothing I do eases it")),
            ),
        ),
    ),
)  # fmt: skip

PAIN_HISTORY = Section(
    "pain_history",
    _("More about your pain"),
    _("What brings it on, how often it comes back and how much it gets in your way."),
    (
        yes_no("pain_with_exertion", _("Think about the last 4 weeks. Does effort, like stairs, hills or carrying things, bring on pain, pressure or tightness in your chest, upper back, neck, jaw or arm? And does it go away within minutes when you rest?")),
        yes_no("pain_with_breathing", _("In the last 14 days, has a sharp pain started in your chest or upper back that gets worse when you breathe in deeply or cough?")),
        yes_no("first_episode", _("Is this the first time you have ever had pain like this?")),
        number("episodes_past_12_months", _("In the last 12 months, how many separate times has this pain flared up? (Count this time.)"), 0, 52),
        choice(
            "limits_daily_activities",
            _("How much does the pain stop you doing everyday things, like work, sleep, driving or turning your head?"),
            (("not_at_all", _("Not at all")), ("a_little", _("A little")), ("a_lot", _("A lot"))),
        ),
        yes_no("self_care_tried", _("Have you tried rest, heat, gentle stretching or over-the-counter pain relief for a few days?")),
        yes_no("band_pain_one_side", _("Is the pain a burning, tingling or 'raw skin' feeling in a strip or band on one side of your body (with or without a rash)?")),
        number("morning_stiffness_minutes", _("After you get up in the morning, how many minutes does the stiffness last?"), 0, 600, hint=_("Enter 0 if none.")),
    ),
)  # fmt: skip

NERVES_AND_BODY = Section(
    "nerves_and_body",
    _("Nerves, head and whole body"),
    _("Signs that pain may come from a nerve, a blood vessel or an illness rather than a knot."),
    (
        choice(
            "arm_tingling_numbness",
            _("Do you have pins and needles or numbness in your arm or hand?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("one_arm", _("Yes, one arm or hand")),
                ("both_arms", _("Yes, both arms or hands")),
            ),
        ),
        yes_no("arm_weakness", _("Is your arm or hand weaker than normal - a weaker grip, or dropping things?")),
        yes_no(
            "hand_clumsy_or_balance",
            _("Have you noticed any of these new problems?"),
            bullets=(
                _("Clumsy hands (buttons, writing, phone)"),
                _("Feeling unsteady when you walk, or falling more"),
                _("Legs that feel stiff or heavy"),
                _("An electric-shock feeling down your back when you bend your neck"),
            ),
        ),
        yes_no(
            "neck_vascular_symptoms",
            _("In the last 4 weeks, have you had any of these, even if they went away?"),
            bullets=(
                _("Dizziness, or the room spinning"),
                _("Double or blurry vision"),
                _("Trouble speaking or swallowing"),
                _("Numbness around your face or lips"),
                _("Falling without fainting"),
                _("A new kind of headache at the back of your head or neck, unlike any you have had"),
            ),
        ),
        yes_no(
            "gca_symptoms",
            _("Do you have any of these new problems?"),
            bullets=(
                _("Headache at your temples"),
                _("A scalp that is sore to touch, like when you comb your hair"),
                _("Jaw pain when you chew that eases when you stop"),
                _("Blurry vision"),
            ),
        ),
        yes_no(
            "meningitis_signs",
            _("Do you have any of these?"),
            bullets=(
                _("A neck so stiff you cannot touch your chin to your chest, with a bad headache or eyes that hurt in bright light"),
                _("A rash that does not fade when you press a clear glass on it"),
                _("Feeling very sleepy or confused"),
            ),
        ),
        choice(
            "fever",
            _("Do you have a fever?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("measured_38_or_more", _("Yes, 100.4 F (38 C) or higher on a thermometer")),
                ("feels_feverish", _("I feel hot or shivery, but have not measured")),
            ),
        ),
        yes_no("weight_loss_unexplained", _("In the last 6 to 12 months, have you lost 10 pounds (4.5 kg) or more, or about 5% of your weight, without trying?")),
        yes_no("night_sweats", _("Do you wake up soaked in sweat, so you need to change your clothes or sheets?")),
        yes_no("skin_infection_signs", _("Is the skin where you want massage red, hot, swollen, leaking pus, or getting worse?")),
        yes_no("skin_issue_local", _("Where you want massage, do you have a cut, scrape, rash, blisters, sunburn, a new tattoo or piercing, or a mole that has changed?")),
    ),
)  # fmt: skip

INJURY_GATE = ("injury_type", ("minor", "fall_or_knock", "major"))

INJURY = Section(
    "injury",
    _("Injury"),
    _("Whether an injury started this pain, and whether a doctor has seen it."),
    (
        choice(
            "injury_type",
            _("Did this pain start after an injury?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("minor", _("A small strain - lifting, twisting, sleeping awkwardly")),
                ("fall_or_knock", _("A fall from standing height or lower, or a bump")),
                ("major", _("A car crash, a fall from higher than 3 feet or 5 stairs, a diving or sports collision, or another hard hit")),
            ),
        ),
        number("injury_days_ago", _("How many days ago was the injury?"), 0, 3650, gate_key=INJURY_GATE[0], gate_values=INJURY_GATE[1]),
        yes_no("injury_checked_by_doctor", _("Has a doctor, ER or urgent care checked you since that injury?"), gate_key=INJURY_GATE[0], gate_values=INJURY_GATE[1]),
        yes_no("recent_fracture", _("In the last 12 weeks, have you broken a bone in your neck, back, ribs, collarbone or shoulder, or been told a break has not healed yet?")),
    ),
)  # fmt: skip

HEALTH_HISTORY = Section(
    "health_history",
    _("Health history and medicines"),
    _("Conditions and medicines that change how we can safely work with you."),
    (
        choice(
            "cancer_history",
            _("Have you ever had cancer?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("skin_non_melanoma_only", _("Only a basal-cell or squamous-cell skin cancer")),
                ("past_finished", _("Yes, treatment finished more than 12 months ago")),
                ("current_or_last_12_months", _("Yes, now or treated in the last 12 months")),
            ),
        ),
        choice(
            "osteoporosis",
            _("Have you been told you have thin or weak bones (osteoporosis)?"),
            (
                (NO, pgettext_lazy("answer", "No")),
                (YES, pgettext_lazy("answer", "Yes")),
                ("yes_with_past_fracture", _("Yes, and I have broken a bone from a minor fall or bump")),
                (NOT_SURE, pgettext_lazy("answer", "Not sure")),
            ),
        ),
        yes_no("steroid_tablets_3_months", _("Have you taken steroid pills (like prednisone) for 3 months or more?")),
        yes_no(
            "infection_risk",
            _("Do any of these apply to you?"),
            bullets=(
                _("A weak immune system (for example from anti-rejection medicine, chemo, or HIV that is not under control)"),
                _("You inject drugs"),
                _("In the last 3 months: a serious infection (blood, bone or kidney), or a spine injection or spine surgery"),
            ),
        ),
        yes_no(
            "blood_thinner",
            _("Do you take a blood thinner?"),
            hint=_("For example warfarin (Coumadin), apixaban (Eliquis), rivaroxaban (Xarelto), dabigatran (Pradaxa), edoxaban, heparin or enoxaparin shots, clopidogrel (Plavix), ticagrelor or prasugrel."),
        ),
        yes_no("bleeding_disorder", _("Do you have a bleeding problem? For example hemophilia, von Willebrand disease, or low platelets. Or do you bruise or bleed very easily?")),
        choice(
            "clot_status",
            _("Have you ever had a blood clot in a vein (leg, arm or lung)?"),
            (
                ("never", pgettext_lazy("answer", "No, never")),
                ("past_resolved", _("Yes, more than 3 months ago, and my doctor says it has cleared - I may still take a blood thinner")),
                ("current_or_last_3_months", _("Yes, found in the last 3 months, or my doctor says it is still there")),
            ),
        ),
        choice(
            "recent_surgery",
            _("Have you had surgery in the last 12 weeks?"),
            (
                ("none", pgettext_lazy("answer", "No")),
                ("within_6_weeks", _("Yes, in the last 6 weeks")),
                ("6_to_12_weeks", _("Yes, 6 to 12 weeks ago")),
            ),
        ),
        choice(
            "bp_180_120",
            _("Has any blood pressure reading been 180/120 or higher?"),
            (
                ("no_or_unknown", _("No / I don't know")),
                ("last_24h", _("Yes, in the last 24 hours")),
                ("past_7_days", _("Yes, 1 to 7 days ago")),
            ),
        ),
        yes_no("high_bp_uncontrolled", _("Has a doctor told you that your blood pressure is high and not under control yet?")),
    ),
)  # fmt: skip

SECTIONS = (
    CHECK_FIRST,
    ABOUT_YOU,
    YOUR_PAIN,
    PAIN_HISTORY,
    NERVES_AND_BODY,
    INJURY,
    HEALTH_HISTORY,
)
QUESTIONS = {question.key: question for section in SECTIONS for question in section.questions}
