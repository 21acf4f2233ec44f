import re

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from clinic.booking import catalogue
from clinic.core.page_cache import cache_public_page
from education.models import Article
from intake import steps as intake_steps

# The clinic's front pages: what it offers, who works there, the first visit. Each reads a
# bounded number of rows (tests assert the query count), is the same for every anonymous reader
# of its address, and so is kept in the shared cache (clinic/core/page_cache.py).


@cache_public_page()
@require_safe
def home(request):
    articles = (
        Article.objects.published()
        .in_language(request.LANGUAGE_CODE)
        .only("language", "title", "slug", "summary", "reading_minutes")
    )
    catalogue_version, services, therapists = catalogue.front_lists()
    return render(
        request,
        "clinic/home.html",
        {
            "services": services,
            "therapists": therapists,
            "catalogue_version": catalogue_version,
            "articles": list(articles[:3]),
            "check_steps": intake_steps.LAST,
            "check_minutes": intake_steps.MINUTES,
        },
    )


@cache_public_page()
@require_safe
def services(request):
    return render(request, "clinic/services.html", {"services": catalogue.bookable_services()})


@cache_public_page()
@require_safe
def therapists(request):
    return render(request, "clinic/therapists.html", {"therapists": catalogue.active_therapists()})


@cache_public_page()
@require_safe
def visit(request):
    return render(
        request,
        "clinic/visit.html",
        {"check_steps": intake_steps.LAST, "check_minutes": intake_steps.MINUTES},
    )


PHOTO_NAME = re.compile(r"[a-z0-9-]+\.(?:webp|jpe?g|png)")
PHOTO_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


@require_GET
def therapist_photo(request, name: str):
    """A therapist's photo from MEDIA_ROOT/therapists/ (WhiteNoise serves static files only).
    Names carry the photo's content hash, so a browser may keep one for a year."""
    if not PHOTO_NAME.fullmatch(name):
        raise Http404
    try:
        photo = default_storage.open(f"therapists/{name}")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(photo, content_type=PHOTO_TYPES[name.rpartition(".")[2]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


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


@cache_public_page()
@require_safe
def robots_txt(request):
    return render(request, "robots.txt", {"site_url": settings.SITE_URL}, content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page from its template alone: no database, no context processors."""
    return HttpResponseServerError(loader.get_template("500.html").render())
