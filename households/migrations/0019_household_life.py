from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("households", "0018_pairings_from_grants")]

    operations: list[migrations.operations.base.Operation] = []
