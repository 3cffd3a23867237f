"""m0006: the readers' last visits, per area of a class (blog, photos), replace the blog's own.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from datetime import datetime, timezone

from peewee import SQL, CharField, DateTimeField, ForeignKeyField, Model


def _now():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def up(migrator, db):
    class Base(Model):
        created_at = DateTimeField(default=_now)

        class Meta:
            database = db
            legacy_table_names = False

    class Classroom(Base):
        class Meta:
            table_name = 'classroom'

    class User(Base):
        class Meta:
            table_name = 'user'

    class BlogVisit(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        seen_at = DateTimeField(default=_now)

    class Visit(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        area = CharField(max_length=10)
        seen_at = DateTimeField(default=_now)

        class Meta:
            indexes = ((('user', 'classroom', 'area'), True),)

    db.create_tables([Visit])
    Visit.insert_from(
        BlogVisit.select(BlogVisit.created_at, BlogVisit.user, BlogVisit.classroom, SQL("'blog'"),
                         BlogVisit.seen_at),
        [Visit.created_at, Visit.user, Visit.classroom, Visit.area, Visit.seen_at]).execute()
    db.drop_tables([BlogVisit])
