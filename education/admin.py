from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.admin import (
    ClinicModelAdmin,
    SpanishTranslationFilter,
    WholeTranslationAdmin,
    side_by_side,
)
from education import moderation, publishing, rendering
from education.models import Article, Citation, ReaderQuestion, Topic

# The language a translation is written in, offered by "Add Spanish translation".
TRANSLATION_LANGUAGE = "es"
# What each field of an article asks for when it is left empty (the same words for an original
# and a translation: a translation's title, address, summary and text are its own).
REQUIRED_MESSAGES = {
    "title": _("Enter the title, written in the article's language."),
    "slug": _(
        "Enter the address (slug) in the article's language: lowercase words joined by "
        "hyphens, e.g. estiramientos-en-casa."
    ),
    "summary": _("Enter a summary of one or two sentences, written in the article's language."),
    "body": _("Enter the text of the article, written in the article's language."),
}


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    fields = ["position", "title", "url"]


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "language", "translation_of", "title", "slug", "summary", "body", "figure",
            "status", "published_at", "start_here", "author", "medical_reviewer",
            "last_reviewed", "topics",
        ]  # fmt: skip
        error_messages = {
            name: {"required": message} for name, message in REQUIRED_MESSAGES.items()
        } | {
            "translation_of": {
                "invalid_choice": _(
                    "Choose an English article: a translation translates an English original, "
                    "never another translation."
                )
            }
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        try:
            rendering.render_markdown(body)
        except rendering.ImageError as error:
            raise forms.ValidationError(
                _(
                    "%(problem)s Use a drawing from static/img/exercises/ or "
                    "static/img/illustrations/, written as ![what it shows](exercises/name.svg)."
                ),
                params={"problem": error},
            ) from None
        return body

    def clean(self):
        cleaned = super().clean()
        # Publishing without a time means "now" (the model requires a time when published).
        if cleaned.get("status") == Article.Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        self._check_translation(cleaned.get("language"), cleaned.get("translation_of"))
        return cleaned

    def _check_translation(self, language: str | None, original: Article | None) -> None:
        """Say in words what the model's translation constraints refuse."""
        english = settings.LANGUAGE_CODE
        if language == english and original is not None:
            self.add_error(
                "language",
                _(
                    "A translation of an English article is written in another language: "
                    "choose its language, or empty “translation of” if this is an original."
                ),
            )
            return
        if (
            language
            and language != english
            and self.instance.pk
            and self.instance.translations.exists()
        ):
            self.add_error(
                "language",
                _(
                    "Other articles are translations of this one, so it stays in English. "
                    "Write the translation as its own article instead."
                ),
            )
            return
        if original is not None and language:
            other = (
                Article.objects.filter(translation_of=original, language=language)
                .exclude(pk=self.instance.pk)
                .only("title")
                .first()
            )
            if other is not None:
                self.add_error(
                    "translation_of",
                    _(
                        "“%(original)s” already has a translation in this language: "
                        "“%(other)s”. Edit that one instead of adding a second."
                    )
                    % {"original": original.title, "other": other.title},
                )


class ArticleTranslationFilter(admin.SimpleListFilter):
    """English articles that have a Spanish translation, or still lack one."""

    title = _("Spanish translation")
    parameter_name = "spanish"

    def lookups(self, request, model_admin):
        return [
            ("missing", _("Missing a Spanish translation")),
            ("translated", _("Has a Spanish translation")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(language=settings.LANGUAGE_CODE, has_spanish=False)
        if self.value() == "translated":
            return queryset.filter(language=settings.LANGUAGE_CODE, has_spanish=True)
        return queryset


@admin.register(Article)
class ArticleAdmin(ClinicModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "language",
        "spanish_translation",
        "state",
        "published_at",
        "start_here",
        "topic_names",
        "updated_at",
    ]
    list_filter = ["status", "language", ArticleTranslationFilter, "topics"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["topics"]
    inlines = [CitationInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["translations_list", "word_count", "reading_minutes", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "figure"]}),
        (
            _("Language"),
            {
                "fields": ["language", "translation_of", "translations_list"],
                "description": _(
                    "An English article is the original. Its Spanish version is its own "
                    "article, in Spanish, with its own address, that names the original in "
                    "“translation of”."
                ),
            },
        ),
        (_("Publication"), {"fields": ["status", "published_at", "start_here", "updated_at"]}),
        (
            _("Authors and review"),
            {"fields": ["author", "medical_reviewer", "last_reviewed", "topics"]},
        ),
        (_("Rendered"), {"fields": ["word_count", "reading_minutes"]}),
    ]

    def get_queryset(self, request):
        spanish = Article.objects.filter(
            translation_of=OuterRef("pk"), language=TRANSLATION_LANGUAGE
        )
        return (
            super()
            .get_queryset(request)
            .annotate(has_spanish=Exists(spanish))
            .prefetch_related("topics")
        )

    def view_on_site(self, article: Article) -> str:
        return article.url_in(article.language)

    @admin.display(description=_("Spanish translation"), ordering="has_spanish")
    def spanish_translation(self, article: Article) -> str:
        if article.language != settings.LANGUAGE_CODE:
            return "—"
        return "✓" if article.has_spanish else _("missing")

    @admin.display(description=_("translations"))
    def translations_list(self, article: Article) -> str:
        """Links to this article's translations, and one to add the Spanish one if it has none
        (an English article), or to the original (a translation)."""
        if article is None or article.pk is None:
            return self.get_empty_value_display()
        if article.translation_of_id:
            original = article.translation_of
            return format_html(
                '{} <a href="{}">{}</a>',
                _("Translates"),
                reverse("admin:education_article_change", args=[original.pk]),
                original.title,
            )
        translations = list(article.translations.only("language", "title").order_by("language"))
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:education_article_change", args=[item.pk]),
                    item.title,
                    item.get_language_display(),
                )
                for item in translations
            ),
        )
        if any(item.language == TRANSLATION_LANGUAGE for item in translations):
            return links
        prefill = {
            "translation_of": article.pk,
            "language": TRANSLATION_LANGUAGE,
            "topics": ",".join(str(topic.pk) for topic in article.topics.all()),
            "figure": article.figure,
            "start_here": article.start_here or "",
        }
        add = format_html(
            '<a class="addlink" href="{}?{}">{}</a>',
            reverse("admin:education_article_add"),
            urlencode(prefill),
            _("Add Spanish translation"),
        )
        return format_html("{} {}", links, add) if translations else add

    @admin.display(description=_("status"), ordering="status")
    def state(self, article: Article) -> str:
        if article.status == Article.Status.PUBLISHED and not article.is_public():
            return _("Scheduled")
        return article.get_status_display()

    @admin.display(description=_("topics"))
    def topic_names(self, article: Article) -> str:
        return ", ".join(topic.name for topic in article.topics.all())

    def save_model(self, request, obj, form, change):
        publishing.save_article(obj)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = publishing.publish(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = publishing.unpublish(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d article taken back to draft.",
                "%(count)d articles taken back to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(WholeTranslationAdmin):
    """A topic's name and description, English and Spanish side by side."""

    list_display = ["name", "slug", "spanish_status", "article_count"]
    list_filter = [SpanishTranslationFilter]
    search_fields = ["name_en", "name_es"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": [*side_by_side("name", "description"), "slug", "missing_spanish"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, topic: Topic) -> int:
        return topic.article_count


class QuestionStatusFilter(admin.SimpleListFilter):
    """Pending questions first: the list opens on them, the others are one click away."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*ReaderQuestion.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or ReaderQuestion.Status.PENDING

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(ReaderQuestion)
class ReaderQuestionAdmin(ClinicModelAdmin):
    list_display = ["__str__", "article", "name", "status", "asked_at", "answered_at"]
    list_filter = [QuestionStatusFilter, "article"]
    list_select_related = ["article", "answered_by"]
    search_fields = ["question", "answer", "name"]
    actions = ["approve", "reject"]
    readonly_fields = [
        "article_link",
        "asked_at",
        "email",
        "wants_email",
        "answered_by",
        "answered_at",
        "notified_at",
    ]
    fieldsets = [
        (
            _("The reader's question"),
            {"fields": ["article_link", "asked_at", "name", "email", "wants_email", "question"]},
        ),
        (
            _("Your answer"),
            {
                "fields": ["status", "answer", "answered_by", "answered_at", "notified_at"],
                "description": _(
                    "Approved questions appear under the article with their answer. When a "
                    "question is approved and answered, a reader who asked for it is emailed a "
                    "link to the article (nothing else)."
                ),
            },
        ),
    ]

    def has_add_permission(self, request):
        return False  # questions come from readers, under the articles

    @admin.display(description=_("article"))
    def article_link(self, question: ReaderQuestion) -> str:
        return format_html(
            '<a href="{}">{}</a>', question.article.get_absolute_url(), question.article.title
        )

    def save_model(self, request, obj, form, change):
        moderation.save_answer(obj, by=request.user)

    @admin.action(description=_("Approve: show under the article"), permissions=["change"])
    def approve(self, request, queryset):
        count = moderation.approve(queryset)
        self.message_user(
            request,
            ngettext("%(count)d question approved.", "%(count)d questions approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject: never show on the site"), permissions=["change"])
    def reject(self, request, queryset):
        count = moderation.reject(queryset)
        self.message_user(
            request,
            ngettext("%(count)d question rejected.", "%(count)d questions rejected.", count)
            % {"count": count},
            messages.SUCCESS,
        )
