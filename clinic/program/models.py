"""The program's rows: the lessons (loaded from education/content/program/), and, for a client
who gives an email, their enrolment, the lessons they marked done and their check-ins.

A client who gives no email has no row at all: their progress lives in their browser session
(clinic/program/progress.py). Baseline scores and check-ins are health information: only staff
with `program.view_program_health` (therapists) see them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Deferrable, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from intake.triage import Level

LESSON_COUNT = 8
PROGRAM_WEEKS = 6
CHECK_IN_WEEKS = (2, 4, 6)


class LessonQuerySet(models.QuerySet):
    def originals(self) -> "LessonQuerySet":
        """The English lessons: the program itself, which progress and visit notes point to."""
        return self.filter(language=settings.LANGUAGE_CODE)

    def in_language(self, language: str) -> "LessonQuerySet":
        """The program as a reader of `language` takes it: the lessons written in it, and the
        English ones not yet translated into it (shown in English, with a notice). One lesson
        per place in the order."""
        if language == settings.LANGUAGE_CODE:
            return self.originals()
        return self.filter(
            Q(language=language)
            | Q(language=settings.LANGUAGE_CODE)
            & ~models.Exists(
                Lesson.objects.filter(translation_of=models.OuterRef("pk"), language=language)
            )
        )


class Lesson(models.Model):
    """One lesson in one language. A translation is its own row (Spanish slug, text and
    drawings' alt text) pointing to the English original, in the same place of the program."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        limit_choices_to={"language": settings.LANGUAGE_CODE},
        verbose_name=_("translation of"),
    )
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    week = models.PositiveSmallIntegerField(_("week"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    goal = models.TextField(_("goal"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    body = models.TextField(_("body (Markdown)"))
    body_html = models.TextField(_("body (rendered)"), editable=False)
    toc = models.JSONField(_("contents"), default=list, editable=False)
    citations = models.JSONField(_("sources"), default=list, blank=True)
    related_articles = models.JSONField(_("related article slugs"), default=list, blank=True)
    author = models.CharField(_("author"), max_length=200)
    medical_reviewer = models.CharField(_("medical reviewer"), max_length=200, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "language"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            # Deferred: the loader may swap two lessons' places in one transaction.
            models.UniqueConstraint(
                fields=["language", "order"],
                name="program_lesson_order_unique",
                deferrable=Deferrable.DEFERRED,
            ),
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="program_lesson_one_translation_per_language",
                violation_error_message=_(
                    "This lesson already has a translation in that language."
                ),
            ),
            models.CheckConstraint(
                condition=Q(translation_of__isnull=True) | ~Q(language=settings.LANGUAGE_CODE),
                name="program_lesson_translation_not_english",
                violation_error_message=_(
                    "A translation is written in a language other than English."
                ),
            ),
            models.CheckConstraint(
                condition=Q(language=settings.LANGUAGE_CODE) | Q(translation_of__isnull=False),
                name="program_lesson_translation_has_original",
                violation_error_message=_(
                    "A lesson in another language translates an English one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1, order__lte=LESSON_COUNT), name="program_lesson_order"
            ),
            models.CheckConstraint(
                condition=Q(week__gte=1, week__lte=PROGRAM_WEEKS), name="program_lesson_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        """A translation's address is in its own language (/es/program/<slug>/); an English
        lesson's is under the reader's current language, where a lesson not yet translated is
        shown in English with a notice."""
        if self.language == settings.LANGUAGE_CODE:
            return reverse("program:lesson", args=[self.slug])
        with translation.override(self.language):
            return reverse("program:lesson", args=[self.slug])

    @property
    def original_id(self) -> int:
        """The English lesson's id: what progress is kept against, whatever the language."""
        return self.translation_of_id or self.pk


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class Enrolment(models.Model):
    """A client who gave their email: one row per address (asking again reuses it)."""

    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Set when the client's safety gate said "see a doctor first": no lesson email goes out
    # until they come back through the link in their email with their doctor's OK.
    needs_doctor_ok = models.BooleanField(_("waiting for a doctor's OK"), default=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    baseline_pain = models.PositiveSmallIntegerField(_("pain at the start"), null=True, blank=True)
    baseline_limits = models.PositiveSmallIntegerField(
        _("limits at the start"), null=True, blank=True
    )
    next_email_due = models.DateTimeField(_("next lesson email due"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        permissions = [
            ("view_program_health", _("Can see program pain scores and check-ins")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_pain__isnull=True) | Q(baseline_pain__lte=10),
                name="program_enrolment_baseline_pain",
            ),
            models.CheckConstraint(
                condition=Q(baseline_limits__isnull=True) | Q(baseline_limits__lte=10),
                name="program_enrolment_baseline_limits",
            ),
        ]
        indexes = [models.Index(fields=["next_email_due"], name="program_enrol_due")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class LessonDone(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="done")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(_("done"))

    class Meta:
        ordering = ["lesson__order"]
        verbose_name = _("lesson done")
        verbose_name_plural = _("lessons done")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="program_done_once")
        ]

    def __str__(self) -> str:
        return str(self.lesson)


class CheckIn(models.Model):
    """A check-in of an enrolled client (a check-in without an email is not stored: its
    outcome stays in the browser session)."""

    class Trend(models.TextChoices):
        BETTER = "better", _("Better")
        SAME = "same", _("About the same")
        WORSE = "worse", _("Worse")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="check_ins")
    week = models.PositiveSmallIntegerField(
        _("week"), choices=[(week, week) for week in CHECK_IN_WEEKS]
    )
    pain_now = models.PositiveSmallIntegerField(_("pain now"))
    limits_now = models.PositiveSmallIntegerField(_("limits now"))
    check_first = models.JSONField(_("check-first answers"), default=dict)
    trend = models.CharField(_("compared with the start"), max_length=10, choices=Trend.choices)
    level = models.CharField(_("outcome"), max_length=20, choices=Level.choices())
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_now__lte=10, limits_now__lte=10), name="program_checkin_scores"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} week {self.week}"


class ProgramAccess(models.Model):
    """The audit trail of the program's health information: who saw an enrolment's scores and
    check-ins, or listed check-ins, when, and from which address. Never edited; rows outlive
    the enrolment they describe."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        LISTED = "listed", _("Listed, searched or filtered")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("enrolment"),
    )
    enrolment_number = models.PositiveBigIntegerField(
        _("enrolment number"), null=True, blank=True, help_text=_("Empty for a list.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    matched = models.PositiveIntegerField(_("rows listed"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("program access")
        verbose_name_plural = _("program accesses")

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.at:%Y-%m-%d %H:%M}"
