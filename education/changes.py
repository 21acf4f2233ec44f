"""What tells the parts of an article's page each process keeps that what they show changed.

The page cache (clinic.core.page_cache) drops every page at any change. Below it, each process
keeps the parts of an article's page (templates/education/article_detail.html, in the "shell"
cache, as base.html keeps the menu), each under a key naming everything it is built from, so
that the first reader after a change renders again only what the change touched:

- the head, the text and the sources: the article's row (`kept_as` in education/views.py: its
  `updated_at`, status and publication time), TOPICS, the page's language and the clinic's
  settings revision. After an article is edited, only that article's parts are rendered again.
- the next article in "Start here", the related articles and the addresses of the article's
  versions: ARTICLES, which moves whenever any article is saved, deleted, published or has its
  topics chosen. An article scheduled for later becomes public with no change at all, so these
  are kept no longer than the page cache keeps a page (PAGE_CACHE_SECONDS).
- the readers' questions: QUESTIONS, which moves whenever a question is saved, deleted,
  approved or rejected, or a staff member's name (shown beside their answers) may have changed
  or their account was deleted.

`updated_at` moves with every save of the article. What changes an article's page without
saving the article moves it here: its topics chosen (from either side) or its citations edited.
A topic renamed moves TOPICS, since its name shows on every article it labels. Whatever writes
these rows without signals (a queryset update(), bulk_create()) calls the function below that
says so; each also makes every stored page stale (page_cache.content_changed), so the versions
move before the pages do.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from clinic.core import page_cache
from clinic.core.cache import SharedVersion
from education.models import Article, Citation, ReaderQuestion, Topic

TOPICS = SharedVersion("education-topics-version")
ARTICLES = SharedVersion("education-articles-version")
QUESTIONS = SharedVersion("education-questions-version")


def list_seconds() -> int:
    """How long parts built from the list of public articles are kept: as long as a page."""
    return settings.PAGE_CACHE_SECONDS


def touch(article_ids, using: str | None = None) -> None:
    """Say these articles changed: the parts of their pages are rendered again."""
    Article.objects.using(using).filter(pk__in=list(article_ids)).update(updated_at=timezone.now())


def articles_changed(sender=None, using: str | None = None, **kwargs) -> None:
    """An article was saved, deleted, published or unpublished."""
    page_cache.content_changed(ARTICLES, using=using)


def topics_changed(sender=None, using: str | None = None, **kwargs) -> None:
    """A topic was saved or deleted (or topics were written without signals): every article's
    parts are rendered again."""
    page_cache.content_changed(TOPICS, ARTICLES, using=using)


def questions_changed(sender=None, using: str | None = None, **kwargs) -> None:
    """A question was saved, deleted, approved or rejected, or a staff member renamed."""
    page_cache.content_changed(QUESTIONS, using=using)


def _citation_changed(sender, instance: Citation, using=None, **kwargs) -> None:
    touch([instance.article_id], using=using)


def _topics_chosen(sender, instance, action, reverse, pk_set, using=None, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:  # article.topics.add/remove/set/clear
        touch([instance.pk], using=using)
        articles_changed(using=using)
    elif pk_set:  # topic.articles.add/remove: pk_set holds the articles
        touch(pk_set, using=using)
        articles_changed(using=using)
    else:  # topic.articles.clear(): which articles it held is gone, so start every part afresh
        topics_changed(using=using)


def _user_saved(sender, update_fields=None, using=None, **kwargs) -> None:
    # Signing in saves last_login alone: only a save that may change a name counts.
    if update_fields is None or {"first_name", "last_name"} & set(update_fields):
        questions_changed(using=using)


def connect_signals() -> None:
    uid = "education-changes"
    receivers = [
        (_citation_changed, Citation),
        (topics_changed, Topic),
        (articles_changed, Article),
        (questions_changed, ReaderQuestion),
    ]
    for receiver, model in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}:{model._meta.label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}:{model._meta.label}")
    # A therapist's name shows beside their answers; only staff answer.
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid=f"{uid}:user")
    # Deleting an account clears answered_by with a bulk update, which sends no signal.
    post_delete.connect(questions_changed, sender=get_user_model(), dispatch_uid=f"{uid}:user")
    m2m_changed.connect(_topics_chosen, sender=Article.topics.through, dispatch_uid=f"{uid}:m2m")
