"""Forms of the intake steps. They validate input only; triage lives in intake/triage.py."""

from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clinic.core.form_guard import GuardedForm
from clinic.core.forms import PhoneField
from intake.models import Intake
from intake.questions import Question, Section

# What each question says when it is left unanswered: a sentence that names what to fix, so
# the error summary reads well without the question before it. Numbers have two: the answer
# to give, and its range.
ANSWER_NEEDED = {
    # Check first
    "chest_pain_now": _("Say whether you have chest pain, pressure or tightness now, or had it today."),  # noqa: E501
    "pain_with_sweat_nausea_faint": _("Say whether your pain comes with a cold sweat, an upset stomach or feeling faint."),  # noqa: E501
    "breathless_now": _("Say whether you are short of breath right now."),
    "stroke_signs_now": _("Say whether any of the signs listed started suddenly in the last 24 hours."),  # noqa: E501
    "thunderclap_headache": _("Say whether you have had a sudden, very bad headache in the last 7 days."),  # noqa: E501
    "fainted_recent": _("Say whether you have fainted or had your legs give way, and when."),
    "legs_bladder_now": _("Say whether you have any of the new leg, bladder or bowel problems listed."),  # noqa: E501
    "coughing_blood": _("Say whether you have coughed up blood in the last 7 days."),
    "leg_or_arm_swelling_one_side": _("Say whether you have new pain, swelling, warmth or redness in one leg or one arm."),  # noqa: E501
    # About you
    "pregnant": _("Say whether you are pregnant, or choose “Does not apply to me”."),
    "pregnancy_high_risk": _("Say whether your doctor or midwife has called your pregnancy high-risk or told you to avoid massage."),  # noqa: E501
    "pregnancy_warning_signs": _("Say whether you have had any of the pregnancy signs listed in the past 2 days."),  # noqa: E501
    # Your pain
    "pain_regions": _("Tick at least one place where you feel pain."),
    "pain_onset": _("Choose how your pain started."),
    "pain_tearing": _("Say whether the pain feels like tearing or ripping inside."),
    "pain_trend": _("Choose whether your pain is getting better, staying the same or getting worse."),  # noqa: E501
    "pain_changes_with_movement": _("Say whether the pain changes when you move, change position or press on the sore spot."),  # noqa: E501
    "night_pain": _("Say whether the pain wakes you up at night."),
    # More about your pain
    "pain_with_exertion": _("Say whether effort brings on pain or tightness that goes away when you rest."),  # noqa: E501
    "pain_with_breathing": _("Say whether a sharp pain that gets worse when you breathe in has started in the last 14 days."),  # noqa: E501
    "first_episode": _("Say whether this is the first time you have had pain like this."),
    "limits_daily_activities": _("Choose how much the pain stops you doing everyday things."),
    "self_care_tried": _("Say whether you have tried rest, heat, gentle stretching or pain relief for a few days."),  # noqa: E501
    "band_pain_one_side": _("Say whether the pain is a burning or tingling band on one side of your body."),  # noqa: E501
    # Nerves, head and whole body
    "arm_tingling_numbness": _("Say whether you have pins and needles or numbness in an arm or hand."),  # noqa: E501
    "arm_weakness": _("Say whether your arm or hand is weaker than normal."),
    "hand_clumsy_or_balance": _("Say whether you have noticed any of the new hand, walking or leg problems listed."),  # noqa: E501
    "neck_vascular_symptoms": _("Say whether you have had any of the dizziness, vision, speech or headache problems listed."),  # noqa: E501
    "gca_symptoms": _("Say whether you have any of the new headache, scalp, jaw or vision problems listed."),  # noqa: E501
    "meningitis_signs": _("Say whether you have a very stiff neck, a rash that does not fade, or feel very sleepy or confused."),  # noqa: E501
    "fever": _("Say whether you have a fever."),
    "weight_loss_unexplained": _("Say whether you have lost 10 pounds (4.5 kg) or more without trying."),  # noqa: E501
    "night_sweats": _("Say whether you wake up soaked in sweat."),
    "skin_infection_signs": _("Say whether the skin where you want massage is red, hot, swollen or leaking pus."),  # noqa: E501
    "skin_issue_local": _("Say whether you have a cut, rash, sunburn, new tattoo or piercing, or a changed mole where you want massage."),  # noqa: E501
    # Injury
    "injury_type": _("Say whether this pain started after an injury, and what kind."),
    "injury_checked_by_doctor": _("Say whether a doctor, ER or urgent care has checked you since the injury."),  # noqa: E501
    "recent_fracture": _("Say whether you have broken a bone in your neck, back, ribs, collarbone or shoulder in the last 12 weeks."),  # noqa: E501
    # Health history and medicines
    "cancer_history": _("Say whether you have ever had cancer."),
    "osteoporosis": _("Say whether you have been told you have thin or weak bones."),
    "steroid_tablets_3_months": _("Say whether you have taken steroid pills for 3 months or more."),
    "infection_risk": _("Say whether any of the immune system, drug injection or infection items listed apply to you."),  # noqa: E501
    "blood_thinner": _("Say whether you take a blood thinner."),
    "bleeding_disorder": _("Say whether you have a bleeding problem, or bruise or bleed very easily."),  # noqa: E501
    "clot_status": _("Say whether you have ever had a blood clot in a vein."),
    "recent_surgery": _("Say whether you have had surgery in the last 12 weeks."),
    "bp_180_120": _("Say whether any blood pressure reading has been 180/120 or higher."),
    "high_bp_uncontrolled": _("Say whether a doctor has told you your blood pressure is high and not under control."),  # noqa: E501
}  # fmt: skip

