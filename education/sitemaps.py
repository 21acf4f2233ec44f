from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import Resolver404, resolve

from education.models import Article, Topic


def _served(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


class SiteURLSitemap(Sitemap):
    """Addresses built from SITE_URL, so a request's Host header never ends up in the sitemap."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path.rstrip("/")


class ArticleSitemap(SiteURLSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at")

    def lastmod(self, item: Article):
        return item.updated_at


class TopicSitemap(SiteURLSitemap):
    """Each topic's list page (/articles/?topic=…), for topics with published articles."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Topic.objects.with_published_articles().order_by("slug")


class StaticPageSitemap(SiteURLSitemap):
    """The site's fixed pages, as literal paths (ARCHITECTURE.md §4 keeps them stable); a page
    the site does not serve (yet) is left out rather than listed as a dead address."""

    changefreq = "weekly"
    priority = 0.6
    PATHS = ["/", "/articles/", "/intake/", "/book/", "/services/", "/therapists/", "/visit/"]

    def items(self) -> list[str]:
        return [path for path in self.PATHS if _served(path)]

    def location(self, item: str) -> str:
        return item


SITEMAPS = {"pages": StaticPageSitemap, "articles": ArticleSitemap, "topics": TopicSitemap}
