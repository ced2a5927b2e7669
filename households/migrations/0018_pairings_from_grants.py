"""Every paired cadre's object grant becomes a pairing in force from today (the grants kept no date); the grants
are then removed, so that the pairings are the one source of what a cadre sees. Reversing writes the grants of the
pairings in force back."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

PAIRING_CODENAMES = ("view_household", "visit_household")


def grants_to_pairings(apps, schema_editor):
    from households.services.pairing import pairings_from_grants

    grant_model = apps.get_model("households", "HouseholdUserObjectPermission")
    pairing_model = apps.get_model("households", "AssistancePairing")
    pairings_from_grants(grant_model=grant_model, pairing_model=pairing_model, on=timezone.localdate())
    grant_model.objects.filter(permission__codename__in=PAIRING_CODENAMES).delete()


def pairings_to_grants(apps, schema_editor):
    grant_model = apps.get_model("households", "HouseholdUserObjectPermission")
    pairing_model = apps.get_model("households", "AssistancePairing")
    permission_model = apps.get_model("auth", "Permission")
    today = timezone.localdate()
    permissions = list(
        permission_model.objects.filter(content_type__app_label="households", codename__in=PAIRING_CODENAMES)
    )
    in_force = pairing_model.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today)
    for cadre_id, household_id in in_force.values_list("cadre_id", "household_id").distinct():
        for permission in permissions:
            grant_model.objects.get_or_create(user_id=cadre_id, content_object_id=household_id, permission=permission)


class Migration(migrations.Migration):
    dependencies = [("households", "0017_assistance_pairing")]

    operations = [migrations.RunPython(grants_to_pairings, pairings_to_grants)]
