from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("households", "0019_household_life")]

    operations: list[migrations.operations.base.Operation] = []
