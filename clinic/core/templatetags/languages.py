"""The same page in each language: for the language switch and the hreflang links.

A view whose pages have their own address in each language (an article has a Spanish slug)
passes `alternates`, a dict of language code to path, naming only the languages the page exists
in. Every other page is the same view under each language's prefix, found by translate_url().
"""

from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """[{code, name, path, url, current}] for each language this page exists in."""
    request = context.get("request")
    if request is None:
        return []
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    alternates = context.get("alternates")
    if alternates is None:
        here = request.get_full_path()
        alternates = {code: translate_url(here, code) for code, _ in settings.LANGUAGES}
    names = dict(settings.LANGUAGE_NAMES)
    return [
        {
            "code": code,
            "name": names[code],
            "path": path,
            "url": settings.SITE_URL + path,
            "current": code == current,
        }
        for code, path in alternates.items()
    ]
