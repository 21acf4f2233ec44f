"""What search engines are told: every public page in each language it exists in, with its
hreflang alternates.

An article is one entry per language version, each naming the others (Django's i18n sitemap):
the items are the English articles (and any translation whose original is not public), each
carrying the slug of every public version in one query, so the sitemap costs the same few
queries with 2,000 articles as with 10. /sitemap.xml is an index of the parts: each section
cut at `limit` addresses a part (/sitemap-articles.xml?p=2).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from clinic.core.page_cache import cache_public_page
from education.models import Article, Topic


def _served(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


class SiteURLSitemap(Sitemap):
    """Addresses built from SITE_URL, so a request's Host header never ends up in the sitemap."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# Addresses per sitemap part (the protocol allows 50,000). With their alternates 500 make about
# 300 KB, under what the page cache stores (MAX_STORED_BYTES).
ADDRESSES_PER_PAGE = 500


def _slug_in(language: str, public) -> Case:
    """The slug of this article's public version in `language`: its own, or its translation's."""
    translation_slug = public.filter(translation_of=OuterRef("pk"), language=language)
    return Case(
        When(language=language, then=F("slug")),
        default=Subquery(translation_slug.values("slug")[:1]),
    )


class ArticleSitemap(SiteURLSitemap):
    changefreq = "monthly"
    priority = 0.8
    limit = ADDRESSES_PER_PAGE
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        public = Article.objects.published()
        return list(
            public.filter(
                Q(language=settings.LANGUAGE_CODE)
                | ~Q(translation_of__in=public.filter(language=settings.LANGUAGE_CODE))
            )
            .annotate(**{f"slug_{code}": _slug_in(code, public) for code in LANGUAGE_CODES})
            .only("language", "slug", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def get_languages_for_item(self, item: Article) -> list[str]:
        return [code for code in LANGUAGE_CODES if getattr(item, f"slug_{code}")]

    def location(self, item: Article) -> str:
        slug = getattr(item, f"slug_{translation.get_language()}")
        return reverse("education:article_detail", kwargs={"slug": slug})

    def lastmod(self, item: Article):
        return item.updated_at


class TopicSitemap(SiteURLSitemap):
    """Each topic's list page (/articles/?topic=…) in each language, for topics with published
    articles."""

    changefreq = "weekly"
    priority = 0.5
    limit = ADDRESSES_PER_PAGE
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Topic.objects.with_published_articles().order_by("slug")


class StaticPageSitemap(SiteURLSitemap):
    """The site's fixed pages, by URL name; a page the site does not serve (yet) is left out
    rather than listed as a dead address. The sitemap reverses each name under each language,
    so the Spanish address comes from the URL patterns (/es/…), not from here."""

    changefreq = "weekly"
    priority = 0.6
    i18n = True
    alternates = True
    x_default = True
    PAGES = [
        "home",
        "education:article_list",
        "intake:form",
        "booking_start",
        "services",
        "therapists",
        "visit",
    ]

    def items(self) -> list[str]:
        return [name for name in self.PAGES if _served(name)]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": StaticPageSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}


@cache_public_page()
@sitemap_views.x_robots_tag
def index(request):
    """/sitemap.xml: the index of the sitemap's parts, one per section and page, at SITE_URL
    (never the request's Host). Kept in the page cache until an article or topic changes."""
    site = settings.SITE_URL.rstrip("/")
    parts = []
    for section, sitemap_class in SITEMAPS.items():
        address = site + reverse("sitemap_section", kwargs={"section": section})
        for page in sitemap_class().paginator.page_range:
            parts.append(
                sitemap_views.SitemapIndexItem(address + (f"?p={page}" if page > 1 else ""))
            )
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": parts}, content_type="application/xml"
    )


@cache_public_page(query={"p": r"[1-9][0-9]{0,3}"})
def section(request, section: str):
    """/sitemap-<section>.xml?p=N: one part, at most ADDRESSES_PER_PAGE addresses, so that each
    part stays small enough for the page cache however many articles there are."""
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
