"""Many rows into one table at once, for the demo data at scale: COPY on PostgreSQL (with ids
taken from the table's sequence first, so that the caller knows them), bulk_create elsewhere."""

from django.db import connection
from django.db.models import Model


def insert(model: type[Model], rows: list[dict]) -> list[int]:
    """Insert ``rows`` (column attname: value, for every column but the id and those left at
    their default); returns their ids, in order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model._default_manager.bulk_create([model(**row) for row in rows], batch_size=5000)
        return [record.pk for record in made]
    table = model._meta.db_table
    columns = list(rows[0])
    # COPY writes no column default of the model's own: a field the rows leave out gets it here.
    defaults = {
        field.attname: field.get_default()
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in rows[0] and field.has_default()
    }
    columns += list(defaults)
    with connection.cursor() as cursor:
        # Ids from the table's sequence, as the ORM would take them one by one.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(c) for c in ["id", *columns])
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row.get(column, defaults.get(column)) for column in columns)])
    return ids


def refresh_statistics(*models: type[Model]) -> None:
    """Have PostgreSQL's planner look again at tables just filled in bulk: until autovacuum comes
    round, it plans for the few rows it saw before (a bitmap scan of every submitted note to show
    the review queue's first 50, say). Outside a transaction the tables are vacuumed as well, as
    autovacuum would: their pages marked all-visible, a count reads an index alone."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
