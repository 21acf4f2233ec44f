"""Articles on upper back knots, their topics and citations, and readers' questions.

Rendering (Markdown to sanitised HTML) lives in rendering.py, the search index in search.py and
the question workflow in moderation.py; these models only hold the data and its constraints.
"""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from education import figures


class TopicQuerySet(models.QuerySet):
    def with_published_articles(
        self, now: datetime | None = None, language: str | None = None
    ) -> "TopicQuerySet":
        """Topics with at least one public article; with `language`, one a reader of that
        language is offered. Each topic looks up its first such article, a subquery Postgres
        runs once per topic and stops at the first row, so the cost does not grow with the
        library. (An EXISTS is planned as a join that hashes every link of every topic: about
        5 ms at 2,000 articles on a busy machine; a count per topic reads every article.)"""
        public = Article.objects.published(now).filter(topics=models.OuterRef("pk"))
        if language:
            public = public.in_language(language)
        first = models.Subquery(public.order_by().values("pk")[:1])
        return self.alias(first_public=first).filter(first_public__isnull=False).order_by("name")

    def by_article(self, articles) -> dict[int, list["Topic"]]:
        """The topics of each of `articles`, by the article's pk, in name order: one query for
        all of them (a related manager per article costs more than its row)."""
        found = defaultdict(list)
        for topic in (
            self.filter(articles__in=articles)
            .annotate(listed=models.F("articles"))
            .only("name", "slug")
            .order_by("name", "pk")
        ):
            found[topic.listed].append(topic)
        return found


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('education:article_list')}?topic={self.slug}"


# The columns of an article its page shows.
READING_FIELDS = (
    "language", "translation_of", "title", "slug", "summary", "author", "medical_reviewer",
    "last_reviewed", "status", "published_at", "updated_at", "start_here", "figure", "body_html",
    "toc", "reading_minutes",
)  # fmt: skip


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> "ArticleQuerySet":
        """Articles the public may read: published, and not scheduled for later."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def in_language(self, language: str) -> "ArticleQuerySet":
        """Articles a reader of `language` is offered: those written in it, and the English
        ones not yet translated into it (shown in English, with a notice)."""
        if language == settings.LANGUAGE_CODE:
            return self.filter(language=language)
        return self.filter(
            models.Q(language=language)
            | models.Q(language=settings.LANGUAGE_CODE)
            & ~models.Exists(
                Article.objects.filter(translation_of=models.OuterRef("pk"), language=language)
            )
        )

    def start_here(self) -> "ArticleQuerySet":
        """The articles a new reader should read first, in their reading order."""
        return self.filter(start_here__isnull=False).order_by("start_here", "pk")

    def for_reading(self) -> "ArticleQuerySet":
        """What the article page shows: not the Markdown source, the plain text or the search
        vector. Its topics and citations are read only when its kept parts are rendered
        afresh (education/changes.py)."""
        return self.only(*READING_FIELDS)

    def versions_of(self, article: "Article") -> "ArticleQuerySet":
        """The article's versions: itself, its English original and the original's
        translations."""
        original = article.translation_of_id or article.pk
        return self.filter(models.Q(pk=original) | models.Q(translation_of_id=original))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        limit_choices_to={"language": settings.LANGUAGE_CODE},
        verbose_name=_("translation of"),
        help_text=_("For a translation: the English article it translates."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The article's address. Other pages link to it: do not change it once live."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences, shown in lists, search results and search engines."),
    )
    body = models.TextField(_("body"), help_text=_("Markdown: ## for sections, - for lists."))
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="articles", blank=True
    )
    author = models.CharField(_("author"), max_length=120)
    medical_reviewer = models.CharField(
        _("reviewer (role and licence)"),
        max_length=120,
        blank=True,
        help_text=_(
            "Who checked the article, by role and licence, e.g. “Clinical lead, licensed massage "
            "therapist (LMT)”. Name a physician only if one reviewed it."
        ),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A published article with a time in the future appears at that time."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    start_here = models.PositiveSmallIntegerField(
        _("“Start here” position"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty for most articles. Give the few articles a new reader should read "
            "first a number (1 for the very first, then 2, 3…): the article list shows them "
            "first, in that order, under “Start here”."
        ),
    )
    figure = models.CharField(
        _("drawing after the introduction"),
        max_length=100,
        blank=True,
        choices=figures.CHOICES,
        help_text=_(
            "Optional. A drawing shown after the first paragraphs, with its own description "
            "for screen readers."
        ),
    )

    # Filled from the body by rendering.render_article(); never edited by hand.
    body_html = models.TextField(_("body as HTML"), blank=True, editable=False)
    body_text = models.TextField(_("body as plain text"), blank=True, editable=False)
    toc = models.JSONField(_("table of contents"), default=list, blank=True, editable=False)
    word_count = models.PositiveIntegerField(_("words"), default=0, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=1, editable=False
    )
    # Kept current by search.index_article(); searched with a GIN index.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_vector"),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="article_title_trgm"),
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(
                fields=["language", "status", "-published_at"], name="article_language_published"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="article_published_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="article_one_translation_per_language",
                violation_error_message=_(
                    "This article already has a translation in that language."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(translation_of__isnull=True) | ~models.Q(language="en"),
                name="article_translation_not_english",
                violation_error_message=_(
                    "A translation is written in a language other than English."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Where a reader of the page's language reads this article: a translation at its own
        language's address; an English article under the reader's prefix (shown there with a
        notice when the reader's language is not English)."""
        if self.language != settings.LANGUAGE_CODE:
            return self.url_in(self.language)
        return reverse("education:article_detail", kwargs={"slug": self.slug})

    def url_in(self, language: str) -> str:
        """This row's address under `language`'s prefix."""
        with translation.override(language):
            return reverse("education:article_detail", kwargs={"slug": self.slug})

    def is_public(self, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )


class Citation(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="citations", verbose_name=_("article")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address (URL)"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self) -> str:
        return self.title


class ReaderQuestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="questions", verbose_name=_("article")
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(
        _("email"), help_text=_("Never shown on the site; used only to say it was answered.")
    )
    question = models.TextField(_("question"), max_length=2000)
    wants_email = models.BooleanField(_("email when answered"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    notified_at = models.DateTimeField(_("asker emailed"), null=True, blank=True, editable=False)
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("reader question")
        verbose_name_plural = _("reader questions")
        indexes = [models.Index(fields=["article", "status"], name="question_article_status")]

    def __str__(self) -> str:
        text = " ".join(self.question.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#question-{self.pk}"
