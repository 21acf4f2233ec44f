"""Which item of the site's menu the page belongs to, for aria-current.

A name rather than the path, so that the menu, the same on every page of a section, is rendered
once per language and section and kept (templates/base.html caches it per process).
"""

import functools

from django import template
from django.conf import settings
from django.urls import get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

# (menu item, URL name, whether the pages below its address belong to it too)
SECTIONS = (
    ("home", "home", False),
    ("articles", "education:article_list", True),
    ("intake", "intake:form", True),
    ("services", "services", False),
    ("therapists", "therapists", False),
    ("visit", "visit", False),
    ("book", "booking_start", True),
)


@functools.cache
def _addresses(language: str, urlconf: str) -> tuple[tuple[str, str, bool], ...]:
    """Each menu item's address in a language: reversed once per process, not on every page."""
    return tuple((section, reverse(name, urlconf), below) for section, name, below in SECTIONS)


@register.simple_tag(takes_context=True)
def menu_section(context) -> str:
    """The menu item this page is under ("" when none): its own address, or for articles, the
    pre-visit check and booking, any address below theirs. Addresses follow the page's language."""
    request = context.get("request")
    if request is None:
        return ""
    for section, address, below in _addresses(get_language(), get_urlconf(settings.ROOT_URLCONF)):
        if request.path == address or (below and request.path.startswith(address)):
            return section
    return ""
