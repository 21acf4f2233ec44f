"""The same page in each language: for the language switch and the hreflang links.

A view whose pages have their own address in each language (an article has a Spanish slug)
passes `alternates`, a dict of language code to path, naming only the languages the page is
written in. Every other page is the same view under each language's prefix, found by
translate_url().

The switch always offers the other language: where the page is not written in it, the same
address under the other prefix shows the page with the other language's interface and a notice
saying the text is not translated yet. hreflang names only the versions that exist.
"""

import functools

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language_info

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _translated(path: str, language: str) -> str:
    """translate_url() resolves and reverses the path: ~30-60 µs a call, on every page. The
    answer depends on the path alone (the query string is kept as it is, below), so each
    process keeps the latest thousand."""
    return translate_url(path, language)


def _in_language(full_path: str, language: str) -> str:
    path, mark, query = full_path.partition("?")
    return _translated(path, language) + mark + query


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """[{code, name, path, url, current, written}] for each language, `written` when the page
    exists in that language (not only shown in it with a notice)."""
    request = context.get("request")
    if request is None:
        return []
    current = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    alternates = context.get("alternates")
    here = request.get_full_path()
    versions = []
    for code, _name in settings.LANGUAGES:
        written = alternates is None or code in alternates
        path = alternates[code] if alternates and code in alternates else _in_language(here, code)
        versions.append(
            {
                "code": code,
                "name": capfirst(get_language_info(code)["name_local"]),
                "path": path,
                "url": settings.SITE_URL + path,
                "current": code == current,
                "written": written,
            }
        )
    return versions


@register.filter
def written(versions: list[dict]) -> list[dict]:
    """The versions the page is written in (for hreflang): none when it has only one."""
    found = [version for version in versions if version["written"]]
    return found if len(found) > 1 else []
