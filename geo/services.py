"""Writes to administrative areas. Areas are never deleted (SPEC §1.1 "Divisions change", §15 C-20)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from geo.codes import PARENT_LEVEL, AreaCodeError, level_of, parent_code
from geo.models import AdminArea


def area_get_by_code(code: str) -> AdminArea:
    """The area with this code, or a clear Chinese error for a malformed or unknown code."""
    code = (code or "").strip()
    try:
        level_of(code)
    except AreaCodeError as exc:
        raise DomainError(str(exc), field="area") from exc
    area = AdminArea.objects.filter(code=code).first()
    if area is None:
        raise DomainError(_("区划代码“%(code)s”不存在") % {"code": code}, field="area")
    return area


@transaction.atomic
def area_create(*, code: str, name: str, valid_from: datetime.date | None = None) -> AdminArea:
    """Create an area under the parent its code names; the code fixes the level (SPEC §1.1)."""
    code = code.strip()
    name = name.strip()
    try:
        level = level_of(code)
    except AreaCodeError as exc:
        raise DomainError(str(exc), field="code") from exc
    if not name:
        raise DomainError(_("区划名称不能为空"), field="name")
    if AdminArea.objects.filter(code=code).exists():
        raise DomainError(_("区划代码“%(code)s”已存在") % {"code": code}, field="code")
    parent = None
    upper = parent_code(code) if PARENT_LEVEL[level] else None
    if upper is not None:
        parent = AdminArea.objects.filter(code=upper).first()
        if parent is None:
            raise DomainError(
                _("区划代码“%(code)s”的上级区划“%(upper)s”不存在，请先建立上级区划") % {"code": code, "upper": upper},
                field="code",
            )
        if not parent.is_active:
            raise DomainError(_("上级区划“%(name)s”已停用，不能在其下新建区划") % {"name": parent.name}, field="code")
    return AdminArea.objects.create(code=code, name=name, level=level, parent=parent, valid_from=valid_from)


@transaction.atomic
def area_rename(*, area: AdminArea, name: str, reason: str) -> AdminArea:
    """Rename an area; the old name stays in its history with the reason (C-20)."""
    name = name.strip()
    if not name:
        raise DomainError(_("区划名称不能为空"), field="name")
    area = AdminArea.objects.select_for_update().get(pk=area.pk)
    area.name = name
    area._change_reason = reason  # type: ignore[attr-defined]  # read by django-simple-history
    area.save(update_fields=["name"])
    return area


@transaction.atomic
def area_merge(*, area: AdminArea, into: AdminArea, on: datetime.date, reason: str) -> AdminArea:
    """Retire ``area`` as merged into ``into`` (撤并). Records attached to the old area keep pointing at it, so
    history is never lost; its code still lies under its old parent's prefix, so the old jurisdiction keeps
    seeing them. Moving live households to the successor is a separate, audited registry step."""
    area = AdminArea.objects.select_for_update().get(pk=area.pk)
    if area.pk == into.pk:
        raise DomainError(_("不能将区划并入其自身"), field="into")
    if area.level != into.level:
        raise DomainError(
            _("只能并入同级区划：“%(name)s”为%(level)s，“%(name2)s”为%(level2)s")
            % {
                "name": area.name,
                "level": area.get_level_display(),
                "name2": into.name,
                "level2": into.get_level_display(),
            },
            field="into",
        )
    if not area.is_active:
        raise DomainError(
            _("“%(name)s”已于 %(valid_to)s 停用") % {"name": area.name, "valid_to": area.valid_to}, field="area"
        )
    if not into.is_active:
        raise DomainError(_("“%(name)s”已停用，不能作为并入区划") % {"name": into.name}, field="into")
    if area.children.filter(valid_to__isnull=True).exists():
        raise DomainError(_("“%(name)s”仍有未停用的下级区划，请先处理下级区划") % {"name": area.name}, field="area")
    area.valid_to = on
    area.replaced_by = into
    area._change_reason = reason  # type: ignore[attr-defined]
    area.save(update_fields=["valid_to", "replaced_by"])
    return area
