from django.contrib import admin
from django.urls import include, path

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("articles/", include("education.urls")),
    path("intake/", include("intake.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"
