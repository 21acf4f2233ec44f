"""Service and therapist texts in each language (django-modeltranslation: name_en, name_es...).

A therapist's name is theirs in every language; their bio, specialties and credentials are
translated. English stays required where it is today; an item's Spanish texts are either all
written (for every text that has English) or all empty, so a Spanish page never mixes the two
within one service or one therapist (the admin form enforces it).
"""

from modeltranslation.translator import TranslationOptions, register

from clinic.booking.models import Service, Therapist
from clinic.core.translation import SOURCE

SERVICE_TEXTS = ("name", "description")
THERAPIST_TEXTS = ("credentials", "specialties", "bio")


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = SERVICE_TEXTS
    required_languages = (SOURCE,)


@register(Therapist)
class TherapistTranslation(TranslationOptions):
    fields = THERAPIST_TEXTS
    required_languages = (SOURCE,)
