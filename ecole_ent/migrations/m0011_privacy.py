"""m0011: privacy (RGPD): the trace of erased accounts (so that the directory sync does not bring
them back silently), the history of each pupil's image-rights consent, and the date until which a
closed school year's photos are kept.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    School, SchoolYear, User = stub(Base, 'school'), stub(Base, 'school_year'), stub(Base, 'user')

    class ErasedAccount(Base):
        user = ForeignKeyField(User, null=True, unique=True, on_delete='SET NULL')
        school = ForeignKeyField(School, null=True, on_delete='SET NULL')
        source = CharField(default='local', max_length=10)
        external_id = CharField(null=True, max_length=200)
        role = CharField(max_length=10)
        reason = CharField(max_length=10)
        contributions = CharField(default='kept', max_length=7)
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        disabled_at = DateTimeField(null=True)
        erased_at = DateTimeField(default=now)

        class Meta:
            table_name = 'erased_account'
            indexes = ((('source', 'external_id'), False),)

    class ConsentChange(Base):
        pupil = ForeignKeyField(User, on_delete='CASCADE')
        image_rights = CharField(max_length=10)
        source = CharField(max_length=10)
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        at = DateTimeField(default=now)

        class Meta:
            table_name = 'consent_change'
            indexes = ((('pupil', 'at'), False),)

    class ArchiveDeadline(Base):
        year = ForeignKeyField(SchoolYear, unique=True, on_delete='CASCADE')
        photos_until = DateField()
        set_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        set_at = DateTimeField(default=now)

        class Meta:
            table_name = 'archive_deadline'

    db.create_tables([ErasedAccount, ConsentChange, ArchiveDeadline])
