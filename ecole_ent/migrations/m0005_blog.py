"""m0005: class blogs: settings, posts, comments, attachments, readers' last visits.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    Classroom, User = stub(Base, 'classroom'), stub(Base, 'user')   # existing tables, referenced only

    class Blog(Base):
        classroom = ForeignKeyField(Classroom, unique=True, on_delete='CASCADE')
        comment_policy = CharField(default='moderated', max_length=10)

    class Post(Base):
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        title = CharField(max_length=200)
        body_source = TextField(default='')
        body_html = TextField(default='')
        status = CharField(max_length=10)
        visibility = CharField(default='families', max_length=10)
        publish_at = DateTimeField(null=True)
        reject_reason = CharField(default='', max_length=300)
        moderated_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        moderated_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=now)

        class Meta:
            indexes = ((('classroom', 'status', 'publish_at'), False),
                       (('visibility', 'status', 'publish_at'), False))

    class Comment(Base):
        post = ForeignKeyField(Post, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        body = TextField()
        status = CharField(max_length=10)
        reject_reason = CharField(default='', max_length=300)
        moderated_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        moderated_at = DateTimeField(null=True)

        class Meta:
            indexes = ((('post', 'status'), False),)

    class Attachment(Base):
        post = ForeignKeyField(Post, on_delete='CASCADE')
        kind = CharField(max_length=4)
        name = CharField(max_length=120)
        sha256 = CharField(max_length=64, index=True)
        size = IntegerField()

    class BlogVisit(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, on_delete='CASCADE')
        seen_at = DateTimeField(default=now)

        class Meta:
            indexes = ((('user', 'classroom'), True),)

    db.create_tables([Blog, Post, Comment, Attachment, BlogVisit])