NUMBER_NEEDED = {
    "age_years": (
        _("Enter your age in whole years, for example 42."),
        _("Enter your age in years, from 0 to 120."),
    ),
    "pain_start_days_ago": (
        _("Enter how many days ago this pain started as a whole number, for example 10 (0 if it started today)."),  # noqa: E501
        _("Enter a number of days from 0 to 3650 (365 if it started more than a year ago)."),
    ),
    "pain_worst_0_10": (
        _("Enter how bad the pain was at its worst as a whole number from 0 to 10."),
        _("Enter how bad the pain was at its worst as a whole number from 0 to 10."),
    ),
    "episodes_past_12_months": (
        _("Enter how many times this pain has flared up in the last 12 months as a whole number, counting this time."),  # noqa: E501
        _("Enter a number of flare-ups from 0 to 52."),
    ),
    "morning_stiffness_minutes": (
        _("Enter how many minutes your morning stiffness lasts as a whole number, for example 15 (0 if none)."),  # noqa: E501
        _("Enter a number of minutes from 0 to 600."),
    ),
    "injury_days_ago": (
        _("Enter how many days ago the injury happened as a whole number, for example 3 (0 if it was today)."),  # noqa: E501
        _("Enter a number of days from 0 to 3650."),
    ),
}  # fmt: skip

# The body map's checkboxes: "between the shoulder blades" first, then the rest of the upper
# back, then outwards. The side of a place is the client's own (the map shows the back).
REGION_ORDER = (
    "between_shoulder_blades",
    "shoulder_blade_left",
    "shoulder_blade_right",
    "top_of_shoulder_left",
    "top_of_shoulder_right",
    "neck",
    "mid_back",
    "low_back",
    "head",
    "jaw",
    "chest",
    "arm_left",
    "arm_right",
    "hand_left",
    "hand_right",
    "other",
)
YOUR_SIDE = {"left": _("(your left)"), "right": _("(your right)")}


def region_choices(choices) -> list[tuple[str, str]]:
    """The body map's places in REGION_ORDER, each side said as the client's own."""
    labels = dict(choices)
    ordered = [key for key in REGION_ORDER if key in labels]
    ordered += [key for key in labels if key not in ordered]
    out = []
    for key in ordered:
        side = key.rsplit("_", 1)[-1]
        label = labels[key]
        if side in YOUR_SIDE:
            label = format_lazy("{} {}", label, YOUR_SIDE[side])
        out.append((key, label))
    return out


def message_for(question: Question) -> str:
    """What to say when the question is left unanswered (or sent with a value it does not
    offer, which a person cannot do: the same instruction fits)."""
    if question.kind == "number":
        return NUMBER_NEEDED[question.key][0]
    return ANSWER_NEEDED[question.key]


class RegionPicker(forms.CheckboxSelectMultiple):
    """The places that hurt: checkboxes beside the body map that ticks them."""

    template_name = "forms/widgets/region_picker.html"

    def render(self, name, value, attrs=None, renderer=None):
        # The boxes are Django's checkbox group, rendered by the form renderer (which writes
        # that group without the template engine) and placed beside the map.
        renderer = renderer or get_default_renderer()
        context = self.get_context(name, value, attrs)
        boxes = renderer.render(forms.CheckboxSelectMultiple.template_name, context)
        context["boxes"] = mark_safe(boxes)  # the widget's own HTML, escaped by the renderer
        return self._render(self.template_name, context, renderer)


