from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intake.triage import EMERGENCY_SCREEN_INCOMPLETE, LEVEL_RANK, Level


def id_list(verbose_name):
    return ArrayField(models.CharField(max_length=64), default=list, blank=True,
                      verbose_name=verbose_name)  # fmt: skip


# Spec section 3, rule 6: the check-first questions are asked again at every visit, and an
# intake older than this is re-run before a session.
RECHECK_AFTER = timedelta(days=7)


def recheck_needed(checked_at: datetime | None, session_start: datetime) -> bool:
    """Whether a session needs the pre-visit check (again) before it starts."""
    return checked_at is None or session_start - checked_at > RECHECK_AFTER


def severity():
    """The level's rank as an expression, to order intakes most severe first."""
    return models.Case(
        *(models.When(level=level, then=models.Value(rank)) for level, rank in LEVEL_RANK.items()),
        output_field=models.IntegerField(),
    )


class Intake(models.Model):
    """One client's pre-visit answers as submitted, and what triage made of them.

    Answers and the triage result never change after submission (the database refuses it);
    only the therapist's review fields do.
    """

    class ReviewStatus(models.TextChoices):
        NEW = "new", _("New")
        REVIEWED = "reviewed", _("Reviewed")
        CLEARED = "cleared", _("Cleared for massage")
        REFERRED = "referred", _("Referred to a doctor")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    answers = models.JSONField(_("answers"))
    level = models.CharField(_("level"), max_length=16, choices=Level.choices())
    fired = id_list(_("rules fired"))
    fired_unknown = id_list(_("rules possibly fired (missing answers)"))
    cautions = id_list(_("cautions"))
    cautions_unknown = id_list(_("possible cautions (missing answers)"))
    flags = id_list(_("flags"))
    see_doctor_within = models.CharField(_("see a doctor"), max_length=32, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=32)
    shown_wording = models.JSONField(
        _("wording shown to the client"),
        default=dict,
        blank=True,
        help_text=_("The explanations the result page showed, as the client read them."),
    )
    catalogue_version = models.CharField(_("questions version"), max_length=32)

    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    consent_name = models.CharField(_("signed as"), max_length=120)
    consented_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    # A re-check (spec section 3, rule 6) is an intake of its own: the earlier answers with the
    # re-asked ones replaced (intake/recheck.py), pointing at the intake it refreshes.
    refreshes = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rechecks",
        verbose_name=_("re-check of"),
    )
    changes_reported = ArrayField(
        models.CharField(max_length=16),
        default=list,
        blank=True,
        verbose_name=_("changes reported at the re-check"),
    )

    review_status = models.CharField(
        _("review"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NEW
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-created_at"]
        permissions = [("export_intake", _("Can export an intake's answers"))]
        indexes = [models.Index(fields=["review_status", "level", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[level.value for level in Level]),
                name="intake_level_known",
            ),
            models.CheckConstraint(
                condition=models.Q(review_status="new")
                | models.Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="intake_review_has_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return _("Intake #%(id)s") % {"id": self.pk}

    def get_admin_url(self) -> str:
        return reverse("admin:intake_intake_change", args=[self.pk])

    @property
    def emergency_screen_incomplete(self) -> bool:
        return EMERGENCY_SCREEN_INCOMPLETE in self.flags

    @property
    def needs_attention(self) -> bool:
        """MEDICAL, or an emergency screen with gaps: the clinic must look at it soon."""
        return self.level in (Level.MEDICAL, Level.EMERGENCY) or self.emergency_screen_incomplete

    @property
    def cleared_for_booking(self) -> bool:
        """Whether a booking request gated by this intake may go ahead."""
        if self.level == Level.EMERGENCY:
            return False
        if self.level == Level.MEDICAL or self.emergency_screen_incomplete:
            return self.review_status == self.ReviewStatus.CLEARED
        return True


class IntakeAccess(models.Model):
    """The audit trail of intakes: who viewed, decided on, exported or deleted one, or listed,
    searched or filtered them, when, and from which address. Rows outlive the intake they
    describe and are never edited."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        REVIEWED = "reviewed", _("Marked reviewed")
        CLEARED = "cleared", _("Cleared for massage")
        REFERRED = "referred", _("Referred to a doctor")
        EXPORTED = "exported", _("Exported")
        DELETED = "deleted", _("Deleted on the client's request")
        PURGED = "purged", _("Purged after the retention period")
        LISTED = "listed", _("Listed, searched or filtered")

    intake = models.ForeignKey(
        Intake,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("intake"),
    )
    intake_number = models.PositiveBigIntegerField(
        _("intake number"),
        db_index=True,
        null=True,
        blank=True,
        help_text=_("Empty for a list of intakes."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
        help_text=_("Empty for the automatic retention purge."),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    query = models.JSONField(
        _("list query"),
        default=dict,
        blank=True,
        help_text=_(
            "For a list: the filters, search, ordering and page asked for, as the list "
            "accepts them (never an answer beyond the filter chosen)."
        ),
    )
    matched = models.PositiveIntegerField(
        _("intakes matched"), null=True, blank=True, help_text=_("For a list.")
    )

    class Meta:
        verbose_name = _("intake audit entry")
        verbose_name_plural = _("intake audit trail")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="listed") | models.Q(intake_number__isnull=False),
                name="intake_audit_names_the_intake",
            )
        ]

    def __str__(self) -> str:
        what = _("List") if self.intake_number is None else f"#{self.intake_number}"
        return f"{what} {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
