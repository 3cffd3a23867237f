"""m0008: the homework notebook (subjects, entries, their files, pupils' ticks, calendar feeds) and
each school's calendar settings.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    School, Classroom, User = stub(Base, 'school'), stub(Base, 'classroom'), stub(Base, 'user')

    class SchoolCalendar(Base):
        school = ForeignKeyField(School, unique=True, on_delete='CASCADE')
        zone = CharField(null=True, max_length=40)
        weekdays = CharField(default='0,1,3,4', max_length=20)

        class Meta:
            table_name = 'school_calendar'

    class Subject(Base):
        school = ForeignKeyField(School, on_delete='CASCADE')
        name = CharField(max_length=60)
        position = IntegerField(default=0)

        class Meta:
            table_name = 'homework_subject'
            indexes = ((('school', 'name'), True),)

    class Homework(Base):
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        niveaux = CharField(default='', max_length=60)
        subject = CharField(max_length=60)
        given_on = DateField()
        due_on = DateField()
        body_source = TextField(default='')
        body_html = TextField(default='')
        links = TextField(default='')
        publish_at = DateTimeField(default=now)
        series = CharField(null=True, max_length=32)
        updated_at = DateTimeField(default=now)

        class Meta:
            table_name = 'homework'
            indexes = ((('classroom', 'due_on'), False),)

    class HomeworkFile(Base):
        homework = ForeignKeyField(Homework, on_delete='CASCADE')
        kind = CharField(max_length=4)
        name = CharField(max_length=120)
        sha256 = CharField(max_length=64, index=True)
        size = IntegerField()

        class Meta:
            table_name = 'homework_file'

    class HomeworkDone(Base):
        homework = ForeignKeyField(Homework, on_delete='CASCADE')
        pupil = ForeignKeyField(User, on_delete='CASCADE')

        class Meta:
            table_name = 'homework_done'
            indexes = ((('homework', 'pupil'), True), (('pupil', 'homework'), False))

    class CalendarFeed(Base):
        owner = ForeignKeyField(User, on_delete='CASCADE')
        child = ForeignKeyField(User, on_delete='CASCADE')
        generation = IntegerField(default=0)
        token_hash = CharField(unique=True, max_length=64)
        active = BooleanField(default=True)
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = 'calendar_feed'
            indexes = ((('owner', 'child'), True),)

    db.create_tables([SchoolCalendar, Subject, Homework, HomeworkFile, HomeworkDone, CalendarFeed])
