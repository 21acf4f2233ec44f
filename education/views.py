"""The reader's pages: the article list (with search and topics), one article, and the page for
asking a therapist about an article.

Each page is in the language of its address (/… English, /es/… Spanish). A reader is offered
the articles written in their language and the English ones not yet translated into it; an
article asked for under the other language's address goes to its translation, or is shown as
written with a notice saying so. The article page reads neither the session nor the CSRF token
(a shared cache may keep it for everyone): the question form has its own page.
"""

from collections import defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from clinic.core import form_guard, ratelimit
from clinic.core.page_cache import cache_public_page
from education import figures, moderation, rendering, search, seo
from education.forms import ReaderQuestionForm
from education.models import Article, ReaderQuestion, Topic

ARTICLES_PER_PAGE = 10
MAX_RELATED = 3
# Lists show title, summary, date, reading time and topics: only those columns are read.
LIST_FIELDS = ("language", "title", "slug", "summary", "published_at", "reading_minutes")
# What a reader is told when the article is not written in the language of the page, by the
# language it is written in.
NOT_IN_YOUR_LANGUAGE = {
    "en": gettext_lazy("This article is not yet available in Spanish, so it is shown in English."),
    "es": gettext_lazy("This article is only available in Spanish for now."),
}
# The ask page's address after a question was sent: it thanks the reader (the state is in the
# address, not the session, and says nothing about the question).
SENT_PARAMETER = "sent"


def can_preview(user) -> bool:
    """Staff signed in with both factors who may view articles in the admin may also read
    drafts and scheduled ones."""
    return (
        user.is_authenticated
        and user.is_staff
        and user.is_verified()
        and user.has_perm("education.view_article")
    )


@cache_public_page(query=("page", "topic"))  # a search (?q=) is never kept
@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    language = request.LANGUAGE_CODE
    offered = Article.objects.published(now).in_language(language)
    articles = offered.only(*LIST_FIELDS)
    topics = list(Topic.objects.with_published_articles(now, language))
    for item in topics:
        # Computed once: the topic links of every card use it.
        item.url = item.get_absolute_url()
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
            context["page"] = _page(request, found.matches)
        elif not found.similar and not found.too_long:
            # Nothing found: offer the articles to start with, and a therapist to ask about the
            # first of them.
            suggestions = list(
                offered.start_here().only("language", "title", "slug", "reading_minutes")
            )
            context["suggestions"] = suggestions
            context["ask_article"] = (
                suggestions[0] if suggestions else offered.only("language", "slug").first()
            )
    elif topic:
        context["page"] = _page(request, articles)
    else:
        # The full list: "Start here" first, in its order; the others newest first.
        context["page"] = _page(request, articles.filter(start_here__isnull=True))
        if context["page"].number == 1:
            context["start_here"] = list(
                articles.start_here().only("language", "title", "slug", "reading_minutes")
            )
    if context["page"] is not None:
        context["page"].object_list = _with_topics(list(context["page"].object_list), topics)
    if context["search"] is not None:
        _with_topics(context["search"].similar, topics)
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


def _page(request: HttpRequest, articles):
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    # A long list offers its first and last pages and those around this one, not every page.
    page.elided_range = page.paginator.get_elided_page_range(page.number)
    return page


def _with_topics(articles: list[Article], topics: list[Topic]) -> list[Article]:
    """Give each listed article its `topic_list`, in one query: the Topic rows are the page's
    own `topics` (every topic of an article the page offers is among them), in their order."""
    pairs = Article.topics.through.objects.filter(article__in=articles).values_list(
        "article_id", "topic_id"
    )
    topic_ids = defaultdict(set)
    for article_id, topic_id in pairs:
        topic_ids[article_id].add(topic_id)
    for article in articles:
        article.topic_list = [item for item in topics if item.pk in topic_ids[article.pk]]
    return articles


def related_articles(article: Article, offered) -> list[Article]:
    """Up to three of the `offered` articles sharing the most topics with this one, in one
    query."""
    topic_ids = [topic.pk for topic in article.topics.all()]
    if not topic_ids:
        return []
    return list(
        offered.filter(topics__in=topic_ids)
        .exclude(pk__in=[article.pk, article.translation_of_id])
        .annotate(shared=Count("topics"))
        .order_by("-shared", "-published_at", "-pk")
        .only("language", "title", "slug", "summary", "published_at")[:MAX_RELATED]
    )


