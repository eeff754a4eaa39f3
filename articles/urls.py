from django.urls import path, register_converter

from articles import views
from articles.converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail"),
    path("regions/<uslug:slug>/", views.RegionArticles.as_view(), name="region"),
    path("channels/<uslug:slug>/", views.ChannelArticles.as_view(), name="channel"),
    path("tags/<uslug:slug>/", views.TagArticles.as_view(), name="tag"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive"),
    path("search/", views.search_results, name="search"),
]
