"""m0014_stats: usage statistics (issue 19): the day's raw events, the day's and month's keys, the
distinct visitors of the month not over yet, and the folded counts and distinct visitors. No column
names or identifies a person or a connection.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import (
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    SqliteDatabase,
)

from .frozen import base, stub


def up(migrator, db):
    Base = base(db)
    School = stub(Base, 'school')

    class StatsEvent(Base):
        school = ForeignKeyField(School, null=True, on_delete='CASCADE')
        day = DateField(index=True)
        hour = SmallIntegerField()
        kind = CharField(max_length=6)
        profile = CharField(max_length=8)
        feature = CharField(max_length=10)
        device = CharField(max_length=8)
        at_school = BooleanField()
        day_visitor = CharField(max_length=16)
        month_visitor = CharField(max_length=16)

        class Meta:
            table_name = 'stats_event'

    class StatsKey(Base):
        period = CharField(primary_key=True, max_length=10)
        secret = CharField(max_length=64)

        class Meta:
            table_name = 'stats_key'

    class StatsMonthSeen(Model):        # no id, no created_at: nothing tells when a visitor was first seen
        month = DateField()
        school = ForeignKeyField(School, on_delete='CASCADE')
        profile = CharField(max_length=8)
        visitor = CharField(max_length=16)

        class Meta:
            database = db
            table_name = 'stats_month_seen'
            primary_key = CompositeKey('month', 'school', 'profile', 'visitor')
            without_rowid = isinstance(getattr(db, 'obj', None) or db, SqliteDatabase)   # no rowid: no order

    class StatsCount(Base):
        school = ForeignKeyField(School, null=True, on_delete='CASCADE')
        day = DateField(index=True)
        hour = SmallIntegerField()
        profile = CharField(max_length=8)
        feature = CharField(max_length=10)
        device = CharField(max_length=8)
        at_school = BooleanField()
        visits = IntegerField(default=0)
        signins = IntegerField(default=0)

        class Meta:
            table_name = 'stats_count'

    class StatsVisitors(Base):
        school = ForeignKeyField(School, null=True, on_delete='CASCADE')
        period = CharField(max_length=5)
        starts_on = DateField(index=True)
        dimension = CharField(max_length=9)
        value = CharField(max_length=10)
        visitors = IntegerField()

        class Meta:
            table_name = 'stats_visitors'

    db.create_tables([StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors])
