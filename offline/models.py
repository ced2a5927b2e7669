"""What went to which phone and what came back: each download of households for offline use, and each visit a
phone sent with the conflicts its sender chose to override. Both are audit rows, never edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfflineDownload(models.Model):
    """One "take my households offline": who, which households (by scope), how many, until when they may stay on
    the phone (``offline.keep_days``) and whether full ID numbers went with them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="offline_downloads"
    )
    scope = models.CharField(_("下载范围"), max_length=40)
    scope_label = models.CharField(_("范围说明"), max_length=100)
    household_count = models.PositiveIntegerField(_("户数"))
    unmasked = models.BooleanField(_("含完整身份证号"), default=False)
    downloaded_at = models.DateTimeField(_("下载时间"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = _("离线下载记录")
        verbose_name_plural = _("离线下载记录")
        ordering = ["-downloaded_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user} {self.scope_label} {self.downloaded_at:%Y-%m-%d %H:%M}"


class OfflineReceipt(models.Model):
    """A visit that arrived from a phone: when it was captured against which download, when it arrived, and the
    changes on the server its sender saw and chose to save anyway (empty when there were none)."""

    visit = models.OneToOneField(
        "households.Visit", verbose_name=_("走访"), on_delete=models.PROTECT, related_name="offline_receipt"
    )
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("同步时间"), auto_now_add=True)
    overridden = models.JSONField(_("确认保存时的变化"), default=list, blank=True)

    class Meta:
        verbose_name = _("离线走访同步记录")
        verbose_name_plural = _("离线走访同步记录")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.visit_id} {self.received_at:%Y-%m-%d %H:%M}"
