"""The clinic's own texts in each language (django-modeltranslation: tagline_en, tagline_es...),
and how to tell which texts still lack their Spanish version.

English is written first and stays required where it is today; a Spanish column left empty
shows the English text. The Spanish columns have no default: the model's defaults are English
words, and a Spanish column filled with them would look translated when it is not.
"""

from django.db import models
from django.db.models import Q
from modeltranslation.translator import TranslationOptions, register

from clinic.core.models import ClinicSettings

SOURCE = "en"
TARGET = "es"


def column(field: str, language: str) -> str:
    return f"{field}_{language}"


def untranslated(obj: models.Model, fields: tuple[str, ...]) -> list[str]:
    """The fields whose English text is written and whose Spanish one is empty."""
    return [
        field
        for field in fields
        if (getattr(obj, column(field, SOURCE)) or "").strip()
        and not (getattr(obj, column(field, TARGET)) or "").strip()
    ]


def lacks_translation(fields: tuple[str, ...]) -> Q:
    """Rows where at least one text has English and no Spanish (the query form of
    `untranslated`, for list filters)."""
    condition = Q()
    for field in fields:
        english, spanish = column(field, SOURCE), column(field, TARGET)
        condition |= Q(**{f"{english}__regex": r"\S"}) & (
            Q(**{f"{spanish}__isnull": True}) | ~Q(**{f"{spanish}__regex": r"\S"})
        )
    return condition


CLINIC_TEXTS = (
    "tagline",
    "opening_hours",
    "parking",
    "what_to_bring",
    "cancellation_policy",
    "visit_what_to_expect",
    "visit_what_to_wear",
    "visit_arrive_early",
    "visit_aftercare",
)


@register(ClinicSettings)
class ClinicSettingsTranslation(TranslationOptions):
    fields = CLINIC_TEXTS
    required_languages = (SOURCE,)
    field_options = {field: {TARGET: {"default": models.NOT_PROVIDED}} for field in CLINIC_TEXTS}
    # An empty text is "not written" (so Spanish falls back to English), and when both are
    # empty the page shows nothing rather than the model's default words.
    fallback_undefined = ""
    fallback_values = ""
