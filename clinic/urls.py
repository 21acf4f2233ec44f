from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from clinic import booking_views, views
from education.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("articles/", include("education.urls")),
    path("intake/", include("intake.urls")),
    path("book/", booking_views.book, name="booking_start"),
    path("book/sent/", booking_views.sent, name="booking_sent"),
    re_path(
        r"^book/(?P<reference>UNK-[2-9A-HJKMNP-TV-Z]{5})/$",
        booking_views.manage,
        name="booking_manage",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
