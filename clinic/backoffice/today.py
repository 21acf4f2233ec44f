"""What the Today page shows: the sessions of today and tomorrow, and what needs someone's
action, each with the link to act on it. Plain functions with a fixed number of queries,
whatever the number of bookings; the view only renders what `today_page()` returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.booking.availability import local_midnight
from clinic.booking.models import (
    WAITING_FOR_CLINIC,
    BookingRequest,
    BookingStatus,
    DataDeletionRequest,
    Therapist,
)
from clinic.booking.visit_checks import checked_for_visit_at
from clinic.core.models import ClinicSettings
from education.models import ReaderQuestion
from intake.models import Intake, recheck_needed, severity
from intake.triage import Level

# Each list shows this many rows at most, with the total and a link to all of them.
SHOWN = 10


@dataclass
class Item:
    """One row of a list: words, the link to act on it, and optional extras."""

    url: str
    label: str
    detail: str = ""
    when: dt.datetime | None = None
    due: dt.datetime | None = None
    level: str = ""
    level_label: str = ""
    status: str = ""
    status_label: str = ""


TITLES = {
    "intakes": _("Intakes to review"),
    "requests": _("Requests awaiting clearance or an answer"),
    "proposals": _("Proposals about to expire"),
    "questions": _("Reader questions waiting"),
    "deletions": _("Deletion requests pending"),
}


@dataclass
class Section:
    key: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    all_url: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.key]


@dataclass
class Day:
    date: dt.date
    sessions: list[BookingRequest]


def therapist_of(user) -> Therapist | None:
    """The signed-in person's therapist profile; None for the owner or the front desk."""
    if user.is_superuser:
        return None
    return Therapist.objects.filter(user=user).first()


def level_label(level: str) -> str:
    try:
        return Level(level).label
    except ValueError:
        return level


def sessions(days: list[dt.date], rules: ClinicSettings, therapist: Therapist | None) -> list[Day]:
    """Confirmed sessions on each of `days` (clinic time), earliest first: one query."""
    # Confirmed sessions, and those a pre-visit re-check has put on hold (they keep their time
    # until a therapist clears the new answers: clinic/booking/recheck.py).
    rows = (
        BookingRequest.objects.filter(
            Q(status=BookingStatus.CONFIRMED)
            | Q(status=BookingStatus.AWAITING_CLEARANCE, start__isnull=False),
            start__gte=local_midnight(days[0], rules.zone),
            start__lt=local_midnight(days[-1] + dt.timedelta(days=1), rules.zone),
        )
        .select_related("service", "therapist")
        .annotate(intake_level=F("intake__level"), checked_at=F("intake__created_at"))
        .order_by("start", "therapist__display_name")
    )
    if therapist is not None:
        rows = rows.filter(therapist=therapist)
    by_day: dict[dt.date, list[BookingRequest]] = {day: [] for day in days}
    for booking in rows:
        booking.local_start = timezone.localtime(booking.start, rules.zone)
        booking.local_end = timezone.localtime(booking.end, rules.zone)
        booking.admin_url = reverse("admin:clinic_bookingrequest_change", args=[booking.pk])
        booking.level_label = level_label(booking.intake_level) if booking.intake_level else ""
        booking.on_hold = booking.status == BookingStatus.AWAITING_CLEARANCE
        # Spec section 3, rule 6: an intake older than 7 days must be re-run ("re-check
        # needed"); the check-first questions are asked again at every visit, so a check not
        # answered for this visit is still to be asked at the door.
        booking.recheck_needed = recheck_needed(booking.checked_at, booking.start)
        booking.ask_at_door = not checked_for_visit_at(booking.checked_at, booking.start)
        booking.door_check_url = reverse("backoffice_door_check", args=[booking.reference])
        by_day[booking.local_start.date()].append(booking)
    return [Day(day, by_day[day]) for day in days]


def intakes_to_review() -> Section:
    """Intakes nobody has reviewed yet, the most severe first (no name, no answer)."""
    new = Intake.objects.filter(review_status=Intake.ReviewStatus.NEW)
    rows = (
        new.annotate(rank=severity())
        .order_by("-rank", "created_at")
        .only("pk", "level", "created_at")[:SHOWN]
    )
    items = [
        Item(
            url=intake.get_admin_url(),
            label=str(intake),
            when=intake.created_at,
            level=intake.level,
            level_label=level_label(intake.level),
        )
        for intake in rows
    ]
    all_url = reverse("admin:intake_intake_changelist") + "?review_status__exact=new"
    return Section("intakes", items, new.count(), all_url)


