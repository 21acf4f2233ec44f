from django.urls import path

from clinic.core.page_cache import cache_public_page
from education import feeds, views

app_name = "education"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("feed/", cache_public_page()(feeds.LatestArticlesFeed()), name="feed"),
    path("<slug:slug>/", views.article_detail, name="article_detail"),
    path("<slug:slug>/ask/", views.ask, name="ask"),
]
