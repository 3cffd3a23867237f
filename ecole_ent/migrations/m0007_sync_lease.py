"""m0007: the directory sync's own lease (sync_lease) goes: the scheduler's lease of the job
directory.sync (a job_lease row) now keeps runs and manual imports apart, with its back-off.

The next scheduled sync follows that job's row as it stands (until now it looked every 10 minutes),
so it may run soon after the upgrade: a sync that finds nothing new changes nothing.
Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import Model


def up(migrator, db):
    class SyncLease(Model):
        class Meta:
            database = db
            table_name = 'sync_lease'

    db.drop_tables([SyncLease])
