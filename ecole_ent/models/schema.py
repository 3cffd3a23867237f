"""The schema version: one row, the number of migration steps applied."""
from peewee import IntegerField, Model

from ..db import database


class SchemaVersion(Model):
    version = IntegerField()

    class Meta:
        database = database
        table_name = 'schema_version'
