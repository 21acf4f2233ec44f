"""The reader's pages: the article list (with search and topics), one article, and the page for
asking a therapist about an article.

Each page is in the language of its address (/… English, /es/… Spanish). A reader is offered
the articles written in their language and the English ones not yet translated into it; an
article asked for under the other language's address goes to its translation, or is shown as
written with a notice saying so. The article page reads neither the session nor the CSRF token
(a shared cache may keep it for everyone): the question form has its own page.
"""

from functools import partial

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from clinic.core import form_guard, ratelimit
from clinic.core.cache import kept_by_process
from clinic.core.page_cache import cache_public_page
from education import changes, figures, moderation, rendering, search, seo
from education.forms import ReaderQuestionForm
from education.models import Article, ReaderQuestion, Topic

ARTICLES_PER_PAGE = 10
MAX_RELATED = 3
# Lists show title, summary, date, reading time and topics: only those columns are read, and
# when the article last changed (the key its card is kept under).
LIST_FIELDS = (
    "language", "title", "slug", "summary", "published_at", "reading_minutes", "updated_at"
)  # fmt: skip
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
    # What is built from the whole library is kept by the process under its versions (read
    # before the rows), no longer than a page is cached: see education/changes.py.
    topics_version = changes.TOPICS.current()
    library = f"{language}:{changes.ARTICLES.current()}:{topics_version}"
    offered = Article.objects.published(now).in_language(language)
    articles = offered.only(*LIST_FIELDS)
    topics = kept_by_process(
        f"article-topics:{library}", partial(_topic_links, now, language), changes.list_seconds()
    )
    start_here = partial(
        kept_by_process,
        f"article-start-here:{library}",
        lambda: list(offered.start_here().only("language", "title", "slug", "reading_minutes")),
        changes.list_seconds(),
    )
    topic = None
    if topic_slug := request.GET.get("topic"):
        topic = next((t for t in topics if t.slug == topic_slug), None)
        if topic is None:
            raise Http404(_("There is no topic with that name."))
        articles = articles.filter(topics=topic)

    context = {
        "topics": topics,
        "topics_version": topics_version,
        "library": library,
        "list_seconds": changes.list_seconds(),
        "topic": topic,
        "search": None,
        "page": None,
        "start_here": [],
    }
    raw_query = request.GET.get("q", "")
    if search.clean_query(raw_query):
        found = search.run(raw_query, articles)
        context["search"] = found
        if found.matches is not None:
            context["page"] = _page(request, found.matches)
        elif not found.similar and not found.too_long:
            # Nothing found: offer the articles to start with, and a therapist to ask about the
            # first of them.
            suggestions = start_here()
            context["suggestions"] = suggestions
            context["ask_article"] = (
                suggestions[0] if suggestions else offered.only("language", "slug").first()
            )
    elif topic:
        context["page"] = _page(request, articles, f"{library}:{topic.pk}")
    else:
        # The full list: "Start here" first, in its order; the others newest first.
        context["page"] = _page(request, articles.filter(start_here__isnull=True), library)
        if context["page"].number == 1:
            context["start_here"] = start_here()
    if context["page"] is not None:
        listed = _with_topics(list(context["page"].object_list))
        context["page"].object_list = listed
        # The page's cards are kept together, under each article's last change.
        context["cards_kept_as"] = ",".join(f"{a.pk}.{a.updated_at.timestamp()}" for a in listed)
    if context["search"] is not None:
        _with_topics(context["search"].similar)
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


def _topic_links(now, language: str) -> list[Topic]:
    topics = list(Topic.objects.with_published_articles(now, language))
    for item in topics:
        # Computed once: the topic links of every card use it.
        item.url = item.get_absolute_url()
    return topics


def _page(request: HttpRequest, articles, counted_as: str | None = None):
    """The page of `articles` the request asks for; with `counted_as` (the library's versions
    and the list's filter), the number of articles is kept by the process."""
    paginator = Paginator(articles, ARTICLES_PER_PAGE)
    if counted_as is not None:
        paginator.count = kept_by_process(
            f"article-count:{counted_as}", articles.count, changes.list_seconds()
        )
    page = paginator.get_page(request.GET.get("page"))
    # A long list offers its first and last pages and those around this one, not every page.
    page.elided_range = page.paginator.get_elided_page_range(page.number)
    return page


