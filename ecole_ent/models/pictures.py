"""Picture passwords (see ecole_ent/pictures/service.py): the classes that use them, and each
pupil's random seed, from which the installation's secret derives the pupil's 3 pictures."""
from peewee import CharField, DateTimeField, ForeignKeyField

from .accounts import Classroom, User
from .base import BaseModel, now


class PictureClass(BaseModel):
    """A class whose pupils may sign in with pictures: the switch is on while the row exists."""
    classroom = ForeignKeyField(Classroom, unique=True, backref='+', on_delete='CASCADE')
    enabled_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')


class PicturePassword(BaseModel):
    """A pupil's picture password: a random seed (never the pictures themselves); a new seed is a
    renewal, and the old sequence stops working at once."""
    pupil = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    seed = CharField(max_length=32)
    issued_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    issued_at = DateTimeField(default=now)
