import functools
import hashlib
import io
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from clinic.core.models import ClinicSettings

# --- Booking ----------------------------------------------------------------------------------
# The pipeline that moves a BookingRequest from one status to another is pipeline.py;
# the models only say what a consistent row looks like (constraints checked by the database).


# Therapist photos: uploaded in the admin, checked here, stored re-encoded as a small square
# WebP (PHOTO_SIZE px, no camera metadata such as location) named by its content hash, and
# served by clinic.views.therapist_photo with a year-long cache (a new photo is a new name).
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_SIZE = 320
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]


def validate_photo_size(file) -> None:
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _(
                "This photo is %(size)s; the largest we accept is 2 MB. Save it smaller (for "
                "example 1000 pixels wide) and upload it again."
            ),
            code="photo_too_large",
            params={"size": filesizeformat(file.size)},
        )


def therapist_photo_path(instance, filename: str) -> str:
    return f"therapists/{filename}"


def photo_for_web(upload, slug: str) -> ContentFile:
    """The uploaded photo as the site shows it: turned upright, cropped to a square around the
    upper middle (where a face usually is), PHOTO_SIZE px, WebP, without its metadata."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image = ImageOps.fit(
            image.convert("RGB"),
            (PHOTO_SIZE, PHOTO_SIZE),
            Image.Resampling.LANCZOS,
            centering=(0.5, 0.35),
        )
        buffer = io.BytesIO()
        image.save(buffer, "WEBP", quality=80, method=6)
    data = buffer.getvalue()
    return ContentFile(data, name=f"{slug}-{hashlib.sha256(data).hexdigest()[:12]}.webp")


@functools.cache
def drawn_avatar(slug: str) -> str | None:
    """The static path of a drawn avatar for this slug (static/img/avatars/<slug>.svg), if the
    project has one."""
    path = f"img/avatars/{slug}.svg"
    return path if finders.find(path) else None


class TherapistQuerySet(models.QuerySet):
    def active(self):
        """Those working at the clinic (shown on the front pages)."""
        return self.filter(active=True)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="therapist_profile",
        verbose_name=_("login"),
    )
    display_name = models.CharField(_("display name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    bio = models.TextField(_("short bio"), blank=True)
    specialties = models.CharField(
        _("specialties"), max_length=200, blank=True, help_text=_("Shown to clients, e.g. neck.")
    )
    credentials = models.CharField(
        _("credentials"),
        max_length=200,
        blank=True,
        help_text=_(
            "Licence and experience as clients should read them, e.g. “Licensed Massage "
            "Therapist (LMT), 8 years”."
        ),
    )
    photo = models.ImageField(
        _("photo"),
        upload_to=therapist_photo_path,
        blank=True,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS), validate_photo_size],
        help_text=_(
            "A friendly photo of the face and shoulders: JPEG, PNG or WebP, at most 2 MB. It is "
            "cropped to a square and made smaller for the site. Without one, the site shows a "
            "drawing or the therapist's initials."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    accepts_new_clients = models.BooleanField(_("accepts new clients"), default=True)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        verbose_name = _("therapist")
        verbose_name_plural = _("therapists")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def avatar(self) -> str | None:
        """The drawn avatar's static path, used when there is no photo."""
        return drawn_avatar(self.slug)

    @property
    def initials(self) -> str:
        return "".join(word[0] for word in self.display_name.split()[:2]).upper()