def _find(request: HttpRequest, slug: str, now) -> Article:
    """The article at this slug: a public one for everyone; a draft or a scheduled one only for
    staff who may preview it (the signed-in user is looked up only then, so a public article's
    page never reads the session)."""
    article = Article.objects.published(now).for_reading().filter(slug=slug).first()
    if article is None and can_preview(request.user):
        article = Article.objects.for_reading().filter(slug=slug).first()
    if article is None:
        raise Http404(_("There is no article at this address."))
    return article


def _addresses(article: Article, visible) -> dict[str, str]:
    """The article's address in each language it has a version in among `visible`, in the
    order of the site's languages, in one query: for the redirect to the reader's language,
    the language switch and hreflang."""
    versions = visible.versions_of(article).only("language", "slug").order_by()
    by_language = {version.language: version for version in versions}
    return {
        code: by_language[code].url_in(code)
        for code, _name in settings.LANGUAGES
        if code in by_language
    }


@cache_public_page()
@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    language = request.LANGUAGE_CODE
    article = _find(request, slug, now)
    is_public = article.is_public(now)
    addresses = _addresses(
        article, Article.objects.published(now) if is_public else Article.objects.all()
    )
    if article.language != language and language in addresses:
        return redirect(addresses[language])

    questions = (
        article.questions.filter(status=ReaderQuestion.Status.APPROVED)
        .select_related("answered_by")
        # What the page shows: never the asker's email or the therapist's account details.
        .only(
            "name",
            "question",
            "answer",
            "answered_at",
            "answered_by__first_name",
            "answered_by__last_name",
        )
        .order_by("asked_at")
    )
    # Built once for the two lists below (the language's filter is the costly part to build).
    offered = Article.objects.published(now).in_language(language)
    next_to_read = None
    if article.start_here is not None and is_public:
        next_to_read = (
            offered.start_here()
            .filter(start_here__gt=article.start_here)
            .only("language", "title", "slug", "reading_minutes")
            .first()
        )
    # The address in the article's own language is the one search engines should keep.
    url = settings.SITE_URL + addresses[article.language]
    response = render(
        request,
        "education/article_detail.html",
        {
            "article": article,
            "body": rendering.body_parts(article.body_html),
            "figure": figures.FIGURES.get(article.figure),
            "foreign_notice": (
                NOT_IN_YOUR_LANGUAGE.get(article.language) if article.language != language else None
            ),
            "next_to_read": next_to_read,
            "is_preview": not is_public,
            "related": related_articles(article, offered),
            "questions": questions,
            "canonical_url": url,
            "alternates": addresses if is_public else None,
            "jsonld": seo.article_jsonld(article, url),
        },
    )
    if not is_public:
        response["X-Robots-Tag"] = "noindex"
        # A preview: never kept by a browser or a proxy.
        response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    """A reader's question about a public article; after sending, the same page thanks them."""
    article = get_object_or_404(
        Article.objects.published().only("language", "title", "slug"),
        slug=slug,
    )
    ask_url = reverse("education:ask", kwargs={"slug": article.slug})
    form, wait = ReaderQuestionForm(), None
    if request.method == "POST":
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
            return redirect(f"{ask_url}?{SENT_PARAMETER}=1")
        if form.is_valid() and admission.ok:
            moderation.submit(
                article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                question=form.cleaned_data["question"],
                wants_email=form.cleaned_data["wants_email"],
                language=request.LANGUAGE_CODE,
            )
            return redirect(f"{ask_url}?{SENT_PARAMETER}=1")

    response = render(
        request,
        "education/ask.html",
        {
            "article": article,
            "form": form,
            "sent": request.method == "GET" and SENT_PARAMETER in request.GET,
            "canonical_url": settings.SITE_URL + ask_url,
        },
        status=400 if form.is_bound else 200,
    )
    if form.is_bound and wait is not None:
        ratelimit.refuse(response, wait)
    # The form carries this browser's CSRF token: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
