"""The working day's pages: thin views over today.py and calendar.py."""

import datetime as dt

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clinic.backoffice import calendar
from clinic.backoffice import today as working_day
from clinic.booking.models import Therapist
from clinic.core.models import ClinicSettings

# Ten years either way is plenty for a calendar.
FURTHEST_DAYS = 3660


def _links(request) -> dict:
    user = request.user
    return {
        "can_requests": user.has_perm("clinic.view_bookingrequest"),
        "can_intakes": user.has_perm("intake.view_intake"),
        "can_questions": user.has_perm("education.view_readerquestion")
        or user.has_perm("education.change_readerquestion"),
        "can_hours": user.has_perm("clinic.view_workinghours"),
        "can_time_off": user.has_perm("clinic.view_timeoff"),
    }


@require_GET
def today(request):
    everyone = request.GET.get("who") == "all"
    context = {
        **admin.site.each_context(request),
        **_links(request),
        **working_day.today_page(request.user, everyone=everyone),
        "title": _("Today"),
        "everyone": everyone,
    }
    return render(request, "admin/backoffice/today.html", context)


def _chosen(request, rules) -> tuple[dt.date, str, dt.date]:
    """The date asked for (else today, clinic time) and the therapist's slug ("" for all)."""
    local_today = timezone.localdate(timezone=rules.zone)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = local_today
    if abs((day - local_today).days) > FURTHEST_DAYS:
        day = local_today
    who = request.GET.get("therapist", "")
    if not who:
        own = working_day.therapist_of(request.user)
        who = own.slug if own is not None else "all"
    return day, ("" if who == "all" else who), local_today


def _calendar(request, span: str):
    rules = ClinicSettings.load()
    day, slug, local_today = _chosen(request, rules)
    therapists = calendar.therapists_shown(slug)
    names = {"day": "backoffice_calendar", "week": "backoffice_calendar_week"}

    def link(target: dt.date, view: str = span, who: str = slug or "all") -> str:
        return (
            reverse(names[view]) + "?" + urlencode({"date": target.isoformat(), "therapist": who})
        )

    if span == "week":
        first = calendar.week_start(day)
        step = dt.timedelta(days=7)
        grids = calendar.week_grids(first, therapists, rules, lambda d, t: link(d, "day", t.slug))
    else:
        first = day
        step = dt.timedelta(days=1)
        grids = calendar.day_grids(day, therapists, rules)
    context = {
        **admin.site.each_context(request),
        **_links(request),
        "title": _("Calendar"),
        "span": span,
        "day": day,
        "first": first,
        "last": first + step - dt.timedelta(days=1),
        "grids": grids if therapists else [],
        "zone_name": rules.time_zone,
        "chosen": slug or "all",
        "choices": Therapist.objects.filter(active=True).only("slug", "display_name"),
        "unknown": bool(slug) and not therapists,
        "previous_url": link(first - step),
        "next_url": link(first + step),
        "today_url": link(local_today),
        "day_url": link(day, "day"),
        "week_url": link(day, "week"),
    }
    return render(request, "admin/backoffice/calendar.html", context)


@require_GET
def calendar_day(request):
    return _calendar(request, "day")


@require_GET
def calendar_week(request):
    return _calendar(request, "week")