class ServiceQuerySet(models.QuerySet):
    def bookable(self):
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5)]
    )
    recovery_buffer_minutes = models.PositiveSmallIntegerField(
        _("recovery buffer (minutes)"),
        default=15,
        help_text=_("Time the therapist keeps free after the session before the next client."),
    )
    price = models.DecimalField(_("price"), max_digits=7, decimal_places=2)
    active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["duration_minutes", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="service_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="service_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def recovery_buffer(self) -> timedelta:
        return timedelta(minutes=self.recovery_buffer_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One block of a therapist's weekly hours, in the clinic's local time (several per day)."""

    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.CASCADE,
        related_name="working_hours",
        verbose_name=_("therapist"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["therapist", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="working_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class TimeOff(models.Model):
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("therapist")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="time_off_end_after_start"
            )
        ]

    def __str__(self) -> str:
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return f"{self.therapist} {start:%Y-%m-%d %H:%M} - {end:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    AWAITING_CLEARANCE = "awaiting_clearance", _("Awaiting clearance")
    REQUESTED = "requested", _("Requested")
    PROPOSED = "proposed", _("Other time proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No show")


# Waiting for the clinic or the client; these may still expire.
OPEN_STATUSES = (
    BookingStatus.AWAITING_CLEARANCE,
    BookingStatus.REQUESTED,
    BookingStatus.PROPOSED,
)
# Waiting for the clinic to act (clear the intake, or answer the request).
WAITING_FOR_CLINIC = (BookingStatus.AWAITING_CLEARANCE, BookingStatus.REQUESTED)
# Holding (or having held) a therapist's time: the exclusion constraint covers these.
BOOKED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
# A therapist and a time are set: proposed to the client, or booked.
TIMED_STATUSES = (BookingStatus.PROPOSED, *BOOKED_STATUSES)

# Clients are reminded this long before a confirmed session (a booking confirmed closer to it
# than this counts as reminded: the confirmation is the reminder).
REMINDER_BEFORE = timedelta(hours=24)

# Short references for people to read out on the phone: no 0/O, 1/I/L, or U.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "UNK-"
REFERENCE_LENGTH = 5
# The same alphabet as a regular expression, for the URL and the database constraint.
REFERENCE_REGEX = r"UNK-[2-9A-HJKMNP-TV-Z]{5}"
REFERENCE_PATTERN = rf"^{REFERENCE_REGEX}$"


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _i in range(REFERENCE_LENGTH)
    )


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class BookingRequestQuerySet(models.QuerySet):
    def booked(self):
        return self.filter(status__in=BOOKED_STATUSES)

    def blocking(self, start: datetime, end: datetime):
        """Booked rows whose blocked time (session and recovery buffer) overlaps [start, end)."""
        return self.booked().filter(start__lt=end, blocked_until__gt=start)

    def stale(self, now: datetime, rules: "ClinicSettings"):
        """Open bookings nobody answered within the clinic's expiry time, or whose time has
        come: the one staleness rule (`BookingRequest.is_stale` asks it of one row)."""
        return (
            self.filter(status__in=OPEN_STATUSES)
            .alias(when=Coalesce("start", "requested_start"))
            .filter(
                models.Q(status_changed_at__lte=now - rules.request_expiry)
                | models.Q(when__lte=now)
            )
        )

    def needs_action(self, now: datetime, rules: "ClinicSettings", warning=timedelta(hours=12)):
        """What the clinic should look at: new requests, and proposals about to expire."""
        about_to_expire = now - rules.request_expiry + warning
        return self.filter(
            models.Q(status__in=WAITING_FOR_CLINIC)
            | models.Q(status=BookingStatus.PROPOSED, status_changed_at__lte=about_to_expire)
        )

    def due_for_reminder(self, now: datetime):
        """Confirmed bookings starting within REMINDER_BEFORE that were not reminded yet."""
        return self.filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            start__gt=now,
            start__lte=now + REMINDER_BEFORE,
        )


class BookingRequest(models.Model):
    """A client's request for a session, and what became of it.

    The status changes only through pipeline.py. While proposed or booked, `therapist`,
    `start`, `end` and `blocked_until` (end plus the service's recovery buffer) say which time
    is meant; the database refuses two booked rows of one therapist whose blocked times overlap.
    """

    Status = BookingStatus

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    client_name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.TextField(
        _("client's note"), blank=True, max_length=2000, help_text=_("Never sent in emails.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service")
    )
    requested_therapist = models.ForeignKey(
        Therapist,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested therapist"),
        help_text=_("Empty when the client asked for any therapist."),
    )
    requested_start = models.DateTimeField(_("requested time"))
    intake = models.ForeignKey(
        "intake.Intake",
        # A purged or deleted intake leaves the request and its history in place.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking_requests",
        verbose_name=_("intake"),
    )
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    therapist = models.ForeignKey(
        Therapist,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("therapist"),
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    blocked_until = models.DateTimeField(
        _("blocked until"),
        null=True,
        blank=True,
        help_text=_("The end of the session plus the service's recovery buffer."),
    )
    message_to_client = models.TextField(
        _("message to the client"),
        blank=True,
        help_text=_("The clinic's reason when it declined or cancelled; shown to the client."),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    recheck_asked_at = models.DateTimeField(
        _("re-check asked"),
        null=True,
        blank=True,
        help_text=_("When the client was emailed the link to the pre-visit re-check."),
    )
    reschedules = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reschedule_requests",
        verbose_name=_("moves the booking"),
        help_text=_(
            "The confirmed booking this request would replace: confirming it cancels that one."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = BookingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking request")
        verbose_name_plural = _("booking requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="booking_status_idx"),
            models.Index(fields=["requested_start"], name="booking_requested_start_idx"),
            models.Index(fields=["start"], name="booking_start_idx"),
            # The admin list's time filter (the time its "time" column shows, admin.SHOWN_START).
            models.Index(Coalesce("start", "requested_start"), name="booking_shown_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values), name="booking_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(reference__regex=REFERENCE_PATTERN),
                name="booking_reference_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=TIMED_STATUSES)
                | models.Q(
                    therapist__isnull=False,
                    start__isnull=False,
                    end__isnull=False,
                    blocked_until__isnull=False,
                ),
                name="booking_timed_has_therapist_and_time",
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True)
                | models.Q(end__gt=models.F("start"), blocked_until__gte=models.F("end")),
                name="booking_times_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=BookingStatus.AWAITING_CLEARANCE)
                | models.Q(intake__isnull=False),
                name="booking_clearance_needs_intake",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_sent_at__isnull=True) | models.Q(start__isnull=False),
                name="booking_reminder_needs_time",
            ),
            models.UniqueConstraint(
                fields=["reschedules"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="booking_one_open_reschedule",
                violation_error_message=_("This appointment already has a new time waiting."),
            ),
            ExclusionConstraint(
                name="booking_no_double_booking",
                expressions=[
                    (TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("therapist", RangeOperators.EQUAL),
                ],
                condition=models.Q(status__in=BOOKED_STATUSES),
                violation_error_message=_("The therapist is already booked at that time."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def is_stale(self, now: datetime, rules: "ClinicSettings") -> bool:
        return BookingRequest.objects.stale(now, rules).filter(pk=self.pk).exists()

    def answer_due(self, rules: "ClinicSettings") -> datetime:
        """When an open request or a proposal expires unless someone answers."""
        return self.status_changed_at + rules.request_expiry

    def reminded_by_confirmation(self, now: datetime) -> bool:
        """Confirmed so close to the session that the confirmation is the reminder."""
        return self.start - now <= REMINDER_BEFORE

    @property
    def shown_start(self) -> datetime:
        """The time that matters to the client now: the proposed or booked one, else theirs."""
        return self.start or self.requested_start

    @property
    def shown_therapist(self) -> "Therapist | None":
        return self.therapist or self.requested_therapist


class BookingEvent(models.Model):
    """One status change of a booking request: who, when, from what to what. No health detail."""

    class Actor(models.TextChoices):
        STAFF = "staff", _("Staff")
        CLIENT = "client", _("Client")
        SYSTEM = "system", _("System")

    request = models.ForeignKey(
        BookingRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=BookingStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=BookingStatus.choices)
    actor_kind = models.CharField(_("by"), max_length=8, choices=Actor.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(actor_kind="staff") | models.Q(actor__isnull=False),
                name="booking_event_staff_named",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.from_status or '·'} → {self.to_status}"


class DataDeletionRequest(models.Model):
    """A client's request, made from their booking link, to delete what the clinic holds about
    them. Staff decide; carrying it out deletes their intakes (recorded in the intake audit
    trail), cancels open requests and blanks their contact details on every booking request,
    whose history stays."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        CARRIED_OUT = "carried_out", _("Carried out")
        REFUSED = "refused", _("Refused")

    booking = models.ForeignKey(
        BookingRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion_requests",
        verbose_name=_("booking request"),
    )
    reference = models.CharField(_("booking reference"), max_length=9)
    email = models.EmailField(
        _("client's email"), blank=True, help_text=_("Blanked once the request is carried out.")
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    intakes_deleted = models.PositiveIntegerField(_("intakes deleted"), default=0)
    bookings_anonymised = models.PositiveIntegerField(_("booking requests anonymised"), default=0)

    class Meta:
        verbose_name = _("data deletion request")
        verbose_name_plural = _("data deletion requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=models.Q(status="pending"),
                name="one_pending_deletion_per_booking",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="deletion_decision_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return _("Deletion request for %(reference)s") % {"reference": self.reference}
