from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_form, name="form"),
    path("result/", views.result, name="result"),
]
