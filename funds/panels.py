"""The funds' panel on a project's page (``projects.panels``): the allocations the user may see."""

from __future__ import annotations

from accounts.models import User
from funds import permissions
from funds.models import FundAllocation
from projects.models import Project
from projects.panels import Panel


def allocations_panel(user: User, project: Project) -> Panel | None:
    # No panel at all, rather than an empty one, for roles without the funds pages.
    if not permissions.can_view(user):
        return None
    allocations = FundAllocation.objects.visible_to(user).filter(project=project).select_related("batch")
    return Panel(template="funds/project_panel.html", context={"allocations": allocations})
