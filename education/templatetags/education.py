from django import template

from education import rendering, search, seo

register = template.Library()


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
