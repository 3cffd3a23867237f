"""Periodic jobs: one lease row per job (who runs it, until when) and a short run history."""
from peewee import CharField, DateTimeField, IntegerField, TextField

from .base import BaseModel


class JobLease(BaseModel):
    """Claimed with an atomic UPDATE ... WHERE expires_at < now (or an INSERT that ignores a
    conflict): the process whose statement changed the row runs the job (see ecole_ent/scheduler)."""
    name = CharField(primary_key=True, max_length=100)
    holder = CharField(max_length=200)               # 'host:pid' of the process that ran it last
    expires_at = DateTimeField()                     # nobody else starts the job before this
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    failures = IntegerField(default=0)               # consecutive failures (back-off)
    last_error = TextField(null=True)


class JobRun(BaseModel):
    """One run of a job, kept 30 days: `ecole-ent jobs list` and the tests read it."""
    name = CharField(max_length=100)
    holder = CharField(max_length=200)
    started_at = DateTimeField()
    finished_at = DateTimeField(null=True)
    error = TextField(null=True)

    class Meta:
        indexes = ((('name', 'started_at'), False),)
