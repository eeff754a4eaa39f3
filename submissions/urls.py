from django.urls import path

from submissions import views

app_name = "submissions"

urlpatterns = [
    path("submit/", views.ContributionView.as_view(), name="contribute"),
    path("submit/terms/", views.terms, name="terms"),
    path("enterprise/apply/", views.EntryRequestView.as_view(), name="entry"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("track/", views.track, name="track"),
    path("submissions/attachments/<int:pk>/download/", views.download_attachment, name="attachment_download"),
]