def _with_topics(articles: list[Article]) -> list[Article]:
    """Give each listed article its `topic_list`, in name order: read for all of them in one
    query, and only if a card is rendered afresh (the cards are kept: article_list.html)."""

    def read() -> dict[int, list[Topic]]:
        by_article = Topic.objects.by_article(articles)
        for topics in by_article.values():
            for topic in topics:
                topic.url = topic.get_absolute_url()
        return by_article

    found = SimpleLazyObject(read)
    for article in articles:
        article.topic_list = SimpleLazyObject(partial(lambda pk: found.get(pk, []), article.pk))
    return articles


def related_articles(article: Article, offered) -> list[Article]:
    """Up to three of the `offered` articles sharing the most topics with this one, in one
    query."""
    topic_ids = Article.topics.through.objects.filter(article=article).values("topic_id")
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


def _addresses(article: Article, now, is_public: bool, library: str) -> dict[str, str]:
    """The article's address in each language it has a public version in (any version, for a
    preview), in the order of the site's languages: for the redirect to the reader's language,
    the language switch and hreflang. One query, kept by the process while no article changes
    (`library`, see education/changes.py). Kept per version of the article: each is among its
    own addresses, even when it became public after another version's were kept."""

    def read() -> dict[str, str]:
        visible = Article.objects.published(now) if is_public else Article.objects.all()
        versions = visible.versions_of(article).only("language", "slug").order_by()
        by_language = {version.language: version for version in versions}
        return {
            code: by_language[code].url_in(code)
            for code, _name in settings.LANGUAGES
            if code in by_language
        }

    key = f"article-addresses:{article.pk}:{is_public}:{library}"
    return kept_by_process(key, read, changes.list_seconds())


def _questions(article: Article) -> list[ReaderQuestion]:
    """The article's approved questions with their answers, oldest first."""
    return list(
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


def _kept_as(article: Article, is_public: bool, versions: tuple[str, str, str]) -> dict:
    """What each kept part of an article's page is built from, beside the page's language and
    the clinic's settings (see education/changes.py): the text, the article's row as last saved
    or touched and the topics' names; the lists, the public articles; the questions, theirs
    (and the row: they link to the article's own address). `versions` are TOPICS', ARTICLES'
    and QUESTIONS', read before the article's row."""
    topics, articles, questions = versions
    row = (
        f"{article.pk}:{is_public}:{article.updated_at.timestamp()}:{article.status}:"
        f"{article.published_at and article.published_at.timestamp()}"
    )
    return {
        "text": f"{row}:{topics}",
        "lists": f"{article.pk}:{is_public}:{articles}",
        "questions": f"{row}:{questions}",
    }


@cache_public_page()
@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    now = timezone.now()
    language = request.LANGUAGE_CODE
    # The versions before the rows they stand for (education/changes.py).
    versions = (changes.TOPICS.current(), changes.ARTICLES.current(), changes.QUESTIONS.current())
    article = _find(request, slug, now)
    is_public = article.is_public(now)
    kept_as = _kept_as(article, is_public, versions)
    addresses = _addresses(article, now, is_public, versions[1])
    if article.language != language and language in addresses:
        return redirect(addresses[language])

    # The address in the article's own language is the one search engines should keep.
    url = settings.SITE_URL + addresses[article.language]
    # What follows is read (and its query built) only when a kept part of the page is rendered
    # afresh. The language's filter, the costly part to build, is built once for both lists.
    offered = SimpleLazyObject(lambda: Article.objects.published(now).in_language(language))

    def next_to_read() -> Article | None:
        if article.start_here is None or not is_public:
            return None
        return (
            offered.start_here()
            .filter(start_here__gt=article.start_here)
            .only("language", "title", "slug", "reading_minutes")
            .first()
        )

    topics = SimpleLazyObject(lambda: list(article.topics.only("name", "slug")))
    citations = SimpleLazyObject(lambda: list(article.citations.all()))
    response = render(
        request,
        "education/article_detail.html",
        {
            "article": article,
            "kept_as": kept_as,
            "list_seconds": changes.list_seconds(),
            "topics": topics,
            "citations": citations,
            "body": SimpleLazyObject(lambda: rendering.body_parts(article.body_html)),
            "figure": figures.FIGURES.get(article.figure),
            "foreign_notice": (
                NOT_IN_YOUR_LANGUAGE.get(article.language) if article.language != language else None
            ),
            "next_to_read": SimpleLazyObject(next_to_read),
            "is_preview": not is_public,
            "related": SimpleLazyObject(lambda: related_articles(article, offered)),
            "questions": SimpleLazyObject(lambda: _questions(article)),
            "canonical_url": url,
            "alternates": addresses if is_public else None,
            "jsonld": partial(seo.article_jsonld, article, url, topics, citations),
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
