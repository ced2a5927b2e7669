"""The phone app's pages (issue "Visits without signal"): the shell that works without a network, its service
worker and its web app manifest. None of them holds anyone's data: the shell is the same page for every user (the
households come from IndexedDB, filled by the API), so the worker may keep it and open it with no signal."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geo.shortcuts import not_place_bound
from households.forms import VisitForm

# What the visit needs with no network, besides the shell itself.
SHELL_ASSETS = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "vendor/idb/umd.js",
    "js/offline.js",
    "img/favicon.svg",
    "img/offline-192.png",
    "img/offline-512.png",
)


def _texts() -> dict[str, object]:
    """The words offline.js shows, in the page's language ({n}-style placeholders)."""
    return {
        "online": _("在线"),
        "offline": _("离线"),
        "empty": _("本机还没有保存农户。"),
        "summary": _("本机保存了 {n} 户（{scope}），{downloaded} 下载，{expires} 到期后自动删除。"),
        "scopeOption": _("{label}（{n} 户）"),
        "expired": _("本机保存的农户已到期，已自动删除；请联网后重新下载。尚未同步的走访仍保留。"),
        "needOnline": _("联网后才能下载农户。"),
        "login": _("登录已过期，请先登录，再下载或同步。离线登记的走访仍保存在本机。"),
        "loginLink": _("去登录"),
        "otherUser": _("本机保存的是另一位用户的数据，已全部删除。"),
        "cannot": _("您的角色不登记走访，不能下载农户。"),
        "noScopes": _("您没有可下载的农户。"),
        "downloaded": _("已下载 {n} 户，保存到 {expires}。"),
        "downloadFailed": _("下载失败：{message}"),
        "wipeConfirm": _("删除本机保存的农户和全部走访记录（包括尚未同步的）？"),
        "wiped": _("本机数据已删除。"),
        "saved": _("走访已保存到本机，联网后同步。"),
        "syncing": _("正在同步……"),
        "syncDone": _("同步完成：{parts}。"),
        "doneSent": _("保存 {n} 条"),
        "doneConflict": _("{n} 条有冲突"),
        "doneRefused": _("{n} 条被退回"),
        "comma": _("，"),
        "needsYou": _("没有待同步的走访，另有 {n} 条需要您处理（见下方）。"),
        "nothingToSync": _("没有待同步的走访。"),
        "offlineNow": _("现在没有网络，联网后再同步。走访仍保存在本机。"),
        "serverError": _("服务器暂时无法处理，稍后会再试。"),
        "states": {
            "waiting": _("待同步"),
            "sent": _("已同步"),
            "conflict": _("有冲突"),
            "refused": _("被退回"),
        },
        "waitingCount": _("{n} 条待同步"),
        "photos": _("{n} 张照片"),
        "view": _("查看"),
        "conflictIntro": _("下载以后，这户在系统里有了变化："),
        "saveAnyway": _("仍然保存"),
        "discard": _("放弃"),
        "edit": _("修改"),
        "discardConfirm": _("放弃这条走访？放弃后不能恢复。"),
        "riskCount": _("{n} 项风险未消除"),
        "more": _("还有 {n} 户未列出，请输入户编号或户主姓名查找。"),
        "noMatch": _("没有找到农户。"),
        "address": _("住址"),
        "monitoring": _("监测状态"),
        "members": _("在户成员"),
        "risks": _("未消除的风险"),
        "lastVisit": _("上次走访"),
        "due": _("应走访日期"),
        "none": _("无"),
        "notMonitored": _("未纳入监测"),
        "dateRequired": _("请填写走访日期"),
        "dateFuture": _("走访日期不能晚于今天"),
        "nextAfter": _("下次走访日期须晚于本次走访日期"),
        "riskNote": _("发现风险时须说明风险情况"),
        "never": _("无记录"),
        "memberLine": _("{name}（{relationship}，{age} 岁）{id}"),
        "riskLine": _("{type}（{on} 发现）"),
        "labelled": _("{label}："),
        "listSep": _("；"),
        "householdGone": _("这户已不在本机（已到期或已删除），请联网后重新下载。"),
        "fixErrors": _("请更正下面标出的错误。"),
        "photosKept": _("已附的 {n} 张照片会一起提交；重新选择照片将替换它们。"),
        "photoTooBig": _("照片“{name}”超过 {mb} MB，请压缩后上传"),
        "photoTooMany": _("每次走访最多上传 {limit} 张照片，本次为 {count} 张"),
    }


def _shell_html() -> str:
    context = {
        "texts": _texts(),
        "form": VisitForm(auto_id="v_%s", initial={"kind": "routine"}),
        "photo_max_bytes": settings.VISIT_PHOTO_MAX_BYTES,
        "photo_max_count": settings.VISIT_PHOTO_MAX_COUNT,
    }
    return render_to_string("offline/shell.html", context, request=None)


@lru_cache(maxsize=64)
def _file_revision(path: str, modified: float) -> str:
    return hashlib.md5(Path(path).read_bytes(), usedforsecurity=False).hexdigest()[:16]


def _revision(name: str) -> str:
    found = finders.find(name) if settings.WHITENOISE_USE_FINDERS else staticfiles_storage.path(name)
    path = str(found) if found else ""
    return _file_revision(path, Path(path).stat().st_mtime) if path else ""


@login_not_required
@not_place_bound
@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """The offline visit app: downloads, the household list, the visit form and the outbox, drawn by
    static/js/offline.js from what the phone keeps."""
    response = HttpResponse(_shell_html())
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@not_place_bound
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker (Workbox precaching, from npm): the shell and its assets are kept on the phone, each under
    a revision of its content, so a new release replaces them and nothing stale is served."""
    shell_revision = hashlib.md5(_shell_html().encode(), usedforsecurity=False).hexdigest()[:16]
    entries = [{"url": reverse("offline:shell"), "revision": f"{get_language()}-{shell_revision}"}]
    entries += [{"url": static(name), "revision": _revision(name)} for name in SHELL_ASSETS]
    body = render_to_string(
        "offline/sw.js",
        {"workbox": static("vendor/workbox/"), "precache": json.dumps(entries)},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@not_place_bound
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installed from the browser's menu, the app opens on the offline shell."""
    start = reverse("offline:shell")
    return JsonResponse(
        {
            "name": _("离线走访 · 防止返贫动态监测"),
            "short_name": _("离线走访"),
            "lang": get_language(),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#198754",
            "icons": [
                {"src": static("img/offline-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/offline-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
