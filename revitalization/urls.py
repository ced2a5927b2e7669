from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from revitalization.api_urls import urlpatterns as api_v1

urlpatterns = [
    path("", include("web.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("households/", include("households.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("notifications/", include("notifications.urls")),
    path("sweeps/", include("sweeps.urls")),
    path("national/", include("national.urls")),
    path("projects/", include("projects.urls")),
    path("funds/", include("funds.urls")),
    path("credit/", include("credit.urls")),
    path("insurance/", include("insurance.urls")),
    path("employment/", include("employment.urls")),
    path("welfare-posts/", include("welfare_posts.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("offline/", include("offline.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP to refuse.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "core.api.not_found"  # JSON under /api/

admin.site.site_header = "防止返贫动态监测和帮扶系统"
admin.site.site_title = "系统管理"
# Uploaded files are never served as plain static files: each app serves its own through a scoped view.