def field_for(question: Question) -> forms.Field:
    needed = message_for(question)
    if question.kind == "number":
        out_of_range = NUMBER_NEEDED[question.key][1]
        return forms.IntegerField(
            min_value=question.minimum,
            max_value=question.maximum,
            error_messages={
                "required": needed,
                "invalid": needed,
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
    if question.kind == "regions":
        return forms.MultipleChoiceField(
            choices=region_choices(question.choices),
            widget=RegionPicker,
            error_messages={"required": needed, "invalid_choice": needed},
        )
    return forms.ChoiceField(
        choices=question.choices,
        widget=forms.RadioSelect,
        error_messages={"required": needed, "invalid_choice": needed},
    )


def question_help(question: Question) -> str:
    """What the field's hint shows: the question's list of symptoms, then its hint."""
    if not question.bullets:
        return question.hint
    items = format_html_join("", "<li>{}</li>", ((item,) for item in question.bullets))
    hint = format_html("<p>{}</p>", question.hint) if question.hint else ""
    return format_html('<ul class="question-list">{}</ul>{}', items, hint)


class SectionForm(forms.Form):
    """One section of questions. Gated questions are asked when their gate is met and are
    stored as null otherwise."""

    def __init__(self, section: Section, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            field = field_for(question)
            field.required = not question.gate_key
            field.label = question.text
            field.help_text = question_help(question)
            self.fields[question.key] = field

    def clean(self):
        cleaned = super().clean()
        for question in self.section.questions:
            if not question.gate_key:
                continue
            if question.gate_key in self.errors:
                continue
            if question.is_shown(cleaned):
                missing = cleaned.get(question.key) in (None, "")
                if missing and question.key not in self.errors:
                    self.add_error(question.key, message_for(question))
            else:
                cleaned[question.key] = None
                self.errors.pop(question.key, None)
        return cleaned

    def answers(self) -> dict:
        return {
            question.key: self.cleaned_data.get(question.key) for question in self.section.questions
        }


class ContactForm(GuardedForm):
    name = forms.CharField(
        label=_("Your full name"),
        max_length=120,
        error_messages={
            "required": _("Enter your full name."),
            "max_length": _("Enter your name in 120 characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send your receipt and booking messages here, never your answers."),
        error_messages={
            "required": _("Enter your email address, for example name@example.com."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = PhoneField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_(
            "So a therapist can call you if something in your answers needs a quick check. "
            "Leave it empty if you prefer email."
        ),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Intake.Language.choices,
        initial=Intake.Language.ENGLISH,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language you would like us to use with you."),
            "invalid_choice": _("Choose the language you would like us to use with you."),
        },
    )
    understands_screening = forms.BooleanField(
        label=_(
            "I understand that this check is a screening to keep massage safe, not a diagnosis, and that it does not replace a doctor."  # noqa: E501
        ),
        error_messages={
            "required": _(
                "Tick the box to confirm you understand this check is a screening, not a diagnosis."
            )
        },
    )
    agrees_to_storage = forms.BooleanField(
        error_messages={
            "required": _(
                "Tick the box to agree that the clinic keeps your answers, or call us instead."
            )
        },
    )
    signature = forms.CharField(
        label=_("Type your full name as your signature"),
        max_length=120,
        error_messages={
            "required": _("Type your full name to sign."),
            "max_length": _("Type your signature in 120 characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agrees_to_storage"].label = _(
            "I agree that the clinic stores my answers for %(years)s years, as health records must be kept, and shows them only to the therapists who care for me."  # noqa: E501
        ) % {"years": settings.INTAKE_RETENTION_YEARS}
        # The language of the page the client is reading, unless they chose another.
        if translation.get_language() in Intake.Language.values:
            self.fields["language"].initial = translation.get_language()

    def clean(self):
        cleaned = super().clean()
        name, signature = cleaned.get("name"), cleaned.get("signature")
        if (
            name
            and signature
            and " ".join(signature.split()).casefold() != " ".join(name.split()).casefold()
        ):
            self.add_error("signature", _("Type your signature exactly as your full name above."))
        return cleaned
