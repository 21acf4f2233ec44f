"""/book/<reference>/reschedule/: the client picks a new time for their confirmed booking.

The same time picker as /book/ (views/times.py: a week strip, a jump to a date, the day's open
times in groups) for the same session and therapist (any therapist when the booking was asked
for with any), then a confirmation step, then pipeline.reschedule_by_client: a new request the
clinic confirms or declines (the old time stays booked until then), or an immediate move where
the clinic allows it. A time taken meanwhile comes back with the message beside the times and
that day's other open times. Past the cutoff there is nothing to pick: the phone number."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.booking import availability, pipeline
from clinic.booking.forms import ANY_THERAPIST, ChooseServiceForm, RescheduleForm
from clinic.booking.models import BookingStatus
from clinic.booking.tokens import manage_path
from clinic.booking.views.manage import open_link, own_page
from clinic.booking.views.times import time_page_context, zone_in_words
from clinic.core.models import ClinicSettings


def _choice(booking) -> ChooseServiceForm:
    """The session and therapist of the booking, as the time picker's first step would have
    them: its therapist, or any therapist when the client asked for any."""
    if booking.requested_therapist_id:
        data = {"service": booking.service.slug, "therapist": booking.therapist.slug}
        return ChooseServiceForm(data, therapists=[booking.therapist])
    return ChooseServiceForm({"service": booking.service.slug, "therapist": ANY_THERAPIST})


def _with_token(url: str | None, token: str) -> str | None:
    return f"{url}&token={quote(token)}" if url else url


def _picker(request, booking, token, choice, form, *, now, rules, status=200):
    source = request.POST if request.method == "POST" else request.GET
    context = time_page_context(
        request, choice, form, source=source, draft={}, now=now, rules=rules
    )
    for day in context["days"]:
        day["url"] = _with_token(day["url"], token)
    context["previous_url"] = _with_token(context["previous_url"], token)
    context["next_url"] = _with_token(context["next_url"], token)
    context["jump_action"] = own_page("booking_reschedule", booking.reference)
    context["jump_fields"] = [("token", token)]
    context["week_kept_as"] = None  # its links carry the booking's own token
    return render(
        request,
        "clinic/booking_reschedule.html",
        {**_common(booking, token, rules), **context, "step": "times"},
        status=status,
    )


def _common(booking, token, rules) -> dict:
    return {
        "booking": booking,
        "token": token,
        "Status": BookingStatus,
        "rules": rules,
        "zone_words": zone_in_words(rules.time_zone),
        "page_url": own_page("booking_reschedule", booking.reference),
        "back_url": manage_path(booking.reference),
        "allowed": True,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reschedule(request, reference: str):
    rules = ClinicSettings.load()
    now = timezone.now()
    booking, token, ended = open_link(request, reference, now=now)
    if ended is not None:
        return ended
    back = manage_path(reference)
    if booking.status != BookingStatus.CONFIRMED:
        messages.info(
            request,
            _("This booking is “%(status)s”, so its time cannot be changed.")
            % {"status": booking.get_status_display()},
        )
        return redirect(back)
    pending = pipeline.open_reschedule(booking)
    if pending is not None:
        messages.info(
            request,
            _(
                "You have already asked to move this appointment (request %(reference)s). "
                "Please wait for our answer, or cancel that request first."
            )
            % {"reference": pending.reference},
        )
        return redirect(back)
    choice = _choice(booking)
    if not pipeline.changeable_by_client(booking, now, rules) or not choice.is_valid():
        return render(
            request,
            "clinic/booking_reschedule.html",
            {**_common(booking, token, rules), "allowed": False, "step": "closed"},
        )

    form = RescheduleForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return _picker(
            request,
            booking,
            token,
            choice,
            form,
            now=now,
            rules=rules,
            status=400 if form.is_bound else 200,
        )
    start = form.cleaned_data["start"]
    if not form.cleaned_data["confirm"]:
        found = availability.find_slot(
            booking.service,
            choice.chosen_therapist(),
            start,
            now=now,
            rules=rules,
            therapists=choice.therapists,
        )
        if isinstance(found, availability.Unavailable):
            form.add_error("start", pipeline.slot_error(found, rules).message)
            return _picker(request, booking, token, choice, form, now=now, rules=rules, status=409)
        return render(
            request,
            "clinic/booking_reschedule.html",
            {
                **_common(booking, token, rules),
                "step": "confirm",
                "new_start": timezone.localtime(start, rules.zone),
                "start_value": availability.slot_value(start),
                "day": timezone.localtime(start, rules.zone).date(),
                "therapist": choice.chosen_therapist(),
                "moves_now": rules.clients_move_times,
            },
        )
    try:
        result = pipeline.reschedule_by_client(booking, start=start, now=now)
    except pipeline.BookingError as error:
        if error.code.startswith("slot_"):
            form.add_error("start", error.message)
            return _picker(request, booking, token, choice, form, now=now, rules=rules, status=409)
        messages.error(request, error.message)
        return redirect(back)
    when = timezone.localtime(start, rules.zone)
    words = {
        "day": formats.date_format(when, "WEEKDAY_FORMAT"),
        "time": formats.time_format(when, "TIME_FORMAT"),
    }
    if result.pk == booking.pk:
        messages.success(
            request,
            _(
                "Done: your appointment is now on %(day)s at %(time)s. We have emailed you "
                "the new time."
            )
            % words,
        )
    else:
        messages.success(
            request,
            _(
                "Your request for %(day)s at %(time)s is sent. Your current appointment stays "
                "booked until we confirm the new time; we will email you."
            )
            % words,
        )
    return redirect(back)
