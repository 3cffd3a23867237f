"""m0006: the readers' last visits, per area of a class (blog, photos), replace the blog's own.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import SQL, CharField, DateTimeField, ForeignKeyField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    Classroom, User = stub(Base, 'classroom'), stub(Base, 'user')   # existing tables, referenced only

    class BlogVisit(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        seen_at = DateTimeField(default=now)

    class Visit(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        area = CharField(max_length=10)
        seen_at = DateTimeField(default=now)

        class Meta:
            indexes = ((('user', 'classroom', 'area'), True),)

    db.create_tables([Visit])
    Visit.insert_from(
        BlogVisit.select(BlogVisit.created_at, BlogVisit.user, BlogVisit.classroom, SQL("'blog'"),
                         BlogVisit.seen_at),
        [Visit.created_at, Visit.user, Visit.classroom, Visit.area, Visit.seen_at]).execute()
    db.drop_tables([BlogVisit])
