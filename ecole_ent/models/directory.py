"""Directory sync: runs and their per-person lines, what each source last said about each
account, structure ids learnt from feeds, pupils' QR sign-in cards."""
import json

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import School, User
from .base import BaseModel, now

COUNTS = ('created', 'updated', 'moved', 'deactivated', 'reactivated', 'unchanged', 'skipped',
          'purged')


class SyncRun(BaseModel):
    """One import attempt: applied, refused (threshold, unknown school) or failed (bad input)."""
    school = ForeignKeyField(School, null=True, backref='sync_runs', on_delete='CASCADE')
    source = CharField(max_length=10)
    kind = CharField(default='complete', max_length=10)           # complete | delta
    trigger = CharField(default='cli', max_length=10)             # cli | admin | schedule
    status = CharField(max_length=10, index=True)                 # applied | refused | failed
    forced = BooleanField(default=False)
    actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    finished_at = DateTimeField(default=now)
    created = IntegerField(default=0)
    updated = IntegerField(default=0)
    moved = IntegerField(default=0)
    deactivated = IntegerField(default=0)
    reactivated = IntegerField(default=0)
    unchanged = IntegerField(default=0)
    skipped = IntegerField(default=0)
    purged = IntegerField(default=0)
    message = TextField(default='')            # why refused or failed, one line
    errors = TextField(default='[]')           # JSON list of non-blocking per-line problems
    files = TextField(default='')              # what was read

    @property
    def error_list(self):
        return json.loads(self.errors or '[]')

    @classmethod
    def latest(cls, school, limit=20):
        return cls.select().where(cls.school == school).order_by(cls.id.desc()).limit(limit)

    @classmethod
    def last_failure(cls, school):
        """The latest run if it did not apply: shown on the admin home until a run succeeds."""
        last = cls.select().where(cls.school == school).order_by(cls.id.desc()).first()
        return last if last and last.status != 'applied' else None


class SyncLine(BaseModel):
    """One person in one run (unchanged people are counted, not listed)."""
    run = ForeignKeyField(SyncRun, backref='lines', on_delete='CASCADE')
    external_id = CharField(null=True, max_length=200)
    user = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    name = CharField(default='', max_length=200)
    login = CharField(default='', max_length=120)
    action = CharField(max_length=12, index=True)
    detail = TextField(default='')

    @classmethod
    def of_run(cls, run, action=None, search=''):
        query = cls.select().where(cls.run == run)
        if action:
            query = query.where(cls.action == action)
        if search:
            query = query.where(cls.name.contains(search) | cls.login.contains(search)
                                | cls.external_id.contains(search))
        return query.order_by(cls.action, cls.name)


class DirectoryRecord(BaseModel):
    """What the source said about an account at the last import, to compare the next one."""
    user = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    source = CharField(max_length=10)
    external_id = CharField(max_length=200)
    data = TextField()                         # records.Person.to_dict() as JSON
    absent = BooleanField(default=False)       # disabled by the sync (not by a person): may return


class SourceStructure(BaseModel):
    """A source's own id for a school (AAF structure id), so deltas can name it."""
    source = CharField(max_length=10)
    external_id = CharField(max_length=200)
    school = ForeignKeyField(School, backref='+', on_delete='CASCADE')

    class Meta:
        indexes = ((('source', 'external_id'), True),)


class PupilCard(BaseModel):
    """A pupil's QR sign-in token, stored as a keyed hash; deleting the row revokes it. The code is
    derived from `seed` with the installation's secret (directory/cards.py), so that the same card
    can be printed again; rows from before m0010 have no seed (their code is unknown)."""
    pupil = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    token_hash = CharField(unique=True, max_length=64)
    issued_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    issued_at = DateTimeField(default=now)
    seed = CharField(null=True, max_length=32)

