from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from education.models import Article, Topic

FEED_LENGTH = 20
ITEM_FIELDS = ("language", "title", "slug", "summary", "published_at", "updated_at", "author")


class LatestArticlesFeed(Feed):
    """RSS 2.0 of the newest published articles written in the feed's language (/articles/feed/
    English, /es/articles/feed/ Spanish; Django's Feed names the active language in <language>);
    links use SITE_URL, not the request host."""

    feed_type = Rss201rev2Feed
    title = _("Articles on upper back knots")
    description = _(
        "Plain-language articles on upper back knots, stretches and when to see a doctor."
    )

    def link(self) -> str:
        return settings.SITE_URL + reverse("education:article_list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("education:feed")

    def items(self) -> list[Article]:
        # Only what an item shows: an article's text and page are many times its summary.
        items = list(
            Article.objects.published()
            .filter(language=get_language())
            .only(*ITEM_FIELDS)[:FEED_LENGTH]
        )
        topics = Topic.objects.by_article(items)
        for item in items:
            item.category_names = [topic.name for topic in topics.get(item.pk, [])]
            item.link = settings.SITE_URL + item.get_absolute_url()
        return items

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return item.link  # worked out once in items(): asked for the link and the guid

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author

    def item_categories(self, item: Article) -> list[str]:
        return item.category_names
