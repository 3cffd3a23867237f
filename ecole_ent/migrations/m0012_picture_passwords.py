"""m0012_picture_passwords: the classes whose pupils sign in with a sequence of 3 pictures, and
each pupil's random seed from which the installation's secret derives the sequence (issue 18).

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField, DateTimeField, ForeignKeyField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    Classroom, User = stub(Base, 'classroom'), stub(Base, 'user')

    class PictureClass(Base):
        classroom = ForeignKeyField(Classroom, unique=True, on_delete='CASCADE')
        enabled_by = ForeignKeyField(User, null=True, on_delete='SET NULL')

        class Meta:
            table_name = 'picture_class'

    class PicturePassword(Base):
        pupil = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        seed = CharField(max_length=32)
        issued_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        issued_at = DateTimeField(default=now)

        class Meta:
            table_name = 'picture_password'

    db.create_tables([PictureClass, PicturePassword])
