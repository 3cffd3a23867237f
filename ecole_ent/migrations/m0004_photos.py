"""m0004: class photo albums, photos and the pupils tagged on them.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    Classroom, User = stub(Base, 'classroom'), stub(Base, 'user')   # existing tables, referenced only

    class Album(Base):
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        title = CharField(max_length=200)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        updated_at = DateTimeField(default=now)

    class Photo(Base):
        album = ForeignKeyField(Album, on_delete='CASCADE')
        caption = CharField(default='', max_length=500)
        original_name = CharField(default='', max_length=255)
        full = CharField(max_length=64)
        display = CharField(max_length=64)
        thumb = CharField(max_length=64)
        width = IntegerField()
        height = IntegerField()
        source_sha256 = CharField(max_length=64)
        uploaded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')

        class Meta:
            indexes = ((('album', 'source_sha256'), True),)

    class PhotoTag(Base):
        photo = ForeignKeyField(Photo, on_delete='CASCADE')
        pupil = ForeignKeyField(User, on_delete='CASCADE')

        class Meta:
            indexes = ((('photo', 'pupil'), True),)

    db.create_tables([Album, Photo, PhotoTag])
