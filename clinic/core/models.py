"""What every app may read: the clinic's own details and booking rules, one row edited in the
admin. The table keeps the name it had when this lived in the booking app."""

import copy
import itertools
import zoneinfo
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.core import page_cache
from clinic.core.cache import SharedVersion


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(zone)s” is not a time zone name."), params={"zone": value})


# Every page reads the clinic's settings, so each process keeps its own copy of the row, read
# again when VERSION (in the shared cache, asked at most once a second) says it was saved since:
# a request costs no query and, mostly, no cache round trip.
VERSION = SharedVersion("clinic-settings-version")


class _ProcessCopy:
    row: "ClinicSettings | None" = None
    version: str | None = None
    # Counts the rows this process has read: a copy's `revision`, the key under which the
    # page shell built from it (templates/base.html's nav and footer) is kept per process.
    revisions = itertools.count(1)


_process_copy = _ProcessCopy()


def forget_process_copy() -> None:
    """Read the row again on the next load()."""
    _process_copy.row = None


class ClinicSettings(models.Model):
    """The clinic's public details, edited by the owner in the admin. There is one row."""

    name = models.CharField(_("clinic name"), max_length=120, default="Unknot Demo Clinic")
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        default="Deep tissue therapy for upper back knots",
    )
    address = models.TextField(_("address"), default="100 Example Street, Suite 1\nAnytown")
    phone = models.CharField(_("phone"), max_length=40, default="(555) 010-0100")
    email = models.EmailField(_("email"), default="hello@clinic.example")
    opening_hours = models.TextField(
        _("opening hours"),
        default="Monday to Friday 9:00-18:00\nSaturday 9:00-13:00",
        help_text=_("Shown in the footer as written, one line per row."),
    )
    map_link = models.URLField(
        _("map link"),
        blank=True,
        help_text=_(
            "A link that opens the address in a maps app, e.g. from OpenStreetMap or Google "
            "Maps. Left empty, the site links to an OpenStreetMap search for the address."
        ),
    )
    parking = models.TextField(
        _("parking and getting here"),
        blank=True,
        default="Free parking behind the building; the entrance is on the left.\n"
        "Bus stop Main Street & 3rd is a two-minute walk.",
    )
    what_to_bring = models.TextField(
        _("what to bring"),
        blank=True,
        default="Loose, comfortable clothes and a list of any medicines you take.\n"
        "If a doctor has written anything about your back or neck, bring that too.",
    )
    cancellation_policy = models.TextField(
        _("cancellation and no-show policy"),
        default="Plans change: cancel online or by phone, or move your appointment by phone, "
        "free of charge, until the cutoff below. If you cancel later than that or do not "
        "come, we may charge half the price of the session, because the time was kept for you.",
        help_text=_(
            "Shown on the home page and before a client sends a booking request. The cutoff "
            "in hours is set under the booking rules and shown beside this text."
        ),
    )
    # "Your first visit" (/visit/): plain words for someone who has never had deep tissue work.
    visit_what_to_expect = models.TextField(
        _("what to expect"),
        blank=True,
        default="Your therapist first reads your pre-visit check with you and asks where it "
        "hurts, what makes it worse and what you hope for. Then you lie on a padded, warm table, "
        "covered by a sheet except the part being worked on.\n\n"
        "Deep tissue work is slow and firm. It can feel intense, but it should never be sharp "
        "pain. Say “lighter” or “stop” at any time: the therapist changes the pressure at once, "
        "and you never need to explain why.\n\n"
        "Near the end you talk about what they found and, if it helps, one or two simple things "
        "to do at home.",
        help_text=_("Shown on the “Your first visit” page. A blank line starts a new paragraph."),
    )
    visit_what_to_wear = models.TextField(
        _("what to wear"),
        blank=True,
        default="Wear loose, comfortable clothes. For work on the upper back you undress to the "
        "level you are comfortable with, in private, and stay covered by a sheet. If you prefer "
        "to keep a top on, say so: we can work through a thin T-shirt.\n\n"
        "Leave necklaces and long earrings at home, or take them off before the session.",
        help_text=_("Shown on the “Your first visit” page. A blank line starts a new paragraph."),
    )
    visit_arrive_early = models.TextField(
        _("arriving"),
        blank=True,
        default="Please arrive about 10 minutes early for your first visit, so there is time to "
        "find us, use the bathroom and settle in without rushing. Your session starts on time and "
        "ends on time, so arriving late shortens it.",
        help_text=_("Shown on the “Your first visit” page. A blank line starts a new paragraph."),
    )
    visit_aftercare = models.TextField(
        _("aftercare"),
        blank=True,
        default="Drink some water and move gently for the rest of the day; a short walk helps. "
        "Some soreness for a day or two is normal, like after a workout. Warmth (a shower or a "
        "heat pack) usually eases it.\n\n"
        "Call us if the soreness lasts more than three days or gets worse. Call your doctor if "
        "you get a fever, or new numbness or weakness in an arm. Call 911 at once for chest "
        "pain or pressure, new trouble breathing, or sudden weakness or numbness on one side of "
        "your body.",
        help_text=_("Shown on the “Your first visit” page. A blank line starts a new paragraph."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Times on the site and in emails are shown in this zone, e.g. America/Denver."),
    )

    # Booking rules (clinic/booking/availability.py and pipeline.py read them).
    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice (hours)"),
        default=12,
        help_text=_("Clients can request times at least this many hours ahead."),
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"),
        default=60,
        validators=[MinValueValidator(1)],
        help_text=_("Clients can request times up to this many days ahead."),
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("time step (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Open times are offered every this many minutes from the start of hours."),
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cutoff (hours)"),
        default=24,
        help_text=_(
            "Clients can cancel a confirmed appointment online until this many hours before it; "
            "after that they are asked to call."
        ),
    )
    clients_move_times = models.BooleanField(
        _("clients may move a confirmed time themselves"),
        default=False,
        help_text=_(
            "When ticked, a client who picks a new time that is free for the same therapist "
            "has it moved at once (before the cancellation cutoff). When not ticked, the new "
            "time is a request the clinic confirms or declines, and the old time stays booked "
            "until then."
        ),
    )
    request_expiry_hours = models.PositiveSmallIntegerField(
        _("request expiry (hours)"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A request or a proposed time that waits this long for an answer expires, and the "
            "client is told."
        ),
    )

    class Meta:
        db_table = "clinic_clinicsettings"
        verbose_name = _("clinic settings")
        verbose_name_plural = _("clinic settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="clinic_settings_single_row")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        forget_process_copy()
        page_cache.content_changed(VERSION)

    @classmethod
    def load(cls) -> "ClinicSettings":
        """The clinic's settings: this process's copy of the row, read again after a change
        (one query). Each caller gets its own instance to read or change."""
        version = VERSION.current()
        if _process_copy.row is None or version != _process_copy.version:
            row, created = cls.objects.get_or_create(pk=1)
            if created:
                version = VERSION.value  # save() made a new one
            row.revision = next(_process_copy.revisions)
            _process_copy.row, _process_copy.version = row, version
        return copy.copy(_process_copy.row)

    @property
    def map_url(self) -> str:
        """Where "Open in maps" leads: the owner's link, else an OpenStreetMap search for the
        address (no embedded map: nothing from another host loads with the page)."""
        if self.map_link:
            return self.map_link
        query = ", ".join(line.strip() for line in self.address.splitlines() if line.strip())
        return "https://www.openstreetmap.org/search?" + urlencode({"query": query})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(hours=self.minimum_notice_hours)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)

    @property
    def request_expiry(self) -> timedelta:
        return timedelta(hours=self.request_expiry_hours)
