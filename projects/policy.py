"""The project library's policy values as its pages and services read them from the effective-dated parameters
(``geo.parameters``), each in one place."""

import datetime

from geo.parameters import parameter


def notice_days(area_code: str, *, on: datetime.date) -> int:
    """How long a project notice runs at least, in calendar days (``notice.project_days``, SPEC §8.8): the one
    value the service checks, the page states and the notice form proposes."""
    return int(parameter("notice.project_days", area_code=area_code, on=on))
