"""Each school's calendar settings: its holiday zone and the weekdays it has class."""
from peewee import CharField, ForeignKeyField

from .accounts import School
from .base import BaseModel


class SchoolCalendar(BaseModel):
    """Written when the director first saves the calendar page; until then school_calendar.service
    uses the zone of the school's academy (from its UAI) and a four-day week."""
    school = ForeignKeyField(School, unique=True, backref='+', on_delete='CASCADE')
    zone = CharField(null=True, max_length=40)        # 'A', 'B', 'C' or a zone of the data folder's file
    weekdays = CharField(default='0,1,3,4', max_length=20)   # Monday is 0; '0,1,2,3,4': Wednesday morning

    class Meta:
        table_name = 'school_calendar'


__all__ = ['SchoolCalendar']
