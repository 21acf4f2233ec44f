from django.urls import path

from clinic.program import views

app_name = "program"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("start/doctor-ok/<str:token>/", views.doctor_ok, name="doctor_ok"),
    path("check-in/<int:week>/", views.check_in, name="check_in"),
    path("baseline/", views.save_baseline, name="baseline"),
    path("email/", views.give_email, name="email"),
    path("email/sent/", views.email_sent, name="email_sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("forget/", views.forget, name="forget"),
    path("<slug:slug>/", views.lesson, name="lesson"),
    path("<slug:slug>/done/", views.mark_done, name="done"),
]
