"""Privacy (RGPD): erased accounts, the image-rights consent history, and the date until which a
closed school year's photos are kept (see ecole_ent/privacy/)."""
from peewee import CharField, DateField, DateTimeField, ForeignKeyField

from .accounts import School, SchoolYear, User
from .base import BaseModel, now

ERASE_REASONS = ('retention', 'request')       # the leavers' rule, or the director on request
CONTRIBUTIONS = ('kept', 'deleted')            # the blog posts and comments of the erased account
CONSENT_SOURCES = ('onde', 'aaf1d', 'ldap', 'directory', 'director', 'admin', 'family')


class ErasedAccount(BaseModel):
    """The trace of an erasure: the User row stays, under neutral names (« Ancien élève »), so that
    the contributions kept keep an author. For an erasure on request this row keeps the directory's
    id of the person, so that a later sync reports them instead of creating the account again
    (privacy/erase.py); a leaver erased by the retention rule may come back as a new account."""
    user = ForeignKeyField(User, null=True, unique=True, backref='+', on_delete='SET NULL')
    school = ForeignKeyField(School, null=True, backref='+', on_delete='SET NULL')
    source = CharField(default='local', max_length=10)
    external_id = CharField(null=True, max_length=200)
    role = CharField(max_length=10)                # the person's main role: pupil, guardian, staff...
    reason = CharField(max_length=10)              # ERASE_REASONS
    contributions = CharField(default='kept', max_length=7)
    actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    disabled_at = DateTimeField(null=True)         # when the account stopped being expected
    erased_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('source', 'external_id'), False),)


class ConsentChange(BaseModel):
    """One change of a pupil's image-rights consent: which value, from which source, by whom, when."""
    pupil = ForeignKeyField(User, backref='consent_changes', on_delete='CASCADE')
    image_rights = CharField(max_length=10)        # models.CONSENTS
    source = CharField(max_length=10)              # CONSENT_SOURCES
    actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    at = DateTimeField(default=now)

    class Meta:
        indexes = ((('pupil', 'at'), False),)


class ArchiveDeadline(BaseModel):
    """The date the director chose until which a closed school year's photos stay in the archive
    families download; without one, the rule's default applies (privacy.photos_months)."""
    year = ForeignKeyField(SchoolYear, unique=True, backref='+', on_delete='CASCADE')
    photos_until = DateField()
    set_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    set_at = DateTimeField(default=now)


__all__ = ['CONSENT_SOURCES', 'CONTRIBUTIONS', 'ERASE_REASONS', 'ArchiveDeadline', 'ConsentChange',
           'ErasedAccount']
