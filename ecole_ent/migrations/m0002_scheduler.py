"""m0002: periodic jobs, their leases (one process runs each job per period) and run history.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField, DateTimeField, IntegerField, TextField

from .frozen import base


def up(migrator, db):
    Base = base(db)

    class JobLease(Base):
        name = CharField(primary_key=True, max_length=100)
        holder = CharField(max_length=200)
        expires_at = DateTimeField()
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        failures = IntegerField(default=0)
        last_error = TextField(null=True)

    class JobRun(Base):
        name = CharField(max_length=100)
        holder = CharField(max_length=200)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        error = TextField(null=True)

        class Meta:
            indexes = ((('name', 'started_at'), False),)

    db.create_tables([JobLease, JobRun])
