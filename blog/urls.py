from django.urls import path

from . import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/rss/", feeds.LatestPostsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.AtomPostsFeed(), name="feed_atom"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.manage_create, name="manage_create"),
    path("manage/images/", views.manage_image, name="manage_image"),
    path("manage/calendar/", views.manage_calendar, name="manage_calendar"),
    path("manage/<int:pk>/", views.manage_edit, name="manage_edit"),
    path("manage/<int:pk>/preview/", views.manage_preview, name="manage_preview"),
    path("manage/<int:pk>/publication/", views.manage_publication, name="manage_publication"),
    path("manage/<int:pk>/delete/", views.manage_delete, name="manage_delete"),
    path("<slug:slug>/", views.post_detail, name="post"),
]
