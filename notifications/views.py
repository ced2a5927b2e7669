"""The inbox: thin views over the selectors and services. A notification belongs to its recipient inside their
territory (``visible_to``); another user's is 404."""

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts.http import AuthenticatedHttpRequest
from geo.mixins import JurisdictionScopedMixin
from geo.shortcuts import get_visible_or_404, scoped_view
from notifications.models import Notification
from notifications.services import notification_read, notifications_read_all


class NotificationListView(JurisdictionScopedMixin, ListView[Notification]):
    model = Notification
    paginate_by = 30
    template_name = "notifications/notification_list.html"

    def scope_queryset(self, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=True) if self.request.GET.get("unread") == "1" else queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["unread_only"] = self.request.GET.get("unread") == "1"
        return context


@scoped_view(model=Notification)
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and goes to what it is about."""
    notification = get_visible_or_404(Notification, request.user, pk=pk)
    notification_read(notification=notification, actor=request.user)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:notification-list")
    return HttpResponseRedirect(notification.url)


@require_POST
@scoped_view(post_only=True)
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_read_all(actor=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("notifications:notification-list")
