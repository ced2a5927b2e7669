from django.urls import path

from welfare_posts import views

app_name = "welfare_posts"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("new/", views.post_create, name="post-create"),
    path("attendance/", views.attendance_grid, name="attendance-grid"),
    path("<int:pk>/", views.PostDetailView.as_view(), name="post-detail"),
    path("<int:pk>/hire/", views.hire_create, name="hire-create"),
    path("<int:pk>/close/", views.post_close, name="post-close"),
    path("hires/<int:pk>/", views.HireDetailView.as_view(), name="hire-detail"),
    path("hires/<int:pk>/pay/", views.payment_create, name="payment-create"),
    path("hires/<int:pk>/exit/", views.hire_exit, name="hire-exit"),
]
