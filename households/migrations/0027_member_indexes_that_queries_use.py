# A member's name keeps only its prefix index (pattern operators), its ID number only its plain index: the indexes
# ``db_index`` made are dropped by name. Not AlterField: on PostgreSQL, Django's AlterField of a field losing
# db_index drops every index on the column, the partial unique index of present members included. Reversed, the
# indexes db_index made come back.

from django.db import migrations, models

DROPPED = (
    "households_householdmember_name_0e9b7f4a",
    "households_householdmember_name_0e9b7f4a_like",
    "households_householdmember_id_number_f0c4b4ac",
    "households_householdmember_id_number_f0c4b4ac_like",
)
TABLE = "households_householdmember"


def drop(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore(apps, schema_editor):
    """The indexes db_index makes: a plain one per column, and on PostgreSQL a pattern-operator one beside it."""
    for column, name in (("name", DROPPED[0]), ("id_number", DROPPED[2])):
        schema_editor.execute(f'CREATE INDEX "{name}" ON "{TABLE}" ("{column}")')
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'CREATE INDEX "{name}_like" ON "{TABLE}" ("{column}" varchar_pattern_ops)')


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0026_visit_household_index_led_by_the_dated_one"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="householdmember",
                    name="id_number",
                    field=models.CharField(max_length=18, verbose_name="身份证号"),
                ),
                migrations.AlterField(
                    model_name="householdmember",
                    name="name",
                    field=models.CharField(max_length=50, verbose_name="姓名"),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
        migrations.AddIndex(
            model_name="householdmember",
            index=models.Index(
                fields=["name"], name="households_member_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="householdmember",
            index=models.Index(fields=["id_number"], name="households_member_id_number"),
        ),
    ]
