"""Usage statistics (ecole_ent/stats/): the day's raw events, folded each night into counts and
distinct-visitor figures. No column names or identifies a person or a connection: no user, login,
address, user agent or session (tests/stats read the schema). A visitor is a keyed hash whose key
(StatsKey) is deleted when its day (or month) is folded, so a hash can no longer be tied to anyone.
The vocabularies below are the one place their values are listed."""
from peewee import (
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
)

from .accounts import School
from .base import BaseModel, database

PROFILES = ('pupil', 'guardian', 'teacher', 'director', 'staff', 'admin')
PROFILE_ORDER = ('admin', 'director', 'teacher', 'staff', 'guardian', 'pupil')   # who counts as what
FEATURES = ('home', 'blog', 'photos', 'homework', 'messages', 'notes', 'directory', 'admin')
DEVICES = ('phone', 'tablet', 'computer', 'kiosk')
KINDS = ('visit', 'signin')              # a page view of a feature, a successful sign-in
PERIODS = ('day', 'month')
DIMENSIONS = ('all', 'profile', 'feature', 'device', 'hour', 'at_school')


def profile_of_roles(roles):
    """An account's one profile: the first of PROFILE_ORDER among its roles (a teacher who is also
    a parent counts as a teacher, a director who teaches as a director); 'staff' for none."""
    return next((profile for profile in PROFILE_ORDER if profile in roles), 'staff')


class StatsEvent(BaseModel):
    """One sign-in or one page view of a feature, kept until the nightly fold. day and hour are the
    installation's local time; feature is '' for a sign-in; day_visitor and month_visitor are keyed
    hashes of the account (StatsKey of that day, of that month)."""
    school = ForeignKeyField(School, null=True, backref='+', on_delete='CASCADE')   # null: the admin
    day = DateField(index=True)
    hour = SmallIntegerField()
    kind = CharField(max_length=6)
    profile = CharField(max_length=8)
    feature = CharField(max_length=10)
    device = CharField(max_length=8)
    at_school = BooleanField()
    day_visitor = CharField(max_length=16)
    month_visitor = CharField(max_length=16)


class StatsKey(BaseModel):
    """The secret of one day ('2026-12-04') or one month ('2026-12'), deleted once folded."""
    period = CharField(primary_key=True, max_length=10)
    secret = CharField(max_length=64)


class StatsMonthSeen(Model):
    """The distinct visitors of a month not over yet, per school and profile (month: its first
    day); folded into StatsVisitors and deleted, with the month's key, once the month is over.
    Nothing tells when a visitor was first seen: no id, no created_at (not a BaseModel), the
    composite primary key as the only order (and on SQLite a table WITHOUT ROWID, m0014). Schools
    only: the installation's admin, who belongs to none, has no month visitors kept (one person)."""
    month = DateField()
    school = ForeignKeyField(School, backref='+', on_delete='CASCADE')
    profile = CharField(max_length=8)
    visitor = CharField(max_length=16)

    class Meta:
        database = database
        legacy_table_names = False
        primary_key = CompositeKey('month', 'school', 'profile', 'visitor')
        without_rowid = True      # SQLite's; the table is built by m0014, which leaves it out on PostgreSQL


class StatsCount(BaseModel):
    """Folded page views and sign-ins per school, day, hour, profile, feature, device, place."""
    school = ForeignKeyField(School, null=True, backref='+', on_delete='CASCADE')
    day = DateField(index=True)
    hour = SmallIntegerField()
    profile = CharField(max_length=8)
    feature = CharField(max_length=10)
    device = CharField(max_length=8)
    at_school = BooleanField()
    visits = IntegerField(default=0)
    signins = IntegerField(default=0)


class StatsVisitors(BaseModel):
    """Distinct people of one period ('day' starting on starts_on, or 'month') for one value of one
    dimension: ('all', ''), ('profile', 'guardian'), ('feature', 'blog'), ('device', 'phone'),
    ('hour', '8'), ('at_school', 'yes'). Distinct counts do not add up across days or values:
    this is why they are folded per dimension."""
    school = ForeignKeyField(School, null=True, backref='+', on_delete='CASCADE')
    period = CharField(max_length=5)
    starts_on = DateField(index=True)
    dimension = CharField(max_length=9)
    value = CharField(max_length=10)
    visitors = IntegerField()


__all__ = ['DEVICES', 'DIMENSIONS', 'FEATURES', 'KINDS', 'PERIODS', 'PROFILE_ORDER', 'PROFILES', 'StatsCount',
           'StatsEvent', 'StatsKey', 'StatsMonthSeen', 'StatsVisitors', 'profile_of_roles']
