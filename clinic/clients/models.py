"""A client's record (one per verified email), what links to it, visit notes and the audit
trail of who read them. The rules that fill and empty these tables live in records.py."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.questions import BODY_REGIONS

# A signed note can be corrected for this long; after that only dated addenda are added
# (the database refuses an update, see migration 0001's trigger).
NOTE_EDITABLE_FOR = dt.timedelta(hours=24)
PRESSURE_MIN, PRESSURE_MAX = 1, 5


class Client(models.Model):
    """One person, known by the email address they used on an intake or a booking request
    (lower case, no surrounding spaces). Holds nothing the linked rows do not: once none is
    left (deleted, purged or anonymised) the record itself is deleted."""

    email = models.EmailField(_("verified email"), unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower(Trim("email"))) & ~models.Q(email=""),
                name="client_email_normalised",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_admin_url(self) -> str:
        return reverse("admin:clients_client_change", args=[self.pk])


class ClientIntake(models.Model):
    """An intake filed under a client (deleted with the intake)."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="intake_links", verbose_name=_("client")
    )
    intake = models.OneToOneField(
        "intake.Intake",
        on_delete=models.CASCADE,
        related_name="client_link",
        verbose_name=_("intake"),
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("client's intake")
        verbose_name_plural = _("client's intakes")

    def __str__(self) -> str:
        return f"{self.client_id} ← intake {self.intake_id}"


class ClientBooking(models.Model):
    """A booking request filed under a client (removed when its client data is blanked)."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="booking_links", verbose_name=_("client")
    )
    booking = models.OneToOneField(
        "clinic.BookingRequest",
        on_delete=models.CASCADE,
        related_name="client_link",
        verbose_name=_("booking request"),
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("client's booking request")
        verbose_name_plural = _("client's booking requests")

    def __str__(self) -> str:
        return f"{self.client_id} ← booking {self.booking_id}"


class VisitNote(models.Model):
    """What the therapist noted after a session, signed when first saved. It can be corrected
    for NOTE_EDITABLE_FOR after signing; then it is locked (the database refuses an update)
    and later changes are addenda."""

    booking = models.OneToOneField(
        "clinic.BookingRequest",
        on_delete=models.CASCADE,
        related_name="visit_note",
        verbose_name=_("booking request"),
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="visit_notes", verbose_name=_("client")
    )
    areas = ArrayField(
        models.CharField(max_length=32, choices=BODY_REGIONS),
        verbose_name=_("areas worked on"),
        default=list,
        blank=True,
    )
    pressure = models.PositiveSmallIntegerField(
        _("pressure (1-5)"),
        validators=[MinValueValidator(PRESSURE_MIN), MaxValueValidator(PRESSURE_MAX)],
    )
    techniques = models.CharField(_("techniques"), max_length=300)
    response = models.TextField(_("how the client responded"), max_length=2000)
    home_care = models.TextField(_("home care advised"), max_length=2000, blank=True)
    plan = models.TextField(_("plan for next time"), max_length=2000, blank=True)
    # A program lesson the therapist suggests: part of the note, so locked with it after 24
    # hours. If the lesson is ever removed from the program, the database itself sets this to
    # NULL (ON DELETE SET NULL, migration 0003): the one change a locked note still takes.
    # Django leaves it to the database (DO_NOTHING, its own constraint) because a Django-side
    # SET_NULL would run an UPDATE while the lesson still exists, which the lock refuses.
    recommended_lesson = models.ForeignKey(
        "program.Lesson",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson recommended"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    changed_at = models.DateTimeField(_("last corrected"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit note")
        verbose_name_plural = _("visit notes")
        ordering = ["-signed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pressure__gte=PRESSURE_MIN, pressure__lte=PRESSURE_MAX),
                name="visit_note_pressure_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(areas__contained_by=[key for key, _label in BODY_REGIONS]),
                name="visit_note_areas_known",
            ),
        ]

    def __str__(self) -> str:
        return _("Visit note #%(id)s") % {"id": self.pk}

    def locks_at(self) -> dt.datetime:
        return self.signed_at + NOTE_EDITABLE_FOR

    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.locks_at()

    def area_labels(self) -> list[str]:
        labels = dict(BODY_REGIONS)
        return [str(labels.get(key, key)) for key in self.areas]


class VisitNoteAddendum(models.Model):
    """A later, dated change to a visit note. Append-only: the database refuses an update."""

    note = models.ForeignKey(
        VisitNote, on_delete=models.CASCADE, related_name="addenda", verbose_name=_("visit note")
    )
    text = models.TextField(_("addendum"), max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.note} + {self.written_at:%Y-%m-%d %H:%M}"


class ClientAccess(models.Model):
    """The audit trail of client records and visit notes: who viewed, wrote, corrected,
    exported or removed one, or listed them, when and from which address. Rows outlive what
    they describe and are never edited."""

    class Action(models.TextChoices):
        LISTED = "listed", _("Listed or searched clients")
        VIEWED_HISTORY = "viewed_history", _("Viewed the client history")
        EXPORTED = "exported", _("Exported the client record")
        VIEWED_NOTE = "viewed_note", _("Viewed a visit note")
        WROTE_NOTE = "wrote_note", _("Wrote and signed a visit note")
        CORRECTED_NOTE = "corrected_note", _("Corrected a visit note")
        ADDED_ADDENDUM = "added_addendum", _("Added an addendum")
        DELETED_NOTE = "deleted_note", _("Visit note deleted with the client's data")
        FORGOTTEN = "forgotten", _("Client record removed (no data left)")

    client = models.ForeignKey(
        Client,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("client"),
    )
    client_number = models.PositiveBigIntegerField(
        _("client number"), null=True, blank=True, db_index=True
    )
    note_number = models.PositiveBigIntegerField(
        _("visit note number"), null=True, blank=True, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
        help_text=_("Empty for automatic work (retention, deletion requests)."),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("client audit entry")
        verbose_name_plural = _("client audit trail")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="listed") | models.Q(client_number__isnull=False),
                name="client_audit_names_the_client",
            )
        ]

    def __str__(self) -> str:
        return (
            f"#{self.client_number or '-'} {self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
        )
