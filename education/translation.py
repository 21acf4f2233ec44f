"""Topic names and descriptions in each language (django-modeltranslation: name_en, name_es).

Articles are not here: each language's article is its own row, linked by `translation_of`
(docs/translations.md says why).
"""

from modeltranslation.translator import TranslationOptions, register

from education.models import Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
