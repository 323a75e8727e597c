"""The table of the "shared" cache (settings.CACHES), made with the schema so that no deployment
step can be forgotten; createcachetable leaves an existing table alone."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("targets", "0008_note_last_submitted_index")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
