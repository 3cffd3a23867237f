"""When a reader last opened an area of a class (its blog, its albums): what the homes show as
"new since your last visit"."""
from peewee import CharField, DateTimeField, ForeignKeyField

from .accounts import Classroom, User
from .base import BaseModel, now

AREAS = ('blog', 'photos')


class Visit(BaseModel):
    """Written only when something new was there (no write per page view)."""
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    classroom = ForeignKeyField(Classroom, backref='+', on_delete='CASCADE')
    area = CharField(max_length=10)
    seen_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('user', 'classroom', 'area'), True),)


__all__ = ['AREAS', 'Visit']
