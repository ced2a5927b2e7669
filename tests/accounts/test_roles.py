import pytest
from django.contrib.auth.models import Group

from accounts.roles import MATRIX, Capability, Role
from tests.factories import CountyFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_the_matrix_capabilities():
    for role in Role:
        group = Group.objects.get(name=role.value)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == {c.value for c in MATRIX[role]}, role


@pytest.mark.parametrize(
    ("role", "capability", "allowed"),
    [
        # SPEC §1.3 rows read across, at the cells that differ most between roles.
        (Role.TOWNSHIP_CADRE, Capability.TOWNSHIP_REVIEW, True),
        (Role.VILLAGE_WORKER, Capability.TOWNSHIP_REVIEW, False),
        (Role.COUNTY_REVIEWER, Capability.COUNTY_APPROVAL, True),
        (Role.TOWNSHIP_CADRE, Capability.COUNTY_APPROVAL, False),
        (Role.COUNTY_REVIEWER, Capability.OVERRIDE_NEGATIVE_LIST, True),
        (Role.DEPARTMENT_SCREENER, Capability.UPLOAD_SCREENING, True),
        (Role.DEPARTMENT_SCREENER, Capability.BROWSE_HOUSEHOLDS, False),
        (Role.REPORTING_OFFICER, Capability.VIEW_IDENTITY, False),
        (Role.REPORTING_OFFICER, Capability.EXPORT_LEDGERS, True),
        (Role.VILLAGE_WORKER, Capability.EXPORT_LEDGERS, False),
        (Role.COUNTY_FINANCE, Capability.RECORD_FUNDS, True),
        (Role.PROJECT_UNIT, Capability.RECORD_FUNDS, False),
        (Role.PROJECT_UNIT, Capability.RECORD_PAYMENTS, True),
        (Role.SYSTEM_ADMIN, Capability.EDIT_PARAMETERS, True),
        (Role.SUPERVISOR, Capability.EDIT_HOUSEHOLD, False),
        (Role.ASSISTANCE_CADRE, Capability.RECORD_VISIT, True),
        (Role.ASSISTANCE_CADRE, Capability.BROWSE_HOUSEHOLDS, False),
    ],
)
def test_capabilities_follow_the_permission_matrix(role, capability, allowed):
    area = CountyFactory() if role not in (Role.VILLAGE_WORKER,) else VillageFactory()
    user = UserFactory(roles=[role], area=area)
    assert user.has_perm(f"accounts.{capability.value}") is allowed


def test_a_user_with_two_roles_has_the_union():
    user = UserFactory(roles=[Role.COUNTY_REVIEWER, Role.REPORTING_OFFICER], area=CountyFactory())
    assert user.roles == {Role.COUNTY_REVIEWER, Role.REPORTING_OFFICER}
    assert user.has_perm("accounts.county_approval")
    assert user.has_perm("accounts.export_ledgers")
