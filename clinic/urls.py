from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from clinic import views
from clinic.staff import passkeys
from education import sitemaps

# The public site in each language: English at /…, Spanish at /es/… (clinic/core/locale.py).
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("therapists/", views.therapists, name="therapists"),
    path("visit/", views.visit, name="visit"),
    path("finish/", views.finish, name="finish"),
    path("articles/", include("education.urls")),
    path("intake/", include("intake.urls")),
    path("book/", include("clinic.booking.urls")),
    path("my/", include("clinic.booking.my_urls")),
    path("program/", include("clinic.program.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    path("media/therapists/<str:name>", views.therapist_photo, name="therapist_photo"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    # Clinic settings moved from the booking app to core; old bookmarks still arrive.
    path(
        f"{settings.ADMIN_URL}clinic/clinicsettings/<path:rest>",
        RedirectView.as_view(url=f"/{settings.ADMIN_URL}core/clinicsettings/%(rest)s"),
    ),
    path(f"{settings.ADMIN_URL}today/", include("clinic.backoffice.urls")),
    # The passkey ceremonies (django-otp-webauthn's JSON endpoints, our staff-only checks).
    path(
        f"{settings.ADMIN_URL}second-factor/passkey/",
        include((passkeys.urlpatterns, passkeys.URL_NAMESPACE)),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
