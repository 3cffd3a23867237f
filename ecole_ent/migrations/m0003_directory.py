"""m0003: directory sync runs and lines, source records, source structures, QR cards, sync lease.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    School, User = stub(Base, 'school'), stub(Base, 'user')   # existing tables, referenced only

    class SyncRun(Base):
        school = ForeignKeyField(School, null=True, on_delete='CASCADE')
        source = CharField(max_length=10)
        kind = CharField(default='complete', max_length=10)
        trigger = CharField(default='cli', max_length=10)
        status = CharField(max_length=10, index=True)
        forced = BooleanField(default=False)
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        finished_at = DateTimeField(default=now)
        created = IntegerField(default=0)
        updated = IntegerField(default=0)
        moved = IntegerField(default=0)
        deactivated = IntegerField(default=0)
        reactivated = IntegerField(default=0)
        unchanged = IntegerField(default=0)
        skipped = IntegerField(default=0)
        purged = IntegerField(default=0)
        message = TextField(default='')
        errors = TextField(default='[]')
        files = TextField(default='')

    class SyncLine(Base):
        run = ForeignKeyField(SyncRun, on_delete='CASCADE')
        external_id = CharField(null=True, max_length=200)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        name = CharField(default='', max_length=200)
        login = CharField(default='', max_length=120)
        action = CharField(max_length=12, index=True)
        detail = TextField(default='')

    class DirectoryRecord(Base):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        source = CharField(max_length=10)
        external_id = CharField(max_length=200)
        data = TextField()
        absent = BooleanField(default=False)

    class SourceStructure(Base):
        source = CharField(max_length=10)
        external_id = CharField(max_length=200)
        school = ForeignKeyField(School, on_delete='CASCADE')

        class Meta:
            indexes = ((('source', 'external_id'), True),)

    class PupilCard(Base):
        pupil = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        issued_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        issued_at = DateTimeField(default=now)

    class SyncLease(Base):
        name = CharField(primary_key=True, max_length=100)
        holder = CharField(default='', max_length=200)
        expires_at = DateTimeField(default=now)
        failures = IntegerField(default=0)
        next_run_at = DateTimeField(null=True)
        last_error = TextField(default='')

    db.create_tables([SyncRun, SyncLine, DirectoryRecord, SourceStructure, PupilCard, SyncLease])
