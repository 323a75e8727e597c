"""Many rows into one table at once, for the demo data at scale: COPY on PostgreSQL (with ids
taken from the table's sequence in one block), bulk_create elsewhere."""

from django.db import connection
from django.db.models import Model


def insert(model: type[Model], rows: list[dict]) -> list[int]:
    """Insert ``rows`` (column attname: value, every column but the id); returns their ids, in
    order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
        return [record.pk for record in made]
    table = model._meta.db_table
    columns = list(rows[0])
    with connection.cursor() as cursor:
        # Take a block of len(rows) ids from the sequence in one statement (the demo commands run
        # while nothing else writes to these tables).
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
            " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, len(rows)],
        )
        (last,) = cursor.fetchone()
        ids = list(range(last - len(rows) + 1, last + 1))
        names = ", ".join(connection.ops.quote_name(c) for c in ["id", *columns])
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *row.values()])
    return ids
