"""Red-flag triage of an intake: shared/specs/triage.md, implemented exactly.

Pure Python: no models, no I/O. `assess(answers)` takes the answers keyed by question key (a
missing key is a missing answer) and returns an Assessment. Every rule and caution keeps its
id, level, client explanation, therapist note, basis and citation beside its condition, so the
admin can list them. A change to any rule is a change of RULES_VERSION.

Conditions use three-valued logic (section 3): a comparison on a missing answer is unknown
(None); AND is False if any part is False, else unknown if any part is unknown; OR is True if
any part is True, else unknown if any part is unknown. Each condition is one expression (Eq,
Among, Ge, Has, AllOf, AnyOf, ...) that both evaluates and prints itself: a rule's
`condition_text` is rendered from it, so the code and the text therapists read cannot drift.
"""

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from intake.questions import NO, NOT_SURE, QUESTIONS, YES

RULES_VERSION = "2026.12-2"


class Level(StrEnum):
    """The four triage levels; a higher rank is more severe. The one definition of a level:
    the intake's database field takes its choices from here."""

    EMERGENCY = "EMERGENCY"
    MEDICAL = "MEDICAL"
    PROFESSIONAL = "PROFESSIONAL"
    SELF_CARE = "SELF_CARE"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(level.value, level.label) for level in cls]


LEVEL_RANK = {Level.SELF_CARE: 0, Level.PROFESSIONAL: 1, Level.MEDICAL: 2, Level.EMERGENCY: 3}
LEVEL_LABELS = {
    Level.EMERGENCY: _("Emergency: call 911"),
    Level.MEDICAL: _("See a doctor first"),
    Level.PROFESSIONAL: _("Professional care"),
    Level.SELF_CARE: _("Self-care"),
}


class Urgency(IntEnum):
    """MEDICAL time frames, most urgent first (lower value is more urgent)."""

    TODAY = 0
    WITHIN_2_DAYS = 1
    WITHIN_3_DAYS = 2
    WITHIN_1_WEEK = 3
    WITHIN_2_WEEKS = 4
    BEFORE_BOOKING = 5

    @property
    def label(self) -> str:
        """The spec's words for it, as stored with an intake."""
        return URGENCY_TEXT[self][0]

    @property
    def text(self) -> str:
        """What the client reads, in their language."""
        return URGENCY_TEXT[self][1]


URGENCY_TEXT = {
    Urgency.TODAY: ("today", _("today")),
    Urgency.WITHIN_2_DAYS: ("within 2 days", _("within 2 days")),
    Urgency.WITHIN_3_DAYS: ("within 3 days", _("within 3 days")),
    Urgency.WITHIN_1_WEEK: ("within 1 week", _("within 1 week")),
    Urgency.WITHIN_2_WEEKS: ("within 2 weeks", _("within 2 weeks")),
    Urgency.BEFORE_BOOKING: ("before booking", _("before you book a massage")),
}
URGENCY_BY_LABEL = {urgency.label: urgency for urgency in Urgency}


def time_frame_text(label: str | None) -> str | None:
    """The client's words for a stored time frame (`Assessment.see_doctor_within`)."""
    urgency = URGENCY_BY_LABEL.get(label or "")
    return urgency.text if urgency is not None else label


EMERGENCY_SCREEN_INCOMPLETE = "EMERGENCY_SCREEN_INCOMPLETE"

THORACIC = frozenset(
    {"between_shoulder_blades", "shoulder_blade_left", "shoulder_blade_right", "mid_back", "chest"}
)
UPPER_BACK = frozenset(
    {"between_shoulder_blades", "shoulder_blade_left", "shoulder_blade_right", "mid_back"}
)
SPREAD = frozenset({"arm_left", "arm_right", "hand_left", "hand_right", "head"})
# The named sets of body regions, as conditions name them (`pain_regions has any THORACIC`).
REGION_SETS = {"THORACIC": THORACIC, "UPPER_BACK": UPPER_BACK, "SPREAD": SPREAD}

# 'Not sure' is scored as the more worrying answer (section 3).
NOT_SURE_AS = {
    "injury_checked_by_doctor": NO,
    "pain_changes_with_movement": NO,
    "pain_onset": "sudden",
    "osteoporosis": YES,
    "pregnant": YES,
}

Truth = bool | None  # None is "unknown"


# --- answers --------------------------------------------------------------------------------


def normalise(answers: Mapping) -> dict:
    """The answers as the rules read them: 'not sure' mapped, anything unreadable missing."""
    readable = {}
    for key, question in QUESTIONS.items():
        value = _read(question, answers.get(key))
        if value is not None:
            readable[key] = value
    return readable


def _read(question, raw):
    if raw is None:
        return None
    if question.kind == "number":
        return _read_number(raw, question.minimum, question.maximum)
    if question.kind == "regions":
        if isinstance(raw, str) or not hasattr(raw, "__iter__"):
            return None
        items = list(raw)
        readable = [isinstance(i, str) and i in question.allowed for i in items]
        ticked = frozenset(i for i, ok in zip(items, readable, strict=True) if ok)
        return Regions(ticked, complete=all(readable))
    if not isinstance(raw, str) or raw not in question.allowed:
        return None
    if raw == NOT_SURE:
        return NOT_SURE_AS.get(question.key, YES)
    return raw


@dataclass(frozen=True)
class Regions:
    """The ticked body regions. When some items could not be read, a region that was not
    read as ticked may still have been meant: its absence is unknown, not false."""

    ticked: frozenset
    complete: bool

    def has_any(self, regions: frozenset) -> Truth:
        if self.ticked & regions:
            return True
        return False if self.complete else None


def _read_number(raw, minimum, maximum):
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        try:
            raw = float(raw.strip())
        except ValueError:
            return None
    if not isinstance(raw, int | float) or not math.isfinite(raw):
        return None
    if not minimum <= raw <= maximum:
        return None
    return raw


# --- conditions -----------------------------------------------------------------------------
#
# Each condition is written once, as a small expression of the nodes below, and that one
# expression both decides and describes the rule: `evaluate` triages the answers and `text`
# prints the condition in the notation of the spec's tables (section 2). `condition_text`, what
# therapists read in the admin and in docs/triage-rules.md, is that text, so it cannot drift
# from what the code does; tests/intake/test_triage_spec.py holds it to the spec word for word.


