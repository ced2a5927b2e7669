# A member's name keeps only its prefix index (pattern operators), its ID number only its plain index: the indexes
# ``db_index`` made are dropped by name. Not AlterField: on PostgreSQL, Django's AlterField of a field losing
# db_index drops every index on the column, the partial unique index of present members included. Reversed, the
# plain indexes come back (the pattern ones are PostgreSQL's own).

from django.db import migrations, models

DROPPED = (
    "households_householdmember_name_0e9b7f4a",
    "households_householdmember_name_0e9b7f4a_like",
    "households_householdmember_id_number_f0c4b4ac",
    "households_householdmember_id_number_f0c4b4ac_like",
)


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
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name in DROPPED],
                    reverse_sql=[
                        'CREATE INDEX "households_householdmember_name_0e9b7f4a" '
                        'ON "households_householdmember" ("name")',
                        'CREATE INDEX "households_householdmember_id_number_f0c4b4ac" '
                        'ON "households_householdmember" ("id_number")',
                    ],
                ),
            ],
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
