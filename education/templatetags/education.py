from django import template

from education import search, seo

register = template.Library()


@register.simple_tag
def jsonld(data):
    """{% jsonld data %}: the dict as a safe application/ld+json block."""
    return seo.jsonld_script(data)


@register.filter
def highlight(headline):
    """A search snippet with its hits wrapped in <mark>; everything else escaped."""
    return search.highlight(headline or "")
