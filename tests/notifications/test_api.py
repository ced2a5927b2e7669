"""The inbox over the API: a user lists their own notifications (unread first filter), marks one or all read, and
never sees another's."""

import pytest

from accounts.roles import Role
from notifications.models import Notification
from notifications.services import notify
from tests.factories import UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_a_user_reads_and_marks_their_notifications_over_the_api(api_client):
    village = VillageFactory()
    cadre = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    other = UserFactory(roles=[Role.VILLAGE_WORKER], area=village)
    mine = [
        notify(recipients=[cadre], topic="entry", title=f"第 {n} 件", url="/monitoring/", area_code=village.code)[0]
        for n in range(3)
    ]
    (theirs,) = notify(recipients=[other], topic="entry", title="别人的", url="/monitoring/", area_code=village.code)
    api_client.force_authenticate(cadre)

    listed = api_client.get("/api/v1/notifications/?unread=true").json()
    assert [row["id"] for row in listed["results"]] == [n.pk for n in reversed(mine)]
    assert api_client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404

    read = api_client.post(f"/api/v1/notifications/{mine[0].pk}/read/").json()
    assert read["read_at"] is not None
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api_client.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
