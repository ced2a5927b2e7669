from django.urls import path

from national import views

app_name = "national"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("batch/", views.batch, name="batch"),
    path("subjects/<int:pk>/record/", views.record, name="record"),
    path("entries/<int:pk>/correct/", views.correct, name="correct"),
]
