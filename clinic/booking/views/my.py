"""/my/: "my appointments" without an account (the rules are in my_appointments.py).

/my/ asks for the email address and answers every address the same way: one task queued,
then /my/sent/. /my/appointments/?link=... lists the address's requests, each with its own
page and, for a confirmed session still ahead, a calendar file. An altered link (404) or an
ended one (410) shows the form for a new link and changes nothing."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clinic.booking import emails, my_appointments
from clinic.booking.my_forms import MyLinkForm
from clinic.booking.views.times import zone_in_words
from clinic.core import form_guard, ratelimit
from clinic.core.models import ClinicSettings

SCOPE = ratelimit.MY_LINKS.scope


def _language(request) -> str:
    code = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _request_page(request, form: MyLinkForm, *, status: int = 200):
    return render(
        request,
        "clinic/my_request.html",
        {"form": form, "minutes": my_appointments.link_minutes()},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    if request.method != "POST":
        return _request_page(request, MyLinkForm())
    if form_guard.already_sent(request.POST, SCOPE):
        return redirect("my_sent")  # a double click: the first sending counted
    form = MyLinkForm(request.POST)
    if not form.is_valid():
        return _request_page(request, form, status=400)
    admission = form_guard.admit(
        request,
        form,
        ratelimit.MY_LINKS,
        _(
            "Several links were asked for from this device or connection in the last hour. "
            "Please try again in %(minutes)s minutes, or call us."
        ),
    )
    if admission.resent:
        return redirect("my_sent")
    if admission.wait is not None:
        return ratelimit.refuse(_request_page(request, form), admission.wait)
    my_appointments.request_link(form.cleaned_data["email"], language=_language(request))
    return redirect("my_sent")


@never_cache
@require_safe
def sent(request):
    return render(request, "clinic/my_sent.html", {"minutes": my_appointments.link_minutes()})


@never_cache
@require_safe
def appointments(request):
    token = request.GET.get("link")
    if token is None:
        return redirect("my_request")
    try:
        email = my_appointments.address_for(token)
    except my_appointments.LinkError as error:
        return _refused(request, error)
    rules = ClinicSettings.load()
    found = my_appointments.appointments(email, now=timezone.now())
    return render(
        request,
        "clinic/my_appointments.html",
        {
            "found": found,
            "token": token,
            "zone_words": zone_in_words(rules.time_zone),
            "minutes": my_appointments.link_minutes(),
        },
    )


@never_cache
@require_safe
def calendar(request, reference: str):
    """A confirmed session still ahead as a calendar file (.ics), for this link's address."""
    try:
        email = my_appointments.address_for(request.GET.get("link") or "")
    except my_appointments.LinkError as error:
        return _refused(request, error)
    booking = my_appointments.calendar_booking(email, reference)
    if booking is None:
        raise Http404("No such appointment under this link.")
    response = HttpResponse(emails.calendar_file(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response


def _refused(request, error: my_appointments.LinkError):
    """An altered link (404) or an ended one (410): the form for a new link, nothing changed."""
    return render(
        request,
        "clinic/my_link_expired.html",
        {
            "form": MyLinkForm(),
            "expired": error.expired,
            "minutes": my_appointments.link_minutes(),
        },
        status=410 if error.expired else 404,
    )
