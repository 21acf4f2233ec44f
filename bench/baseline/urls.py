from django.urls import path

from baseline import views

urlpatterns = [
    path("", views.hello, name="hello"),
    path("page/", views.page, name="page"),
]
