# Every negative-list hit is answered by its own county override (SPEC §4.7), step 2 of 3: an application's
# earlier override answered the hits recorded up to its time; a hit recorded after it stays unanswered, as it always
# should have. (A migration of its own: on PostgreSQL, rows updated here cannot share a transaction with the
# constraint that step 3 adds to the same table.)

from django.db import migrations


def move_overrides_to_hits(apps, schema_editor):
    application_model = apps.get_model("monitoring", "EntryApplication")
    hit_model = apps.get_model("monitoring", "NegativeListHit")
    overridden = application_model.objects.filter(negative_override_at__isnull=False)
    for application in overridden.iterator():
        hit_model.objects.filter(application=application, recorded_at__lte=application.negative_override_at).update(
            override_reason=application.negative_override_reason or "（原放行未填写理由）",
            overridden_by_id=application.negative_override_by_id,
            overridden_at=application.negative_override_at,
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0014_negative_override_fields")]

    operations = [migrations.RunPython(move_overrides_to_hits, migrations.RunPython.noop)]
