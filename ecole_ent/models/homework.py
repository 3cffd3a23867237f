"""The homework notebook (cahier de textes): entries given to a class or some of its niveaux, their
files, the pupils' "fait", each school's subject list, and the private calendar feeds."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import Classroom, School, User
from .base import BaseModel, now


class Subject(BaseModel):
    """A school's subject list, as its director edits it; a school without rows uses the default
    list (homework.subjects.DEFAULT). Entries keep the subject's name as text, so editing the list
    never changes past homework."""
    school = ForeignKeyField(School, backref='+', on_delete='CASCADE')
    name = CharField(max_length=60)
    position = IntegerField(default=0)

    class Meta:
        table_name = 'homework_subject'
        indexes = ((('school', 'name'), True),)


class Homework(BaseModel):
    """One entry: what a class (or some of its niveaux) has to do for a day. Readers see it once
    publish_at (naive UTC) has passed; its teachers see it from the start."""
    classroom = ForeignKeyField(Classroom, backref='homework', on_delete='CASCADE')
    author = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    niveaux = CharField(default='', max_length=60)     # '' every niveau of the class, else 'CE1,CE2'
    subject = CharField(max_length=60)
    given_on = DateField()
    due_on = DateField()
    body_source = TextField(default='')                # the author's Markdown
    body_html = TextField(default='')                  # sanitised HTML made from it (blog.markup)
    links = TextField(default='')                      # http(s) addresses, one a line
    publish_at = DateTimeField(default=now)
    series = CharField(null=True, max_length=32)       # the entries of one weekly repeat share it
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('classroom', 'due_on'), False),)

    @property
    def niveau_list(self):
        return [n for n in self.niveaux.split(',') if n]

    @property
    def link_list(self):
        return [line for line in self.links.splitlines() if line.strip()]


class HomeworkFile(BaseModel):
    """A file of an entry: a PDF or an audio file stored as sent (media.files), or an image run
    through the media pipeline (kind 'jpg', the display rendition's hash)."""
    homework = ForeignKeyField(Homework, backref='files', on_delete='CASCADE')
    kind = CharField(max_length=4)
    name = CharField(max_length=120)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()

    class Meta:
        table_name = 'homework_file'


class HomeworkDone(BaseModel):
    """A pupil ticked "fait" (created_at: when)."""
    homework = ForeignKeyField(Homework, backref='ticks', on_delete='CASCADE')
    pupil = ForeignKeyField(User, backref='+', on_delete='CASCADE')

    class Meta:
        table_name = 'homework_done'
        indexes = ((('homework', 'pupil'), True), (('pupil', 'homework'), False))


class CalendarFeed(BaseModel):
    """A private iCalendar address of one child's homework, for a guardian (or the pupil): the
    token itself is never stored, only its keyed hash; renewing bumps the generation."""
    owner = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    child = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    generation = IntegerField(default=0)
    token_hash = CharField(unique=True, max_length=64)
    active = BooleanField(default=True)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = 'calendar_feed'
        indexes = ((('owner', 'child'), True),)


__all__ = ['Subject', 'Homework', 'HomeworkFile', 'HomeworkDone', 'CalendarFeed']
