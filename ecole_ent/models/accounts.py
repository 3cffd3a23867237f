"""Schools, school years, classes, people, their links, sessions, login throttling, audit."""
import functools
from time import monotonic

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField, Value

from .base import BaseModel, now

ROLES = ('pupil', 'guardian', 'teacher', 'director', 'staff', 'admin')
NIVEAUX = ('TPS', 'PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2')
STATUSES = ('active', 'pending', 'disabled')
CONSENTS = ('granted', 'refused', 'unknown')


class School(BaseModel):
    uai = CharField(unique=True, max_length=8)
    name = CharField(max_length=200)
    accent = CharField(default='blue', max_length=20)
    kiosk = BooleanField(default=False)      # a shared terminal in the hall may sign in (kiosk/)

    _cache = {}
    CACHE_SECONDS = 30   # a renamed school shows within 30 s in every process

    @classmethod
    def cached(cls, school_id):
        """The school, from a short per-process cache: every page shows its name and colour."""
        key = (id(cls._meta.database.obj), school_id)    # a new database (tests) starts afresh
        hit = cls._cache.get(key)
        if hit is None or monotonic() - hit[0] > cls.CACHE_SECONDS:
            hit = cls._cache[key] = (monotonic(), cls.get_by_id(school_id))
        return hit[1]

    def current_year(self):
        return (SchoolYear.select().where((SchoolYear.school == self) & SchoolYear.current)
                .first())


class SchoolYear(BaseModel):
    school = ForeignKeyField(School, backref='years', on_delete='CASCADE')
    label = CharField(max_length=9)                   # '2026-2027'
    current = BooleanField(default=True)

    class Meta:
        indexes = ((('school', 'label'), True),)


class Classroom(BaseModel):
    school = ForeignKeyField(School, backref='classrooms', on_delete='CASCADE')
    year = ForeignKeyField(SchoolYear, backref='classrooms', on_delete='CASCADE')
    name = CharField(max_length=100)
    niveaux = CharField(max_length=60)                # 'CP,CE1': multi-level classes are the norm
    archived = BooleanField(default=False)
    external_id = CharField(null=True, max_length=200)

    @property
    def niveau_list(self):
        return [n for n in self.niveaux.split(',') if n]

    @classmethod
    def of_year(cls, year):
        return cls.select().where((cls.year == year) & ~cls.archived).order_by(cls.name)


class User(BaseModel):
    login = CharField(unique=True, max_length=120)
    first_name = CharField(max_length=100)
    last_name = CharField(max_length=100)
    roles = CharField(max_length=100)                 # comma-separated ROLES
    status = CharField(default='active', max_length=10, index=True)
    school = ForeignKeyField(School, null=True, backref='users', on_delete='SET NULL')
    email = CharField(null=True, max_length=200)
    language = CharField(null=True, max_length=5)         # i18n.LANGUAGES; None: the browser's
    external_id = CharField(null=True, max_length=200)
    source = CharField(default='local', max_length=10)
    password_hash = CharField(null=True, max_length=200)
    must_change_password = BooleanField(default=False)
    activation_hash = CharField(null=True, max_length=64, index=True)
    activation_expires = DateTimeField(null=True)
    image_rights = CharField(null=True, max_length=10)   # pupils only: CONSENTS
    image_rights_by = ForeignKeyField('self', null=True, on_delete='SET NULL')
    image_rights_at = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    disabled_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('source', 'external_id'), True),)

    @property
    def role_set(self):
        """The roles as a set, parsed once per roles text (has_role runs a dozen times a page)."""
        return _role_sets(self.roles)

    def has_role(self, *roles):
        return not self.role_set.isdisjoint(roles)

    @property
    def display_name(self):
        return f'{self.first_name} {self.last_name}'

    @property
    def is_active(self):
        return self.status == 'active'

    @classmethod
    def with_role(cls, role):
        """Users holding `role`; roles are stored as 'teacher,director' (portable, no array type)."""
        padded = Value(',').concat(cls.roles).concat(',')
        return cls.select().where(padded.contains(f',{role},'))


@functools.lru_cache(maxsize=64)
def _role_sets(roles):
    return frozenset(roles.split(','))


class Enrolment(BaseModel):
    """A pupil in a class; ended_on is set when the pupil leaves or changes class."""
    pupil = ForeignKeyField(User, backref='enrolments', on_delete='CASCADE')
    classroom = ForeignKeyField(Classroom, backref='enrolments', on_delete='CASCADE')
    niveau = CharField(max_length=4)
    started_on = DateField(null=True)
    ended_on = DateField(null=True)
    source = CharField(default='local', max_length=10)

    @classmethod
    def current(cls):
        return cls.select().where(cls.ended_on.is_null())


class Teaching(BaseModel):
    teacher = ForeignKeyField(User, backref='teachings', on_delete='CASCADE')
    classroom = ForeignKeyField(Classroom, backref='teachings', on_delete='CASCADE')
    source = CharField(default='local', max_length=10)

    class Meta:
        indexes = ((('teacher', 'classroom'), True),)


class GuardianLink(BaseModel):
    guardian = ForeignKeyField(User, backref='children_links', on_delete='CASCADE')
    pupil = ForeignKeyField(User, backref='guardian_links', on_delete='CASCADE')
    relation = CharField(default='parent', max_length=20)
    legal_authority = BooleanField(default=True)
    source = CharField(default='local', max_length=10)

    class Meta:
        indexes = ((('guardian', 'pupil'), True),)


class LoginSession(BaseModel):
    """Server-side session; the cookie carries a random token, the table its keyed hash."""
    token_hash = CharField(primary_key=True, max_length=64)
    user = ForeignKeyField(User, backref='sessions', on_delete='CASCADE')
    expires_at = DateTimeField(index=True)
    last_seen_at = DateTimeField(default=now)
    remote_addr = CharField(null=True, max_length=64)
    kiosk = BooleanField(default=False)      # opened at /kiosque: expires after a short inactivity


class Throttle(BaseModel):
    """Failed sign-ins per account and address ('login:<login>@<ip>'), per address
    ('addr:<ip>'), wrong card codes per address ('card:<ip>'). See accounts.service."""
    key = CharField(primary_key=True, max_length=200)
    failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)


class AuditEvent(BaseModel):
    actor = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    school = ForeignKeyField(School, null=True, backref='+', on_delete='SET NULL')
    action = CharField(max_length=60, index=True)
    target = CharField(default='', max_length=200)
    details = TextField(default='{}')
