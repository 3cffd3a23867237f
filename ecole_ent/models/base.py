"""BaseModel bound to the one database proxy; timestamps in naive UTC."""
from datetime import UTC, datetime

from peewee import DateTimeField, Model

from ..db import database


def now():
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    created_at = DateTimeField(default=now)

    class Meta:
        database = database
        legacy_table_names = False
