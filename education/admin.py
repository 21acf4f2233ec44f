from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clinic.core.admin import ClinicModelAdmin
from education import moderation, publishing, rendering
from education.models import Article, Citation, ReaderQuestion, Topic


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 1
    fields = ["position", "title", "url"]


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "figure", "status", "published_at",
            "start_here", "author", "medical_reviewer", "last_reviewed", "topics",
        ]  # fmt: skip

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
        return cleaned


@admin.register(Article)
class ArticleAdmin(ClinicModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "state", "published_at", "start_here", "topic_names", "updated_at"]
    list_filter = ["status", "topics"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["topics"]
    inlines = [CitationInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["word_count", "reading_minutes", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "figure"]}),
        (_("Publication"), {"fields": ["status", "published_at", "start_here", "updated_at"]}),
        (
            _("Authors and review"),
            {"fields": ["author", "medical_reviewer", "last_reviewed", "topics"]},
        ),
        (_("Rendered"), {"fields": ["word_count", "reading_minutes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

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
class TopicAdmin(ClinicModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

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