def _for_therapist(rows: QuerySet, therapist: Therapist | None) -> QuerySet:
    """A therapist sees the requests for them and for any therapist."""
    if therapist is None:
        return rows
    return rows.filter(
        Q(therapist=therapist)
        | Q(requested_therapist=therapist)
        | Q(therapist__isnull=True, requested_therapist__isnull=True)
    )


def requests_needing_action(
    now: dt.datetime, rules: ClinicSettings, therapist: Therapist | None
) -> tuple[Section, Section]:
    """Requests waiting for the clinic (clearance or an answer), and proposals about to expire
    unanswered by the client; soonest to expire first. Two queries."""
    rows = _for_therapist(BookingRequest.objects.needs_action(now, rules), therapist)
    waiting_filter = Q(status__in=WAITING_FOR_CLINIC)
    totals = rows.aggregate(
        waiting=Count("pk", filter=waiting_filter),
        proposals=Count("pk", filter=~waiting_filter),
    )
    waiting = Section("requests", total=totals["waiting"])
    proposals = Section("proposals", total=totals["proposals"])
    changelist = reverse("admin:clinic_bookingrequest_changelist")
    waiting.all_url = f"{changelist}?status__in={','.join(WAITING_FOR_CLINIC)}"
    proposals.all_url = f"{changelist}?status__exact={BookingStatus.PROPOSED}"
    shown = rows.select_related("service").order_by("status_changed_at", "pk")
    waiting_rows = list(shown.filter(waiting_filter)[:SHOWN])
    proposal_rows = list(shown.exclude(waiting_filter)[:SHOWN]) if proposals.total else []
    for section, bookings in ((waiting, waiting_rows), (proposals, proposal_rows)):
        for booking in bookings:
            section.items.append(
                Item(
                    url=reverse("admin:clinic_bookingrequest_change", args=[booking.pk]),
                    label=f"{booking.reference} · {booking.client_name}",
                    detail=booking.service.name,
                    when=booking.shown_start,
                    due=booking.answer_due(rules),
                    status=booking.status,
                    status_label=booking.get_status_display(),
                )
            )
    return waiting, proposals


def questions_waiting() -> Section:
    """Reader questions waiting for an answer (the article's title, not the question)."""
    pending = ReaderQuestion.objects.filter(status=ReaderQuestion.Status.PENDING)
    rows = pending.select_related("article").only("pk", "asked_at", "article__title")
    items = [
        Item(
            url=reverse("admin:education_readerquestion_change", args=[question.pk]),
            label=question.article.title,
            when=question.asked_at,
        )
        for question in rows.order_by("asked_at", "pk")[:SHOWN]
    ]
    all_url = reverse("admin:education_readerquestion_changelist") + "?status__exact=pending"
    return Section("questions", items, pending.count(), all_url)


def deletions_pending() -> Section:
    pending = DataDeletionRequest.objects.filter(status=DataDeletionRequest.Status.PENDING)
    items = [
        Item(
            url=reverse("admin:clinic_datadeletionrequest_change", args=[deletion.pk]),
            label=deletion.reference,
            when=deletion.requested_at,
        )
        for deletion in pending.order_by("requested_at", "pk")[:SHOWN]
    ]
    all_url = reverse("admin:clinic_datadeletionrequest_changelist") + "?status__exact=pending"
    return Section("deletions", items, pending.count(), all_url)


def today_page(user, *, now: dt.datetime | None = None, everyone: bool = False) -> dict:
    """Everything the Today page shows `user`, by what they may see: the level only with
    intake.view_intake, each list only with the permission to open its rows."""
    now = now or timezone.now()
    rules = ClinicSettings.load()
    therapist = None if everyone else therapist_of(user)
    today = timezone.localtime(now, rules.zone).date()
    days = [today, today + dt.timedelta(days=1)]
    sees_level = user.has_perm("intake.view_intake")
    action: list[Section] = []
    if sees_level:
        action.append(intakes_to_review())
    if user.has_perm("clinic.view_bookingrequest"):
        action.extend(requests_needing_action(now, rules, therapist))
    if user.has_perm("education.view_readerquestion") or user.has_perm(
        "education.change_readerquestion"
    ):
        action.append(questions_waiting())
    if user.has_perm("clinic.view_datadeletionrequest"):
        action.append(deletions_pending())
    return {
        "now": now,
        "zone_name": rules.time_zone,
        "therapist": therapist,
        "own_therapist": therapist_of(user) if everyone else therapist,
        "days": sessions(days, rules, therapist)
        if user.has_perm("clinic.view_bookingrequest")
        else [],
        "sees_level": sees_level,
        "action": action,
    }
