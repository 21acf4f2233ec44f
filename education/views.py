from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.core import form_guard, ratelimit
from education import figures, moderation, rendering, search, seo
from education.forms import ReaderQuestionForm
from education.models import Article, ReaderQuestion, Topic

ARTICLES_PER_PAGE = 10
MAX_RELATED = 3
# Lists show title, summary, date, reading time and topics: the bodies stay in the database.
LIST_DEFERRED = ("body", "body_html", "body_text", "toc", "search_vector")
# The session remembers, for one page view, that this reader just sent a question here.
QUESTION_SENT_KEY = "education_question_sent"
QUESTION_SENT_ANCHOR = "question-sent"


def can_preview(user) -> bool:
    """Staff signed in with both factors who may view articles in the admin may also read
    drafts and scheduled ones."""
    return (
        user.is_authenticated
        and user.is_staff
        and user.is_verified()
        and user.has_perm("education.view_article")
    )


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    articles = Article.objects.published(now).prefetch_related("topics").defer(*LIST_DEFERRED)
    topics = list(Topic.objects.with_published_articles(now))
    topic = None
    if topic_slug := request.GET.get("topic"):
        topic = next((t for t in topics if t.slug == topic_slug), None)
        if topic is None:
            raise Http404(_("There is no topic with that name."))
        articles = articles.filter(topics=topic)

    context = {"topics": topics, "topic": topic, "search": None, "page": None, "start_here": []}
    raw_query = request.GET.get("q", "")
    if search.clean_query(raw_query):
        found = search.run(raw_query, articles)
        context["search"] = found
        if found.matches is not None:
            context["page"] = Paginator(found.matches, ARTICLES_PER_PAGE).get_page(
                request.GET.get("page")
            )
        elif not found.similar and not found.too_long:
            # Nothing found: offer the articles to start with, and a therapist's answer under
            # the first of them (reader questions are asked under an article).
            suggestions = list(
                Article.objects.published(now).start_here().only("title", "slug", "reading_minutes")
            )
            context["suggestions"] = suggestions
            context["ask_article"] = (
                suggestions[0]
                if suggestions
                else Article.objects.published(now).only("slug").first()
            )
    elif topic:
        context["page"] = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    else:
        # The full list: "Start here" first, in its order; the others newest first.
        others = articles.filter(start_here__isnull=True)
        context["page"] = Paginator(others, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        if context["page"].number == 1:
            context["start_here"] = list(
                articles.start_here()
                .prefetch_related(None)
                .only("title", "slug", "reading_minutes")
            )
    canonical = {}
    if topic:
        canonical["topic"] = topic.slug
    if context["page"] is not None and context["page"].number > 1:
        canonical["page"] = context["page"].number
    context["canonical_url"] = (
        settings.SITE_URL
        + reverse("education:article_list")
        + (f"?{urlencode(canonical)}" if canonical else "")
    )
    return render(request, "education/article_list.html", context)


def related_articles(article: Article, now=None) -> list[Article]:
    """Up to three published articles sharing the most topics with this one, in one query."""
    topic_ids = [topic.pk for topic in article.topics.all()]
    if not topic_ids:
        return []
    return list(
        Article.objects.published(now)
        .filter(topics__in=topic_ids)
        .exclude(pk=article.pk)
        .annotate(shared=Count("topics"))
        .order_by("-shared", "-published_at", "-pk")
        .only("title", "slug", "summary", "published_at")[:MAX_RELATED]
    )


@require_http_methods(["GET", "HEAD", "POST"])
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    preview_allowed = can_preview(request.user)
    visible = Article.objects.all() if preview_allowed else Article.objects.published(now)
    article = get_object_or_404(visible.prefetch_related("topics", "citations"), slug=slug)
    is_public = article.is_public(now)

    form, wait = ReaderQuestionForm(), None
    if request.method == "POST":
        if not is_public:
            raise Http404(_("Questions can be asked once the article is published."))
        form = ReaderQuestionForm(request.POST)
        admission = form_guard.Admission()
        if form.is_valid():
            admission = form_guard.admit(
                request,
                form,
                ratelimit.READER_QUESTIONS,
                _(
                    "You have sent several questions in the last few minutes. Please wait "
                    "%(minutes)s minutes and send this one again; your text is kept below."
                ),
            )
            wait = admission.wait
        if admission.resent:
            # The same question sent twice (a double click): saved once, thanked again.
            return _thank_for_question(request, article)
        if form.is_valid() and admission.ok:
            moderation.submit(
                article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                question=form.cleaned_data["question"],
                wants_email=form.cleaned_data["wants_email"],
                language=request.LANGUAGE_CODE,
            )
            return _thank_for_question(request, article)

    questions = (
        article.questions.filter(status=ReaderQuestion.Status.APPROVED)
        .select_related("answered_by")
        .order_by("asked_at")
    )
    next_to_read = None
    if article.start_here is not None and is_public:
        next_to_read = (
            Article.objects.published(now)
            .start_here()
            .filter(start_here__gt=article.start_here)
            .only("title", "slug", "reading_minutes")
            .first()
        )
    question_sent = (
        request.method != "POST" and request.session.pop(QUESTION_SENT_KEY, None) == article.pk
    )
    url = settings.SITE_URL + article.get_absolute_url()
    response = render(
        request,
        "education/article_detail.html",
        {
            "article": article,
            "body": rendering.body_parts(article.body_html),
            "figure": figures.FIGURES.get(article.figure),
            "question_sent": question_sent,
            "next_to_read": next_to_read,
            "is_preview": not is_public,
            "related": related_articles(article, now),
            "questions": questions,
            "form": form,
            "canonical_url": url,
            "jsonld": seo.article_jsonld(article, url),
        },
        status=400 if form.is_bound else 200,
    )
    if form.is_bound and wait is not None:
        ratelimit.refuse(response, wait)
    if not is_public:
        response["X-Robots-Tag"] = "noindex"
    if not is_public or question_sent:
        # A preview, or a page thanking this reader: never kept by a browser or a proxy.
        response["Cache-Control"] = "private, no-store"
    return response


def _thank_for_question(request: HttpRequest, article: Article) -> HttpResponse:
    """Back to the article, at the thank-you beside the form (not at the top of the page)."""
    request.session[QUESTION_SENT_KEY] = article.pk
    return redirect(f"{article.get_absolute_url()}#{QUESTION_SENT_ANCHOR}")