class Condition:
    """A node of a triage condition."""

    def evaluate(self, answers: Mapping, triggers: set[str]) -> Truth:
        """True, False or None (unknown) for the normalised answers (`normalise`).

        Adds to `triggers` the key of every comparison that came out true or unknown: the
        answers that triggered the condition. Every part is evaluated (no short-circuit), so
        they are all there, whatever the order of the parts.
        """
        raise NotImplementedError

    @property
    def text(self) -> str:
        """The condition as the spec writes it."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text


class Comparison(Condition):
    """A test of one answer: unknown when the answer is missing; its key is a trigger when
    the test is true or unknown."""

    key: str

    def test(self, answer) -> Truth:
        raise NotImplementedError

    def evaluate(self, answers: Mapping, triggers: set[str]) -> Truth:
        answer = answers.get(self.key)
        result = None if answer is None else self.test(answer)
        if result is not None:
            result = bool(result)
        if result is not False:
            triggers.add(self.key)
        return result

    def _question(self):
        question = QUESTIONS.get(self.key)
        if question is None:
            raise ValueError(f"{type(self).__name__}: no question {self.key!r}")
        return question

    def _check_values(self, values) -> None:
        """A choice is compared only with values it allows; never with 'not sure', which no
        normalised answer holds (section 3 maps it)."""
        question = self._question()
        if question.kind not in ("yes_no", "choice"):
            raise ValueError(f"{self.key!r} is a {question.kind} question, not a choice")
        for value in values:
            if value not in question.allowed or value == NOT_SURE:
                raise ValueError(f"{self.key!r} cannot be {value!r}")


@dataclass(frozen=True)
class Compare(Comparison):
    """`key <symbol> value`: the answer against one value."""

    key: str
    value: str | int
    symbol: ClassVar[str]
    operation: ClassVar[Callable]
    kinds: ClassVar[tuple[str, ...]]

    def __post_init__(self):
        if "number" in self.kinds:
            if self._question().kind != "number":
                raise ValueError(f"{self.key!r} is not a number question")
            if isinstance(self.value, bool) or not isinstance(self.value, int | float):
                raise ValueError(f"{self.key!r} is compared with a number, not {self.value!r}")
        else:
            self._check_values([self.value])

    def test(self, answer) -> Truth:
        return self.operation(answer, self.value)

    @property
    def text(self) -> str:
        return f"{self.key} {self.symbol} {self.value}"


class Eq(Compare):
    symbol, operation, kinds = "=", operator.eq, ("yes_no", "choice")


class Ne(Compare):
    symbol, operation, kinds = "!=", operator.ne, ("yes_no", "choice")


class Lt(Compare):
    symbol, operation, kinds = "<", operator.lt, ("number",)


class Le(Compare):
    symbol, operation, kinds = "<=", operator.le, ("number",)


class Gt(Compare):
    symbol, operation, kinds = ">", operator.gt, ("number",)


class Ge(Compare):
    symbol, operation, kinds = ">=", operator.ge, ("number",)


@dataclass(frozen=True, init=False)
class Among(Comparison):
    """`key IN [v1, v2]`: the answer is one of the values."""

    key: str
    values: tuple[str, ...]

    def __init__(self, key: str, *values: str):
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "values", values)
        if len(values) < 2:
            raise ValueError(f"Among({key!r}) needs two values or more; use Eq for one")
        self._check_values(values)

    def test(self, answer) -> Truth:
        return answer in self.values

    @property
    def text(self) -> str:
        return f"{self.key} IN [{', '.join(self.values)}]"


@dataclass(frozen=True)
class Has(Comparison):
    """`pain_regions has REGION`: the region was ticked (unknown if some items were unreadable
    and this one was not read as ticked, see Regions)."""

    region: str
    key: ClassVar[str] = "pain_regions"

    def __post_init__(self):
        if self.region not in self._question().allowed:
            raise ValueError(f"no body region {self.region!r}")

    def test(self, answer) -> Truth:
        return answer.has_any(frozenset({self.region}))

    @property
    def text(self) -> str:
        return f"{self.key} has {self.region}"


@dataclass(frozen=True)
class HasAny(Comparison):
    """`pain_regions has any SET`: at least one region of a named set (REGION_SETS) was ticked."""

    name: str
    key: ClassVar[str] = "pain_regions"

    def __post_init__(self):
        regions = REGION_SETS.get(self.name)
        if regions is None or not regions <= self._question().allowed:
            raise ValueError(f"no set of body regions {self.name!r}")

    def test(self, answer) -> Truth:
        return answer.has_any(REGION_SETS[self.name])

    @property
    def text(self) -> str:
        return f"{self.key} has any {self.name}"


def all_of(*parts: Truth) -> Truth:
    if any(part is False for part in parts):
        return False
    return None if any(part is None for part in parts) else True


def any_of(*parts: Truth) -> Truth:
    if any(part is True for part in parts):
        return True
    return None if any(part is None for part in parts) else False


@dataclass(frozen=True, init=False)
class Combination(Condition):
    """Parts joined by AND or OR; a part that is itself a combination is bracketed."""

    parts: tuple[Condition, ...]
    joiner: ClassVar[str]
    combine: ClassVar[Callable[..., Truth]]

    def __init__(self, *parts: Condition):
        if len(parts) < 2 or not all(isinstance(part, Condition) for part in parts):
            raise ValueError(f"{type(self).__name__} needs two conditions or more")
        object.__setattr__(self, "parts", parts)

    def evaluate(self, answers: Mapping, triggers: set[str]) -> Truth:
        return self.combine(*[part.evaluate(answers, triggers) for part in self.parts])

    @property
    def text(self) -> str:
        return self.joiner.join(
            f"({part.text})" if isinstance(part, Combination) else part.text for part in self.parts
        )


class AllOf(Combination):
    """AND: false if any part is false, else unknown if any part is unknown, else true."""

    joiner, combine = " AND ", staticmethod(all_of)


class AnyOf(Combination):
    """OR: true if any part is true, else unknown if any part is unknown, else false."""

    joiner, combine = " OR ", staticmethod(any_of)


@dataclass(frozen=True, init=False)
class NoRuleFired(Condition):
    """`no EMERGENCY, MEDICAL or PROFESSIONAL rule fired (definitely or as unknown)`: S01's
    condition. It reads the other rules, not the answers, so it records no trigger; assess()
    applies it as "no level found", which is the same thing."""

    levels: tuple[Level, ...]

    def __init__(self, *levels: Level):
        object.__setattr__(self, "levels", levels)

    def evaluate(self, answers: Mapping, triggers: set[str]) -> Truth:
        return all(
            rule.condition.evaluate(answers, set()) is False
            for rule in RULES
            if rule.level in self.levels
        )

    @property
    def text(self) -> str:
        names = [level.value for level in self.levels]
        listed = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
        return f"no {listed} rule fired (definitely or as unknown)"


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    condition: Condition = field(repr=False)
    client: str
    therapist_note: str
    citation: str
    basis: str
    see_doctor_within: Urgency | None = None

    @property
    def condition_text(self) -> str:
        return self.condition.text


@dataclass(frozen=True)
class Caution:
    id: str
    condition: Condition = field(repr=False)
    therapist_note: str
    citation: str
    basis: str

    @property
    def condition_text(self) -> str:
        return self.condition.text


E, M, P = Level.EMERGENCY, Level.MEDICAL, Level.PROFESSIONAL

RULES: tuple[Rule, ...] = (
    # 2.2 EMERGENCY
    Rule("E01_CHEST_PAIN_NOW", E,
         Eq("chest_pain_now", YES),
         _("Chest pain or pressure can be a heart attack, even when it is mild or comes and goes. Call 911 now, and do not drive yourself."),
         "Possible acute coronary syndrome. Do not treat. If on site: call 911, keep the client seated and still.",
         "S11, S12, S14", "S"),
    Rule("E02_PAIN_WITH_SWEAT_NAUSEA_FAINTNESS", E,
         Eq("pain_with_sweat_nausea_faint", YES),
         _("Back, neck or jaw pain with a cold sweat, an upset stomach or feeling faint can be a heart attack, especially in women. Call 911 now."),
         "Atypical ACS pattern (interscapular/jaw pain with autonomic symptoms), more frequent in women, older adults and people with diabetes; dissection and PE also possible.",
         "S11, S12, S13", "S"),
    Rule("E03_NEW_BREATHLESSNESS", E,
         Eq("breathless_now", YES),
         _("New trouble breathing together with pain in your upper body can mean a heart problem or a blood clot in the lung. Call 911 now."),
         "ACS, PE or dissection. Asthma+Lung UK lists severe breathlessness as a 999 symptom; the 'new, not usual asthma' wording is our judgement.",
         "S11, S16, S15", "S+J"),
    Rule("E04_BLOOD_COUGH_WITH_BREATHING_PAIN", E,
         AllOf(Eq("coughing_blood", YES), Eq("pain_with_breathing", YES)),
         _("Coughing up blood with a sharp pain when you breathe can mean a blood clot in the lung. Call 911 now."),
         "PE pattern (pleuritic pain plus haemoptysis). NHS advises same-day GP for a combination and 999 if severe; escalating the combination to 911 is my conservative judgement.",
         "S16", "S+J"),
    Rule("E05_SUDDEN_SEVERE_THORACIC_PAIN", E,
         AllOf(
             Eq("pain_onset", "sudden"), Le("pain_start_days_ago", 3), HasAny("THORACIC"),
             AnyOf(Ge("pain_worst_0_10", 8), Eq("pain_tearing", YES)),
         ),
         _("Pain in your chest or upper back that hits suddenly and very hard, or feels like tearing, can be a tear in the body's main artery. Call 911 now, even if it started while lifting."),
         "Aortic dissection screen. Heavy exertion can trigger dissection, so a lifting story does not exclude it remotely. The 8/10 and 3-day cut-offs are our judgement.",
         "S15", "S+J"),
    Rule("E06_STROKE_SIGNS", E,
         Eq("stroke_signs_now", YES),
         _("These are signs of a stroke or a torn artery in the neck. Call 911 now and note the time the signs started."),
         "Stroke/TIA or cervical artery dissection. Dissection can follow minor neck strain (massage has been reported) and neuro signs can follow the neck pain by hours to days, in some reports up to about 2 weeks. No neck work.",
         "S20, S21, S2", "S"),
    Rule("E07_THUNDERCLAP_HEADACHE", E,
         Eq("thunderclap_headache", YES),
         _("A sudden, very bad headache can be bleeding in the brain or a torn neck artery. Call 911 now."),
         "Thunderclap headache: subarachnoid haemorrhage or dissection. The 7-day look-back is our judgement.",
         "S20, S21", "S+J"),
    Rule("E08_FAINTED_24H", E,
         Eq("fainted_recent", "last_24h"),
         _("Fainting, or your legs suddenly giving way, in the last 24 hours, together with back or neck pain, needs emergency care. Call 911 now."),
         "Syncope is listed for aortic dissection, PE and cardiac causes; 'drop attacks' for vertebrobasilar problems. The 24-hour window is our judgement.",
         "S15, S16, S7", "S+J"),
    Rule("E09_CORD_OR_CAUDA_SIGNS", E,
         Eq("legs_bladder_now", YES),
         _("New weakness or numbness in both legs, or new bladder or bowel problems, can mean pressure on your spinal cord or nerves. Call 911 or go to the ER now."),
         "Cord compression (including metastatic, often thoracic) or cauda equina. Do not treat.",
         "S6, S4, S36", "S"),
    Rule("E10_POSSIBLE_MENINGITIS", E,
         AllOf(Among("fever", "measured_38_or_more", "feels_feverish"), Eq("meningitis_signs", YES)),
         _("A fever together with any of these can be meningitis, which gets worse fast: a neck too stiff to touch your chin to your chest, a bad headache with eyes that hurt in bright light, a rash that does not fade when pressed, or feeling very sleepy or confused. Call 911 now."),
         "Meningitis/sepsis. 'Stiff neck' here means unable to bring chin to chest, not muscle tightness.",
         "S19", "S"),
    Rule("E11_HYPERTENSIVE_EMERGENCY", E,
         AllOf(
             Eq("bp_180_120", "last_24h"),
             AnyOf(
                 Eq("chest_pain_now", YES), Eq("breathless_now", YES),
                 Eq("stroke_signs_now", YES), Eq("arm_weakness", YES),
                 Ne("arm_tingling_numbness", "none"), Eq("pain_trend", "worse"),
                 Le("pain_start_days_ago", 1),
             ),
         ),
         _("A blood pressure of 180/120 or higher with chest pain, trouble breathing, numbness, weakness, or new or worse back pain is an emergency. Call 911 now."),
         "AHA hypertensive emergency; AHA lists back pain among the warning symptoms (think dissection). Because every client here has back pain, we count only new (<= 1 day) or worsening pain.",
         "S22", "S+J"),
    Rule("E12_MAJOR_TRAUMA_UNCHECKED_ACUTE", E,
         AllOf(
             Eq("injury_type", "major"), Eq("injury_checked_by_doctor", NO),
             AnyOf(
                 Le("injury_days_ago", 2),
                 AllOf(
                     Le("injury_days_ago", 7),
                     AnyOf(Ne("arm_tingling_numbness", "none"), Eq("arm_weakness", YES)),
                 ),
             ),
         ),
         _("After a serious crash, fall or hit, neck or back pain needs an emergency check before anyone treats it. Call 911 now, keep your neck and back as still as you can, and do not drive yourself."),
         "Canadian C-spine rule: dangerous mechanism or limb paresthesia = high risk, imaging needed. NHS: back pain after a serious accident = 999/A&E. The 2- and 7-day windows are our judgement.",
         "S24, S6", "S+J"),
    Rule("E13_CLOT_WITH_LUNG_SYMPTOMS", E,
         AllOf(
             Eq("leg_or_arm_swelling_one_side", YES),
             AnyOf(Eq("pain_with_breathing", YES), Eq("coughing_blood", YES)),
         ),
         _("A painful, swollen leg or arm together with chest or upper-back pain when you breathe, or coughing blood, can mean a clot has moved to your lung. Call 911 now."),
         "DVT with PE features; NHS says 999 for DVT symptoms with breathlessness and chest pain.",
         "S17, S16", "S"),
    # 2.3 MEDICAL
    Rule("M01_EFFORT_RELATED_PAIN", M,
         Eq("pain_with_exertion", YES),
         _("Pain or pressure that comes with effort and stops with rest can be a heart warning sign, so please see a doctor today. If it comes back and does not stop within a few minutes, call 911."),
         "Angina pattern; women more often report it in the upper back, neck or jaw. No deep tissue until cardiac assessment.",
         "S14, S13", "S", Urgency.TODAY),
    Rule("M02_PAIN_ON_BREATHING", M,
         Eq("pain_with_breathing", YES),
         _("A new sharp pain in your chest or upper back that is worse when you breathe in should be checked by a doctor today. If you also become short of breath, call 911."),
         "Pleuritic pain: PE, pleurisy, pneumonia, pneumothorax. Rib or costovertebral strain is common, but rule out the medical causes first.",
         "S16, S26", "S+J", Urgency.TODAY),
    Rule("M03_COUGHED_BLOOD", M,
         Eq("coughing_blood", YES),
         _("Coughing up blood should be checked by a doctor today."),
         "Haemoptysis: PE, infection, tumour.",
         "S16", "S+J", Urgency.TODAY),
    Rule("M04_POSSIBLE_DVT", M,
         Eq("leg_or_arm_swelling_one_side", YES),
         _("A painful, swollen, warm leg or arm on one side can be a blood clot. Please get seen today, and do not have it massaged."),
         "Suspected DVT: no massage anywhere until excluded (risk of moving the clot).",
         "S17, S29, S30", "S", Urgency.TODAY),
    Rule("M05_ACTIVE_CLOT", M,
         Eq("clot_status", "current_or_last_3_months"),
         _("You have had a blood clot recently. Please get your doctor's OK before deep tissue massage."),
         "Active or recent DVT/PE is a massage contraindication until cleared; usually anticoagulated too (see C01). The 3-month cut-off is our judgement.",
         "S29, S30", "S+J", Urgency.BEFORE_BOOKING),
    Rule("M06_SUDDEN_SEVERE_THORACIC_LATER", M,
         AllOf(
             Eq("pain_onset", "sudden"), Gt("pain_start_days_ago", 3), HasAny("THORACIC"),
             AnyOf(Ge("pain_worst_0_10", 8), Eq("pain_tearing", YES)),
         ),
         _("Chest or upper back pain that started suddenly and very hard needs a doctor's check today, even if it feels better now."),
         "Late presentation of the E05 pattern; exclude dissection, fracture and visceral causes before treating.",
         "S15, S26", "J", Urgency.TODAY),
    Rule("M07_FAINTED_THIS_WEEK", M,
         Eq("fainted_recent", "1_to_7_days"),
         _("Fainting, or your legs suddenly giving way, this week, together with your pain, needs a doctor's check today before massage."),
         "Unexplained syncope with spinal pain needs medical work-up (cardiac, PE, dissection, vertebrobasilar).",
         "S15, S16, S7", "S+J", Urgency.TODAY),
    Rule("M08_NECK_ARTERY_WARNING", M,
         Eq("neck_vascular_symptoms", YES),
         _("Dizziness, vision or speech changes, or a new kind of headache with neck pain can come from the blood vessels in the neck. See a doctor today; we will not work on your neck until you are cleared."),
         "IFOMPT Cervical Framework: consider vascular pathology before any neck intervention. Dissection can present as neck pain/headache alone, before neuro signs.",
         "S2, S7, S21", "S", Urgency.TODAY),
    Rule("M09_SPINAL_CORD_SIGNS", M,
         AnyOf(Eq("hand_clumsy_or_balance", YES), Eq("arm_tingling_numbness", "both_arms")),
         _("Clumsy hands, numbness in both hands, or trouble with balance can mean pressure on the spinal cord in your neck. Please see a doctor within a week, before any deep neck work."),
         "Possible degenerative cervical myelopathy. Avoid neck extension and sustained neck pressure. If worsening over days, send to ER.",
         "S23, S3, S7", "S+J", Urgency.WITHIN_1_WEEK),
    Rule("M10_ARM_WEAKNESS", M,
         Eq("arm_weakness", YES),
         _("New weakness in your arm or hand can mean a nerve is being pressed. Please see a doctor within a week, before deep work on your neck."),
         "Motor deficit (radiculopathy with weakness or myelopathy); progressive weakness needs surgical opinion.",
         "S25, S3", "S+J", Urgency.WITHIN_1_WEEK),
    Rule("M11_ARM_NERVE_NOT_SETTLING", M,
         AllOf(
             Eq("arm_tingling_numbness", "one_arm"), Gt("pain_start_days_ago", 42),
             Ne("pain_trend", "better"),
         ),
         _("Pins and needles in one arm that are no better after 6 weeks need a check by a doctor or physical therapist."),
         "Persisting radicular symptoms beyond 6 weeks: MSK triage or medical review per NHS pathway.",
         "S25", "S+J", Urgency.WITHIN_2_WEEKS),
    Rule("M12_FEVER", M,
         Among("fever", "measured_38_or_more", "feels_feverish"),
         _("A fever can be a sign of infection, and back pain with a fever should be checked by a doctor within 2 days, or today if you feel very unwell. Massage should wait until you are well."),
         "Fever is a systemic contraindication (Werner); fever with spinal pain raises spinal infection concern (Mayo: see a doctor now if fever lasts over 48 h with back pain).",
         "S31, S8, S3, S4", "S", Urgency.WITHIN_2_DAYS),
    Rule("M13_INFECTION_RISK", M,
         AllOf(Eq("infection_risk", YES), Le("pain_start_days_ago", 90)),
         _("Your answers show a higher chance of an infection in the spine. Please see a doctor about this new pain before deep tissue massage."),
         "Spinal infection risk factors (IV drug use, immunosuppression, recent infection or spinal procedure). Fever is often absent. The 90-day window is our judgement.",
         "S1, S4, S37", "S+J", Urgency.WITHIN_1_WEEK),
    Rule("M14_CANCER_HISTORY", M,
         Among("cancer_history", "past_finished", "current_or_last_12_months"),
         _("If you have had cancer, new back or neck pain should be checked by your doctor first. This is a safety step; most pain is still muscle pain."),
         "History of cancer is the most useful malignancy red flag; the thoracic spine is the commonest site of spinal metastases (Physiopedia, S26). In active treatment also get oncology clearance and apply C12. Excluding basal/squamous skin cancer is our judgement.",
         "S5, S1, S26, S36, S33", "S+J", Urgency.BEFORE_BOOKING),
    Rule("M15_WEIGHT_LOSS_OR_NIGHT_SWEATS", M,
         AnyOf(Eq("weight_loss_unexplained", YES), Eq("night_sweats", YES)),
         _("Losing weight without trying, or waking up soaked in sweat, needs a doctor's check before deep tissue massage."),
         "Constitutional symptoms: malignancy, infection, inflammatory disease. Weight threshold from Harrison's/BMJ.",
         "S3, S4, S27", "S", Urgency.WITHIN_1_WEEK),
    Rule("M16_UNRELENTING_NIGHT_PAIN", M,
         Eq("night_pain", "wakes_no_ease"),
         _("Pain that wakes you and does not ease whatever you do is not typical of a muscle knot. Please see a doctor before deep tissue massage."),
         "Unremitting night pain not relieved by position change: malignancy/infection red flag.",
         "S3, S4", "S", Urgency.WITHIN_1_WEEK),
    Rule("M17_CONSTANT_NON_MECHANICAL_PAIN", M,
         Eq("pain_changes_with_movement", NO),
         _("Pain that stays the same no matter how you move or where you press is less likely to be a muscle knot. Please see a doctor first."),
         "Non-mechanical pain; thoracic pain more often has serious or visceral causes. NHS also lists upper-back (between the shoulders) pain among urgent features; we use it only in combination.",
         "S26, S6", "S+J", Urgency.WITHIN_1_WEEK),
    Rule("M18_NEW_PAIN_AGE_50_PLUS_NOT_SETTLING", M,
         AllOf(
             Ge("age_years", 50), Eq("first_episode", YES), Gt("pain_start_days_ago", 28),
             Ne("pain_trend", "better"),
         ),
         _("Back or neck pain that starts for the first time after age 50 and is no better after 4 weeks needs a doctor's check before deep tissue massage."),
         "Cochrane: age over 50, no prior episodes and no improvement after a month are useful only in combination; we require all three.",
         "S5, S4, S8", "S+J", Urgency.WITHIN_2_WEEKS),
    Rule("M19_UNDER_20_NOT_SETTLING", M,
         AllOf(
             Lt("age_years", 20), Gt("pain_start_days_ago", 28), Ne("pain_trend", "better"),
         ),
         _("For someone under 20, back pain that has not improved in 4 weeks should be checked by a doctor."),
         "Onset under 20 is a listed red flag (structural, tumour, infection); combined with failure to improve after a month.",
         "S4, S26", "S+J", Urgency.WITHIN_2_WEEKS),
    Rule("M20_WORSENING_AFTER_4_WEEKS", M,
         AllOf(Gt("pain_start_days_ago", 28), Eq("pain_trend", "worse")),
         _("Pain that is still getting worse after 4 weeks should be checked by a doctor."),
         "Mayo: see a doctor within 4 weeks if back pain keeps getting worse.",
         "S8", "S", Urgency.WITHIN_2_WEEKS),
    Rule("M21_POSSIBLE_FRACTURE_AFTER_INJURY", M,
         AllOf(
             Ne("injury_checked_by_doctor", YES),
             AnyOf(
                 AllOf(Among("injury_type", "fall_or_knock", "major"), Ge("age_years", 65)),
                 AllOf(
                     Among("injury_type", "minor", "fall_or_knock", "major"),
                     AnyOf(
                         Among("osteoporosis", YES, "yes_with_past_fracture"),
                         Eq("steroid_tablets_3_months", YES),
                     ),
                 ),
             ),
         ),
         _("After a fall, people over 65 can break a bone in the spine without knowing it; with weak bones or long-term steroid tablets, even a small strain can do it. Please get it checked by a doctor today, before massage."),
         "Fracture red flags: older age, osteoporosis, steroids plus trauma (even lifting). Canadian C-spine: age 65+ with neck trauma needs imaging.",
         "S1, S4, S24, S8, S26", "S", Urgency.TODAY),
    Rule("M22_MAJOR_INJURY_NOT_CHECKED", M,
         AllOf(Eq("injury_type", "major"), Eq("injury_checked_by_doctor", NO)),
         _("A serious crash, fall or hit can cause hidden injuries. Please get checked by a doctor before any massage."),
         "Dangerous mechanism never assessed.",
         "S24, S6", "S", Urgency.TODAY),
    Rule("M23_SUDDEN_PAIN_FRAGILE_BONES", M,
         AllOf(
             Eq("pain_onset", "sudden"),
             AnyOf(
                 Among("osteoporosis", YES, "yes_with_past_fracture"),
                 Eq("steroid_tablets_3_months", YES),
             ),
         ),
         _("With weak bones or long-term steroid use, back pain that starts suddenly can be a small break in the spine. Please see a doctor before massage."),
         "Possible spontaneous osteoporotic vertebral compression fracture.",
         "S4, S31, S1", "S", Urgency.WITHIN_2_DAYS),
    Rule("M24_SEVERE_OSTEOPOROSIS", M,
         Eq("osteoporosis", "yes_with_past_fracture"),
         _("Because you have broken a bone from weak bones before, please get your doctor's OK before deep tissue massage. Gentle massage may still be possible."),
         "Mayo lists severe osteoporosis as a reason massage may be unsuitable; Werner: very gentle work only. Treating 'fragility fracture' as 'severe' is our judgement.",
         "S29, S31, S32", "S+J", Urgency.BEFORE_BOOKING),
    Rule("M25_RECENT_FRACTURE", M,
         Eq("recent_fracture", YES),
         _("A recent or unhealed broken bone needs your doctor's OK before massage near that area."),
         "Fracture: local contraindication; avoid unstable fracture sites.",
         "S29, S30", "S", Urgency.BEFORE_BOOKING),
    Rule("M26_SURGERY_WITHIN_6_WEEKS", M,
         Eq("recent_surgery", "within_6_weeks"),
         _("Surgery in the last 6 weeks raises the risk of blood clots, and the area is still healing. Please get your surgeon's OK first."),
         "NYSED: use caution after recent surgery; MSU: no deep pressure over a surgical site for at least 6 weeks; post-operative DVT risk. The 6-week hold is our judgement.",
         "S30, S34, S17", "S+J", Urgency.BEFORE_BOOKING),
    Rule("M27_BLEEDING_DISORDER", M,
         Eq("bleeding_disorder", YES),
         _("With a bleeding problem, deep pressure can cause bleeding under the skin. Please get your doctor's OK first."),
         "Mayo: bleeding disorders and severe thrombocytopenia may make massage unsuitable.",
         "S29", "S", Urgency.BEFORE_BOOKING),
    Rule("M28_POSSIBLE_SHINGLES", M,
         Eq("band_pain_one_side", YES),
         _("A burning or tingling band of pain on one side can be shingles, even before a rash shows. See a doctor within 3 days (an urgent care clinic is fine), because early medicine works best."),
         "Prodromal herpes zoster. Antivirals work best within 3 days of the rash. Do not massage the area; an open rash can spread chickenpox to non-immune people.",
         "S18", "S", Urgency.WITHIN_3_DAYS),
    Rule("M29_POSSIBLE_PMR", M,
         AllOf(
             Ge("age_years", 50), Gt("morning_stiffness_minutes", 45),
             Gt("pain_start_days_ago", 14), Has("top_of_shoulder_left"),
             Has("top_of_shoulder_right"),
         ),
         _("Aching in both shoulders with long morning stiffness after age 50 can be a condition that needs medicine. Please see a doctor."),
         "Polymyalgia rheumatica picture (CKS): over 50, both shoulders, over 2 weeks, stiffness over 45 minutes. Ask about GCA symptoms.",
         "S28", "S", Urgency.WITHIN_1_WEEK),
    Rule("M30_POSSIBLE_GCA", M,
         AllOf(Ge("age_years", 50), Eq("gca_symptoms", YES)),
         _("After age 50, a new headache at the temples, a sore scalp, or jaw pain when chewing can be an artery problem that harms eyesight, so see a doctor today. If your vision changes suddenly, call 911."),
         "Giant cell arteritis: urgent specialist referral, risk of blindness.",
         "S28", "S", Urgency.TODAY),
    Rule("M31_VERY_HIGH_BP_READING", M,
         Among("bp_180_120", "last_24h", "past_7_days"),
         _("A blood pressure reading of 180/120 or higher needs attention today, even if you feel fine. Rest for 5 minutes and measure again; if it is still that high, call your doctor today. If you also have chest pain, trouble breathing, weakness, numbness, or trouble seeing or speaking, call 911."),
         "AHA hypertensive urgency: recheck and contact the provider promptly. No massage until reviewed.",
         "S22", "S", Urgency.TODAY),
    Rule("M32_PREGNANCY_WARNING_SIGNS", M,
         AllOf(Eq("pregnant", YES), Eq("pregnancy_warning_signs", YES)),
         _("These signs in pregnancy need your midwife or doctor today. Please call them now."),
         "Pre-eclampsia features (headache, visual change, sudden swelling, pain under ribs) per NHS; bleeding, fluid, reduced movements and preterm contractions from trade guidance.",
         "S35, S39", "S+J", Urgency.TODAY),
    Rule("M33_HIGH_RISK_PREGNANCY", M,
         AllOf(Eq("pregnant", YES), Eq("pregnancy_high_risk", YES)),
         _("For a high-risk pregnancy, please get your doctor's or midwife's OK before massage."),
         "One version of the Mayo massage text lists current high-risk pregnancy; trade practice asks for a written release.",
         "S29, S39", "S+J", Urgency.BEFORE_BOOKING),
    Rule("M34_SKIN_INFECTION", M,
         Eq("skin_infection_signs", YES),
         _("Red, hot, swollen or oozing skin can be an infection. Please have a doctor check it; we cannot massage that area until it is treated."),
         "Local infection contraindication; systemic if spreading or with fever.",
         "S30, S31", "S", Urgency.WITHIN_2_DAYS),
    Rule("M35_HEART_PATTERN_PAIN", M,
         AllOf(
             Le("pain_start_days_ago", 14),
             AnyOf(Has("chest"), AllOf(Has("jaw"), HasAny("UPPER_BACK"))),
         ),
         _("New pain in your chest, or pain that links your upper back and your jaw, should be checked by a doctor today, even if it feels like a muscle. If it comes with breathlessness, sweating or nausea, call 911."),
         "Possible cardiac referral pattern (women: upper back pain travelling to the jaw). The 14-day window is our judgement.",
         "S13, S11, S14", "S+J", Urgency.TODAY),
    # 2.4 PROFESSIONAL
    Rule("P01_NOT_SETTLING_AFTER_2_WEEKS", P,
         AllOf(Gt("pain_start_days_ago", 14), Among("pain_trend", "same", "worse")),
         _("Your pain has not settled after 2 weeks, so hands-on care from a therapist is a good next step. If it has lasted more than 4 weeks and is not clearly getting better, please see a doctor too."),
         "Persistent myofascial pain. Mayo: see a professional if muscle pain does not ease with rest and self-care; NHS MSK: no improvement after a couple of weeks of self-help; CKS: consider physio at 4-12 weeks. The 14-day threshold is our judgement.",
         "S9, S7, S3, S8", "S+J"),
    Rule("P02_KEEPS_COMING_BACK", P,
         Ge("episodes_past_12_months", 3),
         _("Pain that keeps coming back is worth a proper assessment and a plan, not just quick fixes."),
         "Recurrent episodes: review load, posture, work set-up, sleep and stress; refer if the pattern changes. The 3-per-year threshold is our judgement.",
         "S9, S10", "J"),
    Rule("P03_WAKES_AT_NIGHT", P,
         Eq("night_pain", "wakes_eases"),
         _("Pain that wakes you but eases when you move is common with sore muscles. It still means hands-on care and a plan are worth it."),
         "Mechanical night pain; re-check that it truly eases with position (else M16).",
         "S9, S3", "S+J"),
    Rule("P04_LIMITS_DAILY_LIFE", P,
         Eq("limits_daily_activities", "a_lot"),
         _("The pain is stopping you from doing everyday things. Professional care is a good idea."),
         "High functional impact; consider a simple outcome measure and graded plan.",
         "S6, S10", "S+J"),
    Rule("P05_SPREADS_TO_ARM_OR_HEAD", P,
         AnyOf(HasAny("SPREAD"), Eq("arm_tingling_numbness", "one_arm")),
         _("Pain that spreads into your arm or head can come from knots or from a nerve, so a therapist should check it. Tell us if you get weakness, or numbness in both hands."),
         "Referred trigger-point pain versus radicular pain; screen strength and sensation; see C09/C11.",
         "S9, S25", "S+J"),
    Rule("P06_SEVERE_INTENSITY", P,
         Ge("pain_worst_0_10", 7),
         _("Your pain is strong (7 or more out of 10), so professional care is recommended. If it came on suddenly, or comes with fever, numbness, weakness or trouble breathing, see a doctor."),
         "High intensity; confirm it is not a sudden thoracic onset (E05/M06).",
         "S6", "J"),
    Rule("P07_GETTING_WORSE_EARLY", P,
         AllOf(Eq("pain_trend", "worse"), Le("pain_start_days_ago", 28)),
         _("Your pain is getting worse. A therapist should check it, and if it keeps getting worse, see a doctor."),
         "Worsening despite self-care; NHS MSK advises a doctor if pain is rapidly worsening; escalates to M20 after 4 weeks.",
         "S7, S8", "S+J"),
)  # fmt: skip

SELF_CARE_RULE = Rule(
    "S01_SELF_CARE", Level.SELF_CARE,
    NoRuleFired(Level.EMERGENCY, Level.MEDICAL, Level.PROFESSIONAL),
    _("Your answers show no warning signs, and most knots ease within 1 to 2 weeks with movement, heat, gentle stretching and breaks from sitting. You are welcome to book, and your therapist will check in with you first."),
    "No flags. Standard session; re-screen the check-first questions at the start of every visit.",
    "S9, S3, S7", "S+J",
)  # fmt: skip

CAUTIONS: tuple[Caution, ...] = (
    Caution("C01_BLOOD_THINNER", Eq("blood_thinner", YES),
            "Not a refusal. Light to moderate pressure only: no deep sustained pressure, stripping, cross-fibre friction, cupping, percussion or tools; ask about recent bruising and whether their blood tests are stable; check the skin afterwards.",
            "S29, S30", "S+J"),
    Caution("C02_OSTEOPOROSIS", Among("osteoporosis", YES, "yes_with_past_fracture"),
            "Gentle pressure over the spine and ribs; no rib springing, percussion or forceful stretches; support with bolsters; help on and off the table.",
            "S31, S32", "S"),
    Caution("C03_LONG_TERM_STEROIDS", Eq("steroid_tablets_3_months", YES),
            "Thin skin, fragile tissue and bone: moderate pressure, check skin, combine with C02 where relevant.",
            "S30", "S"),
    Caution("C04_PAST_CLOT", Eq("clot_status", "past_resolved"),
            "No deep work on the legs, especially calves; ask about new leg swelling at every visit.",
            "S30, S17", "S+J"),
    Caution("C05_PREGNANCY", Eq("pregnant", YES),
            "Therapist trained in prenatal massage; side-lying or semi-reclined positioning; no deep abdominal or deep sacral work in the first trimester; lighter pressure on the legs; re-ask warning signs at each visit.",
            "S30, S39, S29", "S+J"),
    Caution("C06_LOCAL_SKIN_ISSUE", Eq("skin_issue_local", YES),
            "Avoid the area and a margin around it; no oil on broken skin; refer changed moles.",
            "S30, S31", "S"),
    Caution("C07_SURGERY_6_TO_12_WEEKS", Eq("recent_surgery", "6_to_12_weeks"),
            "No deep pressure over or near the surgical site; ask about surgeon's restrictions and any post-operative clot.",
            "S34, S30", "S+J"),
    Caution("C08_UNCONTROLLED_BP", Eq("high_bp_uncontrolled", YES),
            "Take a reading if possible and defer if 180/120 or higher (M31); avoid prolonged pressure on the front and sides of the neck; have the client sit up slowly.",
            "S22", "J"),
    Caution("C09_ARM_NERVE_SYMPTOMS",
            AnyOf(Ne("arm_tingling_numbness", "none"), Eq("arm_weakness", YES)),
            "Avoid sustained pressure on the scalenes and front of the neck and sustained end-range neck positions; stop if arm symptoms increase; re-check for weakness or both-hand symptoms each visit.",
            "S25, S23", "J"),
    Caution("C10_AGE_65_PLUS", Ge("age_years", 65),
            "Assume bones may be thin until known; build pressure gradually.",
            "S32, S31", "S+J"),
    Caution("C11_NECK_WORK", Has("neck"),
            "No deep sustained pressure over the front and sides of the neck; no forceful end-range rotation or extension; ask about dizziness, vision or speech changes during and after the session.",
            "S2, S21", "S+J"),
    Caution("C12_CANCER_MODIFICATIONS", Ne("cancer_history", "none"),
            "When cleared: oncology-informed approach; adjust pressure, site and position; avoid tumour sites, undiagnosed lumps, radiation fields and ports; care on the side of lymph-node removal; no deep pressure over bone metastases.",
            "S33, S34", "S"),
    Caution("C13_RECENT_MAJOR_INJURY_CLEARED",
            AllOf(
                Eq("injury_type", "major"), Eq("injury_checked_by_doctor", YES),
                Le("injury_days_ago", 42),
            ),
            "Follow the clinician's restrictions; gentle, graded work; stop and refer if new nerve symptoms appear.",
            "S24", "J"),
)  # fmt: skip

RULES_BY_ID = {rule.id: rule for rule in (*RULES, SELF_CARE_RULE)}
CAUTIONS_BY_ID = {caution.id: caution for caution in CAUTIONS}


# --- assessment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    level: Level
    fired: frozenset[str]
    fired_unknown: frozenset[str]
    cautions: frozenset[str]
    cautions_unknown: frozenset[str]
    flags: frozenset[str]
    see_doctor_within: str | None
    # For each fired or unknown rule and caution, the question keys that triggered it.
    triggers: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def explained_rules(self) -> list[Rule]:
        return explained_rules(self.level, self.fired)


def explained_rules(level: str, fired) -> list[Rule]:
    """The rules that fired for certain at the final level, most urgent first: what the client
    is told. Ids no longer in the rules (an older intake) are skipped."""
    return _at_level(level, fired)


def possible_rules(level: str, fired_unknown) -> list[Rule]:
    """Rules at the final level that could not be ruled out because answers were missing."""
    return _at_level(level, fired_unknown) if level != Level.SELF_CARE else []


def _at_level(level: str, ids) -> list[Rule]:
    rules = [RULES_BY_ID[i] for i in ids if i in RULES_BY_ID and RULES_BY_ID[i].level == level]
    return sorted(rules, key=_urgency_order)


def _urgency_order(rule: Rule) -> tuple:
    urgency = rule.see_doctor_within
    return (len(Urgency) if urgency is None else int(urgency), rule.id)


def assess(answers: Mapping) -> Assessment:
    """Triage one set of answers (section 3 precedence, 'not sure' and missing answers)."""
    readable = normalise(answers)
    fired, unknown, triggers = set(), set(), {}
    for rule in RULES:
        result, keys = _evaluate(rule.condition, readable)
        if result is True:
            fired.add(rule.id)
        elif result is None:
            unknown.add(rule.id)
        if result is not False:
            triggers[rule.id] = keys

    cautions, cautions_unknown = set(), set()
    for caution in CAUTIONS:
        result, keys = _evaluate(caution.condition, readable)
        if result is True:
            cautions.add(caution.id)
        elif result is None:
            cautions_unknown.add(caution.id)
        if result is not False:
            triggers[caution.id] = keys

    flags = set()
    emergency_fired = any(RULES_BY_ID[i].level == Level.EMERGENCY for i in fired)
    emergency_unknown = any(RULES_BY_ID[i].level == Level.EMERGENCY for i in unknown)
    if emergency_unknown and not emergency_fired:
        flags.add(EMERGENCY_SCREEN_INCOMPLETE)

    # Unknown EMERGENCY rules count as MEDICAL; unknown MEDICAL/PROFESSIONAL at their level.
    levels = [RULES_BY_ID[i].level for i in fired]
    levels += [
        Level.MEDICAL if RULES_BY_ID[i].level == Level.EMERGENCY else RULES_BY_ID[i].level
        for i in unknown
    ]
    if levels:
        level = max(levels, key=lambda lv: lv.rank)
    else:
        level = Level.SELF_CARE
        fired.add(SELF_CARE_RULE.id)

    return Assessment(
        level=level,
        fired=frozenset(fired),
        fired_unknown=frozenset(unknown),
        cautions=frozenset(cautions),
        cautions_unknown=frozenset(cautions_unknown),
        flags=frozenset(flags),
        see_doctor_within=_time_frame(level, fired, unknown, flags),
        triggers={key: frozenset(value) for key, value in triggers.items()},
    )


def _evaluate(condition: Condition, readable: dict) -> tuple[Truth, set[str]]:
    triggers: set[str] = set()
    return condition.evaluate(readable, triggers), triggers


def _time_frame(level, fired, unknown, flags) -> str | None:
    """The most urgent time frame among the MEDICAL rules that fired, for a MEDICAL result.

    Never under-triage: rules that fired as unknown count too, and an incomplete emergency
    screen means the clinic contacts the client the same day.
    """
    if level != Level.MEDICAL:
        return None
    frames = [
        RULES_BY_ID[i].see_doctor_within
        for i in fired | unknown
        if RULES_BY_ID[i].level == Level.MEDICAL
    ]
    if EMERGENCY_SCREEN_INCOMPLETE in flags:
        frames.append(Urgency.TODAY)
    return min(frames).label
