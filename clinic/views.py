from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


@require_GET
def home(request):
    return render(request, "clinic/home.html")


@require_POST
def finish(request):
    """ "Finish and clear this device": the end of a client's journey on a shared tablet or
    computer. The session goes (answers, result, booking receipt, chosen time, everything), and
    the next person starts from nothing."""
    request.session.flush()
    messages.success(
        request, _("Done. Nothing of your visit is left on this device. Thank you, and take care.")
    )
    return redirect("home")


@never_cache
@require_GET
def healthz(request):
    """Liveness and database check for load balancers and compose."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def robots_txt(request):
    return render(request, "robots.txt", {"site_url": settings.SITE_URL}, content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page from its template alone: no database, no context processors."""
    return HttpResponseServerError(loader.get_template("500.html").render())
