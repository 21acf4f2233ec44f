from django import template
from django.utils.translation import gettext_lazy as _

from education import rendering, search, seo

register = template.Library()

# The label beside an article offered in a language other than the page's.
WRITTEN_IN = {"en": _("In English"), "es": _("In Spanish")}


@register.simple_tag
def jsonld(data):
    """{% jsonld data %}: the dict as a safe application/ld+json block."""
    return seo.jsonld_script(data)


@register.filter
def highlight(headline):
    """A search snippet with its hits wrapped in <mark>; everything else escaped."""
    return search.highlight(headline or "")


@register.filter
def snippet(article):
    """A search result's snippet: hits marked, an ellipsis where the text was cut."""
    return search.snippet(
        getattr(article, "headline", "") or "",
        summary=article.summary,
        text_end=getattr(article, "text_end", "") or "",
    )


@register.simple_tag
def illustration(source, alt="", css_class=""):
    """{% illustration "illustrations/x.svg" alt=… %}: one of the project's drawings, with its
    own size, loaded lazily. Without alt it is decorative (alt="")."""
    return rendering.image_tag(source, alt=alt, css_class=css_class)


@register.filter
def in_language_label(language):
    """{{ article.language|in_language_label }}: "In English", said in the page's language."""
    return WRITTEN_IN.get(language, language)
