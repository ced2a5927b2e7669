"""Reads for the import pages; every one starts from ``visible_to(user)`` (STYLE rule 2)."""

from django.db.models import Q, QuerySet

from accounts.models import User
from geo.codes import AreaLevel
from geo.models import AdminArea
from geo.shortcuts import get_visible_or_404
from households.models import ImportJob


def import_job_list(*, user: User, kind: str | None = None) -> QuerySet[ImportJob]:
    """The user's own import jobs (``visible_to``: a job is its uploader's only), of one kind if given."""
    jobs = ImportJob.objects.visible_to(user).select_related("area")
    return jobs.filter(kind=kind) if kind is not None else jobs


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """One of the user's own jobs; anyone else's, a colleague's included, is the same 404 as a missing one."""
    return get_visible_or_404(ImportJob, user, pk=pk)


def import_area_choices(*, user: User) -> QuerySet[AdminArea]:
    """Where the user may import: their own area, or one village within it."""
    return (
        AdminArea.objects.visible_to(user)
        .filter(Q(pk=user.area_id) | Q(level=AreaLevel.VILLAGE))
        .active()
        .select_related("parent")
        .order_by("code")
    )


def import_template_villages(*, user: User) -> QuerySet[AdminArea]:
    """The village codes listed in the template the user downloads."""
    return AdminArea.objects.visible_to(user).filter(level=AreaLevel.VILLAGE).active().select_related("parent")
