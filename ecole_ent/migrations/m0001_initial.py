"""m0001: schools, years, classes, people, links, sessions, throttling, audit.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .frozen import base, now


def up(migrator, db):
    Base = base(db)

    class School(Base):
        uai = CharField(unique=True, max_length=8)
        name = CharField(max_length=200)
        accent = CharField(default='blue', max_length=20)

    class SchoolYear(Base):
        school = ForeignKeyField(School, on_delete='CASCADE')
        label = CharField(max_length=9)
        current = BooleanField(default=True)

        class Meta:
            indexes = ((('school', 'label'), True),)

    class Classroom(Base):
        school = ForeignKeyField(School, on_delete='CASCADE')
        year = ForeignKeyField(SchoolYear, on_delete='CASCADE')
        name = CharField(max_length=100)
        niveaux = CharField(max_length=60)
        archived = BooleanField(default=False)
        external_id = CharField(null=True, max_length=200)

    class User(Base):
        login = CharField(unique=True, max_length=120)
        first_name = CharField(max_length=100)
        last_name = CharField(max_length=100)
        roles = CharField(max_length=100)
        status = CharField(default='active', max_length=10, index=True)
        school = ForeignKeyField(School, null=True, on_delete='SET NULL')
        email = CharField(null=True, max_length=200)
        external_id = CharField(null=True, max_length=200)
        source = CharField(default='local', max_length=10)
        password_hash = CharField(null=True, max_length=200)
        must_change_password = BooleanField(default=False)
        activation_hash = CharField(null=True, max_length=64, index=True)
        activation_expires = DateTimeField(null=True)
        image_rights = CharField(null=True, max_length=10)
        image_rights_by = ForeignKeyField('self', null=True, on_delete='SET NULL')
        image_rights_at = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        disabled_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=now)

        class Meta:
            indexes = ((('source', 'external_id'), True),)

    class Enrolment(Base):
        pupil = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        niveau = CharField(max_length=4)
        started_on = DateField(null=True)
        ended_on = DateField(null=True)
        source = CharField(default='local', max_length=10)

    class Teaching(Base):
        teacher = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        source = CharField(default='local', max_length=10)

        class Meta:
            indexes = ((('teacher', 'classroom'), True),)

    class GuardianLink(Base):
        guardian = ForeignKeyField(User, on_delete='CASCADE')
        pupil = ForeignKeyField(User, on_delete='CASCADE')
        relation = CharField(default='parent', max_length=20)
        legal_authority = BooleanField(default=True)
        source = CharField(default='local', max_length=10)

        class Meta:
            indexes = ((('guardian', 'pupil'), True),)

    class LoginSession(Base):
        token_hash = CharField(primary_key=True, max_length=64)
        user = ForeignKeyField(User, on_delete='CASCADE')
        expires_at = DateTimeField(index=True)
        last_seen_at = DateTimeField(default=now)
        remote_addr = CharField(null=True, max_length=64)

    class Throttle(Base):
        key = CharField(primary_key=True, max_length=200)
        failures = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        updated_at = DateTimeField(default=now)

    class AuditEvent(Base):
        actor = ForeignKeyField(User, null=True, on_delete='SET NULL')
        school = ForeignKeyField(School, null=True, on_delete='SET NULL')
        action = CharField(max_length=60, index=True)
        target = CharField(default='', max_length=200)
        details = TextField(default='{}')

    db.create_tables([School, SchoolYear, Classroom, User, Enrolment, Teaching, GuardianLink,
                      LoginSession, Throttle, AuditEvent])
