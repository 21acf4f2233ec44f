from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from clinic import views
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
    path("articles/", include("education.urls")),
    path("intake/", include("intake.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
