"""What the migration steps build on: the base model of a step's frozen tables, the default of
their timestamps, and stubs for the tables a step only references.

This module is frozen like a released step: a step released with one of these names must build the
same schema forever, so never change what a name here returns (its columns, its Meta, its
default); when a later step needs something else, add a new name beside the old one.

Steps m0001 to m0006 were rewritten once to use it (issue 13), the one exception to "a released
step is never edited": the SQL schema they build was compared before and after and is the same
(tests/test_schema.py compares it with the models' on every run).
"""
from datetime import UTC, datetime

from peewee import DateTimeField, Model


def now():
    """The default of created_at and updated_at: naive UTC, as the models store it."""
    return datetime.now(UTC).replace(tzinfo=None)


def base(db):
    """The base model of one step's tables, bound to `db`: a created_at column, and table names in
    snake_case (legacy_table_names off: SchoolYear is school_year)."""
    class Base(Model):
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            legacy_table_names = False
    return Base


def stub(base_model, table_name):
    """An existing table that the step's foreign keys reference, declared by name only (the step
    creates nothing for it and never reads its columns)."""
    name = ''.join(part.title() for part in table_name.split('_'))
    return type(name, (base_model,), {'__module__': base_model.__module__,
                                      'Meta': type('Meta', (), {'table_name': table_name})})
