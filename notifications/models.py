from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.querysets import NotificationQuerySet


class Notification(models.Model):
    """Something reached the recipient's queue (SPEC §4.14): a step to take, a returned case, a decision
    on a case they opened. Written in the same transaction as the change it reports; e-mailed after commit where
    e-mail is configured."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    # The managing area of the case: keeps the notification inside the recipient's territory (visible_to).
    area_code = models.CharField(_("区划代码"), max_length=15)
    topic = models.CharField(_("事项"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # A notification a daily job must send once (the overdue steps of a day): a second run writes none, by the
    # constraint below. Empty for the notifications of steps, which are told each time.
    key = models.CharField(_("去重标识"), max_length=80, blank=True, default="")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
